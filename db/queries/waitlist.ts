// A session's waitlist as applicants and the availability page see it: an entry's place in line (queue order,
// the entries still WAITING ahead of it) and the number waiting per session. Written by activities/waitlist.ts.
import { sql, type Kysely } from 'kysely';
import type { Session, WaitlistPosition } from '../../workflows/definitions.js';
import type { DB } from '../schema.js';

/** An entry's session and place: 1 = the next seat freed there is offered to it; 0 once it no longer waits. */
export async function waitlistPosition(db: Kysely<DB>, entryId: string): Promise<WaitlistPosition | undefined> {
  const entry = await db
    .selectFrom('waitlist_entries as e')
    .select(['e.id', 'e.date', 'e.session', 'e.status'])
    .select((eb) =>
      eb
        .selectFrom('waitlist_entries as ahead')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('ahead.office_code', '=', 'e.office_code')
        .whereRef('ahead.date', '=', 'e.date')
        .whereRef('ahead.session', '=', 'e.session')
        .whereRef('ahead.seq', '<', 'e.seq')
        .where('ahead.status', '=', 'WAITING')
        .as('ahead'),
    )
    .where('e.id', '=', entryId)
    .executeTakeFirst();
  if (!entry) return undefined;
  return { entryId: entry.id, date: entry.date, session: entry.session, position: entry.status === 'WAITING' ? Number(entry.ahead ?? 0) + 1 : 0 };
}

/** The application's latest waitlist entry, with its offer while one is open. */
export async function latestWaitlistEntry(db: Kysely<DB>, applicationId: string) {
  const entry = await db
    .selectFrom('waitlist_entries')
    .select(['id', 'status', 'joined_at', 'offer_id', 'offer_expires_at'])
    .where('application_id', '=', applicationId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!entry) return undefined;
  const place = await waitlistPosition(db, entry.id);
  if (!place) return undefined;
  return { ...place, status: entry.status, joinedAt: entry.joined_at.toISOString(), offer: entry.status === 'OFFERED' && entry.offer_id && entry.offer_expires_at ? { offerId: entry.offer_id, expiresAt: entry.offer_expires_at.toISOString() } : null };
}

/** Entries waiting per session of the office from `from` to `last` (both included), keyed `date/session`. */
export async function waitingCounts(db: Kysely<DB>, officeCode: string, from: string, last: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('waitlist_entries')
    .select(['session', sql<string>`to_char(date, 'YYYY-MM-DD')`.as('day'), (eb) => eb.fn.countAll<string>().as('n')])
    .where('office_code', '=', officeCode)
    .where('date', '>=', from)
    .where('date', '<=', last)
    .where('status', '=', 'WAITING')
    .groupBy(['date', 'session'])
    .execute();
  return new Map(rows.map((r) => [`${r.day}/${r.session as Session}`, Number(r.n)]));
}

/** Each session of `days` with the number of applications waiting for it (`waitlist`). */
export async function withWaitlist<S extends { date: string; session: Session }>(db: Kysely<DB>, officeCode: string, days: { date: string; sessions: S[] }[]) {
  const counts = days.length ? await waitingCounts(db, officeCode, days[0]!.date, days[days.length - 1]!.date) : new Map<string, number>();
  return days.map((day) => ({ ...day, sessions: day.sessions.map((s) => ({ ...s, waitlist: counts.get(`${s.date}/${s.session}`) ?? 0 })) }));
}

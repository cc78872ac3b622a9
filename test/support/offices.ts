// An office of a test file's own, with only the seats it gives: what the file books and finds full is its own doing.
import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { SESSIONS, type SeatKind, type Session } from '../../workflows/definitions.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A new office (a free three-letter code starting with `prefix`) with the seats given; every other kind and session has none. */
export async function officeWith(db: Kysely<DB>, prefix: string, timeZone: string, quotas: Partial<Record<Session, Partial<Record<SeatKind, number>>>>): Promise<string> {
  const sessionQuotas = Object.fromEntries(SESSIONS.map((s) => [s, { REGULAR: 0, PRIORITY: 0, SAME_DAY: 0, ...quotas[s] }]));
  for (;;) {
    const code = `${prefix}${LETTERS[randomInt(26)]}${LETTERS[randomInt(26)]}`;
    const inserted = await db
      .insertInto('offices')
      .values({ code, name: `Test office ${code}`, city: 'Palu', address: 'Jl. Uji No. 1, Palu', time_zone: timeZone, regular_quota: 0, same_day_quota: 0, priority_quota: 0, session_quotas: JSON.stringify(sessionQuotas) })
      .onConflict((oc) => oc.column('code').doNothing())
      .returning('code')
      .executeTakeFirst();
    if (inserted) return inserted.code;
  }
}

/** Out of /offices for the files that share the database; the rows stay for the applications that name them. */
export async function retireOffices(db: Kysely<DB>, codes: string[]): Promise<void> {
  if (codes.length) await db.updateTable('offices').set({ retired_at: new Date() }).where('code', 'in', codes).execute();
}

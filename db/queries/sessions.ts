// Appointment sessions: how many seats each has and how many are left, per office, day and session. The
// booking activity takes and gives back seats (activities/booking.ts); the API shows what is left.
import type { Kysely } from 'kysely';
import { SEAT_KINDS, SESSIONS, type SeatKind, type Session, type SessionQuotas } from '../../workflows/definitions.js';
import { bookingWindow } from '../calendar.js';
import type { DB } from '../schema.js';
import { getOffice } from './offices.js';
import { serviceDays, type ServiceDayOffice } from './service-days.js';

/** An office's daily quota per kind of seat split between its two sessions, the morning taking the odd seat. */
export function splitDailyQuotas(daily: Record<SeatKind, number>): SessionQuotas {
  const split = (round: (n: number) => number) => Object.fromEntries(SEAT_KINDS.map((kind) => [kind, round(daily[kind] / 2)])) as Record<SeatKind, number>;
  return { MORNING: split(Math.ceil), AFTERNOON: split(Math.floor) };
}

export interface KindSeats {
  capacity: number;
  seatsLeft: number;
}
export interface SessionSeats extends KindSeats {
  date: string;
  session: Session;
  /** Per kind of seat; `capacity` and `seatsLeft` above are the regular seats'. */
  seats: Record<SeatKind, KindSeats>;
}

/**
 * Every session of the office's service days from `from` to `last` (both included, a bounded run of dates): a
 * session's slot row of a kind holds its capacity once its first seat is taken; until then it has the day's quota.
 */
export async function seatsBetween(db: Kysely<DB>, office: ServiceDayOffice, from: string, last: string): Promise<{ date: string; sessions: SessionSeats[] }[]> {
  const days = await serviceDays(db, office, from, last);
  if (days.size === 0) return [];
  const rows = await db
    .selectFrom('appointment_slots')
    .select(['date', 'session', 'kind', 'capacity', 'booked'])
    .where('office_code', '=', office.code)
    .where('date', '>=', from)
    .where('date', '<=', last)
    .execute();
  const taken = new Map(rows.map((r) => [`${r.date}/${r.session}/${r.kind}`, r]));
  return [...days].map(([date, quotas]) => ({
    date,
    sessions: SESSIONS.map((session) => {
      const seats = Object.fromEntries(
        SEAT_KINDS.map((kind) => {
          const row = taken.get(`${date}/${session}/${kind}`);
          const capacity = row?.capacity ?? quotas[session][kind];
          return [kind, { capacity, seatsLeft: Math.max(0, capacity - (row?.booked ?? 0)) }];
        }),
      ) as Record<SeatKind, KindSeats>;
      return { date, session, ...seats.REGULAR, seats };
    }),
  }));
}

/**
 * Up to `limit` sessions with a seat left of one of `kinds` (the application's, default REGULAR), from `date` on
 * (the full one excluded), inside the booking window.
 */
export async function nextAvailableSessions(
  db: Kysely<DB>,
  officeCode: string,
  date: string,
  horizonDays: number,
  { kinds = ['REGULAR'], limit = 5 }: { kinds?: SeatKind[]; limit?: number } = {},
): Promise<SessionSeats[]> {
  const office = await getOffice(db, officeCode);
  const window = await bookingWindow(db, { timeZone: office.time_zone, now: new Date(), horizonDays });
  const from = date > window.from ? date : window.from;
  const days = await seatsBetween(db, office, from, window.until);
  return days
    .flatMap((d) => d.sessions)
    .filter((s) => kinds.some((kind) => s.seats[kind].seatsLeft > 0))
    .slice(0, limit);
}

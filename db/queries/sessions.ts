// Appointment sessions: how many seats each has and how many are left, per office, day and session. The
// booking activity takes and gives back seats (activities/booking.ts); the API shows what is left.
import type { Kysely } from 'kysely';
import { addDays } from '../../workflows/calendar.js';
import { SEAT_KINDS, SESSIONS, type SeatKind, type Session, type SessionQuotas } from '../../workflows/definitions.js';
import { bookingWindow } from '../calendar.js';
import type { DB } from '../schema.js';
import { getOffice } from './offices.js';
import { serviceDays, type ServiceDayOffice } from './service-days.js';

/**
 * A day's regular quota is split between the morning and the afternoon session. A session's row is created
 * with this capacity when its first seat is taken; until then it has all its seats.
 */
export const sessionCapacity = (regularQuota: number, session: Session): number =>
  session === 'MORNING' ? Math.ceil(regularQuota / 2) : Math.floor(regularQuota / 2);

/** An office's daily quota per kind of seat split between its two sessions, the morning taking the odd seat. */
export function splitDailyQuotas(daily: Record<SeatKind, number>): SessionQuotas {
  const split = (round: (n: number) => number) => Object.fromEntries(SEAT_KINDS.map((kind) => [kind, round(daily[kind] / 2)])) as Record<SeatKind, number>;
  return { MORNING: split(Math.ceil), AFTERNOON: split(Math.floor) };
}

export interface SessionSeats {
  date: string;
  session: Session;
  capacity: number;
  seatsLeft: number;
}

/** Every session of the office's service days from `from` to `last` (both included): at most a bounded run of dates. */
export async function seatsBetween(
  db: Kysely<DB>,
  office: ServiceDayOffice,
  from: string,
  last: string,
): Promise<{ date: string; sessions: SessionSeats[] }[]> {
  if (from > last) return [];
  const until = addDays(last, 1);
  const days = await serviceDays(db, office, from, last);
  const rows = await db
    .selectFrom('appointment_slots')
    .select(['date', 'session', 'capacity', 'booked'])
    .where('office_code', '=', office.code)
    .where('kind', '=', 'REGULAR')
    .where('date', '>=', from)
    .where('date', '<', until)
    .execute();
  const taken = new Map(rows.map((r) => [`${r.date}/${r.session}`, r]));
  return [...days].map(([date, quotas]) => ({
    date,
    sessions: SESSIONS.map((session) => {
      const row = taken.get(`${date}/${session}`);
      const capacity = row?.capacity ?? quotas[session].REGULAR;
      return { date, session, capacity, seatsLeft: Math.max(0, capacity - (row?.booked ?? 0)) };
    }),
  }));
}

/** Up to `limit` sessions with seats left, from `date` on (the full one excluded), inside the booking window. */
export async function nextAvailableSessions(db: Kysely<DB>, officeCode: string, date: string, horizonDays: number, limit = 5): Promise<SessionSeats[]> {
  const office = await getOffice(db, officeCode);
  const window = await bookingWindow(db, { timeZone: office.time_zone, now: new Date(), horizonDays });
  const from = date > window.from ? date : window.from;
  const days = await seatsBetween(db, office, from, window.until);
  return days.flatMap((d) => d.sessions).filter((s) => s.seatsLeft > 0).slice(0, limit);
}

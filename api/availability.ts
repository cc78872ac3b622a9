// Seats per office, day and session, read from PostgreSQL. A session with no row yet has all its seats:
// the booking activity creates the row with the same capacity (`sessionCapacity`) when the first seat is taken.
import type { Kysely } from 'kysely';
import { loadHolidays, sessionCapacity } from '../activities/booking.js';
import { bookingWindow } from '../db/calendar.js';
import type { DB } from '../db/schema.js';
import { addDays, datesBetween, isWorkingDay } from '../workflows/calendar.js';
import { SESSIONS, type Session } from '../workflows/definitions.js';

export interface SessionSeats {
  date: string;
  session: Session;
  capacity: number;
  seatsLeft: number;
}

interface Office {
  code: string;
  time_zone: string;
  regular_quota: number;
}

/** Every session of the working days from `from` to `last` (both included): at most a bounded run of dates. */
export async function seatsBetween(db: Kysely<DB>, office: Office, from: string, last: string): Promise<{ date: string; sessions: SessionSeats[] }[]> {
  if (from > last) return [];
  const until = addDays(last, 1);
  const holidays = await loadHolidays(db);
  const rows = await db
    .selectFrom('appointment_slots')
    .select(['date', 'session', 'capacity', 'booked'])
    .where('office_code', '=', office.code)
    .where('date', '>=', from)
    .where('date', '<', until)
    .execute();
  const taken = new Map(rows.map((r) => [`${r.date}/${r.session}`, r]));
  const result: { date: string; sessions: SessionSeats[] }[] = [];
  for (const date of datesBetween(from, until)) {
    if (!isWorkingDay(date, holidays)) continue;
    result.push({
      date,
      sessions: SESSIONS.map((session) => {
        const row = taken.get(`${date}/${session}`);
        const capacity = row?.capacity ?? sessionCapacity(office.regular_quota, session);
        return { date, session, capacity, seatsLeft: Math.max(0, capacity - (row?.booked ?? 0)) };
      }),
    });
  }
  return result;
}

/** Up to `limit` sessions with seats left, from `date` on (the full one excluded), inside the booking window. */
export async function nextAvailableSessions(db: Kysely<DB>, officeCode: string, date: string, horizonDays: number, limit = 5): Promise<SessionSeats[]> {
  const office = await db.selectFrom('offices').select(['code', 'time_zone', 'regular_quota']).where('code', '=', officeCode).executeTakeFirstOrThrow();
  const window = await bookingWindow(db, { timeZone: office.time_zone, now: new Date(), horizonDays });
  const from = date > window.from ? date : window.from;
  const days = await seatsBetween(db, office, from, window.until);
  return days.flatMap((d) => d.sessions).filter((s) => s.seatsLeft > 0).slice(0, limit);
}

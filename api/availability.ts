// Seats per office, day and session, read from PostgreSQL. A session with no row yet has all its seats:
// the booking activity creates the row with the same capacity (`sessionCapacity`) when the first seat is taken.
import type { Kysely } from 'kysely';
import { loadHolidays, sessionCapacity } from '../activities/booking.js';
import type { DB } from '../db/schema.js';
import { addDays, isWorkingDay, localDate } from '../workflows/calendar.js';
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

/** The first day an appointment can be booked: tomorrow, office local (the booking activity's rule). */
export const firstBookableDay = (office: Office, now = new Date()): string => addDays(localDate(now, office.time_zone), 1);

/** Every session of the working days in [from, from + days). */
export async function seatsBetween(db: Kysely<DB>, office: Office, from: string, days: number): Promise<{ date: string; sessions: SessionSeats[] }[]> {
  const until = addDays(from, days);
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
  for (let date = from; date < until; date = addDays(date, 1)) {
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

/** Up to `limit` sessions with seats left, from `date` on (the full one excluded), within 60 days. */
export async function nextAvailableSessions(db: Kysely<DB>, officeCode: string, date: string, limit = 5): Promise<SessionSeats[]> {
  const office = await db.selectFrom('offices').select(['code', 'time_zone', 'regular_quota']).where('code', '=', officeCode).executeTakeFirstOrThrow();
  const from = date > firstBookableDay(office) ? date : firstBookableDay(office);
  const days = await seatsBetween(db, office, from, 60);
  return days.flatMap((d) => d.sessions).filter((s) => s.seatsLeft > 0).slice(0, limit);
}

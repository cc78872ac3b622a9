// The published booking horizon at the API: a date past it, or past the loaded holiday calendar, is a 400
// that names the field and the date, before anything reaches the workflow (whose booking activity checks
// the same again, as the authority).
import type { Kysely } from 'kysely';
import { beyondWindow, bookingWindow, type BookingWindow } from '../db/calendar.js';
import { getOffice } from '../db/queries/offices.js';
import type { DB } from '../db/schema.js';
import { addDays } from '../workflows/calendar.js';
import { HttpProblem } from './problems.js';

const invalid = (field: string, reason: string) => new HttpProblem('validation', `${field}: ${reason}`, [{ field, reason }]);

export async function officeWindow(db: Kysely<DB>, officeCode: string, horizonDays: number, now = new Date()): Promise<BookingWindow> {
  const office = await getOffice(db, officeCode);
  return bookingWindow(db, { timeZone: office.time_zone, now, horizonDays });
}

/** An appointment date: not past the horizon nor the calendar (too early is the booking rule's own 400). */
export function requireBookable(field: string, date: string, window: BookingWindow): void {
  const beyond = beyondWindow(date, window);
  if (beyond) throw invalid(field, beyond);
}

/** A date to look at (a queue, an instant to judge deadlines by): within the horizon either side of today. */
export function requireNearToday(field: string, date: string, today: string, horizonDays: number): void {
  const first = addDays(today, -horizonDays);
  const last = addDays(today, horizonDays);
  if (date < first || date > last) throw invalid(field, `${date} is outside the booking horizon (${horizonDays} days either side of today: ${first} to ${last})`);
}

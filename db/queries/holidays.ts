// The days offices are closed (national holidays and cuti bersama), as loaded by `npm run holidays`:
// read by the booking and SLA activities, the API's availability and tracking, and the demo.
import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';

/** Every loaded day off, as 'YYYY-MM-DD' (workflows/calendar.ts takes the set). */
export const loadHolidays = async (db: Kysely<DB>): Promise<Set<string>> =>
  new Set((await db.selectFrom('holidays').select('date').execute()).map((h) => h.date));

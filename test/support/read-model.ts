// What an applicant, officer or manager would see in PostgreSQL, for assertions.
import type { Kysely } from 'kysely';
import { loadHolidays } from '../../db/queries/holidays.js';
import { getOffice } from '../../db/queries/offices.js';
import type { DB } from '../../db/schema.js';
import { localDate, nthWorkingDayAfter } from '../../workflows/calendar.js';

export const applicationRow = (db: Kysely<DB>, id: string) => db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

export const auditStages = async (db: Kysely<DB>, id: string) =>
  (await db.selectFrom('audit_log').select(['stage', 'actor', 'reason']).where('application_id', '=', id).orderBy('seq').execute()).map((e) => e.stage);

export const countRows = async (db: Kysely<DB>, table: 'payments' | 'compensations' | 'deliveries' | 'notifications' | 'bookings', id: string) =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('application_id', '=', id).executeTakeFirstOrThrow()).n);

/** The n-th working day after `now` (the workflows' clock, which time skipping moves) at the office. */
export async function nextWorkingDay(db: Kysely<DB>, officeCode: string, now: number = Date.now(), n = 1): Promise<string> {
  const office = await getOffice(db, officeCode);
  return nthWorkingDayAfter(localDate(new Date(now), office.time_zone), n, await loadHolidays(db));
}

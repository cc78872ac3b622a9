// Reference data for the embedded mode and tests: offices, fees (PP 45/2024), national holidays and
// the documents to bring per application type.
// Idempotent: running it twice changes nothing.
import type { Kysely } from 'kysely';
import { importCalendarYear } from '../calendar.js';
import type { DB } from '../schema.js';
import { fees } from './fees.js';
import { shippedCalendar } from './holidays.js';
import { offices } from './offices.js';
import { requirements } from './requirements.js';

export async function seed(db: Kysely<DB>): Promise<void> {
  await db.insertInto('offices').values(offices).onConflict((oc) => oc.column('code').doNothing()).execute();
  await db.insertInto('fee_schedule').values(fees).onConflict((oc) => oc.column('code').doNothing()).execute();
  // A year already loaded (by an operator's import, perhaps of its decree) is left as it is.
  const loaded = new Set((await db.selectFrom('calendar_years').select('year').execute()).map((y) => y.year));
  for (const year of shippedCalendar) if (!loaded.has(year.year)) await importCalendarYear(db, year);
  await db
    .insertInto('document_requirements')
    .values(requirements)
    .onConflict((oc) => oc.columns(['application_type', 'position']).doNothing())
    .execute();
}

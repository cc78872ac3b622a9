// Reference data for the embedded mode and tests: offices, fees (PP 45/2024), national holidays and
// the documents to bring per application type.
// Idempotent: running it twice changes nothing.
import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { fees } from './fees.js';
import { holidays } from './holidays.js';
import { offices } from './offices.js';
import { requirements } from './requirements.js';

export async function seed(db: Kysely<DB>): Promise<void> {
  await db.insertInto('offices').values(offices).onConflict((oc) => oc.column('code').doNothing()).execute();
  await db.insertInto('fee_schedule').values(fees).onConflict((oc) => oc.column('code').doNothing()).execute();
  await db.insertInto('holidays').values(holidays).onConflict((oc) => oc.column('date').doNothing()).execute();
  await db
    .insertInto('document_requirements')
    .values(requirements)
    .onConflict((oc) => oc.columns(['application_type', 'position']).doNothing())
    .execute();
}

// The documents to bring, in Bahasa Indonesia as well as English (issue 14): a notice in Indonesian lists them
// in Indonesian. Null until the reference data is next loaded (every setup and `npm start` loads it).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('document_requirements').addColumn('document_id', 'text').addColumn('note_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('document_requirements').dropColumn('note_id').dropColumn('document_id').execute();
}

// When the applicant's delivery choice was made (workflow time): a late retry of an older choice never
// overwrites a newer one.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('delivery_method_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('delivery_method_at').execute();
}

// The workflow's count of delivery-method changes (each choice and the SLA breach's move to Pos): choices
// handled in one workflow task share one time, so the count, not the time, orders their writes.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('delivery_method_version', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('delivery_method_version').execute();
}

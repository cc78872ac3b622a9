// When the delivery address in the row was asked for (the request's first arrival, by the database's clock):
// a retry of an older request never overwrites the address of a newer one.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').addColumn('delivery_address_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('delivery_address_at').execute();
}

// The holiday calendar as operator-loaded data: which years are loaded, decreed (SKB 3 Menteri) or
// provisional, and from what source. Bookings are offered only up to the end of the loaded years.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calendar_years')
    .addColumn('year', 'integer', (c) => c.primaryKey().check(sql`year between 2000 and 9999`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('DECREED', 'PROVISIONAL')`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .alterTable('holidays')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('NATIONAL').check(sql`kind in ('NATIONAL', 'CUTI_BERSAMA')`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('holidays').dropColumn('kind').execute();
  await db.schema.dropTable('calendar_years').execute();
}

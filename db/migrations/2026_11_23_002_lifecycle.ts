// BAP reports and fines for LOST/DAMAGED passports; notification payload kinds stay in the outbox.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('baps')
    .addColumn('application_id', 'uuid', (c) => c.primaryKey().references('applications.id'))
    .addColumn('report_number', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull().check(sql`cause in ('ORDINARY', 'FORCE_MAJEURE')`))
    .addColumn('fine_code', 'text', (c) => c.references('fee_schedule.code'))
    .addColumn('fine_amount', 'bigint', (c) => c.notNull().check(sql`fine_amount >= 0`))
    .addColumn('officer_id', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('applications').addColumn('fine_amount', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('applications').dropColumn('fine_amount').execute();
  await db.schema.dropTable('baps').execute();
}

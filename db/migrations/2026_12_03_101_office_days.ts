// Days an office declares (issue 15): an OPEN day is a service day with its own seats even on a weekend or a
// holiday (a special service day); a CLOSED day is not a service day, and its bookings are moved.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('office_days')
    .addColumn('office_code', 'text', (c) => c.notNull().references('offices.code'))
    .addColumn('date', 'date', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('OPEN', 'CLOSED')`))
    .addColumn('session_quotas', 'jsonb')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('declared_by', 'text', (c) => c.notNull())
    .addColumn('declared_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('office_days_pk', ['office_code', 'date'])
    .addCheckConstraint('office_days_quotas', sql`(status = 'OPEN') = (session_quotas is not null)`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('office_days').execute();
}

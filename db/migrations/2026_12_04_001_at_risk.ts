// Issue 16: applications marked at risk, once per kind: PRINTING (not printed by the early-warning point before
// the SLA deadline) and DELIVERY (a Pos delivery unconfirmed near its window's end). The managers' API lists the
// ones still at risk; the office's weekly numbers count them and how many were printed in time.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('at_risk_warnings')
    .addColumn('application_id', 'uuid', (c) => c.notNull().references('applications.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('PRINTING', 'DELIVERY')`))
    .addColumn('deadline', 'timestamptz', (c) => c.notNull())
    .addColumn('warned_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('at_risk_warnings_pkey', ['application_id', 'kind'])
    .execute();
  await db.schema.createIndex('at_risk_warnings_warned_at').on('at_risk_warnings').column('warned_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('at_risk_warnings').execute();
}

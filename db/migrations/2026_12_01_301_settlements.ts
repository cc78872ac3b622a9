// Banks' settlement reports (one CSV per bank and day), stored once by their SHA-256, each line kept; a second,
// different file for the same bank and day is a correction (revision 2, 3, ...), kept beside the first. The daily
// reconciliation counts each report into reconciliation_reports, one row per bank and day (the latest revision).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('settlement_reports')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('bank', 'text', (c) => c.notNull().check(sql`bank ~ '^[A-Z][A-Z0-9]{1,15}$'`))
    .addColumn('settlement_date', 'date', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().check(sql`revision >= 1`))
    .addColumn('sha256', 'text', (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('upload', 'import', 'drop-folder')`))
    .addColumn('source_name', 'text')
    .addColumn('line_count', 'integer', (c) => c.notNull().check(sql`line_count >= 0`))
    .addColumn('total_amount', 'bigint', (c) => c.notNull().check(sql`total_amount >= 0`))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('processed_at', 'timestamptz')
    .addUniqueConstraint('settlement_reports_file', ['bank', 'settlement_date', 'sha256'])
    .addUniqueConstraint('settlement_reports_revision', ['bank', 'settlement_date', 'revision'])
    .execute();
  // The reconciliation's question every run: which reports are not counted yet (a handful at most).
  await db.schema.createIndex('settlement_reports_unprocessed').on('settlement_reports').column('received_at').where(sql.ref('processed_at'), 'is', null).execute();

  await db.schema
    .createTable('settlement_lines')
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('settlement_reports.id'))
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('ntpn', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('billing_code', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('settlement_lines_pk', ['report_id', 'line_number'])
    .addUniqueConstraint('settlement_lines_ntpn', ['report_id', 'ntpn'])
    .addUniqueConstraint('settlement_lines_transaction', ['report_id', 'transaction_id'])
    .execute();

  await db.schema
    .createTable('reconciliation_reports')
    .addColumn('bank', 'text', (c) => c.notNull())
    .addColumn('settlement_date', 'date', (c) => c.notNull())
    .addColumn('settlement_report_id', 'uuid', (c) => c.notNull().references('settlement_reports.id'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('received_count', 'integer', (c) => c.notNull())
    .addColumn('received_amount', 'bigint', (c) => c.notNull())
    .addColumn('reconciled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('reconciliation_reports_pk', ['bank', 'settlement_date'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reconciliation_reports').ifExists().execute();
  await db.schema.dropTable('settlement_lines').ifExists().execute();
  await db.schema.dropTable('settlement_reports').ifExists().execute();
}

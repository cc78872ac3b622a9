// Banks' settlement reports (one CSV per bank and day), stored once by their SHA-256, each line kept; a second,
// different file for the same bank and day is a correction (revision 2, 3, ...), kept beside the first. The daily
// reconciliation sends each line of a report to its bank transaction (remembering how far it got, sighted_through),
// then compares the latest revision with the ledger into reconciliation_reports, one row per bank and day.
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';

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
    /** The last line (line_number) whose sighting was handed to its bank transaction: a crashed run resumes after it. */
    .addColumn('sighted_through', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('settlement_reports_file', ['bank', 'settlement_date', 'sha256'])
    .addUniqueConstraint('settlement_reports_revision', ['bank', 'settlement_date', 'revision'])
    .execute();
  // The reconciliation's question every run: which reports are not counted yet (a handful at most).
  await db.schema.createIndex('settlement_reports_unprocessed').on('settlement_reports').column('received_at').where(sql.ref('processed_at'), 'is', null).execute();

  await db.schema
    .createTable('settlement_lines')
    .addColumn('report_id', 'uuid', (c) => c.notNull().references('settlement_reports.id'))
    .addColumn('line_number', 'integer', (c) => c.notNull())
    /** The report's bank, kept on each line: the ledger is compared by (bank, transaction id). */
    .addColumn('bank', 'text', (c) => c.notNull())
    .addColumn('ntpn', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('billing_code', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('settlement_lines_pk', ['report_id', 'line_number'])
    .addUniqueConstraint('settlement_lines_ntpn', ['report_id', 'ntpn'])
    .addUniqueConstraint('settlement_lines_transaction', ['report_id', 'transaction_id'])
    .execute();

  // Is a recorded transaction listed by any report of its bank? (the comparison's "missing from the settlement").
  await db.schema.createIndex('settlement_lines_transaction_id').on('settlement_lines').columns(['bank', 'transaction_id']).execute();
  // A day's transactions in the ledger: the bank's payments of one WIB day.
  await db.schema.createIndex('bank_transactions_paid_at').on('bank_transactions').columns(['bank', 'paid_at']).execute();

  // Each total is a count of lines (or transactions) and their rupiah.
  const count =
    (name: string) =>
    <T extends CreateTableBuilder<any, any>>(t: T) =>
      t.addColumn(`${name}_count`, 'integer', (c) => c.notNull().defaultTo(0)).addColumn(`${name}_amount`, 'bigint', (c) => c.notNull().defaultTo(0)) as T;
  await db.schema
    .createTable('reconciliation_reports')
    .addColumn('bank', 'text', (c) => c.notNull())
    .addColumn('settlement_date', 'date', (c) => c.notNull())
    .addColumn('settlement_report_id', 'uuid', (c) => c.notNull().references('settlement_reports.id'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .$call(count('received'))
    .$call(count('applied'))
    .$call(count('refund'))
    .$call(count('refunded'))
    .$call(count('pending'))
    .$call(count('declined'))
    .$call(count('conflict'))
    .$call(count('missing'))
    .addColumn('balanced', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('differences', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('reconciled_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('reconciliation_reports_pk', ['bank', 'settlement_date'])
    .execute();
  // Each run recomputes the days not balanced yet within its look-back.
  await db.schema.createIndex('reconciliation_reports_unbalanced').on('reconciliation_reports').column('settlement_date').where(sql.ref('balanced'), '=', false).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reconciliation_reports').ifExists().execute();
  await db.schema.dropTable('settlement_lines').ifExists().execute();
  await db.schema.dropTable('settlement_reports').ifExists().execute();
}

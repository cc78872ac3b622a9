// The refund ledger (workflows/refund.ts): one row per refunded bank transaction, the steps it went through
// (who approved or declined it, each transfer, the bank's confirmation), and the notices to an office's staff.
// Ids, codes, amounts and reasons only; nothing personal. Written by the refund workflow's activities, except
// refund_confirmations, the API's record of the bank's callbacks (a repeat is answered as a duplicate).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('refunds')
    .addColumn('refund_id', 'text', (c) => c.primaryKey())
    .addColumn('bank', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('ntpn', 'text', (c) => c.notNull())
    .addColumn('billing_code', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('application_id', 'uuid', (c) => c.references('applications.id'))
    .addColumn('office_code', 'text', (c) => c.references('offices.code'))
    .addColumn('stage', 'text', (c) => c.notNull().check(sql`stage in ('AWAITING_APPROVAL', 'AWAITING_BANK', 'REFUNDED', 'DECLINED', 'ESCALATED')`))
    .addColumn('stage_seq', 'integer', (c) => c.notNull())
    .addColumn('stage_entered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('next_deadline', 'timestamptz')
    .addColumn('transfer_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('approved_by', 'text')
    .addColumn('declined_by', 'text')
    .addColumn('decline_reason', 'text')
    .addColumn('bank_reference', 'text')
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    // One refund per payment, whatever the retries: the bank and its own transaction id.
    .addUniqueConstraint('refunds_bank_transaction', ['bank', 'transaction_id'])
    .execute();
  await db.schema.createIndex('refunds_office_stage').on('refunds').columns(['office_code', 'stage', 'opened_at']).execute();

  // Each step of a refund, once (its workflow's own count is the key): who moved it and why.
  await db.schema
    .createTable('refund_events')
    .addColumn('refund_id', 'text', (c) => c.notNull().references('refunds.refund_id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('refund_events_pk', ['refund_id', 'seq'])
    .execute();

  // Each transfer sent to the bank, all with the refund's one idempotency key: the bank pays it once.
  await db.schema
    .createTable('refund_transfers')
    .addColumn('refund_id', 'text', (c) => c.notNull().references('refunds.refund_id'))
    .addColumn('attempt', 'integer', (c) => c.notNull().check(sql`attempt >= 1`))
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('bank_reference', 'text')
    .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('refund_transfers_pk', ['refund_id', 'attempt'])
    .execute();

  // The bank's signed confirmations as the API received them, by the bank's own refund reference.
  await db.schema
    .createTable('refund_confirmations')
    .addColumn('bank_reference', 'text', (c) => c.primaryKey())
    .addColumn('refund_id', 'text', (c) => c.notNull().references('refunds.refund_id'))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Notices to an office's staff (a refund the bank never confirmed): recorded once each, not sent yet.
  await db.schema
    .createTable('office_notices')
    .addColumn('office_code', 'text', (c) => c.notNull().references('offices.code'))
    .addColumn('effect_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('refund_id', 'text', (c) => c.references('refunds.refund_id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addPrimaryKeyConstraint('office_notices_pk', ['office_code', 'effect_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['office_notices', 'refund_confirmations', 'refund_transfers', 'refund_events', 'refunds']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

// Money identified as the bank identifies it. `bank_transactions` is the ledger: every transaction any source
// reported (a callback, an inquiry, a settlement line), once per bank and transaction id, with what became of it.
// `bank_transaction_conflicts` keeps each sighting that disagrees with the first (another billing code, amount or
// NTPN, or an NTPN already on another transaction), for managers to resolve. A payment now names its bank: a
// transaction id is the bank's own, unique only within that bank. Ids, codes and amounts only; nothing personal.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bank_transactions')
    .addColumn('bank', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    .addColumn('ntpn', 'text', (c) => c.notNull().unique())
    .addColumn('billing_code', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('paid_at', 'timestamptz', (c) => c.notNull())
    .addColumn('first_source', 'text', (c) => c.notNull().check(sql`first_source in ('callback', 'inquiry', 'settlement')`))
    .addColumn('application_id', 'uuid', (c) => c.references('applications.id'))
    .addColumn('outcome', 'text', (c) => c.notNull().defaultTo('PENDING').check(sql`outcome in ('PENDING', 'APPLIED', 'REFUND', 'CONFLICT')`))
    .addColumn('outcome_reason', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('settled_at', 'timestamptz')
    .addColumn('flags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('bank_transactions_pk', ['bank', 'transaction_id'])
    .execute();
  await db.schema.createIndex('bank_transactions_billing_code').on('bank_transactions').column('billing_code').execute();

  await db.schema
    .createTable('bank_transaction_conflicts')
    .addColumn('bank', 'text', (c) => c.notNull())
    .addColumn('transaction_id', 'text', (c) => c.notNull())
    /** A digest of the sighting: the same disagreeing sighting reported again is recorded once. */
    .addColumn('sighting_key', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('sighting', 'jsonb', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('bank_transaction_conflicts_pk', ['bank', 'transaction_id', 'sighting_key'])
    .execute();

  // Existing payments came from callbacks that did not name their bank: they say 'LEGACY' (README, Payments).
  await db.schema.alterTable('payments').addColumn('bank', 'text', (c) => c.notNull().defaultTo('LEGACY')).execute();
  await db.schema.alterTable('payments').alterColumn('bank', (c) => c.dropDefault()).execute();
  await db.schema.alterTable('payments').addColumn('ntpn', 'text', (c) => c.unique()).execute();
  await db.schema.alterTable('payments').dropConstraint('payments_bank_transaction_id_key').execute();
  await db.schema.alterTable('payments').addUniqueConstraint('payments_bank_transaction_key', ['bank', 'bank_transaction_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').dropConstraint('payments_bank_transaction_key').execute();
  await db.schema.alterTable('payments').addUniqueConstraint('payments_bank_transaction_id_key', ['bank_transaction_id']).execute();
  await db.schema.alterTable('payments').dropColumn('ntpn').execute();
  await db.schema.alterTable('payments').dropColumn('bank').execute();
  await db.schema.dropTable('bank_transaction_conflicts').ifExists().execute();
  await db.schema.dropTable('bank_transactions').ifExists().execute();
}

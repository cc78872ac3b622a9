// The ledger of bank transactions (bank_transactions) and the sightings that disagree with it
// (bank_transaction_conflicts): written by the bankTransaction workflow's activities, read by the API (a
// callback for a transaction whose workflow has closed, the applicant's inquiry). Each write is keyed, so a
// retry changes nothing.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { BankTransaction } from '../../workflows/definitions.js';
import type { BankTransactionFacts, BankTransactionOutcome, BankTransactionsTable, DB } from '../schema.js';

/** `payments.bank` of the payments recorded before callbacks named their bank (migrations/2026_12_01_001). */
export const LEGACY_BANK = 'LEGACY';

export type LedgerEntry = Selectable<BankTransactionsTable>;
export interface TransactionKey {
  bank: string;
  transactionId: string;
}

/** A transaction's facts as the workflows and the API name them, from a row of the ledger or of a refund. */
export const transactionFacts = (row: Selectable<BankTransactionFacts>): Omit<BankTransaction, 'source'> => ({
  bank: row.bank,
  transactionId: row.transaction_id,
  ntpn: row.ntpn,
  billingCode: row.billing_code,
  amount: row.amount,
  paidAt: row.paid_at.toISOString(),
});

/** The transaction as the ledger first recorded it, in the shape of a sighting (its first source). */
export const asSighting = (row: LedgerEntry): BankTransaction => ({ ...transactionFacts(row), source: row.first_source });

export const findBankTransaction = (db: Kysely<DB>, { bank, transactionId }: TransactionKey): Promise<LedgerEntry | undefined> =>
  db.selectFrom('bank_transactions').selectAll().where('bank', '=', bank).where('transaction_id', '=', transactionId).executeTakeFirst();

export type Recording = { entry: LedgerEntry } | { ntpnTakenBy: TransactionKey };

/**
 * Records the transaction once (a second recording returns the first). An NTPN the ledger already holds for
 * another transaction cannot be recorded again: the transaction that holds it is returned instead.
 */
export async function recordBankTransaction(db: Kysely<DB>, tx: BankTransaction): Promise<Recording> {
  await db
    .insertInto('bank_transactions')
    .values({
      bank: tx.bank,
      transaction_id: tx.transactionId,
      ntpn: tx.ntpn,
      billing_code: tx.billingCode,
      amount: tx.amount,
      paid_at: tx.paidAt,
      first_source: tx.source,
    })
    .onConflict((oc) => oc.doNothing()) // the same key (a retry), or an NTPN already recorded
    .execute();
  const entry = await findBankTransaction(db, tx);
  if (entry) return { entry };
  const holder = await db.selectFrom('bank_transactions').select(['bank', 'transaction_id']).where('ntpn', '=', tx.ntpn).executeTakeFirstOrThrow();
  return { ntpnTakenBy: { bank: holder.bank, transactionId: holder.transaction_id } };
}

/** A flag for managers on the transaction (CONFLICT, NEVER_SETTLED; MISSING_FROM_SETTLEMENT is the reconciliation's), set once. */
export async function flagBankTransaction(db: Kysely<DB>, key: TransactionKey, flag: string): Promise<void> {
  await db
    .updateTable('bank_transactions')
    .set({ flags: sql`array_append(flags, ${flag})` })
    .where('bank', '=', key.bank)
    .where('transaction_id', '=', key.transactionId)
    .where(sql<boolean>`not (${flag} = any(flags))`)
    .execute();
}

/** A sighting that disagrees with the transaction first recorded: kept once, and the transaction flagged. */
export async function recordConflict(db: Kysely<DB>, tx: BankTransaction, reason: string): Promise<void> {
  const sighting = { bank: tx.bank, transactionId: tx.transactionId, ntpn: tx.ntpn, billingCode: tx.billingCode, amount: tx.amount, paidAt: tx.paidAt, source: tx.source };
  const sightingKey = createHash('sha256').update(JSON.stringify(sighting)).digest('hex');
  await db
    .insertInto('bank_transaction_conflicts')
    .values({ bank: tx.bank, transaction_id: tx.transactionId, sighting_key: sightingKey, source: tx.source, sighting: JSON.stringify(sighting), reason })
    .onConflict((oc) => oc.columns(['bank', 'transaction_id', 'sighting_key']).doNothing())
    .execute();
  await flagBankTransaction(db, tx, 'CONFLICT');
}

/** What became of the transaction, decided once: a second decision leaves the first. */
export async function decideBankTransaction(
  db: Kysely<DB>,
  decision: TransactionKey & { outcome: Exclude<BankTransactionOutcome, 'PENDING'>; reason?: string; applicationId?: string },
): Promise<void> {
  await db
    .updateTable('bank_transactions')
    .set({ outcome: decision.outcome, outcome_reason: decision.reason ?? null, application_id: decision.applicationId ?? null, decided_at: sql`now()` })
    .where('bank', '=', decision.bank)
    .where('transaction_id', '=', decision.transactionId)
    .where('outcome', '=', 'PENDING')
    .execute();
}

/** The settlement report listed the transaction (the first listing counts). */
export async function markSettled(db: Kysely<DB>, key: TransactionKey, at: string): Promise<void> {
  await db
    .updateTable('bank_transactions')
    .set({ settled_at: at })
    .where('bank', '=', key.bank)
    .where('transaction_id', '=', key.transactionId)
    .where('settled_at', 'is', null)
    .execute();
}

/** The application a billing code was issued for, as the bankTransaction workflow needs it. */
export const applicationForBilling = (db: Kysely<DB>, billingCode: string) =>
  db.selectFrom('applications').select(['id', 'office_code', 'stage']).where('billing_code', '=', billingCode).executeTakeFirst();

/** Every transaction recorded for a billing code, oldest first. */
export const transactionsForBilling = (db: Kysely<DB>, billingCode: string): Promise<LedgerEntry[]> =>
  db.selectFrom('bank_transactions').selectAll().where('billing_code', '=', billingCode).orderBy('received_at').execute();

export const LEDGER_FLAGS = ['CONFLICT', 'NEVER_SETTLED', 'MISSING_FROM_SETTLEMENT'] as const;

/** How many transactions the ledger holds per outcome, and per flag managers should look at (for /metrics). */
export async function countBankTransactions(db: Kysely<DB>): Promise<{ outcomes: Record<BankTransactionOutcome, number>; flags: Record<(typeof LEDGER_FLAGS)[number], number> }> {
  const outcomes = { PENDING: 0, APPLIED: 0, REFUND: 0, CONFLICT: 0 };
  for (const row of await db.selectFrom('bank_transactions').select(['outcome', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('outcome').execute()) outcomes[row.outcome] = Number(row.n);
  const flags = { CONFLICT: 0, NEVER_SETTLED: 0, MISSING_FROM_SETTLEMENT: 0 };
  const flagged = await sql<{ flag: string; n: string }>`select flag, count(*) as n from bank_transactions, unnest(flags) as flag group by flag`.execute(db);
  for (const row of flagged.rows) if (row.flag in flags) flags[row.flag as keyof typeof flags] = Number(row.n);
  return { outcomes, flags };
}

/**
 * The ledger entries of these transactions once each is decided (or `withinMs` has passed): what an inquiry found
 * and what became of it. Entries not recorded yet are left out.
 */
export async function decidedSoon(db: Kysely<DB>, keys: TransactionKey[], withinMs: number): Promise<LedgerEntry[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const entries: LedgerEntry[] = [];
    for (const key of keys) {
      const entry = await findBankTransaction(db, key);
      if (entry) entries.push(entry);
    }
    if (Date.now() >= deadline || (entries.length === keys.length && entries.every((e) => e.outcome !== 'PENDING'))) return entries;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Whether a payment of the billing code in full, made by `deadline`, is on record but not decided yet: reported in
 * time (by the bank's callback or an inquiry), its bank transaction has not reached the application yet.
 */
export async function paymentPendingFor(db: Kysely<DB>, billing: { billingCode: string; amount: number; deadline: string }): Promise<boolean> {
  const row = await db
    .selectFrom('bank_transactions')
    .select('bank')
    .where('billing_code', '=', billing.billingCode)
    .where('amount', '=', billing.amount)
    .where('paid_at', '<=', new Date(billing.deadline))
    .where('outcome', '=', 'PENDING')
    .executeTakeFirst();
  return row !== undefined;
}

// Money as the bank reports it, for tests: a bank transaction for an application's billing code, the ledger's
// view of it, and the refund a bank transaction opened (its id and the input it was started with).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { findBankTransaction, type LedgerEntry } from '../../db/queries/bank-transactions.js';
import type { DB } from '../../db/schema.js';
import { refundIdFor, type BankTransaction, type RefundInput } from '../../workflows/definitions.js';
import { eventually } from './eventually.js';
import { terminateWhenIdle } from './idle.js';

/** A state receipt number of the bank's: 16 characters, unique. */
export const newNtpn = (): string => randomBytes(8).toString('hex').toUpperCase();

/** A transaction paying `billing` in full at `paidAt`, with a transaction id and an NTPN of its own. */
export const bankTransactionFor = (billing: { billingCode: string; amount: number }, paidAt: string, overrides: Partial<BankTransaction> = {}): BankTransaction => ({
  bank: 'BRI',
  transactionId: `TX-${randomUUID()}`,
  ntpn: newNtpn(),
  billingCode: billing.billingCode,
  amount: billing.amount,
  paidAt,
  source: 'callback',
  ...overrides,
});

/** The transaction's ledger entry once its workflow has decided what became of it. */
export const decided = (db: Kysely<DB>, tx: Pick<BankTransaction, 'bank' | 'transactionId'>, timeoutMs?: number): Promise<LedgerEntry> =>
  eventually(async () => findBankTransaction(db, tx), (entry) => entry !== undefined && entry.outcome !== 'PENDING', timeoutMs ?? 30_000) as Promise<LedgerEntry>;

/**
 * The refund a transaction opened, as it was started: its workflow type and its input. What the refund then does
 * is the refund side's to test, so it is ended here, once idle (see terminateWhenIdle: ended mid-task on the
 * time-skipping server, it would stop the clock for the rest of the file).
 */
export async function refundOpened(temporal: Client, tx: Pick<BankTransaction, 'bank' | 'transactionId'>): Promise<{ workflowType: string; input: RefundInput }> {
  const handle = temporal.workflow.getHandle(refundIdFor(tx.bank, tx.transactionId));
  const history = await eventually(() => handle.fetchHistory().catch(() => undefined), (h) => h !== undefined);
  await terminateWhenIdle(handle, 'the refund side is tested on its own');
  const started = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  if (!started || !payload) throw new Error(`refund ${handle.workflowId} has no start event`);
  return { workflowType: started.workflowType?.name ?? '', input: defaultPayloadConverter.fromPayload<RefundInput>(payload) };
}

/** Whether a refund was opened for the transaction (none is, for money that was applied). */
export const refundExists = (temporal: Client, tx: Pick<BankTransaction, 'bank' | 'transactionId'>): Promise<boolean> =>
  temporal.workflow
    .getHandle(refundIdFor(tx.bank, tx.transactionId))
    .describe()
    .then(
      () => true,
      () => false,
    );

/** The body of the bank's callback for a payment of `billing` in full, now, at BNI (a transaction id and NTPN of its own). */
export function paymentCallback(billing: { billingCode: string; amount: number }, overrides: Partial<Omit<BankTransaction, 'source'>> = {}): Omit<BankTransaction, 'source'> {
  const { source: _source, ...body } = bankTransactionFor(billing, new Date().toISOString(), { bank: 'BNI', ...overrides });
  return body;
}

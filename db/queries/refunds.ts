// The refund ledger as the finance officers and the bank's callback read it (written by the refund workflow's
// activities, activities/refunds.ts), and the API's record of the bank's confirmations.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, RefundsTable } from '../schema.js';
import { transactionFacts } from './bank-transactions.js';
import { ALL_OFFICES, type RefundStage } from '../../workflows/definitions.js';

export type RefundRow = Selectable<RefundsTable>;

export const findRefund = (db: Kysely<DB>, refundId: string): Promise<RefundRow | undefined> =>
  db.selectFrom('refunds').selectAll().where('refund_id', '=', refundId).executeTakeFirst();

/** An office's refunds (ALL_OFFICES: those of no office), in one stage or all, newest first. */
export const listRefunds = (db: Kysely<DB>, officeCode: string, stage: RefundStage | undefined, limit: number): Promise<RefundRow[]> =>
  db
    .selectFrom('refunds')
    .selectAll()
    .where((eb) => (officeCode === ALL_OFFICES ? eb('office_code', 'is', null) : eb('office_code', '=', officeCode)))
    .$if(stage !== undefined, (q) => q.where('stage', '=', stage!))
    .orderBy('opened_at', 'desc')
    .limit(limit)
    .execute();

/** Who moved the refund, when and why, in order. */
export const refundSteps = (db: Kysely<DB>, refundId: string) =>
  db.selectFrom('refund_events').select(['stage', 'actor', 'reason', 'at']).where('refund_id', '=', refundId).orderBy('seq').execute();

/** What a finance officer sees of a refund: ids, codes, amounts, stage and who decided; nothing personal. */
export const refundView = (row: RefundRow) => ({
  refundId: row.refund_id,
  stage: row.stage,
  officeCode: row.office_code,
  applicationId: row.application_id,
  ...transactionFacts(row),
  reason: row.reason,
  openedAt: row.opened_at.toISOString(),
  stageEnteredAt: row.stage_entered_at.toISOString(),
  nextDeadline: row.next_deadline?.toISOString() ?? null,
  transferAttempts: row.transfer_attempts,
  approvedBy: row.approved_by,
  declinedBy: row.declined_by,
  declineReason: row.decline_reason,
  bankReference: row.bank_reference,
  confirmedAt: row.confirmed_at?.toISOString() ?? null,
});

/** The refund a bank reference confirmed, if a confirmation with it was received before. */
export const findRefundConfirmation = (db: Kysely<DB> | Transaction<DB>, bankReference: string) =>
  db.selectFrom('refund_confirmations').select('refund_id').where('bank_reference', '=', bankReference).executeTakeFirst();

/** Another reference a confirmation of this refund was received with before, if any. */
export const otherConfirmationOf = (db: Kysely<DB> | Transaction<DB>, refundId: string, bankReference: string) =>
  db.selectFrom('refund_confirmations').select('bank_reference').where('refund_id', '=', refundId).where('bank_reference', '<>', bankReference).executeTakeFirst();

/**
 * Runs `confirm` for one refund at a time (a lock on its id for the transaction), so confirmations of one refund
 * with different references sent at once are taken one after the other: the first, and the others refused.
 */
export const oneConfirmationAtATime = <T>(db: Kysely<DB>, refundId: string, confirm: (tx: Transaction<DB>) => Promise<T>): Promise<T> =>
  db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`refund-confirmation:${refundId}`}))`.execute(tx);
    return confirm(tx);
  });

/** Recorded once the signal is durable, so the bank's retry after a failure is not taken for a duplicate. */
export const recordRefundConfirmation = (db: Kysely<DB> | Transaction<DB>, bankReference: string, refundId: string) =>
  db
    .insertInto('refund_confirmations')
    .values({ bank_reference: bankReference, refund_id: refundId })
    .onConflict((oc) => oc.column('bank_reference').doNothing())
    .execute();

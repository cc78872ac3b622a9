// Refunds (workflows/refund.ts): the refund ledger, each step recorded once with the notice it carries, and the
// transfer of the money back through the bank. Every effect has its key: a retry or a replay changes nothing.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { BankClient } from './bank.js';
import type { NoticeKind, OfficeNoticeKind, RefundInput, RefundState } from '../workflows/definitions.js';

/** A step of a refund: the refund's state after it (its stage in the ledger), the audit entry, and the notices it carries. */
export interface RefundChange extends RefundState {
  refundId: string;
  /** The refund's facts, written when the ledger row is first made. */
  refund: Omit<RefundInput, 'policy'>;
  /** The workflow's own count of steps: the event's key and the ledger row's version. */
  seq: number;
  actor: string;
  reason?: string;
  at: string;
  /** For the applicant (when the payment's application is known). */
  notice?: NoticeKind;
  /** For the refund's office's staff. */
  officeNotice?: OfficeNoticeKind;
}

type Tx = Kysely<DB>;

async function openLedgerRow(tx: Tx, change: RefundChange): Promise<void> {
  const { refund } = change;
  await tx
    .insertInto('refunds')
    .values({
      refund_id: change.refundId,
      bank: refund.bank,
      transaction_id: refund.transactionId,
      ntpn: refund.ntpn,
      billing_code: refund.billingCode,
      amount: refund.amount,
      paid_at: refund.paidAt,
      reason: refund.reason,
      application_id: refund.applicationId ?? null,
      office_code: refund.officeCode ?? null,
      stage: change.stage,
      stage_seq: 0,
      stage_entered_at: change.stageEnteredAt,
      opened_at: change.at,
      updated_at: change.at,
    })
    .onConflict((oc) => oc.column('refund_id').doNothing())
    .execute();
}

/** The applicant's notice, once per refund and kind (nobody to tell when no application has the billing code). */
async function noticeApplicant(tx: Tx, applicationId: string | undefined, refundId: string, kind: NoticeKind, at: string): Promise<void> {
  if (!applicationId) return;
  await tx
    .insertInto('notifications')
    .values({ application_id: applicationId, effect_key: `${refundId}:${kind}`, kind, created_at: at })
    .onConflict((oc) => oc.columns(['application_id', 'effect_key']).doNothing())
    .execute();
}

export const createRefundActivities = ({ db, bank }: { db: Kysely<DB>; bank: BankClient }) => ({
  /** Records a step once: the ledger row (made at the first step; only a newer step moves it), the event, the notices. */
  async recordRefundStep(change: RefundChange): Promise<void> {
    await db.transaction().execute(async (tx) => {
      await openLedgerRow(tx, change);
      await tx
        .insertInto('refund_events')
        .values({ refund_id: change.refundId, seq: change.seq, stage: change.stage, actor: change.actor, reason: change.reason ?? null, at: change.at })
        .onConflict((oc) => oc.columns(['refund_id', 'seq']).doNothing())
        .execute();
      await tx
        .updateTable('refunds')
        .set({
          stage: change.stage,
          stage_seq: change.seq,
          stage_entered_at: change.stageEnteredAt,
          next_deadline: change.nextDeadline ?? null,
          transfer_attempts: change.transferAttempts,
          updated_at: change.at,
          ...(change.approvedBy && { approved_by: change.approvedBy }),
          ...(change.declinedBy && { declined_by: change.declinedBy, decline_reason: change.declineReason ?? null }),
          ...(change.bankReference && { bank_reference: change.bankReference, confirmed_at: change.confirmedAt ?? null }),
        })
        .where('refund_id', '=', change.refundId)
        .where('stage_seq', '<', change.seq)
        .execute();
      if (change.notice) await noticeApplicant(tx, change.refund.applicationId, change.refundId, change.notice, change.at);
      if (change.officeNotice && change.refund.officeCode) {
        await tx
          .insertInto('office_notices')
          .values({ office_code: change.refund.officeCode, effect_key: `${change.refundId}:${change.officeNotice}`, kind: change.officeNotice, refund_id: change.refundId, created_at: change.at })
          .onConflict((oc) => oc.columns(['office_code', 'effect_key']).doNothing())
          .execute();
      }
    });
  },

  /**
   * Sends transfer `attempt` of a refund to the bank, always with the refund's id as the idempotency key (the bank
   * pays once however often it is asked), and records it; the applicant is told once that the money is on its way.
   */
  async transferRefund(req: { refundId: string; attempt: number; refund: Omit<RefundInput, 'policy'>; at: string }): Promise<{ reference: string }> {
    const { refundId, attempt, refund } = req;
    await db
      .insertInto('refund_transfers')
      .values({ refund_id: refundId, attempt, idempotency_key: refundId, requested_at: req.at })
      .onConflict((oc) => oc.columns(['refund_id', 'attempt']).doNothing())
      .execute();
    const { reference } = await bank.transfer({ idempotencyKey: refundId, refundId, bank: refund.bank, transactionId: refund.transactionId, ntpn: refund.ntpn, billingCode: refund.billingCode, amount: refund.amount });
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('refund_transfers').set({ bank_reference: reference }).where('refund_id', '=', refundId).where('attempt', '=', attempt).execute();
      await noticeApplicant(tx, refund.applicationId, refundId, 'REFUND_SENT', req.at);
    });
    return { reference };
  },
});

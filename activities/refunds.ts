// Refunds (workflows/refund.ts): the refund ledger, each step recorded once with the notice it carries, and the
// transfer of the money back through the bank. Every effect has its key: a retry or a replay changes nothing.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { BankClient } from './bank.js';
import { recordNotice, recordOfficeNotice, type StartDelivery } from './notices/record.js';
import type { NoticeKind, NoticeSource, OfficeNoticeKind, RefundInput, RefundState } from '../workflows/definitions.js';

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

/** A notice recorded in a transaction, whose delivery starts once it commits. */
type Recorded = { source: NoticeSource; id: string };

/**
 * The applicant's notice, once per refund and kind, with the amount (and a decline's reason); nobody to tell when
 * no application has the billing code.
 */
async function noticeApplicant(tx: Tx, refund: RefundChange['refund'], refundId: string, kind: NoticeKind, at: string, declineReason?: string): Promise<Recorded[]> {
  if (!refund.applicationId) return [];
  const details = kind === 'REFUND_DECLINED' ? { amount: refund.amount, reason: declineReason ?? '' } : { amount: refund.amount };
  const id = await recordNotice(tx, undefined, { applicationId: refund.applicationId, effectKey: `${refundId}:${kind}`, kind, at, details });
  return [{ source: 'application', id }];
}

/** The office's notice, once per refund and kind, with the amount and the transfers sent. */
async function noticeOffice(tx: Tx, change: RefundChange, kind: OfficeNoticeKind): Promise<Recorded[]> {
  const { officeCode, amount } = change.refund;
  if (!officeCode) return [];
  const details = { amount, transferAttempts: change.transferAttempts };
  const id = await recordOfficeNotice(tx, undefined, { officeCode, effectKey: `${change.refundId}:${kind}`, kind, refundId: change.refundId, at: change.at, details });
  return [{ source: 'office', id }];
}

export const createRefundActivities = ({ db, bank, startDelivery }: { db: Kysely<DB>; bank: BankClient; startDelivery?: StartDelivery }) => {
  /** After the commit: the delivery reads the rows it is started for. */
  const deliver = async (recorded: Recorded[]) => {
    for (const { source, id } of recorded) await startDelivery?.(source, id);
  };
  return {
    /** Records a step once: the ledger row (made at the first step; only a newer step moves it), the event, the notices. */
    async recordRefundStep(change: RefundChange): Promise<void> {
      const recorded = await db.transaction().execute(async (tx) => {
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
        return [
          ...(change.notice ? await noticeApplicant(tx, change.refund, change.refundId, change.notice, change.at, change.declineReason) : []),
          ...(change.officeNotice ? await noticeOffice(tx, change, change.officeNotice) : []),
        ];
      });
      await deliver(recorded);
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
      const recorded = await db.transaction().execute(async (tx) => {
        await tx.updateTable('refund_transfers').set({ bank_reference: reference }).where('refund_id', '=', refundId).where('attempt', '=', attempt).execute();
        return noticeApplicant(tx, refund, refundId, 'REFUND_SENT', req.at);
      });
      await deliver(recorded);
      return { reference };
    },
  };
};

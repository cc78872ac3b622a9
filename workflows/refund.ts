// A refund of one bank transaction: workflow type `refund`, id refundIdFor(bank, transactionId), so one per payment
// whoever opens it and however often. AWAITING_APPROVAL: a finance officer of the refund's office (of the
// directorate, for a refund of no office) approves it, or declines it with a reason (DECLINED). AWAITING_BANK: the
// money goes back through the bank's transfer API and the bank's signed confirmation is awaited for the policy's
// window; unconfirmed, the transfer is sent again with the same idempotency key (the bank pays once), up to the
// policy's attempts, then ESCALATED to the office while the refund keeps waiting. REFUNDED once the bank confirms.
// Each step is in the refund ledger, with the applicant's notice.
import { ActivityFailure, ApplicationFailure, allHandlersFinished, condition, log, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities, RefundChange } from '../activities/index.js';
import {
  ACTORS,
  AWAITING_BANK_STAGES,
  OfficeCode,
  REJECTIONS,
  RefundStageKey,
  approveRefund,
  declineRefund,
  getRefundState,
  refundConfirmed,
  refundDecidedBy,
  refundIdFor,
  refundOfficeProblem,
  type RefundApproval,
  type RefundConfirmation,
  type RefundDecline,
  type RefundInput,
  type RefundStage,
  type RefundState,
} from './definitions.js';
import { later, nowIso, rejectField, rejectStep, until, valueOf } from './lifecycle/state.js';

const retry = { initialInterval: '1 second', maximumInterval: '1 minute' } as const;
const activities = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry });

/** What a step records besides the refund's state: who, why, until when, and whom it tells. */
type Step = Pick<RefundChange, 'actor' | 'reason' | 'nextDeadline' | 'notice' | 'officeNotice'>;

class Refund {
  readonly state: RefundState = { stage: 'AWAITING_APPROVAL', stageEnteredAt: nowIso(), transferAttempts: 0 };
  decision?: RefundApproval | RefundDecline;
  confirmation?: RefundConfirmation;
  readonly refundId: string;
  readonly facts: RefundChange['refund'];
  /** Steps taken so far (the ledger's version), and the latest one the ledger shows. */
  private seq = 0;
  private recordedSeq = 0;

  constructor(readonly input: RefundInput) {
    const { policy, ...facts } = input;
    void policy;
    this.facts = facts;
    this.refundId = refundIdFor(input.bank, input.transactionId);
  }

  /** Sets the stage everywhere it is seen: search attributes, current details, the ledger and its notices. */
  async enter(stage: RefundStage, step: Step): Promise<void> {
    const { state, input } = this;
    const first = this.seq === 0;
    this.seq += 1;
    if (first || stage !== state.stage) {
      state.stageEnteredAt = nowIso();
      upsertSearchAttributes([{ key: RefundStageKey, value: stage }, ...(first && input.officeCode ? [{ key: OfficeCode, value: input.officeCode }] : [])]);
    }
    state.stage = stage;
    state.nextDeadline = step.nextDeadline;
    const attempts = AWAITING_BANK_STAGES.includes(stage) && `Transfers sent: ${state.transferAttempts} of ${input.policy.maxTransferAttempts}`;
    setCurrentDetails([`**${stage}**`, attempts, step.nextDeadline && `Bank's confirmation awaited until ${step.nextDeadline}`].filter(Boolean).join('\n\n'));
    const seq = this.seq;
    await activities.recordRefundStep({ ...state, refundId: this.refundId, refund: this.facts, seq, at: nowIso(), ...step });
    this.recordedSeq = Math.max(this.recordedSeq, seq);
  }

  /** An update returns once the refund has left `stage` and the ledger shows it. */
  async settledAfter(stage: RefundStage): Promise<RefundState> {
    await condition(() => this.state.stage !== stage && this.recordedSeq === this.seq);
    return { ...this.state };
  }
}

/** The finance officer's decision (right office, still awaiting approval, not yet decided), and the bank's word. */
function refundMessages(r: Refund): void {
  const checkDecision = (record: RefundApproval, action: string) => {
    if (record.officeCode !== refundDecidedBy(r.input.officeCode)) {
      throw ApplicationFailure.create({ type: REJECTIONS.wrongOffice, message: refundOfficeProblem(r.input.officeCode), nonRetryable: true });
    }
    if (r.decision) rejectStep(`the refund is already ${'reason' in r.decision ? 'declined' : 'approved'}`);
    if (r.state.stage !== 'AWAITING_APPROVAL') rejectStep(`${action} is not possible while the refund is ${r.state.stage}`);
  };
  setHandler(
    approveRefund,
    (approval) => {
      r.decision = approval;
      return r.settledAfter('AWAITING_APPROVAL');
    },
    { validator: (approval) => checkDecision(approval, 'approving the refund') },
  );
  setHandler(
    declineRefund,
    (decline) => {
      r.decision = decline;
      return r.settledAfter('AWAITING_APPROVAL');
    },
    {
      validator: (decline) => {
        checkDecision(decline, 'declining the refund');
        if (!decline.reason?.trim()) rejectField('reason', 'a declined refund needs a reason');
      },
    },
  );
  // The first confirmation counts; a repeat (the same reference or another) changes nothing.
  setHandler(refundConfirmed, (confirmation) => {
    if (r.confirmation) {
      if (confirmation.reference !== r.confirmation.reference) log.warn('a second confirmation with another reference ignored', { reference: confirmation.reference });
      return;
    }
    if (!AWAITING_BANK_STAGES.includes(r.state.stage)) return void log.warn(`a confirmation while the refund is ${r.state.stage} ignored`, { reference: confirmation.reference });
    r.confirmation = confirmation;
  });
}

export async function refund(input: RefundInput): Promise<RefundStage> {
  const r = new Refund(input);
  setHandler(getRefundState, () => ({ ...r.state }));
  refundMessages(r);
  const stage = await awaitingApproval(r);
  await condition(allHandlersFinished);
  return stage;
}

async function awaitingApproval(r: Refund): Promise<RefundStage> {
  await r.enter('AWAITING_APPROVAL', { actor: ACTORS.system, reason: r.input.reason, notice: 'REFUND_OPENED' });
  const decision = await valueOf(() => r.decision);
  if ('reason' in decision) {
    Object.assign(r.state, { declinedBy: decision.officerId, declineReason: decision.reason });
    await r.enter('DECLINED', { actor: decision.officerId, reason: decision.reason, notice: 'REFUND_DECLINED' });
    return 'DECLINED';
  }
  r.state.approvedBy = decision.officerId;
  return awaitingBank(r, decision.officerId);
}

async function awaitingBank(r: Refund, approvedBy: string): Promise<RefundStage> {
  const { confirmWithinMs, maxTransferAttempts } = r.input.policy;
  // A transfer the bank does not take (down, refusing) is tried until its window ends, then counts as one not confirmed.
  const bank = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', scheduleToCloseTimeout: confirmWithinMs, retry });
  for (let attempt = 1; attempt <= maxTransferAttempts && !r.confirmation; attempt += 1) {
    const deadline = later(confirmWithinMs);
    r.state.transferAttempts = attempt;
    const transfer = `transfer ${attempt} of ${maxTransferAttempts}`;
    await r.enter(
      'AWAITING_BANK',
      attempt === 1
        ? { actor: approvedBy, reason: `approved; ${transfer}`, nextDeadline: deadline, notice: 'REFUND_APPROVED' }
        : { actor: ACTORS.system, reason: `not confirmed by the bank; ${transfer}, with the same idempotency key`, nextDeadline: deadline },
    );
    try {
      await bank.transferRefund({ refundId: r.refundId, attempt, refund: r.facts, at: nowIso() });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn(`${transfer} was not taken by the bank`, { refundId: r.refundId, cause: error.cause?.message });
    }
    await condition(() => r.confirmation !== undefined, until(deadline));
  }
  if (!r.confirmation) {
    const reason = `the bank confirmed none of ${maxTransferAttempts} transfers, each awaited ${confirmWithinMs / 3_600_000} h; still awaiting its confirmation`;
    await r.enter('ESCALATED', { actor: ACTORS.system, reason, officeNotice: 'REFUND_ESCALATED' });
  }
  const confirmation = await valueOf(() => r.confirmation);
  Object.assign(r.state, { bankReference: confirmation.reference, confirmedAt: confirmation.confirmedAt });
  await r.enter('REFUNDED', { actor: ACTORS.bank, reason: `confirmed by the bank, reference ${confirmation.reference}`, notice: 'REFUNDED' });
  return 'REFUNDED';
}

// The refund workflow (workflows/refund.ts) with real activities on PostgreSQL, a fake bank over HTTP, and time
// skipped through the bank's confirmation windows: approval, transfers with one idempotency key, escalation, decline.
import { randomInt, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, refundPolicyFrom } from '../../config.js';
import {
  OfficeCode,
  RefundStageKey,
  approveRefund,
  cancelApplication,
  declineRefund,
  getRefundState,
  recordInterview,
  refundConfirmed,
  refundIdFor,
  type NoticeKind,
  type RefundInput,
  type RefundStage,
} from '../../workflows/definitions.js';
import { refund } from '../../workflows/index.js';
import { eventually } from '../support/eventually.js';
import { acceptedUpdates, awaitingInterview, onAppointmentDay, submitted } from '../support/scenarios.js';
import { startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
let bank: (typeof t)['bank'];
beforeAll(async () => {
  // Here the bank's confirmation reaches the workflow as the callback route sends it (test/api/refunds.test.ts sends the callback).
  t = await startTimeSkipping({
    bank: { confirm: ({ refundId, reference, confirmedAt }) => t.client.workflow.getHandle(refundId).signal(refundConfirmed, { reference, confirmedAt }) },
  });
  bank = t.bank;
});
afterAll(async () => {
  await t?.teardown();
});

const policy = refundPolicyFrom(loadConfig({})); // 24 h per transfer, 3 transfers
const WINDOW = policy.confirmWithinMs;
const finance = { officerId: 'finance-plu-1', officeCode: 'PLU' };
const rejection = (type: string) => ({ cause: { type } });
const withBank = <T>(body: () => Promise<T>) => t.withWorker(body);

/**
 * A payment of an application's billing code that arrived after the applicant cancelled it, refunded. (The
 * application's workflow is over first: one left waiting on a timer after its test's worker stopped would hold the
 * time-skipping server's clock when that timer fires, its task bound to the stopped worker.)
 */
async function opened(overrides: Partial<RefundInput> = {}) {
  const app = await submitted(t);
  await app.handle.executeUpdate(cancelApplication, { args: [{ reason: 'changed my plans' }] });
  expect(await app.handle.result()).toBe('CANCELLED');
  const transactionId = `TX-${randomUUID()}`;
  const input: RefundInput = {
    bank: 'BNI',
    transactionId,
    ntpn: `NTPN${randomInt(1e11, 1e12 - 1)}`,
    billingCode: app.billingCode,
    amount: app.amount,
    paidAt: new Date(await t.env.currentTimeMs()).toISOString(),
    reason: 'paid after the application was cancelled',
    applicationId: app.applicationId,
    officeCode: 'PLU',
    policy,
    ...overrides,
  };
  const refundId = refundIdFor(input.bank, transactionId);
  const handle = await t.client.workflow.start(refund, { workflowId: refundId, taskQueue: t.taskQueue, args: [input] });
  await stageShown(refundId, 'AWAITING_APPROVAL');
  return { refundId, input, handle, applicationId: app.applicationId };
}

const ledger = (refundId: string) => t.db.selectFrom('refunds').selectAll().where('refund_id', '=', refundId).executeTakeFirst();
const stageShown = (refundId: string, stage: RefundStage) => eventually(() => ledger(refundId), (row) => row?.stage === stage);
const events = async (refundId: string) =>
  (await t.db.selectFrom('refund_events').select(['stage', 'actor', 'reason']).where('refund_id', '=', refundId).orderBy('seq').execute());
const notices = async (applicationId: string) =>
  (await t.db.selectFrom('notifications').select('kind').where('application_id', '=', applicationId).where('effect_key', 'like', 'refund-%').orderBy('id').execute()).map((n) => n.kind);
/** The refund notices with what each tells (the amount; a decline's reason). */
const noticeDetails = async (applicationId: string) =>
  (await t.db.selectFrom('notifications').select(['kind', 'details']).where('application_id', '=', applicationId).where('effect_key', 'like', 'refund-%').orderBy('id').execute());
const transfers = (refundId: string) => t.db.selectFrom('refund_transfers').selectAll().where('refund_id', '=', refundId).orderBy('attempt').execute();
const refundStage = async (handle: WorkflowHandle) => (await handle.describe()).typedSearchAttributes.get(RefundStageKey);

/** Moves the clock through one confirmation window after another until the ledger counts `n` transfers. */
async function transfersSent(refundId: string, n: number): Promise<void> {
  for (;;) {
    const row = await eventually(() => ledger(refundId), (r) => (r?.transfer_attempts ?? 0) >= 1);
    if (row!.transfer_attempts >= n) return;
    await t.env.sleep(WINDOW + 60_000);
  }
}

describe('a rejection the regulation refunds', () => {
  it('opens the refund of the applied payment when the officer says so, and only for a rejection', async () => {
    await withBank(async () => {
      const app = await awaitingInterview(t);
      await onAppointmentDay(t, app.appointment);
      const officer = { officerId: 'officer-plu-1', officeCode: 'PLU' };
      await expect(app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED', refundFee: true }] })).rejects.toMatchObject({
        cause: { details: [{ field: 'refundFee' }] },
      });
      await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'REJECTED', reason: 'the office cannot issue this passport type', refundFee: true }] });
      expect(await app.handle.result()).toBe('REJECTED');
      const refundId = refundIdFor('BRI', `TX-${app.billingCode}`);
      await stageShown(refundId, 'AWAITING_APPROVAL');
      expect(await ledger(refundId)).toMatchObject({
        application_id: app.applicationId,
        office_code: 'PLU',
        amount: app.amount,
        reason: 'rejected at the interview (the office cannot issue this passport type); the regulation refunds the fee',
      });
      expect(await notices(app.applicationId)).toEqual(['REFUND_OPENED']);
    });
  });

  it('opens none for a rejection the officer does not mark', async () => {
    await withBank(async () => {
      const app = await awaitingInterview(t);
      await onAppointmentDay(t, app.appointment);
      await app.handle.executeUpdate(recordInterview, { args: [{ officerId: 'officer-plu-1', officeCode: 'PLU', outcome: 'REJECTED', reason: 'documents do not match' }] });
      expect(await app.handle.result()).toBe('REJECTED');
      expect(await ledger(refundIdFor('BRI', `TX-${app.billingCode}`))).toBeUndefined();
    });
  });
});

describe('a refund', () => {
  it('is approved by a finance officer of its office, transferred, and REFUNDED once the bank confirms', async () => {
    await withBank(async () => {
      const r = await opened();
      expect(await refundStage(r.handle)).toBe('AWAITING_APPROVAL');
      expect((await r.handle.describe()).typedSearchAttributes.get(OfficeCode)).toBe('PLU');
      const approved = await r.handle.executeUpdate(approveRefund, { args: [finance] });
      expect(approved).toMatchObject({ approvedBy: finance.officerId });
      expect(await r.handle.result()).toBe('REFUNDED');

      const row = await ledger(r.refundId);
      expect(row).toMatchObject({ stage: 'REFUNDED', approved_by: finance.officerId, transfer_attempts: 1, bank_reference: bank.transferOf(r.refundId)!.reference, amount: r.input.amount });
      expect(await events(r.refundId)).toEqual([
        { stage: 'AWAITING_APPROVAL', actor: 'system', reason: 'paid after the application was cancelled' },
        { stage: 'AWAITING_BANK', actor: finance.officerId, reason: 'approved; transfer 1 of 3' },
        { stage: 'REFUNDED', actor: 'bank', reason: `confirmed by the bank, reference ${row!.bank_reference}` },
      ]);
      expect(await notices(r.applicationId)).toEqual<NoticeKind[]>(['REFUND_OPENED', 'REFUND_APPROVED', 'REFUND_SENT', 'REFUNDED']);
      const { amount } = r.input;
      expect(await noticeDetails(r.applicationId)).toEqual(['REFUND_OPENED', 'REFUND_APPROVED', 'REFUND_SENT', 'REFUNDED'].map((kind) => ({ kind, details: { amount } })));
      expect(await refundStage(r.handle)).toBe('REFUNDED');
    });
  });

  it('sends the transfer again with the same idempotency key until the bank confirms the third, paid once', async () => {
    await withBank(async () => {
      const r = await opened();
      bank.confirmOn(r.refundId, 3);
      await r.handle.executeUpdate(approveRefund, { args: [finance] });
      expect(await r.handle.result()).toBe('REFUNDED');

      expect(bank.transferOf(r.refundId)).toMatchObject({ requests: 3, confirmed: true });
      const sent = await transfers(r.refundId);
      expect(sent.map((s) => [s.attempt, s.idempotency_key, s.bank_reference])).toEqual([1, 2, 3].map((n) => [n, r.refundId, bank.transferOf(r.refundId)!.reference]));
      // A day between transfers: each waited its whole window for the bank (less the moments recording it took).
      for (const [previous, next] of [[0, 1], [1, 2]] as const) expect(sent[next]!.requested_at.getTime() - sent[previous]!.requested_at.getTime()).toBeGreaterThan(WINDOW - 60_000);
      expect((await events(r.refundId)).map((e) => e.stage)).toEqual(['AWAITING_APPROVAL', 'AWAITING_BANK', 'AWAITING_BANK', 'AWAITING_BANK', 'REFUNDED']);
      expect(await ledger(r.refundId)).toMatchObject({ stage: 'REFUNDED', transfer_attempts: 3 });
      expect(await notices(r.applicationId)).toEqual<NoticeKind[]>(['REFUND_OPENED', 'REFUND_APPROVED', 'REFUND_SENT', 'REFUNDED']);
    });
  });

  it('escalates to its office after the last unconfirmed transfer, and is still REFUNDED when the confirmation comes', async () => {
    await withBank(async () => {
      const r = await opened();
      bank.confirmOn(r.refundId, Infinity);
      await r.handle.executeUpdate(approveRefund, { args: [finance] });
      await transfersSent(r.refundId, 3);
      await t.env.sleep(WINDOW + 60_000);
      await stageShown(r.refundId, 'ESCALATED');
      expect(await refundStage(r.handle)).toBe('ESCALATED');
      const office = await t.db.selectFrom('office_notices').select(['office_code', 'kind', 'details']).where('refund_id', '=', r.refundId).execute();
      expect(office).toEqual([{ office_code: 'PLU', kind: 'REFUND_ESCALATED', details: { amount: r.input.amount, transferAttempts: 3 } }]);
      // No fourth transfer, however long it waits.
      await t.env.sleep(5 * WINDOW);
      expect(bank.transferOf(r.refundId)!.requests).toBe(3);
      expect(await r.handle.query(getRefundState)).toMatchObject({ stage: 'ESCALATED', transferAttempts: 3 });

      const { reference } = bank.transferOf(r.refundId)!;
      await r.handle.signal(refundConfirmed, { reference, confirmedAt: new Date().toISOString() });
      expect(await r.handle.result()).toBe('REFUNDED');
      expect(await ledger(r.refundId)).toMatchObject({ stage: 'REFUNDED', bank_reference: reference, transfer_attempts: 3 });
      expect((await events(r.refundId)).map((e) => e.stage)).toEqual(['AWAITING_APPROVAL', 'AWAITING_BANK', 'AWAITING_BANK', 'AWAITING_BANK', 'ESCALATED', 'REFUNDED']);
      expect(await notices(r.applicationId)).toEqual<NoticeKind[]>(['REFUND_OPENED', 'REFUND_APPROVED', 'REFUND_SENT', 'REFUNDED']);
    });
  });

  it('is DECLINED with a reason, and nothing is sent to the bank', async () => {
    await withBank(async () => {
      const r = await opened();
      await expect(r.handle.executeUpdate(declineRefund, { args: [{ ...finance, reason: '  ' }] })).rejects.toMatchObject({ cause: { type: 'InvalidRequest', details: [{ field: 'reason' }] } });
      await r.handle.executeUpdate(declineRefund, { args: [{ ...finance, reason: 'the applicant asked to apply the payment instead' }] });
      expect(await r.handle.result()).toBe('DECLINED');
      expect(await ledger(r.refundId)).toMatchObject({ stage: 'DECLINED', declined_by: finance.officerId, decline_reason: 'the applicant asked to apply the payment instead', transfer_attempts: 0 });
      expect(bank.transferOf(r.refundId)).toBeUndefined();
      expect(await noticeDetails(r.applicationId)).toEqual([
        { kind: 'REFUND_OPENED', details: { amount: r.input.amount } },
        { kind: 'REFUND_DECLINED', details: { amount: r.input.amount, reason: 'the applicant asked to apply the payment instead' } },
      ]);
      expect(await refundStage(r.handle)).toBe('DECLINED');
    });
  });
});

describe('a repeated or misplaced message', () => {
  it('changes nothing: a second start, approval or decline, a confirmation before approval or again, another office', async () => {
    await withBank(async () => {
      const r = await opened();
      bank.confirmOn(r.refundId, Infinity);
      await expect(t.client.workflow.start(refund, { workflowId: r.refundId, taskQueue: t.taskQueue, args: [r.input] })).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      await expect(r.handle.executeUpdate(approveRefund, { args: [{ officerId: 'finance-wsb-1', officeCode: 'WSB' }] })).rejects.toMatchObject(rejection('WrongOffice'));
      await expect(r.handle.executeUpdate(approveRefund, { args: [{ officerId: 'finance-directorate-1', officeCode: '*' }] })).rejects.toMatchObject(rejection('WrongOffice'));
      // No transfer was sent, so no confirmation can be right.
      await r.handle.signal(refundConfirmed, { reference: 'RF-EARLY', confirmedAt: new Date().toISOString() });
      expect(await r.handle.query(getRefundState)).toMatchObject({ stage: 'AWAITING_APPROVAL' });

      await r.handle.executeUpdate(approveRefund, { args: [finance] });
      await expect(r.handle.executeUpdate(approveRefund, { args: [finance] })).rejects.toMatchObject(rejection('StepOutOfOrder'));
      await expect(r.handle.executeUpdate(declineRefund, { args: [{ ...finance, reason: 'changed my mind' }] })).rejects.toMatchObject(rejection('StepOutOfOrder'));
      const { reference } = await eventually(async () => bank.transferOf(r.refundId), (transfer) => transfer !== undefined).then((transfer) => transfer!);
      const confirmedAt = new Date().toISOString();
      for (const ref of [reference, reference, 'RF-OTHER']) await r.handle.signal(refundConfirmed, { reference: ref, confirmedAt });
      expect(await r.handle.result()).toBe('REFUNDED');

      expect(await ledger(r.refundId)).toMatchObject({ stage: 'REFUNDED', bank_reference: reference, approved_by: finance.officerId, declined_by: null });
      expect((await events(r.refundId)).map((e) => e.stage)).toEqual(['AWAITING_APPROVAL', 'AWAITING_BANK', 'REFUNDED']);
      expect(await notices(r.applicationId)).toEqual<NoticeKind[]>(['REFUND_OPENED', 'REFUND_APPROVED', 'REFUND_SENT', 'REFUNDED']);
      expect(await acceptedUpdates(r.handle)).toBe(1); // the refused updates left no trace in the history
      expect(await t.db.selectFrom('refunds').select('refund_id').where('bank', '=', 'BNI').where('transaction_id', '=', r.input.transactionId).execute()).toHaveLength(1);
    });
  });

  it('leaves a refund without an office (no application has its billing code) to a finance officer of the directorate, never an office’s', async () => {
    await withBank(async () => {
      const r = await opened({ applicationId: undefined, officeCode: undefined, billingCode: '999999999999999', reason: 'unknown billing code' });
      await expect(r.handle.executeUpdate(approveRefund, { args: [finance] })).rejects.toMatchObject(rejection('WrongOffice'));
      expect(await ledger(r.refundId)).toMatchObject({ stage: 'AWAITING_APPROVAL', office_code: null, application_id: null });
      expect((await r.handle.describe()).typedSearchAttributes.get(OfficeCode)).toBeUndefined();
      const directorate = { officerId: 'finance-directorate-1', officeCode: '*' };
      expect(await r.handle.executeUpdate(declineRefund, { args: [{ ...directorate, reason: 'the bank returns it itself' }] })).toMatchObject({ stage: 'DECLINED', declinedBy: 'finance-directorate-1' });
      expect(await r.handle.result()).toBe('DECLINED');
    });
  });
});

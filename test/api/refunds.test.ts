// Refunds end to end on the dev server: a refund opened as the payments workflow opens it, the office's finance
// officer finding and approving it through the API, the bank transferring the money and confirming by its signed
// callback, and everyone else refused. Then the whole path from the bank's payment callback: a payment after its
// application expired, refunded after the bank confirmed only the third transfer; a payment of a billing code no
// application has, decided by a finance officer of the directorate.
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, refundPolicyFrom } from '../../config.js';
import { REFUND_WORKFLOW, refundIdFor, type RefundInput } from '../../workflows/definitions.js';
import { paymentCallback } from '../support/bank.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** An application of PLU and a refund of a payment to it with the wrong amount, started as the payments workflow starts one. */
async function refundOpened(): Promise<{ refundId: string; applicationId: string; input: RefundInput }> {
  const applicant = await s.applicant();
  const submitted = await s.call('POST', '/applications', sampleSubmission(), applicant.auth);
  expect(submitted.status).toBe(201);
  const { applicationId, billingCode, amount } = submitted.body;
  const transactionId = `BNI-${randomUUID()}`;
  const input: RefundInput = {
    bank: 'BNI',
    transactionId,
    ntpn: `0${Date.now()}`.slice(-16),
    billingCode,
    amount: amount + 1000,
    paidAt: new Date().toISOString(),
    reason: `the amount differs from the billing (${amount} rupiah)`,
    applicationId,
    officeCode: 'PLU',
    policy: refundPolicyFrom(loadConfig({})),
  };
  const refundId = refundIdFor(input.bank, transactionId);
  await s.env.client.workflow.start(REFUND_WORKFLOW, { workflowId: refundId, taskQueue: s.taskQueue, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
  return { refundId, applicationId, input };
}
const path = (refundId: string, action = '') => `/finance/refunds/${encodeURIComponent(refundId)}${action}`;

describe('a refund, end to end', () => {
  it('takes one of three confirmations with different references sent at once, and refuses the other two', async () => {
    const { refundId } = await refundOpened();
    s.bank.confirmOn(refundId, Infinity); // the bank takes the transfer, and its confirmation comes from this test
    const finance = bearer(await s.financeToken('PLU'));
    await eventually(() => s.call('GET', path(refundId), undefined, finance), (r) => r.status === 200);
    expect((await s.call('POST', path(refundId, '/approve'), undefined, finance)).status).toBe(200);
    await eventually(() => s.call('GET', path(refundId), undefined, finance), (r) => r.body.stage === 'AWAITING_BANK' && s.bank.transferOf(refundId) !== undefined);
    const references = ['RA', 'RB', 'RC'].map((r) => `${r}-${randomInt(1e6, 1e7)}`);
    const answers = await Promise.all(references.map((reference) => s.signedCall('bank', '/callbacks/bank/refunds', { refundId, reference, confirmedAt: new Date().toISOString() }).send()));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409, 409]);
    const taken = references[answers.findIndex((a) => a.status === 202)];
    for (const refused of answers.filter((a) => a.status === 409)) expect(refused.body.detail).toBe(`the refund was confirmed under the reference ${taken}`);
    const refunded = await eventually(() => s.call('GET', path(refundId), undefined, finance), (r) => r.body.stage === 'REFUNDED');
    expect(refunded.body.bankReference).toBe(taken);
    expect(await s.db.selectFrom('refund_confirmations').select('bank_reference').where('refund_id', '=', refundId).execute()).toEqual([{ bank_reference: taken }]);
  });


  it('is listed for the finance officer of its office, approved, transferred and REFUNDED by the bank’s signed callback', async () => {
    const { refundId, applicationId, input } = await refundOpened();
    const finance = bearer(await s.financeToken('PLU'));
    const listed = await eventually(
      () => s.call('GET', '/finance/refunds?stage=AWAITING_APPROVAL', undefined, finance),
      (r) => r.status === 200 && r.body.items.some((i: { refundId: string }) => i.refundId === refundId),
    );
    expect(listed.body.items.find((i: { refundId: string }) => i.refundId === refundId)).toMatchObject({
      stage: 'AWAITING_APPROVAL',
      officeCode: 'PLU',
      applicationId,
      amount: input.amount,
      reason: input.reason,
      transferAttempts: 0,
    });
    expect(listed.body.temporal.query).toBe('WorkflowType = "refund" AND RefundStage = "AWAITING_APPROVAL" AND OfficeCode = "PLU"');

    const key = { 'idempotency-key': `approve-${randomUUID()}` };
    const approved = await s.call('POST', path(refundId, '/approve'), undefined, { ...finance, ...key });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ refundId, approvedBy: 'finance-plu-1', transferAttempts: 1 });
    expect(['AWAITING_BANK', 'REFUNDED']).toContain(approved.body.stage);

    // The fake bank confirms the transfer by the signed callback, as the real one does.
    const refunded = await eventually(() => s.call('GET', path(refundId), undefined, finance), (r) => r.body.stage === 'REFUNDED');
    const { reference } = s.bank.transferOf(refundId)!;
    expect(refunded.body).toMatchObject({ stage: 'REFUNDED', bankReference: reference, transferAttempts: 1, confirmedAt: expect.any(String) });
    expect(refunded.body.steps.map((step: { stage: string; actor: string }) => [step.stage, step.actor])).toEqual([
      ['AWAITING_APPROVAL', 'system'],
      ['AWAITING_BANK', 'finance-plu-1'],
      ['REFUNDED', 'bank'],
    ]);
    const notices = await s.db.selectFrom('notifications').select('kind').where('application_id', '=', applicationId).where('effect_key', 'like', 'refund-%').orderBy('id').execute();
    expect(notices.map((n) => n.kind)).toEqual(['REFUND_OPENED', 'REFUND_APPROVED', 'REFUND_SENT', 'REFUNDED']);
    expect((await s.call('GET', '/finance/refunds?stage=REFUNDED', undefined, finance)).body.items.map((i: { refundId: string }) => i.refundId)).toContain(refundId);

    // The bank repeats itself: a fresh signature is a duplicate, the same one a replay, another reference a conflict.
    const again = s.signedCall('bank', '/callbacks/bank/refunds', { refundId, reference, confirmedAt: new Date().toISOString() });
    expect(await again.send()).toMatchObject({ status: 202, body: { status: 'duplicate' } });
    expect((await again.send()).status).toBe(401);
    const other = await s.signedCall('bank', '/callbacks/bank/refunds', { refundId, reference: 'RF-OTHER', confirmedAt: new Date().toISOString() }).send();
    expect(other).toMatchObject({ status: 409, body: { detail: `the refund was confirmed under the reference ${reference}` } });
    // A second approval is out of order; the finance officer's retry with the same key is the first approval's answer.
    expect(await s.call('POST', path(refundId, '/approve'), undefined, finance)).toMatchObject({ status: 409, body: { detail: 'the refund is already REFUNDED' } });
    expect(await s.call('POST', path(refundId, '/approve'), undefined, { ...finance, ...key })).toMatchObject({ status: 200, body: { refundId, stage: 'REFUNDED', approvedBy: 'finance-plu-1' } });
    expect(s.bank.transferOf(refundId)!.requests).toBe(1);
  });

  it('is refused to a finance officer of another office, to officers and to managers, changing nothing', async () => {
    const { refundId } = await refundOpened();
    const own = bearer(await s.financeToken('PLU'));
    await eventually(() => s.call('GET', path(refundId), undefined, own), (r) => r.status === 200);
    const otherFinance = bearer(await s.financeToken('WSB'));
    const directorateFinance = bearer(await s.financeToken('*'));
    const officer = bearer(await s.officerToken('PLU'));
    const directorate = bearer(await s.managerToken('*'));
    const manager = bearer(await s.managerToken('PLU'));

    expect(await s.call('POST', path(refundId, '/approve'), undefined, otherFinance)).toMatchObject({ status: 403, body: { detail: 'the refund belongs to office PLU' } });
    expect((await s.call('GET', path(refundId), undefined, otherFinance)).status).toBe(403);
    expect((await s.call('GET', '/finance/refunds', undefined, otherFinance)).body.items.map((i: { refundId: string }) => i.refundId)).not.toContain(refundId);
    // The directorate's finance officer decides the refunds of no office only: an office's stays its own.
    expect(await s.call('POST', path(refundId, '/approve'), undefined, directorateFinance)).toMatchObject({ status: 403, body: { detail: 'the refund belongs to office PLU' } });
    expect((await s.call('GET', path(refundId), undefined, directorateFinance)).status).toBe(403);
    expect((await s.call('GET', '/finance/refunds', undefined, directorateFinance)).body.items.map((i: { refundId: string }) => i.refundId)).not.toContain(refundId);
    for (const caller of [officer, directorate, manager]) {
      expect(await s.call('POST', path(refundId, '/approve'), undefined, caller)).toMatchObject({ status: 403, body: { detail: 'this needs a finance officer token' } });
      expect((await s.call('GET', '/finance/refunds', undefined, caller)).status).toBe(403);
    }
    expect((await s.call('POST', path(refundId, '/approve'), undefined, {})).status).toBe(401);

    const unchanged = await s.call('GET', path(refundId), undefined, own);
    expect(unchanged.body).toMatchObject({ stage: 'AWAITING_APPROVAL', approvedBy: null, transferAttempts: 0 });
    expect(s.bank.transferOf(refundId)).toBeUndefined();
  });

  it('is declined only with a reason, and then takes no confirmation; bad input names its field', async () => {
    const { refundId } = await refundOpened();
    const finance = bearer(await s.financeToken('PLU'));
    await eventually(() => s.call('GET', path(refundId), undefined, finance), (r) => r.status === 200);

    const noReason = await s.call('POST', path(refundId, '/decline'), { reason: '   ' }, finance);
    expect(noReason).toMatchObject({ status: 400, body: { errors: [{ field: 'reason', reason: 'a declined refund needs a reason' }] } });
    const unknownField = await s.call('POST', path(refundId, '/decline'), { reason: 'ok', note: 'x' }, finance);
    expect(unknownField).toMatchObject({ status: 400, body: { errors: [{ field: 'note' }] } });
    expect(await s.call('GET', '/finance/refunds?stage=PAID', undefined, finance)).toMatchObject({ status: 400, body: { errors: [{ field: 'query.stage' }] } });
    expect((await s.call('GET', '/finance/refunds/not-a-refund', undefined, finance)).status).toBe(400);
    expect((await s.call('GET', path('refund-BNI-nothing-here'), undefined, finance)).status).toBe(404);

    const declined = await s.call('POST', path(refundId, '/decline'), { reason: 'the applicant asked to apply it to a new billing' }, finance);
    expect(declined).toMatchObject({ status: 200, body: { stage: 'DECLINED', declinedBy: 'finance-plu-1', declineReason: 'the applicant asked to apply it to a new billing' } });
    expect((await s.call('POST', path(refundId, '/approve'), undefined, finance)).status).toBe(409);

    const late = await s.signedCall('bank', '/callbacks/bank/refunds', { refundId, reference: 'RF-1', confirmedAt: new Date().toISOString() }).send();
    expect(late).toMatchObject({ status: 409, body: { detail: 'no transfer was sent for this refund: it is DECLINED' } });
    const unknown = await s.signedCall('bank', '/callbacks/bank/refunds', { refundId: 'refund-BNI-nothing-here', reference: 'RF-2', confirmedAt: new Date().toISOString() }).send();
    expect(unknown.status).toBe(404);
    expect(s.bank.transferOf(refundId)).toBeUndefined();
  });
});

const items = (r: { body: { items: Array<{ refundId: string }> } }) => r.body.items.map((i) => i.refundId);

describe('a refund from the bank’s payment callback to the bank’s confirmation', () => {
  it('refunds a payment made one minute after its application expired: listed, approved, and REFUNDED when the bank confirms the third transfer; the applicant told at each step', async () => {
    // Transfers wait seconds, not hours, for the bank's confirmation: the policy the callback's bank transaction
    // hands to its refund comes from this listener's configuration.
    const confirmWithinSeconds = 3;
    const shortWaits = await s.listenWith({ REFUND_CONFIRM_HOURS: String(confirmWithinSeconds / 3600) });
    const app = await s.submitWith({ paymentWindowMs: 2_000 });
    await eventually(() => s.call('GET', `/track/${app.trackingCode}`), (r) => r.body.stage === 'EXPIRED', 30_000);

    const payment = paymentCallback(app, { paidAt: new Date(Date.parse(app.paymentDeadline) + 60_000).toISOString() });
    const refundId = refundIdFor(payment.bank, payment.transactionId);
    s.bank.confirmOn(refundId, 3); // the first two transfers are never confirmed
    const signed = s.signedCall('bank', '/callbacks/bank/payments', payment);
    expect(await shortWaits.call('POST', '/callbacks/bank/payments', JSON.stringify(payment), signed.headers)).toMatchObject({ status: 202, body: { status: 'accepted' } });

    const finance = bearer(await s.financeToken('PLU'));
    const awaiting = await eventually(() => s.call('GET', '/finance/refunds?stage=AWAITING_APPROVAL', undefined, finance), (r) => r.status === 200 && items(r).includes(refundId), 30_000);
    expect(awaiting.body.items.find((i: { refundId: string }) => i.refundId === refundId)).toMatchObject({
      stage: 'AWAITING_APPROVAL',
      officeCode: 'PLU',
      applicationId: app.applicationId,
      transactionId: payment.transactionId,
      amount: app.amount,
      reason: 'the application is EXPIRED',
      transferAttempts: 0,
    });

    const approved = await s.call('POST', path(refundId, '/approve'), undefined, finance);
    expect(approved).toMatchObject({ status: 200, body: { stage: 'AWAITING_BANK', approvedBy: 'finance-plu-1', transferAttempts: 1 } });
    const refunded = await eventually(() => s.call('GET', path(refundId), undefined, finance), (r) => r.body.stage === 'REFUNDED', 60_000);
    const transfer = s.bank.transferOf(refundId)!;
    expect(transfer).toMatchObject({ requests: 3, confirmed: true, request: { refundId, amount: app.amount, transactionId: payment.transactionId } });
    expect(refunded.body).toMatchObject({ stage: 'REFUNDED', bankReference: transfer.reference, transferAttempts: 3, confirmedAt: expect.any(String) });
    expect(refunded.body.steps.map((step: { stage: string; actor: string }) => [step.stage, step.actor])).toEqual([
      ['AWAITING_APPROVAL', 'system'],
      ['AWAITING_BANK', 'finance-plu-1'],
      ['AWAITING_BANK', 'system'],
      ['AWAITING_BANK', 'system'],
      ['REFUNDED', 'bank'],
    ]);
    // Each resend waited the policy's window for a confirmation that never came.
    const [, first, second, third] = refunded.body.steps.map((step: { at: string }) => Date.parse(step.at));
    expect(second - first).toBeGreaterThanOrEqual(confirmWithinSeconds * 1000);
    expect(third - second).toBeGreaterThanOrEqual(confirmWithinSeconds * 1000);
    expect(await s.db.selectFrom('refund_transfers').select(['attempt', 'idempotency_key']).where('refund_id', '=', refundId).orderBy('attempt').execute()).toEqual(
      [1, 2, 3].map((attempt) => ({ attempt, idempotency_key: refundId })),
    );
    // Recorded for the applicant (nothing sends notices yet), in order.
    const notices = await s.db.selectFrom('notifications').select('kind').where('application_id', '=', app.applicationId).where('kind', 'in', ['REFUND_OPENED', 'REFUND_APPROVED', 'REFUND_SENT', 'REFUNDED', 'REFUND_DECLINED']).orderBy('id').execute();
    expect(notices.map((n) => n.kind)).toEqual(['REFUND_OPENED', 'REFUND_APPROVED', 'REFUND_SENT', 'REFUNDED']);
    expect(await s.call('GET', `/track/${app.trackingCode}`)).toMatchObject({ body: { stage: 'EXPIRED' } });
  });

  it('of a billing code no application has: listed for and decided by a finance officer of the directorate (office *), by no office', async () => {
    const payment = paymentCallback({ billingCode: `9${randomInt(1e13, 1e14)}`, amount: 350_000 });
    const refundId = refundIdFor(payment.bank, payment.transactionId);
    expect(await s.signedCall('bank', '/callbacks/bank/payments', payment).send()).toMatchObject({ status: 202, body: { status: 'accepted' } });

    const directorate = bearer(await s.financeToken('*'));
    const listed = await eventually(() => s.call('GET', '/finance/refunds?stage=AWAITING_APPROVAL', undefined, directorate), (r) => r.status === 200 && items(r).includes(refundId), 30_000);
    expect(listed.body.items.every((i: { officeCode: string | null }) => i.officeCode === null)).toBe(true);
    expect(listed.body.items.find((i: { refundId: string }) => i.refundId === refundId)).toMatchObject({ officeCode: null, applicationId: null, reason: 'unknown billing code', amount: 350_000 });
    expect(listed.body).toMatchObject({ officeCode: '*', temporal: { query: 'WorkflowType = "refund" AND RefundStage = "AWAITING_APPROVAL" AND OfficeCode IS NULL' } });
    // The link's query finds it in Temporal's visibility.
    const found = async () => {
      const ids: string[] = [];
      for await (const run of s.env.client.workflow.list({ query: listed.body.temporal.query })) ids.push(run.workflowId);
      return ids;
    };
    await eventually(found, (ids) => ids.includes(refundId), 30_000);

    // No office's finance officer may see or decide it.
    const plu = bearer(await s.financeToken('PLU'));
    const noOffice = 'the refund has no office (no application has its billing code): a finance officer of the directorate (office *) decides it';
    expect(await s.call('POST', path(refundId, '/approve'), undefined, plu)).toMatchObject({ status: 403, body: { detail: noOffice } });
    expect(await s.call('GET', path(refundId), undefined, plu)).toMatchObject({ status: 403, body: { detail: noOffice } });
    expect(items(await s.call('GET', '/finance/refunds', undefined, plu))).not.toContain(refundId);

    const approved = await s.call('POST', path(refundId, '/approve'), undefined, { ...directorate, 'idempotency-key': `approve-${randomUUID()}` });
    expect(approved).toMatchObject({ status: 200, body: { refundId, approvedBy: 'finance-directorate-1', transferAttempts: 1 } });
    const refunded = await eventually(() => s.call('GET', path(refundId), undefined, directorate), (r) => r.body.stage === 'REFUNDED');
    expect(refunded.body).toMatchObject({ bankReference: s.bank.transferOf(refundId)!.reference, officeCode: null });
    expect(await s.call('POST', path(refundId, '/decline'), { reason: 'too late' }, directorate)).toMatchObject({ status: 409 });
  });
});

describe("the applicant's money", () => {
  it('shows the owner the payment applied and the refund of a second payment of the billing code, as it moves; nothing to anyone else, nothing in public tracking', async () => {
    const owner = await s.applicant();
    const submitted = await s.call('POST', '/applications', sampleSubmission(), owner.auth);
    expect(submitted.status).toBe(201);
    const app = submitted.body;
    const view = () => s.call('GET', `/applications/${app.applicationId}`, undefined, owner.auth);
    expect((await view()).body).toMatchObject({ payments: [], refunds: [] });

    const paid = paymentCallback(app);
    expect((await s.signedCall('bank', '/callbacks/bank/payments', paid).send()).status).toBe(202);
    await eventually(() => s.call('GET', `/track/${app.trackingCode}`), (r) => r.body.stage === 'AWAITING_BOOKING', 30_000);
    const again = paymentCallback(app, { bank: 'BRI' });
    expect((await s.signedCall('bank', '/callbacks/bank/payments', again).send()).status).toBe(202);

    const seen = await eventually(view, (r) => r.body.refunds?.length === 1, 30_000);
    expect(seen.body.payments).toEqual([{ bank: paid.bank, transactionId: paid.transactionId, ntpn: paid.ntpn, amount: app.amount, paidAt: paid.paidAt }]);
    expect(seen.body.refunds).toEqual([
      {
        bank: 'BRI',
        transactionId: again.transactionId,
        ntpn: again.ntpn,
        billingCode: app.billingCode,
        amount: app.amount,
        paidAt: again.paidAt,
        reason: `the billing code is already paid by ${paid.bank} transaction ${paid.transactionId}`,
        stage: 'AWAITING_APPROVAL',
        openedAt: expect.any(String),
        stageEnteredAt: expect.any(String),
        declineReason: null,
        bankReference: null,
        refundedAt: null,
      },
    ]);

    const refundId = refundIdFor('BRI', again.transactionId);
    const reason = 'the applicant asked to keep it for a family member’s application';
    expect((await s.call('POST', path(refundId, '/decline'), { reason }, bearer(await s.financeToken('PLU')))).status).toBe(200);
    expect((await view()).body.refunds).toMatchObject([{ stage: 'DECLINED', declineReason: reason, refundedAt: null }]);

    // Another applicant sees none of it: not this application, and not in their own.
    const other = await s.applicant();
    expect((await s.call('GET', `/applications/${app.applicationId}`, undefined, other.auth)).status).toBe(404);
    const theirs = await s.call('POST', '/applications', sampleSubmission(), other.auth);
    expect((await s.call('GET', `/applications/${theirs.body.applicationId}`, undefined, other.auth)).body).toMatchObject({ payments: [], refunds: [] });
    // Public tracking shows stages and dates, no money.
    const tracked = await s.call('GET', `/track/${app.trackingCode}`);
    expect(tracked.body).not.toHaveProperty('payments');
    expect(tracked.body).not.toHaveProperty('refunds');
    expect(JSON.stringify(tracked.body)).not.toContain(again.transactionId);
  });
});

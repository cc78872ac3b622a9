// End to end, as the bank calls the API: every payment is answered 202 and ends applied to its application or
// refunded (a refund workflow opened with the reason); the HTTP layer takes no money decision. The cases that
// lost money before (issue 13): a callback after the workflow expired the application, several transactions at
// once, a transaction id reused on another billing code, a payment dated before its billing code, a wrong amount.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBankTransaction } from '../../db/queries/bank-transactions.js';
import { BANK_CLOCK_TOLERANCE_MS, bankTransactionIdFor, type BankTransaction } from '../../workflows/definitions.js';
import { decided, newNtpn, paymentCallback, refundExists, refundOpened } from '../support/bank.js';
import { countRows } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

type Billing = { applicationId: string; trackingCode: string; billingCode: string; amount: number; paymentDeadline: string };
const submit = async (): Promise<Billing> => {
  const { auth } = await s.applicant();
  const submitted = await s.call('POST', '/applications', sampleSubmission(), auth);
  expect(submitted.status).toBe(201);
  return submitted.body;
};
const pay = (body: Omit<BankTransaction, 'source'>, at?: number) => s.signedCall('bank', '/callbacks/bank/payments', body, at).send();
const stageOf = async (trackingCode: string) => (await s.call('GET', `/track/${trackingCode}`)).body.stage as string;
const stageBecomes = (trackingCode: string, stage: string) => eventually(() => stageOf(trackingCode), (value) => value === stage, 30_000);

describe('the bank callback', () => {
  it('answers 202 to a payment made in time whose callback comes after the workflow expired the application, and refunds it: nothing is dropped', async () => {
    const app = await s.submitWith({ paymentWindowMs: 3_000 });
    const paidAt = new Date().toISOString(); // in time
    await stageBecomes(app.trackingCode, 'EXPIRED');
    const payment = paymentCallback(app, { paidAt });
    expect(await pay(payment)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await decided(s.db, payment)).toMatchObject({ outcome: 'REFUND', outcome_reason: 'the application is EXPIRED', application_id: app.applicationId });
    expect(await refundOpened(s.env.client, payment)).toMatchObject({ workflowType: 'refund', input: { ...payment, reason: 'the application is EXPIRED', applicationId: app.applicationId, officeCode: 'PLU' } });
    expect(await stageOf(app.trackingCode)).toBe('EXPIRED');
    expect(await countRows(s.db, 'payments', app.applicationId)).toBe(0);
  });

  it('answers 202 to three different transactions sent at once: one is applied, the other two are refunded', async () => {
    const app = await submit();
    const payments = ['BRI', 'BNI', 'BSI'].map((bank) => paymentCallback(app, { bank }));
    const answers = await Promise.all(payments.map((payment) => pay(payment)));
    expect(answers.map((a) => [a.status, a.body.status])).toEqual([
      [202, 'accepted'],
      [202, 'accepted'],
      [202, 'accepted'],
    ]);
    const entries = await Promise.all(payments.map((payment) => decided(s.db, payment)));
    expect(entries.map((e) => e.outcome).sort()).toEqual(['APPLIED', 'REFUND', 'REFUND']);
    const applied = payments[entries.findIndex((e) => e.outcome === 'APPLIED')]!;
    for (const [i, payment] of payments.entries()) {
      if (payment === applied) continue;
      const reason = `the billing code is already paid by ${applied.bank} transaction ${applied.transactionId}`;
      expect(entries[i]).toMatchObject({ outcome_reason: reason, application_id: app.applicationId });
      expect(await refundOpened(s.env.client, payment)).toMatchObject({ input: { ...payment, reason } });
    }
    await stageBecomes(app.trackingCode, 'AWAITING_BOOKING');
    expect(await s.db.selectFrom('payments').select(['bank', 'bank_transaction_id', 'ntpn']).where('application_id', '=', app.applicationId).execute()).toEqual([
      { bank: applied.bank, bank_transaction_id: applied.transactionId, ntpn: applied.ntpn },
    ]);
  });

  it('takes the same transaction sent twice at the same moment once: both answered, one applied, nothing refunded', async () => {
    const app = await submit();
    const payment = paymentCallback(app);
    // Two fresh signatures of one transaction, as a bank retrying at once sends them.
    const answers = await Promise.all([pay(payment), pay(payment, Date.now() + 1_000)]);
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(['accepted', 'duplicate']).toContain(answer.body.status);
    }
    expect(await decided(s.db, payment)).toMatchObject({ outcome: 'APPLIED', application_id: app.applicationId });
    await stageBecomes(app.trackingCode, 'AWAITING_BOOKING');
    expect(await countRows(s.db, 'payments', app.applicationId)).toBe(1);
    expect(await refundExists(s.env.client, payment)).toBe(false);
    // Decided, a repeat is a duplicate.
    expect(await pay(payment, Date.now() + 2_000)).toMatchObject({ status: 202, body: { status: 'duplicate' } });
  });

  it('records the same transaction id on another billing code as a conflict, never applied; that application is still paid by its own transaction at another bank', async () => {
    const first = await submit();
    const other = await submit();
    const payment = paymentCallback(first, { bank: 'BRI', transactionId: `BRI-${Date.now()}` });
    expect(await pay(payment)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    await stageBecomes(first.trackingCode, 'AWAITING_BOOKING');

    const reused = { ...payment, billingCode: other.billingCode, amount: other.amount, ntpn: newNtpn() };
    expect(await pay(reused)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    const conflicts = await eventually(
      () => s.db.selectFrom('bank_transaction_conflicts').selectAll().where('bank', '=', 'BRI').where('transaction_id', '=', payment.transactionId).execute(),
      (rows) => rows.length === 1,
    );
    expect(conflicts).toMatchObject([{ source: 'callback', sighting: { billingCode: other.billingCode }, reason: expect.stringMatching(/another billingCode/) }]);
    expect(await findBankTransaction(s.db, payment)).toMatchObject({ outcome: 'APPLIED', application_id: first.applicationId, flags: ['CONFLICT'] });
    // Managers find it in the Web UI, with the README's query.
    const odd = async () => {
      const ids = [];
      for await (const run of s.env.client.workflow.list({ query: 'BankTransactionState = "CONFLICT" OR BankTransactionState = "UNSETTLED"' })) ids.push(run.workflowId);
      return ids;
    };
    await eventually(odd, (ids) => ids.includes(bankTransactionIdFor('BRI', payment.transactionId)), 30_000);
    expect(await refundExists(s.env.client, payment)).toBe(false);
    expect(await stageOf(other.trackingCode)).toBe('AWAITING_PAYMENT');
    const metrics = (await s.call('GET', '/metrics')).body as string;
    expect(Number(/^passport_bank_transactions_flagged\{flag="CONFLICT"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^passport_bank_transactions\{outcome="APPLIED"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);

    const own = paymentCallback(other, { bank: 'BNI', transactionId: payment.transactionId });
    expect(await pay(own)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    await stageBecomes(other.trackingCode, 'AWAITING_BOOKING');
    expect(await s.db.selectFrom('payments').select(['bank', 'bank_transaction_id']).where('application_id', '=', other.applicationId).execute()).toEqual([
      { bank: 'BNI', bank_transaction_id: payment.transactionId },
    ]);
  });

  it('refunds a payment dated before its billing code existed and one of the wrong amount; the application still waits for its payment', async () => {
    const app = await submit();
    const issuedAt = Date.parse(app.paymentDeadline) - s.config.PAYMENT_WINDOW_MINUTES * 60_000;
    const early = paymentCallback(app, { paidAt: new Date(issuedAt - BANK_CLOCK_TOLERANCE_MS - 60_000).toISOString() });
    const short = paymentCallback(app, { bank: 'MANDIRI', amount: app.amount - 1 });
    expect(await pay(early)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await pay(short)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await decided(s.db, early)).toMatchObject({ outcome: 'REFUND', outcome_reason: expect.stringMatching(/before the billing code was issued/) });
    expect(await decided(s.db, short)).toMatchObject({ outcome: 'REFUND', outcome_reason: `the amount differs from the billing (${app.amount} rupiah)` });
    await refundOpened(s.env.client, early);
    await refundOpened(s.env.client, short);
    expect(await stageOf(app.trackingCode)).toBe('AWAITING_PAYMENT');
    expect(await countRows(s.db, 'payments', app.applicationId)).toBe(0);
  });

  it('answers 202 for a billing code this service never issued, and refunds it', async () => {
    const payment = paymentCallback({ billingCode: '900000000000001', amount: 350_000 });
    expect(await pay(payment)).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await decided(s.db, payment)).toMatchObject({ outcome: 'REFUND', outcome_reason: 'unknown billing code', application_id: null });
    expect(await refundOpened(s.env.client, payment)).toMatchObject({ input: { reason: 'unknown billing code' } });
  });

  it('refuses a payment without its bank or its NTPN with 400 naming each, and records nothing', async () => {
    const app = await submit();
    const { bank: _bank, ntpn: _ntpn, ...bare } = paymentCallback(app);
    expect(await pay(bare as never)).toMatchObject({ status: 400, body: { errors: expect.arrayContaining([expect.objectContaining({ field: 'bank' }), expect.objectContaining({ field: 'ntpn' })]) } });
    const malformed = paymentCallback(app, { bank: 'bri', ntpn: 'N-1' });
    expect(await pay(malformed)).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'bank', reason: expect.stringMatching(/bank's code/) }, { field: 'ntpn', reason: expect.stringMatching(/NTPN/) }] },
    });
    // A transaction id the settlement report could never list (a space at either end) is refused, not a new transaction.
    for (const transactionId of [' TX-1', 'TX-1 ']) {
      expect(await pay(paymentCallback(app, { transactionId }))).toMatchObject({ status: 400, body: { errors: [{ field: 'transactionId', reason: expect.stringMatching(/no space at either end/) }] } });
    }
    expect(await s.db.selectFrom('bank_transactions').select('bank').where('billing_code', '=', app.billingCode).execute()).toEqual([]);
  });
});

describe('a payment whose callback never came', () => {
  it("is found when the applicant says \"I paid\": nothing yet, then applied once the bank has it; the inquiries are limited per application", async () => {
    const { auth } = await s.applicant();
    const app = (await s.call('POST', '/applications', sampleSubmission(), auth)).body as Billing;
    const inquire = () => s.call('POST', `/applications/${app.applicationId}/payment-inquiry`, undefined, auth);
    expect(await inquire()).toMatchObject({ status: 200, body: { status: 'nothing-found', stage: 'AWAITING_PAYMENT', payments: [] } });

    const lost = paymentCallback(app, { bank: 'BTN' });
    s.bank.hold(lost); // paid at the bank, and its callback lost
    const found = await inquire();
    expect(found).toMatchObject({
      status: 200,
      body: { status: 'applied', payments: [{ bank: 'BTN', transactionId: lost.transactionId, amount: app.amount, outcome: 'APPLIED', reason: null }] },
    });
    await stageBecomes(app.trackingCode, 'AWAITING_BOOKING');
    expect(await findBankTransaction(s.db, lost)).toMatchObject({ first_source: 'inquiry', outcome: 'APPLIED', application_id: app.applicationId });

    const limited = await inquire(); // PAYMENT_INQUIRY_BURST (2) used up
    expect(limited).toMatchObject({ status: 429, body: { detail: 'at most 6 inquiries an hour for one application' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await countRows(s.db, 'payments', app.applicationId)).toBe(1);
  });

  it('answers 503 when the bank does not answer the inquiry', async () => {
    const { auth } = await s.applicant();
    const app = (await s.call('POST', '/applications', sampleSubmission(), auth)).body as Billing;
    s.bank.failNext(3);
    const answer = await s.call('POST', `/applications/${app.applicationId}/payment-inquiry`, undefined, auth);
    expect(answer).toMatchObject({ status: 503, body: { type: '/problems/unavailable', detail: expect.stringMatching(/bank did not answer/) } });
    expect(await stageOf(app.trackingCode)).toBe('AWAITING_PAYMENT');
  });

  it('answers 501 without a bank API, however often it is asked: no Retry-After, nothing counted against the limit', async () => {
    const { auth } = await s.applicant();
    const app = (await s.call('POST', '/applications', sampleSubmission(), auth)).body as Billing;
    const noBank = await s.listenWith({ BANK_API_URL: '' });
    for (let i = 0; i < 4; i++) {
      const answer = await noBank.call('POST', `/applications/${app.applicationId}/payment-inquiry`, undefined, auth);
      expect(answer).toMatchObject({ status: 501, body: { type: '/problems/not-configured', detail: expect.stringMatching(/no bank inquiry API configured/) } });
      expect(answer.headers.get('retry-after')).toBeNull();
    }
    // The limit was left untouched: the service with a bank API still answers.
    expect(await s.call('POST', `/applications/${app.applicationId}/payment-inquiry`, undefined, auth)).toMatchObject({ status: 200 });
  });

  it("is found by the workflow's own inquiry before the payment window closes, and applied", async () => {
    const app = await s.submitWith({ paymentWindowMs: 8_000, paymentInquiryBeforeMs: 5_000 });
    const lost = paymentCallback(app);
    s.bank.hold(lost);
    await stageBecomes(app.trackingCode, 'AWAITING_BOOKING');
    // The bank transaction records the application's answer just after the application took it.
    const tx = await eventually(() => findBankTransaction(s.db, lost), (row) => row?.outcome !== 'PENDING');
    expect(tx).toMatchObject({ first_source: 'inquiry', outcome: 'APPLIED', application_id: app.applicationId });
  });
});

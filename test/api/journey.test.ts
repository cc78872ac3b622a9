// End to end: the HTTP API against the Temporal dev server and PostgreSQL, as applicants, officers,
// the bank and Pos Indonesia would use it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBankTransaction } from '../../db/queries/bank-transactions.js';
import { OfficeCode, PassportStage, SlaDeadline, workflowIdFor } from '../../workflows/definitions.js';
import { countRows, nextWorkingDay } from '../support/read-model.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';
import { paymentCallback } from '../support/bank.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

const track = (code: string) => s.call('GET', `/track/${code}`);
const stageOf = async (code: string) => (await track(code)).body.stage as string;

/** A new applicant submits and pays; returns what the applicant was given, and their credentials. */
async function submitAndPay(overrides: Partial<ReturnType<typeof sampleSubmission>> = {}) {
  const { auth: applicant } = await s.applicant();
  const submitted = await s.call('POST', '/applications', { ...sampleSubmission(), ...overrides }, applicant);
  expect(submitted.status).toBe(201);
  const { applicationId, trackingCode, billingCode, amount } = submitted.body;
  const paid = await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback({ billingCode, amount })).send();
  expect(paid).toMatchObject({ status: 202, body: { status: 'accepted' } });
  await eventually(() => stageOf(trackingCode), (stage) => stage === 'AWAITING_BOOKING');
  return { applicationId, trackingCode, billingCode, amount, applicant };
}

async function bookAndInterview(applicationId: string, applicant: Record<string, string>, office = 'PLU') {
  const date = await nextWorkingDay(s.db, office);
  s.comesOnTheDay(applicationId); // the dev server's clock cannot move to the appointment day
  const booked = await s.call('POST', `/applications/${applicationId}/booking`, { date, session: 'MORNING' }, applicant);
  expect(booked).toMatchObject({ status: 200, body: { date, session: 'MORNING', officeCode: office } });
  const auth = { authorization: `Bearer ${await s.officerToken(office)}` };
  const interviewed = await s.call('POST', `/officer/applications/${applicationId}/interview`, { outcome: 'APPROVED' }, auth);
  expect(interviewed).toMatchObject({ status: 200, body: { stage: 'AWAITING_PRINTING' } });
  return auth;
}

describe('one application through the HTTP API', () => {
  it('goes from submission to COMPLETED at the counter, each stage visible through public tracking', async () => {
    const { applicationId, trackingCode, amount, applicant } = await submitAndPay();
    expect(amount).toBe(950_000); // ELECTRONIC_10Y in the seeded fee schedule

    const auth = await bookAndInterview(applicationId, applicant);
    const waiting = await track(trackingCode);
    expect(waiting.body).toMatchObject({ stage: 'AWAITING_PRINTING', officeCode: 'PLU', slaBreached: false });
    expect(waiting.body.estimatedCompletion).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const printed = await s.call('POST', `/officer/applications/${applicationId}/printing`, { passportNumber: 'E1234567' }, auth);
    expect(printed).toMatchObject({ status: 200, body: { stage: 'READY_FOR_PICKUP' } });
    const handed = await s.call('POST', `/officer/applications/${applicationId}/handover`, undefined, auth);
    expect(handed).toMatchObject({ status: 200, body: { stage: 'COMPLETED' } });

    const done = await track(trackingCode);
    expect(done.status).toBe(200);
    expect(done.body.stage).toBe('COMPLETED');
    expect(done.body.timeline.map((e: { stage: string }) => e.stage)).toEqual([
      'AWAITING_PAYMENT',
      'AWAITING_BOOKING',
      'AWAITING_INTERVIEW',
      'AWAITING_PRINTING',
      'READY_FOR_PICKUP',
      'COMPLETED',
    ]);
    // Managers see the same stage in the Temporal UI's search attributes.
    const described = await s.env.client.workflow.getHandle(workflowIdFor(applicationId)).describe();
    expect(described.typedSearchAttributes.get(PassportStage)).toBe('COMPLETED');
    expect(described.typedSearchAttributes.get(OfficeCode)).toBe('PLU');
    expect(described.typedSearchAttributes.get(SlaDeadline)).toBeInstanceOf(Date);

    // Public tracking shows nothing personal.
    const text = JSON.stringify(done.body);
    for (const secret of [sampleSubmission().fullName, 'Sam Ratulangi', 'siti@example.id', '6281234567890', 'E1234567', applicationId]) {
      expect(text).not.toContain(secret);
    }
  });

  it('delivers by Pos when chosen, completing on the signed delivery callback', async () => {
    const { applicationId, trackingCode, applicant } = await submitAndPay({ deliveryMethod: 'POS' });
    const auth = await bookAndInterview(applicationId, applicant);
    const printed = await s.call('POST', `/officer/applications/${applicationId}/printing`, { passportNumber: 'E7654321' }, auth);
    expect(printed).toMatchObject({ status: 200, body: { stage: 'IN_DELIVERY' } });
    const trackingNumber = (await track(trackingCode)).body.posTrackingNumber;
    expect(trackingNumber).toMatch(/^P\d{12}ID$/);

    const event = { eventId: `pos-${trackingNumber}`, trackingNumber, status: 'DELIVERED', at: new Date().toISOString() };
    const delivered = s.signedCall('pos', '/callbacks/pos/deliveries', event);
    expect(await delivered.send()).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await delivered.send()).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/replay/) } });
    // Pos retries the same event with a fresh signature: answered as a duplicate, nothing changes.
    expect(await s.signedCall('pos', '/callbacks/pos/deliveries', event, Date.now() + 1000).send()).toMatchObject({ status: 202, body: { status: 'duplicate' } });
    await eventually(() => stageOf(trackingCode), (stage) => stage === 'COMPLETED');
    expect(await countRows(s.db, 'deliveries', applicationId)).toBe(1);
  });
});

describe('retries', () => {
  it('answers a retried officer step with the same Idempotency-Key again, and applies it once', async () => {
    const { applicationId, applicant } = await submitAndPay();
    const auth = await bookAndInterview(applicationId, applicant);
    const path = `/officer/applications/${applicationId}/printing`;
    const key = { ...auth, 'idempotency-key': `print-${applicationId}` };
    const first = await s.call('POST', path, { passportNumber: 'E2468024' }, key);
    expect(first).toMatchObject({ status: 200, body: { stage: 'READY_FOR_PICKUP' } });
    const entries = await s.db.selectFrom('audit_log').select('seq').where('application_id', '=', applicationId).execute();

    const retried = await s.call('POST', path, { passportNumber: 'E2468024' }, key); // the officer's tablet lost the first answer
    expect(retried).toEqual(expect.objectContaining({ status: 200, body: first.body }));
    expect(await s.db.selectFrom('audit_log').select('seq').where('application_id', '=', applicationId).execute()).toHaveLength(entries.length);

    const fresh = await s.call('POST', path, { passportNumber: 'E2468024' }, auth); // no key: a second printing is out of order
    expect(fresh).toMatchObject({ status: 409, body: { type: '/problems/out-of-order' } });
    const badKey = await s.call('POST', path, { passportNumber: 'E2468024' }, { ...auth, 'idempotency-key': 'x' });
    expect(badKey).toMatchObject({ status: 400, body: { errors: [{ field: 'header.idempotency-key' }] } });
  });
});

describe('what the API refuses', () => {
  it('answers 400 naming each invalid field, and creates nothing', async () => {
    const { auth: applicant } = await s.applicant();
    const before = Number((await s.db.selectFrom('applications').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const response = await s.call('POST', '/applications', { ...sampleSubmission(), nik: '12345', email: 'not-an-email', applicationType: 'VISA' }, applicant);
    expect(response.status).toBe(400);
    expect(response.contentType).toContain('application/problem+json');
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['applicationType', 'email', 'nik']);
    expect(response.body.errors.find((e: { field: string }) => e.field === 'nik').reason).toMatch(/16 digits/);
    const unknownOffice = await s.call('POST', '/applications', { ...sampleSubmission(), officeCode: 'XXX' }, applicant);
    expect(unknownOffice).toMatchObject({ status: 400, body: { errors: [{ field: 'officeCode' }] } });
    const after = Number((await s.db.selectFrom('applications').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(after).toBe(before);
  });

  it('answers 409 for a step out of order and 403 for an officer of another office, changing nothing', async () => {
    const { applicationId, trackingCode } = await submitAndPay();
    const plu = { authorization: `Bearer ${await s.officerToken('PLU')}` };
    const early = await s.call('POST', `/officer/applications/${applicationId}/printing`, { passportNumber: 'E1111111' }, plu);
    expect(early).toMatchObject({ status: 409, body: { type: '/problems/out-of-order' } });
    expect(early.body.detail).toMatch(/AWAITING_BOOKING/);

    const wsb = { authorization: `Bearer ${await s.officerToken('WSB')}` };
    const foreign = await s.call('POST', `/officer/applications/${applicationId}/interview`, { outcome: 'APPROVED' }, wsb);
    expect(foreign.status).toBe(403);
    const anonymous = await s.call('POST', `/officer/applications/${applicationId}/interview`, { outcome: 'APPROVED' });
    expect(anonymous.status).toBe(401);
    expect(await stageOf(trackingCode)).toBe('AWAITING_BOOKING');
  });

  it('rejects a replayed bank callback, and a duplicate with a fresh signature changes nothing', async () => {
    const { auth: applicant } = await s.applicant();
    const submitted = (await s.call('POST', '/applications', sampleSubmission(), applicant)).body;
    const payment = paymentCallback(submitted, { bank: 'MANDIRI', transactionId: '0001' });
    const first = s.signedCall('bank', '/callbacks/bank/payments', payment);
    expect((await first.send()).status).toBe(202);
    const replay = await first.send();
    expect(replay).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/replay/) } });

    await eventually(() => stageOf(submitted.trackingCode), (stage) => stage === 'AWAITING_BOOKING');
    // The ledger records the decision just after the application took the payment; a repeat before that is handed
    // to the same workflow (answered `accepted`, and changes nothing either).
    await eventually(() => findBankTransaction(s.db, payment), (row) => row?.outcome === 'APPLIED');
    const again = await s.signedCall('bank', '/callbacks/bank/payments', payment, Date.now() + 1000).send();
    expect(again).toMatchObject({ status: 202, body: { status: 'duplicate' } });
    const stale = await s.signedCall('bank', '/callbacks/bank/payments', payment, Date.now() - 3_600_000).send();
    expect(stale.status).toBe(401);
    const forged = await s.call('POST', '/callbacks/bank/payments', payment, { 'x-timestamp': String(Math.floor(Date.now() / 1000)), 'x-signature': 'sha256=00' });
    expect(forged.status).toBe(401);
    expect(await countRows(s.db, 'payments', submitted.applicationId)).toBe(1);
  });
});

describe('privacy', () => {
  it('keeps the NIK, name, birth date, contact details and address out of every history this file produced', async () => {
    expect(await s.personalDataInHistories()).toEqual([]);
  });
});

// The civil-registry (Dukcapil) check made again while the payment is awaited, for an application submitted while
// the registry was down. Time-skipping, with the fake registry over HTTP: it comes back and confirms, or it finds a
// mismatch and the application is rejected before payment; a payment made meanwhile is never held up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRegistry } from '../../api/registry.js';
import { submitApplication, type Submission } from '../../api/submission.js';
import { startFakeDukcapil, type FakeDukcapil } from '../../scripts/fake-dukcapil.js';
import { workflowIdFor } from '../../workflows/definitions.js';
import { bankTransactionFor, decided, refundOpened } from '../support/bank.js';
import { eventually } from '../support/eventually.js';
import { applicationRow } from '../support/read-model.js';
import { pay, skipTo, stageReached } from '../support/scenarios.js';
import { defaultPolicy, sampleSubmission, startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
let fake: FakeDukcapil;
let registry: ReturnType<typeof httpRegistry>;
beforeAll(async () => {
  t = await startTimeSkipping();
  fake = await startFakeDukcapil();
  registry = httpRegistry({ baseUrl: fake.url, token: fake.settings.DUKCAPIL_API_TOKEN, timeoutMs: 2_000 });
});
afterAll(async () => {
  await fake?.stop();
  await t?.teardown();
});

/** Submitted while the registry answers 503: stored and started with the check pending. */
async function submittedWhileDown(submission: Submission = sampleSubmission()) {
  fake.setAvailable(false);
  const now = async () => new Date(await t.env.currentTimeMs());
  const app = await submitApplication({ db: t.db, temporal: t.client, taskQueue: t.taskQueue, policy: defaultPolicy, now, registry }, submission);
  expect(app).toMatchObject({ registryCheck: 'PENDING', workflowStarted: true });
  return { ...app, submission, handle: t.client.workflow.getHandle(workflowIdFor(app.applicationId)) };
}
const registryCheckOf = async (id: string) => (await applicationRow(t.db, id)).registry_check;
const minutes = (n: number) => n * 60_000;

describe('the registry check made again before payment is due', () => {
  it('confirms the identity once the registry is back, and the application goes on to payment', async () => {
    await t.withWorker(async () => {
      const app = await submittedWhileDown();
      const before = fake.verifications();
      await t.env.sleep(minutes(5));
      expect(fake.verifications() - before).toBeGreaterThanOrEqual(2); // asked again, with backoff, while it was down
      expect(await registryCheckOf(app.applicationId)).toBe('PENDING');

      fake.setAvailable(true);
      await t.env.sleep(minutes(11)); // past the longest pause between attempts
      await eventually(() => registryCheckOf(app.applicationId), (check) => check === 'MATCH');
      expect((await applicationRow(t.db, app.applicationId)).stage).toBe('AWAITING_PAYMENT');
      await pay(t, app);
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
    }, { registry });
  });

  it('applies a payment made while the registry is still down, and the check stays pending for the officer', async () => {
    await t.withWorker(async () => {
      const app = await submittedWhileDown();
      await pay(t, app);
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
      // The registry comes back disagreeing after the payment: the paid application is not touched by the check.
      fake.register({ nik: app.submission.nik, fullName: 'Someone Else', birthDate: app.submission.birthDate });
      fake.setAvailable(true);
      await skipTo(t, app.paymentDeadline);
      const row = await applicationRow(t.db, app.applicationId);
      expect(row).toMatchObject({ stage: 'AWAITING_BOOKING', registry_check: 'PENDING' });
      expect(await t.db.selectFrom('payments').select('application_id').where('application_id', '=', app.applicationId).execute()).toHaveLength(1);
    }, { registry });
  });

  it('rejects before payment, with its notice, when the registry finds a mismatch; a payment that still comes is refunded', async () => {
    await t.withWorker(async () => {
      const app = await submittedWhileDown();
      fake.register({ nik: app.submission.nik, fullName: 'Siti Nurhaliza', birthDate: app.submission.birthDate });
      fake.setAvailable(true);
      await t.env.sleep(minutes(2));
      const rejected = await stageReached(t, app.applicationId, 'REJECTED');
      expect(rejected.stage_entered_at.getTime()).toBeLessThan(Date.parse(app.paymentDeadline));
      expect(rejected.registry_check).toBe('MISMATCH');
      const audit = await t.db.selectFrom('audit_log').select(['stage', 'actor', 'reason']).where('application_id', '=', app.applicationId).orderBy('seq').execute();
      expect(audit.at(-1)).toEqual({ stage: 'REJECTED', actor: 'system', reason: 'the population registry (Dukcapil) does not confirm the identity (fullName differs)' });
      const notices = await t.db.selectFrom('notifications').select(['kind', 'details']).where('application_id', '=', app.applicationId).execute();
      expect(notices).toContainEqual({ kind: 'REGISTRY_MISMATCH', details: { fields: ['fullName'] } });

      const late = bankTransactionFor(app, new Date(await t.env.currentTimeMs()).toISOString());
      await t.see(late);
      expect((await decided(t.db, late)).outcome).not.toBe('APPLIED');
      expect((await refundOpened(t.client, late)).input).toMatchObject({ billingCode: app.billingCode, amount: app.amount });
      expect(await t.db.selectFrom('payments').select('application_id').where('application_id', '=', app.applicationId).execute()).toEqual([]);
    }, { registry });
  });
});

import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Activities } from '../../activities/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APPLICATION_RELEASE,
  OfficeCode,
  PassportStage,
  SlaBreached,
  bookSession,
  paymentReceived,
  posDeliveryEvent,
  recordHandover,
  recordInterview,
  recordPrinting,
  workflowIdFor,
} from '../../workflows/definitions.js';
import { applicationRow, auditStages, countRows, nextWorkingDay } from '../support/read-model.js';
import { eventually } from '../support/eventually.js';
import { onAppointmentDay } from '../support/scenarios.js';
import { startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
beforeAll(async () => {
  t = await startTimeSkipping();
});
afterAll(async () => t?.teardown());

const officer = { officerId: 'officer-plu-1', officeCode: 'PLU' };

/** Submits, pays and books: the application then waits for its interview. */
async function upToInterview(submission: Parameters<typeof t.submit>[0] = {}) {
  const submitted = await t.submit(submission);
  const handle = t.client.workflow.getHandle(workflowIdFor(submitted.applicationId));
  await handle.signal(paymentReceived, {
    transactionId: `TX-${submitted.billingCode}`,
    billingCode: submitted.billingCode,
    amount: submitted.amount,
    paidAt: new Date(await t.env.currentTimeMs()).toISOString(),
  });
  const date = await nextWorkingDay(t.db, submission.officeCode ?? 'PLU', await t.env.currentTimeMs());
  const appointment = await handle.executeUpdate(bookSession, { args: [{ date, session: 'MORNING' }] });
  await onAppointmentDay(t, appointment); // the applicant comes in: the officer may record the interview
  return { submitted, handle, appointment };
}

describe('a passport application on the time-skipping server', () => {
  it('goes from submission to COMPLETED at the office counter, recording every stage once', async () => {
    await t.withWorker(async () => {
      const { submitted, handle, appointment } = await upToInterview();
      expect(appointment.officeCode).toBe('PLU');
      expect((await applicationRow(t.db, submitted.applicationId)).stage).toBe('AWAITING_INTERVIEW');

      const afterInterview = await handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      expect(afterInterview.stage).toBe('AWAITING_PRINTING');
      expect(afterInterview.slaDeadline).toBeDefined();

      const afterPrinting = await handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'X1234567' }] });
      expect(afterPrinting.stage).toBe('READY_FOR_PICKUP');
      await handle.executeUpdate(recordHandover, { args: [officer] });
      expect(await handle.result()).toBe('COMPLETED');

      const row = await applicationRow(t.db, submitted.applicationId);
      expect(row).toMatchObject({ stage: 'COMPLETED', passport_number: 'X1234567', sla_breached: false });
      expect(await auditStages(t.db, submitted.applicationId)).toEqual([
        'AWAITING_PAYMENT',
        'AWAITING_BOOKING',
        'AWAITING_INTERVIEW',
        'AWAITING_PRINTING',
        'READY_FOR_PICKUP',
        'COMPLETED',
      ]);
      expect(await countRows(t.db, 'payments', submitted.applicationId)).toBe(1);
      expect(await countRows(t.db, 'compensations', submitted.applicationId)).toBe(0);

      const description = await handle.describe();
      expect(description.typedSearchAttributes.get(PassportStage)).toBe('COMPLETED');
      expect(description.typedSearchAttributes.get(OfficeCode)).toBe('PLU');
      // First run by this release: its one release marker, and none for each change of APPLICATION_PATCHES.
      const { events } = await handle.fetchHistory();
      const markers = events?.filter((e) => e.markerRecordedEventAttributes);
      expect(markers).toHaveLength(1);
      const details = Object.values(markers?.[0]?.markerRecordedEventAttributes?.details ?? {}).flatMap((p) => p.payloads ?? []);
      expect(details.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join(' ')).toContain(`application-release-${APPLICATION_RELEASE}`);
      // The SLA deadline and its early-warning point in one activity (issue 18), not two one after the other.
      const activities = events?.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter(Boolean);
      expect(activities?.filter((a) => a === 'printingDeadlines')).toHaveLength(1);
      expect(activities).not.toContain('computeSlaDeadline');
      expect(activities).not.toContain('atRiskPoint');
    });
  });

  it('rejects printing before the interview and leaves the application where it was', async () => {
    await t.withWorker(async () => {
      const { submitted, handle } = await upToInterview();
      const attempt = handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'X7654321' }] });
      await expect(attempt).rejects.toThrow(WorkflowUpdateFailedError);
      await expect(attempt).rejects.toMatchObject({ cause: { type: 'StepOutOfOrder' } });
      expect((await applicationRow(t.db, submitted.applicationId)).stage).toBe('AWAITING_INTERVIEW');
      expect(await auditStages(t.db, submitted.applicationId)).not.toContain('AWAITING_PRINTING');

      // The officer rejects at the interview instead, with the reason on record.
      await handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'REJECTED', reason: 'documents do not match' }] });
      expect(await handle.result()).toBe('REJECTED');
      const last = await t.db.selectFrom('audit_log').selectAll().where('application_id', '=', submitted.applicationId).orderBy('seq', 'desc').executeTakeFirstOrThrow();
      expect(last).toMatchObject({ stage: 'REJECTED', actor: officer.officerId, reason: 'documents do not match' });
    });
  });

  it('compensates once when printing misses the three-working-day SLA, then delivers by Pos for free', async () => {
    await t.withWorker(async () => {
      const { submitted, handle } = await upToInterview({ deliveryMethod: 'PICKUP' });
      const { slaDeadline } = await handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      const remaining = Date.parse(slaDeadline!) - (await t.env.currentTimeMs());
      // Three working days after approval, ending at midnight in Palu (WITA, UTC+8): weekends and holidays only add to it.
      expect(remaining).toBeGreaterThan(3 * 86_400_000);
      expect(new Date(slaDeadline!).toISOString()).toMatch(/T16:00:00\.000Z$/);

      await t.env.sleep(remaining - 60_000);
      expect(await countRows(t.db, 'compensations', submitted.applicationId)).toBe(0);
      await t.env.sleep(120_000);
      await eventually(() => countRows(t.db, 'compensations', submitted.applicationId), (n) => n === 1);

      const breached = await applicationRow(t.db, submitted.applicationId);
      expect(breached).toMatchObject({ stage: 'AWAITING_PRINTING', sla_breached: true, delivery_method: 'POS' });
      expect((await handle.describe()).typedSearchAttributes.get(SlaBreached)).toBe(true);

      const printed = await handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'X2222222' }] });
      expect(printed.stage).toBe('IN_DELIVERY');
      const event = { eventId: 'pos-evt-1', trackingNumber: printed.posTrackingNumber!, status: 'DELIVERED' as const, at: new Date().toISOString() };
      await handle.signal(posDeliveryEvent, event);
      await handle.signal(posDeliveryEvent, event); // Pos retries its callback: nothing changes
      expect(await handle.result()).toBe('COMPLETED');

      expect(await countRows(t.db, 'compensations', submitted.applicationId)).toBe(1);
      const notices = await t.db.selectFrom('notifications').select('kind').where('application_id', '=', submitted.applicationId).execute();
      expect(notices.filter((n) => n.kind === 'SLA_BREACHED_FREE_DELIVERY')).toHaveLength(1);
      const deliveries = await t.db.selectFrom('deliveries').selectAll().where('application_id', '=', submitted.applicationId).execute();
      expect(deliveries).toMatchObject([{ free_of_charge: true, status: 'DELIVERED', pos_tracking_number: printed.posTrackingNumber }]);
      const row = await applicationRow(t.db, submitted.applicationId);
      expect(row).toMatchObject({ stage: 'COMPLETED', pos_tracking_number: printed.posTrackingNumber, sla_breached: true });
    });
  });
});

describe('a printing past the SLA deadline while the worker was down', () => {
  it('is late, compensated and sent by Pos for free, though the workflow sees it before the deadline passing', async () => {
    // Deadlines seconds away on the server's clock, which runs in real time while the worker is away (nothing to skip to).
    const soon = (a: Activities): Activities => ({
      ...a,
      printingDeadlines: async ({ approvedAt }) => ({ point: new Date(Date.parse(approvedAt) + 2_000).toISOString(), slaDeadline: new Date(Date.parse(approvedAt) + 4_000).toISOString() }),
    });
    const { submitted, handle } = await t.withWorker(
      async () => {
        const reached = await upToInterview({ deliveryMethod: 'PICKUP' });
        await reached.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
        return reached;
      },
      {},
      soon,
      { maxCachedWorkflows: 0 }, // no sticky queue: the next worker takes the workflow's next task at once
    );
    // No worker: the warning point and the deadline pass with nobody to run the workflow; the officer's printing
    // comes in meanwhile. The worker back, one task brings the point's timer and the printing, the printing first.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const printing = handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'X3333333' }] });
    await t.withWorker(async () => {
      const printed = await printing;
      expect(printed).toMatchObject({ stage: 'IN_DELIVERY', slaBreached: true, deliveryMethod: 'POS' });
      expect(await countRows(t.db, 'compensations', submitted.applicationId)).toBe(1);
      expect(await applicationRow(t.db, submitted.applicationId)).toMatchObject({ stage: 'IN_DELIVERY', sla_breached: true, delivery_method: 'POS' });
      const deliveries = await t.db.selectFrom('deliveries').select('free_of_charge').where('application_id', '=', submitted.applicationId).execute();
      expect(deliveries).toEqual([{ free_of_charge: true }]);
      expect((await handle.describe()).typedSearchAttributes.get(SlaBreached)).toBe(true);
    }, {}, soon);
  });
});

describe('privacy', () => {
  it('keeps every NIK, name and contact of this file out of the workflow histories', async () => {
    expect(await t.personalDataInHistories()).toEqual([]);
  });
});

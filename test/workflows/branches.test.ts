// Every branch of the lifecycle table, with real activities on PostgreSQL and time skipped as needed.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookSession,
  cancelApplication,
  chooseDelivery,
  getState,
  paymentReceived,
  posDeliveryEvent,
  recordBap,
  recordHandover,
  recordInterview,
  recordPrinting,
  rescheduleSession,
  type NoticeKind,
} from '../../workflows/definitions.js';
import { passportApplication } from '../../workflows/index.js';
import { eventually } from '../support/eventually.js';
import { applicationRow, auditStages, countRows } from '../support/read-model.js';
import { awaitingInterview, acceptedUpdates, officerOf, onAppointmentDay, pay, signalPayment, stageReached, submitted, skipTo, workingDayAhead, book } from '../support/scenarios.js';
import { defaultPolicy, findPersonalData, startTimeSkipping } from '../support/workflows.js';
import { addDays, localDate } from '../../workflows/calendar.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
beforeAll(async () => {
  t = await startTimeSkipping();
});
afterAll(async () => t?.teardown());

const officer = officerOf('PLU');
const DAY = 86_400_000;

const rejection = (type: string) => ({ cause: { type } });
const notices = async (applicationId: string, kind: NoticeKind) =>
  (await t.db.selectFrom('notifications').select('kind').where('application_id', '=', applicationId).where('kind', '=', kind).execute()).length;
const lastAudit = (applicationId: string) =>
  t.db.selectFrom('audit_log').selectAll().where('application_id', '=', applicationId).orderBy('seq', 'desc').executeTakeFirstOrThrow();
const slot = (date: string, session = 'MORNING') =>
  t.db.selectFrom('appointment_slots').select('booked').where('office_code', '=', 'PLU').where('date', '=', date).where('session', '=', session as 'MORNING').executeTakeFirstOrThrow();

describe('AWAITING_PAYMENT', () => {
  it('expires when the billing code lapses unpaid: nothing charged, no seat taken', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const row = await applicationRow(t.db, app.applicationId);
      await skipTo(t, row.next_deadline!.toISOString());
      expect(await app.handle.result()).toBe('EXPIRED');
      expect(await lastAudit(app.applicationId)).toMatchObject({ stage: 'EXPIRED', actor: 'system', reason: expect.stringMatching(/expired before a payment reached us; a payment made for it is refunded/) });
      expect(await countRows(t.db, 'payments', app.applicationId)).toBe(0);
      expect(await countRows(t.db, 'bookings', app.applicationId)).toBe(0);
    });
  });

  it('records exactly one payment when the bank repeats its signal or a second transaction arrives (the callbacks before issue 13)', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      await signalPayment(t, app, 'BRI-1');
      await signalPayment(t, app, 'BRI-1');
      await signalPayment(t, app, 'BRI-2');
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
      const payments = await t.db.selectFrom('payments').selectAll().where('application_id', '=', app.applicationId).execute();
      expect(payments).toMatchObject([{ bank_transaction_id: 'BRI-1', amount: app.amount }]);
      expect(await notices(app.applicationId, 'PAYMENT_CONFIRMED')).toBe(1);
      // The second transaction is money the application cannot take: recorded for a refund, not only logged.
      const unapplied = await eventually(
        () => t.db.selectFrom('unapplied_callbacks').selectAll().where('application_id', '=', app.applicationId).execute(),
        (rows) => rows.length > 0,
      );
      expect(unapplied).toMatchObject([{ sender: 'bank', event_id: 'BRI-2', amount: app.amount, recorded_by: 'workflow', reason: expect.stringMatching(/already paid/) }]);
      await app.handle.executeUpdate(cancelApplication, { args: [{ reason: 'changed my plans' }] });
      expect(await app.handle.result()).toBe('CANCELLED');
    });
  });

  it('keeps the deadline the applicant was shown, and takes no payment made after it', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const row = await applicationRow(t.db, app.applicationId);
      // The workflow's deadline is the one published at submission, not one counted from its first run.
      expect(row.next_deadline?.toISOString()).toBe(app.paymentDeadline);
      const late = new Date(Date.parse(app.paymentDeadline) + 60_000).toISOString();
      await app.handle.signal(paymentReceived, { transactionId: 'BRI-LATE', billingCode: app.billingCode, amount: app.amount, paidAt: late });
      const unapplied = await eventually(
        () => t.db.selectFrom('unapplied_callbacks').selectAll().where('application_id', '=', app.applicationId).execute(),
        (rows) => rows.length > 0,
      );
      expect(unapplied).toMatchObject([{ sender: 'bank', event_id: 'BRI-LATE', reason: expect.stringMatching(/after the billing code expired/) }]);
      await skipTo(t, app.paymentDeadline);
      expect(await app.handle.result()).toBe('EXPIRED');
      expect(await countRows(t.db, 'payments', app.applicationId)).toBe(0);
    });
  });

  it('lets the applicant cancel before paying', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const state = await app.handle.executeUpdate(cancelApplication, { args: [{}] });
      expect(state.stage).toBe('CANCELLED');
      expect(await lastAudit(app.applicationId)).toMatchObject({ stage: 'CANCELLED', actor: 'applicant' });
    });
  });
});

describe('AWAITING_BOOKING', () => {
  it('reminds the applicant twice, then expires at the end of the booking window', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      await pay(t, app);
      const row = await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
      await skipTo(t, row.next_deadline!.toISOString());
      expect(await app.handle.result()).toBe('EXPIRED');
      expect(await notices(app.applicationId, 'BOOKING_REMINDER')).toBe(2);
      expect((await lastAudit(app.applicationId)).reason).toMatch(/booking window/);
    });
  });

  it('shows the delivery choice the workflow holds when several choices arrive at once', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      await pay(t, app);
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
      for (let round = 0; round < 3; round++) {
        const methods = round % 2 === 0 ? (['POS', 'PICKUP'] as const) : (['PICKUP', 'POS'] as const);
        await Promise.all(Array.from({ length: 6 }, (_, i) => app.handle.executeUpdate(chooseDelivery, { args: [{ method: methods[i % 2]! }] })));
        const held = (await app.handle.query(getState)).deliveryMethod;
        expect((await applicationRow(t.db, app.applicationId)).delivery_method, `round ${round}`).toBe(held);
      }
      expect((await applicationRow(t.db, app.applicationId)).delivery_method_version).toBe(18);
      await app.handle.executeUpdate(cancelApplication, { args: [{}] });
    });
  });

  it('refuses a booking before payment and leaves nothing in the history', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      const before = await acceptedUpdates(app.handle);
      await expect(book(t, app.handle)).rejects.toMatchObject(rejection('StepOutOfOrder'));
      expect(await acceptedUpdates(app.handle)).toBe(before);
      await app.handle.executeUpdate(cancelApplication, { args: [{}] });
    });
  });
});

describe('AWAITING_INTERVIEW', () => {
  it('sends a no-show back to booking once, then cancels at the second no-show', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t);
      await skipTo(t, app.appointment.endsAt);
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
      expect((await lastAudit(app.applicationId)).reason).toMatch(/no-show/);

      const second = await book(t, app.handle);
      await skipTo(t, second.endsAt);
      expect(await app.handle.result()).toBe('CANCELLED');
      expect(await auditStages(t.db, app.applicationId)).toEqual([
        'AWAITING_PAYMENT',
        'AWAITING_BOOKING',
        'AWAITING_INTERVIEW',
        'AWAITING_BOOKING',
        'AWAITING_INTERVIEW',
        'CANCELLED',
      ]);
      expect((await lastAudit(app.applicationId)).reason).toMatch(/no-show/);
      expect(await countRows(t.db, 'payments', app.applicationId)).toBe(1);
    });
  });

  it('lets the officer record a no-show on the appointment day, not before', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t, {}, 2);
      await expect(app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'NO_SHOW' }] })).rejects.toMatchObject(rejection('StepOutOfOrder'));
      await skipTo(t, new Date(Date.parse(app.appointment.endsAt) - 12 * 3_600_000).toISOString(), 0); // noon of the appointment day
      const state = await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'NO_SHOW' }] });
      expect(state).toMatchObject({ stage: 'AWAITING_BOOKING', reschedulesLeft: 0 });
      expect(await lastAudit(app.applicationId)).toMatchObject({ stage: 'AWAITING_BOOKING', actor: officer.officerId });
      await app.handle.executeUpdate(cancelApplication, { args: [{}] });
    });
  });

  it('refuses, in the booking activity itself, a date past the horizon by the workflow clock, or no date at all', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      await pay(t, app);
      const today = localDate(new Date(await t.env.currentTimeMs()), 'Asia/Makassar');
      for (const date of ['9999-12-30', addDays(today, 61)]) {
        await expect(app.handle.executeUpdate(bookSession, { args: [{ date, session: 'MORNING' }] })).rejects.toMatchObject({
          cause: { cause: { type: 'InvalidRequest', message: `${date} is beyond the booking horizon (60 days, until ${addDays(today, 60)})`, details: [{ field: 'date' }] } },
        });
      }
      // Not a date at all: refused at once, not retried.
      await expect(app.handle.executeUpdate(bookSession, { args: [{ date: '2027-02-30', session: 'MORNING' }] })).rejects.toMatchObject({
        cause: { cause: { type: 'InvalidRequest', message: '"2027-02-30" is not a calendar date (YYYY-MM-DD)', details: [{ field: 'date' }] } },
      });
      expect(await countRows(t.db, 'bookings', app.applicationId)).toBe(0);
      expect((await applicationRow(t.db, app.applicationId)).stage).toBe('AWAITING_BOOKING');
      await app.handle.executeUpdate(cancelApplication, { args: [{}] });
    });
  });

  it('refuses a rejection without a reason, naming the field in the failure details, and records nothing', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t);
      await onAppointmentDay(t, app.appointment);
      const before = await acceptedUpdates(app.handle);
      await expect(app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'REJECTED', reason: '  ' }] })).rejects.toMatchObject({
        cause: { type: 'InvalidRequest', message: 'a rejection needs a reason', details: [{ field: 'reason' }] },
      });
      expect(await acceptedUpdates(app.handle)).toBe(before);
      expect((await applicationRow(t.db, app.applicationId)).stage).toBe('AWAITING_INTERVIEW');
      await app.handle.executeUpdate(cancelApplication, { args: [{}] });
    });
  });

  it('refuses an approval or a rejection before the appointment day, so the SLA clock cannot start early', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t, {}, 2);
      const before = await acceptedUpdates(app.handle);
      for (const outcome of [{ outcome: 'APPROVED' as const }, { outcome: 'REJECTED' as const, reason: 'documents do not match' }]) {
        await expect(app.handle.executeUpdate(recordInterview, { args: [{ ...officer, ...outcome }] })).rejects.toMatchObject({
          cause: { type: 'StepOutOfOrder', message: expect.stringMatching(/only on the appointment day, which starts at/) },
        });
      }
      expect(await acceptedUpdates(app.handle)).toBe(before);
      expect(await applicationRow(t.db, app.applicationId)).toMatchObject({ stage: 'AWAITING_INTERVIEW', interview_approved_at: null, sla_deadline: null });

      await onAppointmentDay(t, app.appointment);
      const approved = await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      expect(approved.stage).toBe('AWAITING_PRINTING');
      // Counted from the appointment day: the third working day after it, at midnight in Palu.
      expect(Date.parse(approved.slaDeadline!)).toBeGreaterThan(Date.parse(app.appointment.endsAt) + 2 * DAY);
      await app.handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'X2222222' }] });
      await app.handle.executeUpdate(recordHandover, { args: [officer] });
    });
  });

  it('reschedules once up to the day before, moving the seat; a cancellation then releases it', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t, {}, 2);
      const firstDate = app.appointment.date;
      const seatsTaken = (await slot(firstDate)).booked;

      const newDate = await workingDayAhead(t, 3);
      const moved = await app.handle.executeUpdate(rescheduleSession, { args: [{ date: newDate, session: 'AFTERNOON' }] });
      expect(moved).toMatchObject({ date: newDate, session: 'AFTERNOON' });
      expect((await slot(firstDate)).booked).toBe(seatsTaken - 1);
      const row = await applicationRow(t.db, app.applicationId);
      expect(row).toMatchObject({ stage: 'AWAITING_INTERVIEW', appointment_date: newDate, appointment_session: 'AFTERNOON' });

      const before = await acceptedUpdates(app.handle);
      const again = app.handle.executeUpdate(rescheduleSession, { args: [{ date: firstDate, session: 'MORNING' }] });
      await expect(again).rejects.toThrow(WorkflowUpdateFailedError);
      await expect(again).rejects.toMatchObject({ cause: { message: expect.stringMatching(/one allowed change/) } });
      expect(await acceptedUpdates(app.handle)).toBe(before);

      const afternoonTaken = (await slot(newDate, 'AFTERNOON')).booked;
      const cancelled = await app.handle.executeUpdate(cancelApplication, { args: [{ reason: 'travel postponed' }] });
      expect(cancelled.stage).toBe('CANCELLED');
      expect((await slot(newDate, 'AFTERNOON')).booked).toBe(afternoonTaken - 1);
      expect(await lastAudit(app.applicationId)).toMatchObject({ stage: 'CANCELLED', actor: 'applicant', reason: 'travel postponed' });
    });
  });

  it('refuses a change of session on the appointment day', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t, {}, 1);
      await skipTo(t, new Date(Date.parse(app.appointment.endsAt) - 12 * 3_600_000).toISOString(), 0);
      const date = await workingDayAhead(t, 2);
      await expect(app.handle.executeUpdate(rescheduleSession, { args: [{ date, session: 'MORNING' }] })).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/day before/) },
      });
      await app.handle.executeUpdate(cancelApplication, { args: [{}] });
    });
  });

  it('refuses an officer of another office and leaves nothing in the history', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t);
      const before = await acceptedUpdates(app.handle);
      await expect(app.handle.executeUpdate(recordInterview, { args: [{ ...officerOf('WSB'), outcome: 'APPROVED' }] })).rejects.toMatchObject(rejection('WrongOffice'));
      expect(await acceptedUpdates(app.handle)).toBe(before);
      expect((await applicationRow(t.db, app.applicationId)).stage).toBe('AWAITING_INTERVIEW');
      await app.handle.executeUpdate(cancelApplication, { args: [{}] });
    });
  });
});

describe('LOST and DAMAGED passports', () => {
  it('needs a BAP before approval; a lost passport carries the fine from the fee schedule', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t, { applicationType: 'LOST' });
      await expect(app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] })).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/BAP/) },
      });
      const withBap = await app.handle.executeUpdate(recordBap, { args: [{ ...officer, reportNumber: 'BAP/PLU/2026/001', cause: 'ORDINARY' }] });
      expect(withBap).toMatchObject({ bapRecorded: true, fineAmount: 1_000_000 });
      expect((await applicationRow(t.db, app.applicationId)).fine_amount).toBe(1_000_000);
      expect(await lastAudit(app.applicationId)).toMatchObject({ stage: 'AWAITING_INTERVIEW', actor: officer.officerId, reason: expect.stringMatching(/BAP\/PLU\/2026\/001/) });

      await onAppointmentDay(t, app.appointment);
      const approved = await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      expect(approved.stage).toBe('AWAITING_PRINTING');
      await expect(app.handle.executeUpdate(cancelApplication, { args: [{}] })).rejects.toMatchObject(rejection('StepOutOfOrder'));
      await app.handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'X3333333' }] });
      await app.handle.executeUpdate(recordHandover, { args: [officer] });
      expect(await app.handle.result()).toBe('COMPLETED');
    });
  });

  it('charges no fine for a passport damaged by force majeure, and takes no BAP for a new passport', async () => {
    await t.withWorker(async () => {
      const damaged = await awaitingInterview(t, { applicationType: 'DAMAGED' });
      const state = await damaged.handle.executeUpdate(recordBap, { args: [{ ...officer, reportNumber: 'BAP/PLU/2026/002', cause: 'FORCE_MAJEURE' }] });
      expect(state.fineAmount).toBe(0);
      const bap = await t.db.selectFrom('baps').selectAll().where('application_id', '=', damaged.applicationId).executeTakeFirstOrThrow();
      expect(bap).toMatchObject({ cause: 'FORCE_MAJEURE', fine_amount: 0, officer_id: officer.officerId });
      await damaged.handle.executeUpdate(cancelApplication, { args: [{}] });

      const fresh = await awaitingInterview(t, { applicationType: 'NEW' });
      await expect(fresh.handle.executeUpdate(recordBap, { args: [{ ...officer, reportNumber: 'BAP/PLU/2026/003', cause: 'ORDINARY' }] })).rejects.toMatchObject(
        rejection('StepOutOfOrder'),
      );
      await fresh.handle.executeUpdate(cancelApplication, { args: [{}] });
    });
  });
});

describe('after printing', () => {
  it('reminds on days 7, 14 and 25 of pickup, then cancels at 30 days under the regulation', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t);
      await onAppointmentDay(t, app.appointment);
      await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      await app.handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'X4444444' }] });
      const row = await applicationRow(t.db, app.applicationId);
      expect(row.next_deadline!.getTime() - row.stage_entered_at.getTime()).toBe(30 * DAY);
      await skipTo(t, new Date(row.stage_entered_at.getTime() + 26 * DAY).toISOString(), 0);
      expect(await notices(app.applicationId, 'PICKUP_REMINDER')).toBe(3);
      expect((await applicationRow(t.db, app.applicationId)).stage).toBe('READY_FOR_PICKUP');
      await skipTo(t, row.next_deadline!.toISOString());
      expect(await app.handle.result()).toBe('CANCELLED');
      expect(await lastAudit(app.applicationId)).toMatchObject({ actor: 'system', reason: expect.stringMatching(/not collected/) });
    });
  });

  it('returns a passport that Pos could not deliver to the office, where it is collected', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t);
      const chosen = await app.handle.executeUpdate(chooseDelivery, { args: [{ method: 'POS' }] });
      expect(chosen.deliveryMethod).toBe('POS');
      expect((await applicationRow(t.db, app.applicationId)).delivery_method).toBe('POS');
      await onAppointmentDay(t, app.appointment);
      await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      t.pos.failNext(2); // Pos is overloaded: the activity retries until it answers
      const printed = await app.handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'X5555555' }] });
      expect(printed.stage).toBe('IN_DELIVERY');
      expect(t.pos.shipments.get(`${app.applicationId}/1`)).toMatchObject({ trackingNumber: printed.posTrackingNumber, recipient: 'Siti Rahmawati' });
      await app.handle.signal(posDeliveryEvent, { eventId: 'pos-fail-1', trackingNumber: printed.posTrackingNumber!, status: 'FAILED', at: new Date().toISOString() });
      await stageReached(t, app.applicationId, 'READY_FOR_PICKUP');
      expect((await lastAudit(app.applicationId)).reason).toMatch(/Pos could not deliver/);
      // A late contradicting event from Pos is recorded, not silently dropped; its repeat changes nothing.
      const late = { eventId: 'pos-late-1', trackingNumber: printed.posTrackingNumber!, status: 'DELIVERED' as const, at: new Date().toISOString() };
      await app.handle.signal(posDeliveryEvent, late);
      await app.handle.signal(posDeliveryEvent, late);
      const unapplied = await eventually(
        () => t.db.selectFrom('unapplied_callbacks').selectAll().where('application_id', '=', app.applicationId).execute(),
        (rows) => rows.length > 0,
      );
      expect(unapplied).toMatchObject([{ sender: 'pos', event_id: 'pos-late-1', amount: null, recorded_by: 'workflow', reason: expect.stringMatching(/already recorded \(FAILED\)/) }]);
      await app.handle.executeUpdate(recordHandover, { args: [officer] });
      expect(await app.handle.result()).toBe('COMPLETED');
      const deliveries = await t.db.selectFrom('deliveries').selectAll().where('application_id', '=', app.applicationId).execute();
      expect(deliveries).toMatchObject([{ status: 'FAILED', free_of_charge: false }]);
    });
  });

  it('keeps free Pos delivery after an SLA breach, and applies a retried officer action once', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t);
      await onAppointmentDay(t, app.appointment);
      const { slaDeadline } = await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      await skipTo(t, slaDeadline!);
      await t.env.sleep(1000);
      expect(await countRows(t.db, 'compensations', app.applicationId)).toBe(1);
      await expect(app.handle.executeUpdate(chooseDelivery, { args: [{ method: 'PICKUP' }] })).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/Pos at no cost/) },
      });

      const print = { args: [{ ...officer, passportNumber: 'X6666666' }] as [{ officerId: string; officeCode: string; passportNumber: string }], updateId: 'printing-X6666666' };
      const first = await app.handle.executeUpdate(recordPrinting, print);
      const entries = (await auditStages(t.db, app.applicationId)).length;
      const retried = await app.handle.executeUpdate(recordPrinting, print); // the API retries after a timeout
      expect(retried).toEqual(first);
      expect((await auditStages(t.db, app.applicationId)).length).toBe(entries);
      expect(first.stage).toBe('IN_DELIVERY');
      // Pos stays silent past the delivery window: the office is told once, and the wait goes on.
      const inDelivery = await applicationRow(t.db, app.applicationId);
      await skipTo(t, inDelivery.next_deadline!.toISOString());
      await t.env.sleep(1000);
      expect(await notices(app.applicationId, 'DELIVERY_OVERDUE')).toBe(1);
      expect((await applicationRow(t.db, app.applicationId)).stage).toBe('IN_DELIVERY');
      await app.handle.signal(posDeliveryEvent, { eventId: 'pos-ok-1', trackingNumber: first.posTrackingNumber!, status: 'DELIVERED', at: new Date().toISOString() });
      expect(await app.handle.result()).toBe('COMPLETED');
      expect(await countRows(t.db, 'deliveries', app.applicationId)).toBe(1);
      expect(await countRows(t.db, 'compensations', app.applicationId)).toBe(1);
    });
  });
});

describe('privacy', () => {
  it('keeps every NIK, name, birth date, contact and address of this file out of the workflow histories', async () => {
    expect(await t.personalDataInHistories()).toEqual([]);
  });

  it('would notice a value that did reach a history (the scan reads the payloads)', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      expect(await findPersonalData(t.client, [{ workflowId: app.handle.workflowId, personal: [app.billingCode] }])).toHaveLength(1);
      await app.handle.executeUpdate(cancelApplication, { args: [{}] });
    });
  });
});

describe('a workflow whose submission was not kept', () => {
  it('ends with a clear reason instead of retrying forever when its application row is gone', async () => {
    await t.withWorker(async () => {
      // As when Temporal starts a workflow after the API's deadline: the applicant got 503 and no row was kept.
      const handle = await t.client.workflow.start(passportApplication, {
        workflowId: `passport-${randomUUID()}`,
        taskQueue: t.taskQueue,
        args: [{ applicationId: randomUUID(), officeCode: 'PLU', applicationType: 'NEW', billingCode: '123456789012345', amount: 350_000, deliveryMethod: 'PICKUP', policy: defaultPolicy }],
      });
      await expect(handle.result()).rejects.toMatchObject({ cause: { cause: { type: 'ApplicationWithdrawn' } } });
    });
  });
});

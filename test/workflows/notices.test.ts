// The notices each way through the lifecycle records for the applicant, in order, with the facts they tell
// (deadlines, sessions, reasons, tracking numbers) exactly as the workflow fixed them; and the recording itself:
// once per key, its delivery started after the row is there.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordNotice, recordOfficeNotice } from '../../activities/notices/record.js';
import { createProjectionActivities } from '../../activities/projection.js';
import {
  cancelApplication,
  chooseDelivery,
  posDeliveryEvent,
  recordHandover,
  recordInterview,
  recordPrinting,
  rescheduleSession,
  type NoticeSource,
  type Stage,
} from '../../workflows/definitions.js';
import { eventually } from '../support/eventually.js';
import { applicationRow } from '../support/read-model.js';
import { awaitingInterview, book, officerOf, onAppointmentDay, pay, skipTo, stageReached, submitted, workingDayAhead } from '../support/scenarios.js';
import { defaultPolicy, startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
beforeAll(async () => {
  t = await startTimeSkipping();
});
afterAll(async () => t?.teardown());

const officer = officerOf('PLU');
const { bookingWindowMs, pickupWindowMs } = defaultPolicy;

/** The applicant's notices, in the order they were recorded: kind and details. */
const noticesOf = async (applicationId: string) =>
  (await t.db.selectFrom('notifications').select(['kind', 'details', 'effect_key']).where('application_id', '=', applicationId).orderBy('id').execute()).map(
    ({ kind, details }) => ({ kind, details }),
  );
/** When the application entered `stage` (the nth time), from the audit log. */
async function entered(applicationId: string, stage: Stage, nth = 1): Promise<Date> {
  const rows = await t.db.selectFrom('audit_log').select('at').where('application_id', '=', applicationId).where('stage', '=', stage).orderBy('seq').execute();
  const row = rows[nth - 1];
  if (!row) throw new Error(`${applicationId} entered ${stage} fewer than ${nth} times`);
  return row.at;
}
const plus = (at: Date, ms: number) => new Date(at.getTime() + ms).toISOString();
const session = (appointment: { date: string; session: string }) => ({ date: appointment.date, session: appointment.session });

/** The three notices every paid and booked application starts with. */
async function upToBooked(applicationId: string, appointment: { date: string; session: string }) {
  return [
    { kind: 'SUBMITTED', details: {} },
    { kind: 'PAYMENT_CONFIRMED', details: { bookingDeadline: plus(await entered(applicationId, 'AWAITING_BOOKING'), bookingWindowMs) } },
    { kind: 'BOOKING_CONFIRMED', details: { appointment: session(appointment) } },
  ];
}

describe('the notices of a lifecycle', () => {
  it('happy path at the counter: submitted, paid, booked, ready for pickup; each key is its stage change', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t);
      await onAppointmentDay(t, app.appointment);
      await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      const printed = await app.handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'N1000001' }] });
      // The pickup deadline told is the one the tracking page shows.
      expect(printed.nextDeadline).toBe(plus(await entered(app.applicationId, 'READY_FOR_PICKUP'), pickupWindowMs));
      await app.handle.executeUpdate(recordHandover, { args: [officer] });
      expect(await app.handle.result()).toBe('COMPLETED');
      expect(await noticesOf(app.applicationId)).toEqual([
        ...(await upToBooked(app.applicationId, app.appointment)),
        { kind: 'READY_FOR_PICKUP', details: { pickupDeadline: printed.nextDeadline } },
      ]);
      const keys = await t.db.selectFrom('notifications').select('effect_key').where('application_id', '=', app.applicationId).orderBy('id').execute();
      expect(keys.map((k) => k.effect_key)).toEqual(['stage-1', 'stage-2', 'stage-3', 'stage-5']);
    });
  });

  it('SLA breach with Pos delivery: the breach with its deadline, then the Pos tracking number', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t);
      await onAppointmentDay(t, app.appointment);
      const { slaDeadline } = await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      await skipTo(t, slaDeadline!);
      await eventually(() => noticesOf(app.applicationId), (n) => n.some((x) => x.kind === 'SLA_BREACHED_FREE_DELIVERY'));
      const printed = await app.handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'N1000002' }] });
      const posTrackingNumber = printed.posTrackingNumber!;
      await app.handle.signal(posDeliveryEvent, { eventId: `pos-${randomUUID()}`, trackingNumber: posTrackingNumber, status: 'DELIVERED', at: await t.now() });
      expect(await app.handle.result()).toBe('COMPLETED');
      expect(await noticesOf(app.applicationId)).toEqual([
        ...(await upToBooked(app.applicationId, app.appointment)),
        { kind: 'SLA_AT_RISK', details: { slaDeadline } }, // to the office, at its opening on the deadline's day
        { kind: 'SLA_BREACHED_FREE_DELIVERY', details: { slaDeadline } },
        { kind: 'SENT_BY_POS', details: { posTrackingNumber } },
      ]);
    });
  });

  it('a no-show, then a new booking, then the applicant cancels: the new deadline, the new session, the reason', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t);
      await onAppointmentDay(t, app.appointment);
      await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'NO_SHOW' }] });
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
      const second = await book(t, app.handle, 2, 'AFTERNOON');
      await app.handle.executeUpdate(cancelApplication, { args: [{ reason: 'travel postponed' }] });
      expect(await app.handle.result()).toBe('CANCELLED');
      expect(await noticesOf(app.applicationId)).toEqual([
        ...(await upToBooked(app.applicationId, app.appointment)),
        { kind: 'NO_SHOW', details: { missed: session(app.appointment), rebookingAllowed: true, bookingDeadline: plus(await entered(app.applicationId, 'AWAITING_BOOKING', 2), bookingWindowMs) } },
        { kind: 'BOOKING_CONFIRMED', details: { appointment: session(second) } },
        { kind: 'CANCELLED', details: { reason: 'travel postponed', cause: 'APPLICANT' } },
      ]);
    });
  });

  it('a second no-show: one NO_SHOW notice that says no new booking is allowed, and nothing more', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t);
      await skipTo(t, app.appointment.endsAt); // nobody came, nobody recorded anything: the day ends
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
      const second = await book(t, app.handle, 1, 'MORNING');
      await skipTo(t, second.endsAt);
      expect(await app.handle.result()).toBe('CANCELLED');
      expect(await noticesOf(app.applicationId)).toEqual([
        ...(await upToBooked(app.applicationId, app.appointment)),
        { kind: 'NO_SHOW', details: { missed: session(app.appointment), rebookingAllowed: true, bookingDeadline: plus(await entered(app.applicationId, 'AWAITING_BOOKING', 2), bookingWindowMs) } },
        { kind: 'BOOKING_CONFIRMED', details: { appointment: session(second) } },
        { kind: 'NO_SHOW', details: { missed: session(second), rebookingAllowed: false } },
      ]);
    });
  });

  it('a change of session, then a rejection with the officer’s reason', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      await pay(t, app);
      const first = await book(t, app.handle, 3, 'MORNING');
      const moved = await app.handle.executeUpdate(rescheduleSession, { args: [{ date: await workingDayAhead(t, 4), session: 'AFTERNOON' }] });
      await onAppointmentDay(t, moved);
      await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'REJECTED', reason: 'documents do not match' }] });
      expect(await app.handle.result()).toBe('REJECTED');
      expect(await noticesOf(app.applicationId)).toEqual([
        ...(await upToBooked(app.applicationId, first)),
        { kind: 'RESCHEDULED', details: { appointment: session(moved) } },
        { kind: 'REJECTED', details: { reason: 'documents do not match' } },
      ]);
    });
  });

  it('expiry: unpaid, or paid and never booked (after two booking reminders with the deadline)', async () => {
    await t.withWorker(async () => {
      const unpaid = await submitted(t);
      await skipTo(t, unpaid.paymentDeadline);
      expect(await unpaid.handle.result()).toBe('EXPIRED');
      expect(await noticesOf(unpaid.applicationId)).toEqual([
        { kind: 'SUBMITTED', details: {} },
        { kind: 'EXPIRED', details: { cause: 'UNPAID' } },
      ]);

      const unbooked = await submitted(t);
      await pay(t, unbooked);
      const { next_deadline: bookingDeadline } = await stageReached(t, unbooked.applicationId, 'AWAITING_BOOKING');
      await skipTo(t, bookingDeadline!.toISOString());
      expect(await unbooked.handle.result()).toBe('EXPIRED');
      const reminder = { kind: 'BOOKING_REMINDER', details: { bookingDeadline: bookingDeadline!.toISOString() } };
      expect(await noticesOf(unbooked.applicationId)).toEqual([
        { kind: 'SUBMITTED', details: {} },
        { kind: 'PAYMENT_CONFIRMED', details: { bookingDeadline: bookingDeadline!.toISOString() } },
        reminder,
        reminder,
        { kind: 'EXPIRED', details: { cause: 'NOT_BOOKED' } },
      ]);
    });
  });

  it('the applicant cancels before booking: the reason they gave', async () => {
    await t.withWorker(async () => {
      const app = await submitted(t);
      await pay(t, app);
      await stageReached(t, app.applicationId, 'AWAITING_BOOKING');
      await app.handle.executeUpdate(cancelApplication, { args: [{ reason: '  found an earlier flight  ' }] });
      expect(await app.handle.result()).toBe('CANCELLED');
      expect((await noticesOf(app.applicationId)).map((n) => n.kind)).toEqual(['SUBMITTED', 'PAYMENT_CONFIRMED', 'CANCELLED']);
      expect((await noticesOf(app.applicationId)).at(-1)).toEqual({ kind: 'CANCELLED', details: { reason: 'found an earlier flight', cause: 'APPLICANT' } });
    });
  });

  it('Pos late, then failed: the office is told, the applicant hears it is back at the office (not "ready" again), reminders, then the lapse', async () => {
    await t.withWorker(async () => {
      const app = await awaitingInterview(t);
      await app.handle.executeUpdate(chooseDelivery, { args: [{ method: 'POS' }] });
      await onAppointmentDay(t, app.appointment);
      await app.handle.executeUpdate(recordInterview, { args: [{ ...officer, outcome: 'APPROVED' }] });
      const printed = await app.handle.executeUpdate(recordPrinting, { args: [{ ...officer, passportNumber: 'N1000003' }] });
      const posTrackingNumber = printed.posTrackingNumber!;
      await skipTo(t, printed.nextDeadline!);
      await eventually(() => noticesOf(app.applicationId), (n) => n.some((x) => x.kind === 'DELIVERY_OVERDUE'));
      await app.handle.signal(posDeliveryEvent, { eventId: `pos-${randomUUID()}`, trackingNumber: posTrackingNumber, status: 'FAILED', at: await t.now() });
      const back = await stageReached(t, app.applicationId, 'READY_FOR_PICKUP');
      const pickupDeadline = back.next_deadline!.toISOString();
      await skipTo(t, pickupDeadline);
      expect(await app.handle.result()).toBe('CANCELLED');
      const reminder = { kind: 'PICKUP_REMINDER', details: { pickupDeadline } };
      expect(await noticesOf(app.applicationId)).toEqual([
        ...(await upToBooked(app.applicationId, app.appointment)),
        { kind: 'SENT_BY_POS', details: { posTrackingNumber } },
        { kind: 'DELIVERY_AT_RISK', details: { posTrackingNumber, sentAt: (await entered(app.applicationId, 'IN_DELIVERY')).toISOString(), deliveryDeadline: printed.nextDeadline } },
        { kind: 'DELIVERY_OVERDUE', details: { posTrackingNumber, sentAt: (await entered(app.applicationId, 'IN_DELIVERY')).toISOString() } },
        { kind: 'DELIVERY_FAILED_BACK_AT_OFFICE', details: { posTrackingNumber, pickupDeadline } },
        reminder,
        reminder,
        reminder,
        { kind: 'CANCELLED', details: { reason: 'not collected within the pickup window; cancelled under the regulation', cause: 'NOT_COLLECTED' } },
      ]);
      expect(pickupDeadline).toBe(plus(await entered(app.applicationId, 'READY_FOR_PICKUP'), pickupWindowMs));
    });
  });
});

describe('recording a notice', () => {
  /** A delivery starter that notes each start and whether the notice's row was already there to read. */
  const starter = () => {
    const started: Array<{ source: NoticeSource; id: string; found: boolean }> = [];
    const startDelivery = async (source: NoticeSource, id: string) => {
      const table = source === 'application' ? 'notifications' : 'office_notices';
      const row = await t.db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
      started.push({ source, id, found: row !== undefined });
    };
    return { started, startDelivery };
  };

  it('records once per key, and a retry starts the delivery of the same notice again', async () => {
    const app = await submitted(t);
    await t.withWorker(async () => t.endWithWorker(app.handle)); // the test records notices by hand: ended, once idle
    const { started, startDelivery } = starter();
    const notice = { applicationId: app.applicationId, effectKey: 'by-hand-1', kind: 'REJECTED' as const, at: await t.now(), details: { reason: 'first' } };
    const first = await recordNotice(t.db, startDelivery, notice);
    const again = await recordNotice(t.db, startDelivery, { ...notice, details: { reason: 'a retry changes nothing' } });
    expect(again).toBe(first);
    expect(await t.db.selectFrom('notifications').select('details').where('application_id', '=', app.applicationId).where('effect_key', '=', 'by-hand-1').execute()).toEqual([
      { details: { reason: 'first' } },
    ]);
    expect(started).toEqual([
      { source: 'application', id: first, found: true },
      { source: 'application', id: first, found: true },
    ]);

    // Without details (a workflow that asked before notices carried them): recorded, not delivered.
    await recordNotice(t.db, startDelivery, { applicationId: app.applicationId, effectKey: 'by-hand-2', kind: 'EXPIRED', at: await t.now() });
    expect(started).toHaveLength(2);

    const office = { officeCode: 'PLU', effectKey: `by-hand-${randomUUID()}`, kind: 'REFUND_ESCALATED' as const, at: await t.now(), details: { amount: 1 } };
    const officeId = await recordOfficeNotice(t.db, startDelivery, office);
    expect(await recordOfficeNotice(t.db, startDelivery, office)).toBe(officeId);
    expect(started.slice(2)).toEqual([
      { source: 'office', id: officeId, found: true },
      { source: 'office', id: officeId, found: true },
    ]);
  });

  it('a stage change and its notice commit together; the delivery starts after, and a retry records neither twice', async () => {
    const app = await submitted(t);
    await t.withWorker(async () => t.endWithWorker(app.handle)); // the test records stage changes by hand: ended, once idle
    const { started, startDelivery } = starter();
    const { recordStage } = createProjectionActivities({ db: t.db, startDelivery });
    const at = await t.now();
    const change = { applicationId: app.applicationId, seq: 90, stage: 'EXPIRED' as const, actor: 'system', at, stageEnteredAt: at, notice: { kind: 'EXPIRED' as const, details: {} } };
    await recordStage(change);
    await recordStage(change);
    const rows = await t.db.selectFrom('notifications').select(['id', 'kind', 'effect_key']).where('application_id', '=', app.applicationId).where('effect_key', '=', 'stage-90').execute();
    expect(rows).toMatchObject([{ kind: 'EXPIRED', effect_key: 'stage-90' }]);
    expect(started).toEqual([
      { source: 'application', id: rows[0]!.id, found: true },
      { source: 'application', id: rows[0]!.id, found: true },
    ]);
    expect((await applicationRow(t.db, app.applicationId)).stage).toBe('EXPIRED');
  });
});

describe('privacy', () => {
  it('keeps every NIK, name and contact of this file out of the workflow histories', async () => {
    expect(await t.personalDataInHistories()).toEqual([]);
  });
});

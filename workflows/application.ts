// The lifecycle of one passport application, stage by stage as in design.md's table.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import {
  ACTORS,
  CANCELLABLE_STAGES,
  PassportStage,
  REJECTIONS,
  SlaBreached,
  SlaDeadline,
  StageEnteredAt,
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
  type Actor,
  type ApplicationInput,
  type ApplicationState,
  type Appointment,
  type BookingRequest,
  type CancellationRequest,
  type InterviewRecord,
  type NoticeKind,
  type PaymentNotice,
  type Stage,
} from './definitions.js';

const activities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: Object.values(REJECTIONS) },
});

/** Milliseconds from the workflow's clock to an instant; timers never get a negative duration. */
const until = (deadline: string): number => Math.max(1, Date.parse(deadline) - Date.now());
const nowIso = (): string => new Date(Date.now()).toISOString();
const later = (ms: number): string => new Date(Date.now() + ms).toISOString();

const fail = (type: string, message: string): never => {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
};
const rejectStep = (message: string): never => fail(REJECTIONS.outOfOrder, message);

export async function passportApplication(input: ApplicationInput): Promise<Stage> {
  const { applicationId, officeCode, policy } = input;
  const state: ApplicationState = {
    stage: 'AWAITING_PAYMENT',
    stageEnteredAt: nowIso(),
    slaBreached: false,
    deliveryMethod: input.deliveryMethod,
    reschedulesLeft: 1,
    bapRecorded: false,
    fineAmount: 0,
  };
  let seq = 0;
  let projectedSeq = 0;
  let payment: PaymentNotice | undefined;
  let interview: InterviewRecord | undefined;
  let cancellation: CancellationRequest | undefined;
  let passportNumber: string | undefined;
  let printedBy: Actor | undefined;
  let handedOverBy: Actor | undefined;
  let seatChangeInProgress = false;
  let bookingAttempts = 0;
  let deliveryOutcome: 'DELIVERED' | 'FAILED' | undefined;
  const seenPosEvents = new Set<string>();
  const attributes = new Map<string, unknown>();

  /** Upserts only the search attributes whose value changed. */
  function setAttributes(pairs: SearchAttributeUpdatePair[]): void {
    const changed = pairs.filter(({ key, value }) => {
      const comparable = value instanceof Date ? value.getTime() : value;
      if (attributes.get(key.name) === comparable) return false;
      attributes.set(key.name, comparable);
      return true;
    });
    if (changed.length) upsertSearchAttributes(changed);
  }

  /** Sets the stage everywhere it is seen: search attributes, current details, read model and audit log. */
  async function enterStage(
    stage: Stage,
    change: { actor: Actor; reason?: string; deadline?: string; extra?: Record<string, unknown>; attributes?: SearchAttributeUpdatePair[] },
  ): Promise<void> {
    const previousStage = seq === 0 ? undefined : state.stage;
    seq += 1;
    if (stage !== state.stage || seq === 1) state.stageEnteredAt = nowIso();
    state.stage = stage;
    state.nextDeadline = change.deadline;
    setAttributes([
      { key: PassportStage, value: stage },
      { key: StageEnteredAt, value: new Date(state.stageEnteredAt) },
      ...(change.attributes ?? []),
    ]);
    setCurrentDetails(
      [`**${stage}**`, change.deadline && `Next deadline: ${change.deadline}`, state.slaBreached && 'SLA breached: compensated, free Pos delivery']
        .filter(Boolean)
        .join('\n\n'),
    );
    const mySeq = seq;
    await activities.recordStage({
      applicationId,
      seq: mySeq,
      stage,
      previousStage,
      actor: change.actor,
      reason: change.reason,
      at: nowIso(),
      stageEnteredAt: state.stageEnteredAt,
      nextDeadline: change.deadline,
      ...change.extra,
    });
    projectedSeq = Math.max(projectedSeq, mySeq);
  }

  /** An action's update returns once the workflow has left `stages` and the read model shows it. */
  async function settledAfter(...stages: Stage[]): Promise<ApplicationState> {
    await condition(() => !stages.includes(state.stage) && projectedSeq === seq);
    return { ...state };
  }

  /** Waits for `done` until `deadline`, sending each reminder that falls before it (once per key). */
  async function waitWithReminders(done: () => boolean, deadline: string, remindersMs: number[], kind: NoticeKind): Promise<boolean> {
    const startedAt = Date.parse(state.stageEnteredAt);
    for (const [i, offset] of remindersMs.entries()) {
      const remindAt = new Date(startedAt + offset).toISOString();
      if (remindAt >= deadline || remindAt <= nowIso()) continue;
      if (await condition(done, until(remindAt))) return true;
      await activities.notify({ applicationId, effectKey: `${kind}-${seq}-${i + 1}`, kind, at: nowIso() });
    }
    return condition(done, until(deadline));
  }

  const requireStage = (expected: Stage, action: string) => {
    if (state.stage !== expected) rejectStep(`${action} is not possible while the application is ${state.stage} (expected ${expected})`);
  };
  const requireOffice = (actionOffice: string) => {
    if (actionOffice !== officeCode) fail(REJECTIONS.wrongOffice, `the application belongs to office ${officeCode}`);
  };
  const cancelled = () => cancellation !== undefined;
  const appointmentDayStarts = () => {
    const { startsAt, endsAt } = state.appointment!;
    return startsAt ? Date.parse(startsAt) : Date.parse(endsAt) - 86_400_000;
  };

  setHandler(getState, () => ({ ...state }));

  /**
   * A bank or Pos message this application cannot take is recorded (reconciliation, refunds), never only
   * logged. Behind a patch: workflows that dropped such messages before replay without the activity.
   */
  const recordUnapplied = async (entry: Parameters<Activities['recordUnappliedCallback']>[0]) => {
    log.warn(`${entry.sender} message not applied: ${entry.reason}`, { eventId: entry.eventId, stage: state.stage });
    if (patched('record-unapplied-callbacks')) await activities.recordUnappliedCallback(entry);
  };

  // Bank: a signal with the bank's transaction id; anything but the first matching payment is recorded, not applied.
  setHandler(paymentReceived, async (notice) => {
    if (payment?.transactionId === notice.transactionId) return; // the same payment again: already applied
    const reason =
      payment || state.stage !== 'AWAITING_PAYMENT' || cancelled()
        ? `not awaiting payment (the application is ${cancelled() ? 'being cancelled' : payment ? 'already paid' : state.stage})`
        : notice.billingCode !== input.billingCode || notice.amount !== input.amount
          ? 'the billing code or amount differs from the billing'
          : input.paymentDeadline && Date.parse(notice.paidAt) > Date.parse(input.paymentDeadline)
            ? `paid at ${notice.paidAt}, after the billing code expired at ${input.paymentDeadline}`
            : undefined;
    if (!reason) {
      payment = notice;
      return;
    }
    await recordUnapplied({ sender: 'bank', eventId: notice.transactionId, applicationId, reason, amount: notice.amount, message: { ...notice } });
  });

  setHandler(
    bookSession,
    async (request) => {
      seatChangeInProgress = true;
      try {
        bookingAttempts += 1;
        const appointment = await activities.reserveSeat({ ...request, applicationId, officeCode, attempt: bookingAttempts, at: nowIso() });
        state.appointment = appointment;
        await settledAfter('AWAITING_PAYMENT', 'AWAITING_BOOKING');
        return appointment;
      } finally {
        seatChangeInProgress = false;
      }
    },
    {
      validator: (_request: BookingRequest) => {
        if (cancelled()) rejectStep('the application is being cancelled');
        // Paid is enough: the applicant may book the moment the bank confirms.
        if (!payment) rejectStep(`booking needs a confirmed payment first (the application is ${state.stage})`);
        if (state.appointment) rejectStep('a session is already booked; reschedule it instead');
        if (!['AWAITING_PAYMENT', 'AWAITING_BOOKING'].includes(state.stage)) requireStage('AWAITING_BOOKING', 'booking');
        if (seatChangeInProgress) rejectStep('a booking for this application is already in progress');
      },
    },
  );

  setHandler(
    rescheduleSession,
    async (request) => {
      seatChangeInProgress = true;
      try {
        const previousAttempt = bookingAttempts;
        bookingAttempts += 1;
        const appointment = await activities.reserveSeat({ ...request, applicationId, officeCode, attempt: bookingAttempts, at: nowIso() });
        await activities.releaseSeat({ applicationId, attempt: previousAttempt, at: nowIso() });
        state.reschedulesLeft -= 1;
        state.appointment = appointment;
        const before = seq;
        await condition(() => projectedSeq > before);
        return appointment;
      } finally {
        seatChangeInProgress = false;
      }
    },
    {
      validator: (_request: BookingRequest) => {
        requireStage('AWAITING_INTERVIEW', 'rescheduling');
        if (cancelled() || interview) rejectStep('the appointment can no longer be changed');
        if (state.reschedulesLeft < 1) rejectStep('the one allowed change of session is already used');
        if (seatChangeInProgress) rejectStep('a change of session is already in progress');
        // H-1: changes are accepted until the day before the appointment (the office's end of that day).
        if (Date.now() >= appointmentDayStarts()) rejectStep('a session can be changed only until the day before the appointment');
      },
    },
  );

  setHandler(
    cancelApplication,
    async (request) => {
      cancellation = request;
      return settledAfter(...CANCELLABLE_STAGES);
    },
    {
      validator: (_request: CancellationRequest) => {
        if (cancelled()) rejectStep('the application is already being cancelled');
        if (!CANCELLABLE_STAGES.includes(state.stage) || interview) rejectStep(`cancellation is possible only before the interview (the application is ${state.stage})`);
        if (seatChangeInProgress) rejectStep('a booking is in progress; try again in a moment');
      },
    },
  );

  setHandler(
    chooseDelivery,
    async ({ method }) => {
      state.deliveryMethod = method;
      await activities.recordDeliveryMethod({ applicationId, method, at: nowIso() });
      return { ...state };
    },
    {
      validator: ({ method }) => {
        if (passportNumber || !['AWAITING_PAYMENT', 'AWAITING_BOOKING', 'AWAITING_INTERVIEW', 'AWAITING_PRINTING'].includes(state.stage)) {
          rejectStep(`the delivery method can be changed only until printing (the application is ${state.stage})`);
        }
        if (state.slaBreached && method !== 'POS') rejectStep('after a missed service commitment the passport is delivered by Pos at no cost');
      },
    },
  );

  setHandler(
    recordBap,
    async (record) => {
      state.bapRecorded = true;
      state.fineAmount = await activities.recordBap({ ...record, applicationId, applicationType: input.applicationType, at: nowIso() });
      if (patched('bap-audit-entry')) {
        // Not a stage change, but an officer's action: it belongs in the audit log with who made it.
        await enterStage(state.stage, {
          actor: record.officerId,
          reason: `BAP ${record.reportNumber} recorded (${record.cause}); fine ${state.fineAmount} rupiah`,
          deadline: state.nextDeadline,
        });
      }
      return { ...state };
    },
    {
      validator: (record) => {
        requireOffice(record.officeCode);
        if (input.applicationType !== 'LOST' && input.applicationType !== 'DAMAGED') rejectStep(`a BAP is recorded only for LOST or DAMAGED passports (this is ${input.applicationType})`);
        requireStage('AWAITING_INTERVIEW', 'recording the BAP');
        if (state.bapRecorded) rejectStep('the BAP is already recorded');
        if (interview) rejectStep('the interview is already recorded');
      },
    },
  );

  setHandler(
    recordInterview,
    async (record) => {
      interview = record;
      return settledAfter('AWAITING_INTERVIEW');
    },
    {
      validator: (record) => {
        requireOffice(record.officeCode);
        requireStage('AWAITING_INTERVIEW', 'recording the interview');
        if (interview || cancelled()) rejectStep('the interview is already recorded');
        if (record.outcome === 'REJECTED' && !record.reason?.trim()) fail(REJECTIONS.invalid, 'reason: a rejection needs a reason');
        if (record.outcome === 'APPROVED' && (input.applicationType === 'LOST' || input.applicationType === 'DAMAGED') && !state.bapRecorded) {
          rejectStep(`a ${input.applicationType} passport needs the BAP recorded before approval`);
        }
        // Every outcome belongs to the appointment day (office local): an early approval would start the SLA clock early.
        if (Date.now() < appointmentDayStarts()) {
          rejectStep(`${record.outcome === 'NO_SHOW' ? 'a no-show' : 'the interview'} can be recorded only on the appointment day, which starts at ${new Date(appointmentDayStarts()).toISOString()}`);
        }
      },
    },
  );

  setHandler(
    recordPrinting,
    async (record) => {
      passportNumber = record.passportNumber;
      printedBy = record.officerId;
      return settledAfter('AWAITING_PRINTING');
    },
    {
      validator: (record) => {
        requireOffice(record.officeCode);
        requireStage('AWAITING_PRINTING', 'recording the printing');
        if (passportNumber) rejectStep('the printing is already recorded');
      },
    },
  );

  setHandler(
    recordHandover,
    async (record) => {
      handedOverBy = record.officerId;
      return settledAfter('READY_FOR_PICKUP');
    },
    {
      validator: (record) => {
        requireOffice(record.officeCode);
        requireStage('READY_FOR_PICKUP', 'handing the passport over');
        if (handedOverBy) rejectStep('the passport is already handed over');
      },
    },
  );

  // Pos Indonesia: a signal with Pos's own event id; a repeated event changes nothing, one that does not fit is recorded.
  setHandler(posDeliveryEvent, async (event) => {
    if (seenPosEvents.has(event.eventId)) return;
    seenPosEvents.add(event.eventId);
    if (state.stage !== 'IN_DELIVERY' || event.trackingNumber !== state.posTrackingNumber || deliveryOutcome) {
      const reason = deliveryOutcome
        ? `the delivery outcome is already recorded (${deliveryOutcome})`
        : state.stage !== 'IN_DELIVERY'
          ? `not in delivery (the application is ${state.stage})`
          : 'the tracking number is not the application\'s';
      await recordUnapplied({ sender: 'pos', eventId: event.eventId, applicationId, reason, message: { ...event } });
      return;
    }
    deliveryOutcome = event.status;
  });

  const finish = async (stage: Stage, actor: Actor, reason?: string): Promise<Stage> => {
    await enterStage(stage, { actor, reason });
    await condition(allHandlersFinished);
    return stage;
  };
  let paymentRecorded = false;
  const savePayment = async () => {
    if (!payment || paymentRecorded) return;
    await activities.recordPayment({ ...payment, applicationId });
    paymentRecorded = true;
  };
  const finishCancelled = async (): Promise<Stage> => {
    await savePayment(); // a payment that raced the cancellation is still on record
    if (state.appointment) await activities.releaseSeat({ applicationId, attempt: bookingAttempts, at: nowIso() });
    return finish('CANCELLED', ACTORS.applicant, cancellation?.reason?.trim() || 'cancelled by the applicant');
  };

  // AWAITING_PAYMENT: the bank's callback, within the billing code's validity.
  // The deadline the applicant was shown, not one counted from whenever a worker first runs this workflow.
  const paymentDeadline = input.paymentDeadline ?? later(policy.paymentWindowMs);
  await enterStage('AWAITING_PAYMENT', { actor: ACTORS.applicant, deadline: paymentDeadline });
  await condition(() => payment !== undefined || cancelled(), until(paymentDeadline));
  if (cancelled()) return finishCancelled();
  if (!payment) return finish('EXPIRED', ACTORS.system, 'billing code expired unpaid; nothing was charged');
  await savePayment();
  await activities.notify({ applicationId, effectKey: 'payment-confirmed', kind: 'PAYMENT_CONFIRMED', at: nowIso() });

  // AWAITING_BOOKING and AWAITING_INTERVIEW: a no-show with a change of session left goes back to booking.
  let actor: Actor = ACTORS.bank;
  let bookingReason: string | undefined;
  for (;;) {
    // Entered even when the applicant booked the moment the payment arrived, so the record shows every stage.
    const bookingDeadline = later(policy.bookingWindowMs);
    await enterStage('AWAITING_BOOKING', { actor, reason: bookingReason, deadline: bookingDeadline });
    if (!state.appointment) {
      await waitWithReminders(() => state.appointment !== undefined || cancelled(), bookingDeadline, policy.bookingRemindersMs ?? [], 'BOOKING_REMINDER');
      if (cancelled()) return finishCancelled();
      if (!state.appointment) return finish('EXPIRED', ACTORS.system, 'no session booked within the booking window');
      actor = ACTORS.applicant;
    }

    // AWAITING_INTERVIEW: interview, photo and biometrics, by the end of the appointment day (office time).
    let appointment: Appointment = state.appointment;
    await enterStage('AWAITING_INTERVIEW', { actor, deadline: appointment.endsAt, extra: { appointment: { date: appointment.date, session: appointment.session } } });
    for (;;) {
      const seen = appointment;
      await condition(() => interview !== undefined || cancelled() || state.appointment !== seen, until(seen.endsAt));
      if (interview || cancelled() || state.appointment === seen) break;
      appointment = state.appointment!;
      await enterStage('AWAITING_INTERVIEW', {
        actor: ACTORS.applicant,
        reason: `rescheduled to ${appointment.date} ${appointment.session}`,
        deadline: appointment.endsAt,
        extra: { appointment: { date: appointment.date, session: appointment.session } },
      });
    }
    if (cancelled()) return finishCancelled();
    if (interview && interview.outcome !== 'NO_SHOW') break;

    // NO_SHOW: the seat was used; one new booking is allowed, then the application is cancelled.
    const recordedBy = interview?.officerId ?? ACTORS.system;
    if (state.reschedulesLeft < 1) return finish('CANCELLED', recordedBy, 'no-show on the appointment day, with no change of session left');
    state.reschedulesLeft -= 1;
    state.appointment = undefined;
    interview = undefined;
    actor = recordedBy;
    bookingReason = 'no-show on the appointment day; one new booking allowed';
  }
  const decision = interview!;
  if (decision.outcome === 'REJECTED') return finish('REJECTED', decision.officerId, decision.reason);

  // AWAITING_PRINTING: the three-working-day commitment runs from interview approval.
  const approvedAt = nowIso();
  const slaDeadline = await activities.computeSlaDeadline({ officeCode, approvedAt, workingDays: policy.slaWorkingDays });
  state.slaDeadline = slaDeadline;
  await enterStage('AWAITING_PRINTING', {
    actor: decision.officerId,
    deadline: slaDeadline,
    extra: { interviewApprovedAt: approvedAt, slaDeadline },
    attributes: [{ key: SlaDeadline, value: new Date(slaDeadline) }],
  });
  if (!(await condition(() => passportNumber !== undefined, until(slaDeadline)))) {
    // Missed: compensate without anyone having to notice, and deliver by Pos at no cost.
    state.slaBreached = true;
    state.deliveryMethod = 'POS';
    await activities.compensateSlaBreach({ applicationId, slaDeadline, at: nowIso() });
    await enterStage('AWAITING_PRINTING', {
      actor: ACTORS.system,
      reason: 'service commitment missed: compensation recorded, free Pos delivery',
      extra: { slaBreached: true, deliveryMethod: 'POS' },
      attributes: [{ key: SlaBreached, value: true }],
    });
    await condition(() => passportNumber !== undefined);
  }

  if (state.deliveryMethod === 'POS') {
    // IN_DELIVERY: Pos Indonesia carries the passport and confirms by callback.
    state.posTrackingNumber = await activities.requestPosDelivery({ applicationId, attempt: 1, freeOfCharge: state.slaBreached, at: nowIso() });
    const deliveryDeadline = later(policy.deliveryWindowMs ?? 14 * 86_400_000);
    // Added after the first release: histories recorded before it replay without the overdue timer.
    const watchDelivery = patched('delivery-overdue-notice');
    await enterStage('IN_DELIVERY', {
      actor: printedBy!,
      deadline: watchDelivery ? deliveryDeadline : undefined,
      extra: { passportNumber, posTrackingNumber: state.posTrackingNumber },
    });
    if (watchDelivery && !(await condition(() => deliveryOutcome !== undefined, until(deliveryDeadline)))) {
      // Pos has not confirmed in time: the office is told to chase the shipment; the wait goes on.
      await activities.notify({ applicationId, effectKey: 'delivery-overdue-1', kind: 'DELIVERY_OVERDUE', at: nowIso() });
    }
    await condition(() => deliveryOutcome !== undefined);
    await activities.recordDeliveryOutcome({ applicationId, attempt: 1, status: deliveryOutcome!, at: nowIso() });
    if (deliveryOutcome === 'DELIVERED') return finish('COMPLETED', ACTORS.pos, 'delivered by Pos');
    // A failed delivery returns the passport to the office, where it waits for pickup.
  }

  // READY_FOR_PICKUP: collected at the office within the pickup window, or cancelled under the regulation.
  const pickupDeadline = later(policy.pickupWindowMs);
  await enterStage('READY_FOR_PICKUP', {
    actor: deliveryOutcome === 'FAILED' ? ACTORS.pos : printedBy!,
    reason: deliveryOutcome === 'FAILED' ? 'Pos could not deliver; returned to the office' : undefined,
    deadline: pickupDeadline,
    extra: { passportNumber },
  });
  await activities.notify({ applicationId, effectKey: 'ready-for-pickup', kind: 'READY_FOR_PICKUP', at: nowIso() });
  if (!(await waitWithReminders(() => handedOverBy !== undefined, pickupDeadline, policy.pickupRemindersMs ?? [], 'PICKUP_REMINDER'))) {
    return finish('CANCELLED', ACTORS.system, 'not collected within the pickup window; cancelled under the regulation');
  }
  return finish('COMPLETED', handedOverBy!, 'handed over at the office');
}

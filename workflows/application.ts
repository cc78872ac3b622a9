// The lifecycle of one passport application, stage by stage as in design.md's table.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  log,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import {
  ACTORS,
  PassportStage,
  REJECTIONS,
  SlaBreached,
  SlaDeadline,
  StageEnteredAt,
  bookSession,
  getState,
  paymentReceived,
  posDeliveryEvent,
  recordHandover,
  recordInterview,
  recordPrinting,
  type Actor,
  type ApplicationInput,
  type ApplicationState,
  type Appointment,
  type BookingRequest,
  type InterviewRecord,
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

const rejectStep = (message: string): never => {
  throw ApplicationFailure.create({ type: REJECTIONS.outOfOrder, message, nonRetryable: true });
};

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
  let passportNumber: string | undefined;
  let printedBy: Actor | undefined;
  let handedOverBy: Actor | undefined;
  let bookingInProgress = false;
  let bookingAttempts = 0;
  let deliveryOutcome: 'DELIVERED' | 'FAILED' | undefined;
  const seenPosEvents = new Set<string>();

  /** Sets the stage everywhere it is seen: search attributes, current details, read model and audit log. */
  async function enterStage(
    stage: Stage,
    change: { actor: Actor; reason?: string; deadline?: string; extra?: Record<string, unknown> },
  ): Promise<void> {
    const previousStage = seq === 0 ? undefined : state.stage;
    seq += 1;
    state.stage = stage;
    state.stageEnteredAt = nowIso();
    state.nextDeadline = change.deadline;
    const attributes: SearchAttributeUpdatePair[] = [
      { key: PassportStage, value: stage },
      { key: StageEnteredAt, value: new Date(state.stageEnteredAt) },
    ];
    upsertSearchAttributes(attributes);
    setCurrentDetails(`**${stage}**${change.deadline ? `\n\nNext deadline: ${change.deadline}` : ''}${state.slaBreached ? '\n\nSLA breached: compensated, free Pos delivery' : ''}`);
    const mySeq = seq;
    await activities.recordStage({
      applicationId,
      seq: mySeq,
      stage,
      previousStage,
      actor: change.actor,
      reason: change.reason,
      at: state.stageEnteredAt,
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

  const requireStage = (expected: Stage, action: string) => {
    if (state.stage !== expected) rejectStep(`${action} is not possible while the application is ${state.stage} (expected ${expected})`);
  };
  const requireOffice = (actionOffice: string) => {
    if (actionOffice !== officeCode) {
      throw ApplicationFailure.create({ type: REJECTIONS.wrongOffice, message: `the application belongs to office ${officeCode}`, nonRetryable: true });
    }
  };

  setHandler(getState, () => ({ ...state }));

  setHandler(paymentReceived, (notice) => {
    if (payment || state.stage !== 'AWAITING_PAYMENT') {
      log.warn('payment ignored: not awaiting payment', { transactionId: notice.transactionId, stage: state.stage });
      return;
    }
    if (notice.billingCode !== input.billingCode || notice.amount !== input.amount) {
      log.warn('payment ignored: billing code or amount differs', { transactionId: notice.transactionId });
      return;
    }
    payment = notice;
  });

  setHandler(
    bookSession,
    async (request) => {
      bookingInProgress = true;
      try {
        bookingAttempts += 1;
        const appointment = await activities.reserveSeat({ ...request, applicationId, officeCode, attempt: bookingAttempts, at: nowIso() });
        state.appointment = appointment;
        await settledAfter('AWAITING_PAYMENT', 'AWAITING_BOOKING');
        return appointment;
      } finally {
        bookingInProgress = false;
      }
    },
    {
      validator: (_request: BookingRequest) => {
        // Paid is enough: the applicant may book the moment the bank confirms.
        if (!payment) rejectStep(`booking needs a confirmed payment first (the application is ${state.stage})`);
        if (!['AWAITING_PAYMENT', 'AWAITING_BOOKING'].includes(state.stage)) requireStage('AWAITING_BOOKING', 'booking');
        if (bookingInProgress) rejectStep('a booking for this application is already in progress');
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
        if (interview) rejectStep('the interview is already recorded');
        if (record.outcome === 'REJECTED' && !record.reason?.trim()) {
          throw ApplicationFailure.create({ type: REJECTIONS.invalid, message: 'reason: a rejection needs a reason', nonRetryable: true });
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

  setHandler(posDeliveryEvent, (event) => {
    if (seenPosEvents.has(event.eventId)) return;
    seenPosEvents.add(event.eventId);
    if (state.stage !== 'IN_DELIVERY' || event.trackingNumber !== state.posTrackingNumber || deliveryOutcome) {
      log.warn('Pos event ignored', { eventId: event.eventId, stage: state.stage });
      return;
    }
    deliveryOutcome = event.status;
  });

  const finish = async (stage: Stage, actor: Actor, reason?: string): Promise<Stage> => {
    await enterStage(stage, { actor, reason });
    await condition(allHandlersFinished);
    return stage;
  };

  // AWAITING_PAYMENT: the bank's callback, within the billing code's validity.
  const paymentDeadline = later(policy.paymentWindowMs);
  await enterStage('AWAITING_PAYMENT', { actor: ACTORS.applicant, deadline: paymentDeadline });
  if (!(await condition(() => payment !== undefined, until(paymentDeadline)))) {
    return finish('EXPIRED', ACTORS.system, 'billing code expired unpaid');
  }
  await activities.recordPayment({ ...payment!, applicationId });

  // AWAITING_BOOKING: the applicant picks an office session.
  const bookingDeadline = later(policy.bookingWindowMs);
  await enterStage('AWAITING_BOOKING', { actor: ACTORS.bank, deadline: bookingDeadline });
  if (!(await condition(() => state.appointment !== undefined, until(bookingDeadline)))) {
    return finish('EXPIRED', ACTORS.system, 'no appointment booked within the booking window');
  }
  const appointment: Appointment = state.appointment!;

  // AWAITING_INTERVIEW: interview, photo and biometrics at the office, by the end of the appointment day.
  await enterStage('AWAITING_INTERVIEW', {
    actor: ACTORS.applicant,
    deadline: appointment.endsAt,
    extra: { appointment: { date: appointment.date, session: appointment.session } },
  });
  if (!(await condition(() => interview !== undefined, until(appointment.endsAt)))) {
    await activities.releaseSeat({ applicationId, attempt: bookingAttempts, at: nowIso() });
    return finish('CANCELLED', ACTORS.system, 'no-show on the appointment day');
  }
  if (interview!.outcome === 'REJECTED') {
    await activities.releaseSeat({ applicationId, attempt: bookingAttempts, at: nowIso() });
    return finish('REJECTED', interview!.officerId, interview!.reason);
  }

  // AWAITING_PRINTING: the three-working-day commitment runs from interview approval.
  const approvedAt = nowIso();
  state.slaDeadline = await activities.computeSlaDeadline({ officeCode, approvedAt, workingDays: policy.slaWorkingDays });
  upsertSearchAttributes([{ key: SlaDeadline, value: new Date(state.slaDeadline) }]);
  await enterStage('AWAITING_PRINTING', {
    actor: interview!.officerId,
    deadline: state.slaDeadline,
    extra: { interviewApprovedAt: approvedAt, slaDeadline: state.slaDeadline },
  });
  if (!(await condition(() => passportNumber !== undefined, until(state.slaDeadline)))) {
    // Missed: compensate without anyone having to notice, and deliver by Pos at no cost.
    state.slaBreached = true;
    state.deliveryMethod = 'POS';
    upsertSearchAttributes([{ key: SlaBreached, value: true }]);
    await activities.compensateSlaBreach({ applicationId, slaDeadline: state.slaDeadline, at: nowIso() });
    await enterStage('AWAITING_PRINTING', {
      actor: ACTORS.system,
      reason: 'SLA breached: compensation recorded, free Pos delivery',
      extra: { slaBreached: true, deliveryMethod: 'POS' },
    });
    await condition(() => passportNumber !== undefined);
  }

  if (state.deliveryMethod === 'POS') {
    // IN_DELIVERY: Pos Indonesia carries the passport and confirms by callback.
    state.posTrackingNumber = await activities.requestPosDelivery({ applicationId, attempt: 1, freeOfCharge: state.slaBreached, at: nowIso() });
    await enterStage('IN_DELIVERY', { actor: printedBy!, extra: { passportNumber, posTrackingNumber: state.posTrackingNumber } });
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
  if (!(await condition(() => handedOverBy !== undefined, until(pickupDeadline)))) {
    return finish('CANCELLED', ACTORS.system, 'not collected within the pickup window');
  }
  return finish('COMPLETED', handedOverBy!, 'handed over at the office');
}

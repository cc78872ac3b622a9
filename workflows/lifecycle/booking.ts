// AWAITING_BOOKING and AWAITING_INTERVIEW: a seat is booked (and may be changed once, until the day before),
// then the interview, photo and biometrics by the end of the appointment day. A no-show with a change of
// session left goes back to booking.
import { condition, setHandler } from '@temporalio/workflow';
import {
  ACTORS,
  bookSession,
  rescheduleSession,
  seatKindsFor,
  type Actor,
  type Appointment,
  type BookingRequest,
  type InterviewRecord,
  type NoticeToRecord,
  type PriorityBasis,
  type RefundPolicy,
  type SeatKind,
} from '../definitions.js';
import { withdrawn } from './cancellation.js';
import { awaitingPrinting } from './printing.js';
import { activities, later, nowIso, rejectStep, until, type Lifecycle, type Next } from './state.js';

/** Who sent the application to booking, and why: the bank's payment, or a no-show; and what the applicant is told. */
interface BookingEntry {
  actor: Actor;
  reason?: string;
  /** The notice of the entry, which names the booking deadline. */
  notice?: (bookingDeadline: string) => NoticeToRecord;
}

export async function awaitingBooking(lc: Lifecycle, entry: BookingEntry): Promise<Next> {
  // Entered even when the applicant booked the moment the payment arrived, so the record shows every stage.
  const deadline = later(lc.policy.bookingWindowMs);
  await lc.enterStage('AWAITING_BOOKING', { actor: entry.actor, reason: entry.reason, deadline, notice: entry.notice?.(deadline) });
  let actor = entry.actor;
  if (!lc.state.appointment) {
    const reminder: NoticeToRecord = { kind: 'BOOKING_REMINDER', details: { bookingDeadline: deadline } };
    await lc.waitWithReminders(() => lc.state.appointment !== undefined || lc.cancelled, deadline, lc.policy.bookingRemindersMs ?? [], reminder);
    if (lc.cancelled) return () => withdrawn(lc);
    actor = ACTORS.applicant;
  }
  const appointment = lc.state.appointment;
  if (!appointment) return { stage: 'EXPIRED', actor: ACTORS.system, reason: 'no session booked within the booking window', notice: { kind: 'EXPIRED', details: { cause: 'NOT_BOOKED' } } };
  return () => awaitingInterview(lc, appointment, actor);
}

const seat = (appointment: Appointment) => ({ appointment: { date: appointment.date, session: appointment.session } });

async function awaitingInterview(lc: Lifecycle, booked: Appointment, actor: Actor): Promise<Next> {
  let appointment = booked;
  await lc.enterStage('AWAITING_INTERVIEW', { actor, deadline: appointment.endsAt, record: seat(appointment), notice: { kind: 'BOOKING_CONFIRMED', details: seat(appointment) } });
  for (;;) {
    const seen = appointment;
    await condition(() => lc.interview !== undefined || lc.cancelled || lc.state.appointment !== seen, until(seen.endsAt));
    const current = lc.state.appointment;
    if (lc.interview || lc.cancelled || current === seen) break;
    if (!current) {
      const { rebooking } = lc;
      lc.rebooking = undefined;
      if (!rebooking) break;
      return () => awaitingBooking(lc, rebooking);
    }
    appointment = current; // moved: the new session's day is the new deadline
    const move = lc.appointmentMove ?? { actor: ACTORS.applicant, reason: `rescheduled to ${current.date} ${current.session}`, notice: { kind: 'RESCHEDULED', details: seat(current) } };
    lc.appointmentMove = undefined;
    await lc.enterStage('AWAITING_INTERVIEW', { actor: move.actor, reason: move.reason, deadline: current.endsAt, record: seat(current), notice: move.notice });
  }
  if (lc.cancelled) return () => withdrawn(lc);
  const { interview } = lc;
  if (!interview || interview.outcome === 'NO_SHOW') return noShow(lc, interview, appointment);
  if (interview.outcome === 'REJECTED') {
    if (interview.refundFee) await refundTheFee(lc, interview);
    const reason = interview.reason ?? '';
    return { stage: 'REJECTED', actor: interview.officerId, reason: interview.reason, notice: { kind: 'REJECTED', details: { reason } } };
  }
  return () => awaitingPrinting(lc, interview);
}

/** What a refund of a rejection is handed when the application started before its policy carried one. */
const DEFAULT_REFUND_POLICY: RefundPolicy = { confirmWithinMs: 24 * 3_600_000, maxTransferAttempts: 3 };

/**
 * A rejection the regulation refunds (the officer says so): the payment applied to this application is refunded
 * through its own refund workflow, one per bank transaction, which a finance officer of the office approves.
 */
async function refundTheFee(lc: Lifecycle, interview: InterviewRecord): Promise<void> {
  const { payment } = lc;
  if (!payment || !lc.patched('refund-on-rejection')) return;
  await activities.openRefund({
    bank: payment.bank ?? 'LEGACY',
    transactionId: payment.transactionId,
    ntpn: payment.ntpn ?? '',
    billingCode: payment.billingCode,
    amount: payment.amount,
    paidAt: payment.paidAt,
    reason: `rejected at the interview (${interview.reason ?? 'no reason given'}); the regulation refunds the fee`,
    applicationId: lc.input.applicationId,
    officeCode: lc.input.officeCode,
    policy: lc.policy.refund ?? DEFAULT_REFUND_POLICY,
  });
}

/**
 * NO_SHOW: the seat was used; one new booking is allowed, then the application is cancelled. The applicant's
 * NO_SHOW notice says which: with the new booking's deadline, or that the application is cancelled (one notice).
 */
function noShow(lc: Lifecycle, recorded: InterviewRecord | undefined, missedAppointment: Appointment): Next {
  const recordedBy = recorded?.officerId ?? ACTORS.system;
  const { appointment: missed } = seat(missedAppointment);
  if (lc.state.reschedulesLeft < 1) {
    const notice: NoticeToRecord = { kind: 'NO_SHOW', details: { missed, rebookingAllowed: false } };
    return { stage: 'CANCELLED', actor: recordedBy, reason: 'no-show on the appointment day, with no change of session left', notice };
  }
  lc.state.reschedulesLeft -= 1;
  lc.state.appointment = undefined;
  lc.interview = undefined;
  const notice = (bookingDeadline: string): NoticeToRecord => ({ kind: 'NO_SHOW', details: { missed, rebookingAllowed: true, bookingDeadline } });
  return () => awaitingBooking(lc, { actor: recordedBy, reason: 'no-show on the appointment day; one new booking allowed', notice });
}

/** Whether the application's priority ground counts, and how it is known: not once a declaration is found false. */
function priorityBasisOf(lc: Lifecycle): PriorityBasis | undefined {
  const { priority } = lc.state;
  if (!priority || priority.status === 'NOT_CONFIRMED') return undefined;
  return priority.status === 'AUTOMATIC' ? 'BIRTH_DATE' : 'DECLARED';
}

/** The kinds of seat the application may take, in the order tried: a declaration found false takes regular seats only. */
export function seatKinds(lc: Lifecycle): SeatKind[] {
  return seatKindsFor({ service: lc.state.service, priority: priorityBasisOf(lc) });
}

/** Takes a seat for the request (a new key per attempt) of the application's kinds unless told; the caller says what happens to the previous one. */
export async function takeSeat(lc: Lifecycle, request: BookingRequest, seat: { kinds?: SeatKind[]; atTheCounter?: boolean } = {}): Promise<Appointment> {
  lc.bookingAttempts += 1;
  const attempt = lc.bookingAttempts;
  const { applicationId, officeCode } = lc.input;
  const appointment = await activities.reserveSeat({ ...request, applicationId, officeCode, attempt, at: nowIso(), kinds: seat.kinds ?? seatKinds(lc), ...(seat.atTheCounter && { atTheCounter: true }) });
  lc.seatAttempt = attempt;
  return appointment;
}

/** One seat change at a time: a second booking, a change or a cancellation waits for it to end. */
export async function oneSeatChange<T>(lc: Lifecycle, change: () => Promise<T>): Promise<T> {
  lc.seatChangeInProgress = true;
  try {
    return await change();
  } finally {
    lc.seatChangeInProgress = false;
  }
}

export function bookingMessages(lc: Lifecycle): void {
  const { state } = lc;
  setHandler(
    bookSession,
    (request) =>
      oneSeatChange(lc, async () => {
        const appointment = await takeSeat(lc, request);
        state.appointment = appointment;
        await lc.settledAfter('AWAITING_PAYMENT', 'AWAITING_BOOKING');
        return appointment;
      }),
    {
      validator: (_request: BookingRequest) => {
        if (lc.cancelled) rejectStep('the application is being cancelled');
        // Paid is enough: the applicant may book the moment the bank confirms.
        if (!lc.payment) rejectStep(`booking needs a confirmed payment first (the application is ${state.stage})`);
        if (state.appointment) rejectStep('a session is already booked; reschedule it instead');
        if (!['AWAITING_PAYMENT', 'AWAITING_BOOKING'].includes(state.stage)) lc.requireStage('AWAITING_BOOKING', 'booking');
        if (lc.seatChangeInProgress) rejectStep('a booking for this application is already in progress');
      },
    },
  );

  setHandler(
    rescheduleSession,
    (request) =>
      oneSeatChange(lc, async () => {
        const previousAttempt = lc.seatAttempt;
        const appointment = await takeSeat(lc, request);
        await activities.releaseSeat({ applicationId: lc.applicationId, attempt: previousAttempt, at: nowIso() });
        state.reschedulesLeft -= 1;
        state.appointment = appointment;
        await lc.nextChangeShown();
        return appointment;
      }),
    {
      validator: (_request: BookingRequest) => {
        lc.requireStage('AWAITING_INTERVIEW', 'rescheduling');
        if (lc.cancelled || lc.interview) rejectStep('the appointment can no longer be changed');
        if (state.reschedulesLeft < 1) rejectStep('the one allowed change of session is already used');
        if (lc.seatChangeInProgress) rejectStep('a change of session is already in progress');
        // H-1: changes are accepted until the day before the appointment (the office's end of that day).
        if (Date.now() >= lc.appointmentDayStarts()) rejectStep('a session can be changed only until the day before the appointment');
      },
    },
  );
}

// AWAITING_INTERVIEW: the officer at the counter, on the appointment day, reviews a declared priority ground
// (DISABILITY, PREGNANCY). Confirmed, it is on the record. Found false, it is on the record too, and a priority
// seat is given up: for a regular seat of the same session if one is free, else the applicant books again.
import { ActivityFailure, ApplicationFailure, setHandler } from '@temporalio/workflow';
import { REJECTIONS, reviewPriority, type Appointment, type ApplicationState, type PriorityReview } from '../definitions.js';
import { oneSeatChange, takeSeat } from './booking.js';
import { activities, nowIso, rejectOffice, rejectStep, type Lifecycle } from './state.js';

const slotFull = (error: unknown): boolean => error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === REJECTIONS.slotFull;

/** The same date and session as a regular seat, or undefined when none is free there. */
async function regularSeatOf(lc: Lifecycle, appointment: Appointment): Promise<Appointment | undefined> {
  try {
    return await takeSeat(lc, { date: appointment.date, session: appointment.session }, { kinds: ['REGULAR'], atTheCounter: true });
  } catch (error) {
    if (slotFull(error)) return undefined;
    throw error;
  }
}

/** A false declaration gives its priority seat up: moved to a regular seat of the session, or back to booking. */
async function givePrioritySeatUp(lc: Lifecycle, review: PriorityReview, appointment: Appointment): Promise<void> {
  const previousAttempt = lc.seatAttempt;
  const regular = await regularSeatOf(lc, appointment);
  const seat = { date: appointment.date, session: appointment.session };
  await activities.releaseSeat({ applicationId: lc.applicationId, attempt: previousAttempt, at: nowIso() });
  if (regular) {
    lc.appointmentMove = {
      actor: review.officerId,
      reason: `declared priority ground not confirmed: moved to a regular seat of ${seat.date} ${seat.session}`,
      notice: { kind: 'PRIORITY_NOT_CONFIRMED', details: { movedTo: seat } },
    };
    lc.state.appointment = regular;
    await lc.nextChangeShown();
    return;
  }
  lc.rebooking = {
    actor: review.officerId,
    reason: `declared priority ground not confirmed and no regular seat free on ${seat.date} ${seat.session}: a regular seat is to be booked`,
    notice: (bookingDeadline) => ({ kind: 'PRIORITY_NOT_CONFIRMED', details: { bookingDeadline } }),
  };
  lc.state.appointment = undefined;
  await lc.settledAfter('AWAITING_INTERVIEW');
}

async function reviewed(lc: Lifecycle, review: PriorityReview): Promise<ApplicationState> {
  const { state } = lc;
  if (!state.priority) rejectStep('the application declares no priority ground');
  const appointment = state.appointment ?? rejectStep('no session is booked');
  return oneSeatChange(lc, async () => {
    const status = review.confirmed ? 'CONFIRMED' : 'NOT_CONFIRMED';
    state.priority = { status };
    await lc.recordAction(review.officerId, `declared priority ground ${review.confirmed ? 'confirmed' : 'not confirmed'} at the counter`, { priorityStatus: status });
    if (!review.confirmed && appointment.kind === 'PRIORITY') await givePrioritySeatUp(lc, review, appointment);
    return { ...state };
  });
}

export function priorityMessages(lc: Lifecycle): void {
  setHandler(reviewPriority, (review) => reviewed(lc, review), {
    validator: (review: PriorityReview) => {
      if (review.officeCode !== lc.input.officeCode) rejectOffice(lc.input.officeCode);
      lc.requireStage('AWAITING_INTERVIEW', 'reviewing a declared priority');
      if (lc.cancelled || lc.interview) rejectStep('the interview is already recorded');
      const { priority } = lc.state;
      if (!priority) rejectStep('the application declares no priority ground');
      else if (priority.status !== 'DECLARED') rejectStep(`the priority ground is ${priority.status}, not awaiting review`);
      if (lc.seatChangeInProgress) rejectStep('a change of seat is in progress; try again in a moment');
      const dayStarts = lc.appointmentDayStarts();
      if (Date.now() < dayStarts) rejectStep(`a declared priority is reviewed only on the appointment day, which starts at ${new Date(dayStarts).toISOString()}`);
    },
  });
}

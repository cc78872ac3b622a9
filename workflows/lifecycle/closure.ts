// AWAITING_INTERVIEW: the office closed on the appointment day (workflows/office-closure.ts sends moveForClosure).
// The applicant is moved to the nearest free session after that day, of the seat kinds the application may take,
// inside the booking horizon; with none free, the seat is given back and the application returns to booking. The
// move is the office's, so it does not use up the applicant's one change of session.
import { ActivityFailure, ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { ACTORS, REJECTIONS, moveForClosure, type Appointment, type ClosureMove, type NoticeSession, type SeatKind } from '../definitions.js';
import { oneSeatChange, seatKinds, takeSeat } from './booking.js';
import { activities, nowIso, type Lifecycle } from './state.js';


/** A session another booking filled (or a day no longer bookable) since the candidates were read: try the next. */
const takenMeanwhile = (error: unknown) =>
  error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && (error.cause.type === REJECTIONS.slotFull || error.cause.type === REJECTIONS.invalid);

/** The first candidate session whose seat could be taken, or undefined when none could. */
async function nearestFreeSession(lc: Lifecycle, move: ClosureMove, kinds: SeatKind[]): Promise<Appointment | undefined> {
  const candidates = await activities.closureCandidates({ officeCode: lc.input.officeCode, after: move.date, kinds, at: nowIso() });
  for (const candidate of candidates) {
    try {
      // `kinds`: the seat kinds reserveSeat tries, in order (activities/booking.ts).
      const request = { ...candidate, kinds };
      return await takeSeat(lc, request);
    } catch (error) {
      if (!takenMeanwhile(error)) throw error;
    }
  }
  return undefined;
}

async function moveOffClosedDay(lc: Lifecycle, move: ClosureMove, from: NoticeSession): Promise<void> {
  const heldAttempt = lc.seatAttempt;
  const reason = `office closed on ${move.date}: ${move.reason}`;
  const moved = await nearestFreeSession(lc, move, seatKinds(lc));
  await activities.releaseSeat({ applicationId: lc.applicationId, attempt: heldAttempt, at: nowIso() });
  if (moved) {
    const appointment: NoticeSession = { date: moved.date, session: moved.session };
    lc.appointmentMove = { actor: ACTORS.system, reason, notice: { kind: 'SESSION_MOVED_BY_CLOSURE', details: { from, appointment, reason: move.reason } } };
    lc.state.appointment = moved;
    return;
  }
  lc.rebooking = {
    actor: ACTORS.system,
    reason: `${reason}; no free session within the booking horizon`,
    notice: (bookingDeadline) => ({ kind: 'SESSION_MOVED_BY_CLOSURE', details: { from, reason: move.reason, bookingDeadline } }),
  };
  lc.state.appointment = undefined;
}

export function closureMessages(lc: Lifecycle): void {
  const booked = (move: ClosureMove) => lc.state.stage === 'AWAITING_INTERVIEW' && !lc.interview && !lc.cancelled && lc.state.appointment?.date === move.date;
  setHandler(moveForClosure, async (move) => {
    // A message that no longer applies (already moved, another day, a later stage) changes nothing.
    await condition(() => !lc.seatChangeInProgress || !booked(move));
    const appointment = lc.state.appointment;
    if (!booked(move) || !appointment) return { ...lc.state };
    await oneSeatChange(lc, () => moveOffClosedDay(lc, move, { date: appointment.date, session: appointment.session }));
    // AWAITING_INTERVIEW records the move (or the return to booking) and tells the applicant.
    await condition(() => (lc.appointmentMove === undefined && lc.rebooking === undefined) || lc.cancelled || lc.interview !== undefined);
    return { ...lc.state };
  });
}

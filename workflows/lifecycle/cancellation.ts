// CANCELLED by the applicant, before the interview: the payment stays on record, a booked seat is freed.
import { setHandler } from '@temporalio/workflow';
import { ACTORS, CANCELLABLE_STAGES, cancelApplication, type CancellationRequest } from '../definitions.js';
import { activities, nowIso, rejectStep, type Ending, type Lifecycle } from './state.js';

export async function withdrawn(lc: Lifecycle): Promise<Ending> {
  await lc.savePayment(); // a payment that raced the cancellation is still on record
  if (lc.state.appointment) await activities.releaseSeat({ applicationId: lc.applicationId, attempt: lc.bookingAttempts, at: nowIso() });
  const reason = lc.cancellation?.reason?.trim() || 'cancelled by the applicant';
  return { stage: 'CANCELLED', actor: ACTORS.applicant, reason, notice: { kind: 'CANCELLED', details: { reason, cause: 'APPLICANT' } } };
}

/** The applicant withdraws: the stage the workflow is waiting in ends it through `withdrawn`. */
export function cancellationMessages(lc: Lifecycle): void {
  setHandler(
    cancelApplication,
    async (request) => {
      lc.cancellation = request;
      return lc.settledAfter(...CANCELLABLE_STAGES);
    },
    {
      validator: (_request: CancellationRequest) => {
        if (lc.cancelled) rejectStep('the application is already being cancelled');
        if (!CANCELLABLE_STAGES.includes(lc.state.stage) || lc.interview) rejectStep(`cancellation is possible only before the interview (the application is ${lc.state.stage})`);
        if (lc.seatChangeInProgress) rejectStep('a booking is in progress; try again in a moment');
      },
    },
  );
}

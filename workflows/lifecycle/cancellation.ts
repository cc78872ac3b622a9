// CANCELLED by the applicant, before the interview: the payment stays on record, a booked seat is freed.
import { setHandler } from '@temporalio/workflow';
import { ACTORS, CANCELLABLE_STAGES, cancelApplication, type CancellationRequest } from '../definitions.js';
import { activities, nowIso, rejectStep, type Ending, type Lifecycle } from './state.js';

export async function withdrawn(lc: Lifecycle): Promise<Ending> {
  await lc.savePayment(); // a payment that raced the cancellation is still on record
  if (lc.state.appointment) await activities.releaseSeat({ applicationId: lc.applicationId, attempt: lc.seatAttempt, at: nowIso() });
  const given = lc.cancellation?.reason?.trim();
  // The notice quotes the applicant's own reason, never the audit log's English default.
  const notice = { kind: 'CANCELLED' as const, details: { cause: 'APPLICANT' as const, ...(given && { reason: given }) } };
  return { stage: 'CANCELLED', actor: ACTORS.applicant, reason: given || 'cancelled by the applicant', notice };
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

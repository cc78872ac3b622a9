// One office session's waitlist (id seatWaitlistIdFor): woken by `seatFreed` whenever a seat there is held for
// the line (activities/booking.ts releaseSeat) or an offer is given back, and by the expiry of its open offers.
// Each pass is one activity (activities/waitlist.ts offerHeldSeats) that lapses, offers and returns seats in one
// transaction; the workflow only decides when to look again. It ends once the session's day has come and every
// hold is settled.
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { REJECTIONS, seatFreed, type SeatWaitlistInput } from './definitions.js';

const { offerHeldSeats } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: Object.values(REJECTIONS) },
});

/** Passes in one run before it continues as new, so the history stays short however long the line lives. */
const PASSES_PER_RUN = 200;

export async function seatWaitlist(input: SeatWaitlistInput): Promise<void> {
  let woken = true; // a run starts with a pass: the seat that started it, or what the previous run left
  setHandler(seatFreed, () => {
    woken = true;
  });
  for (let pass = 0; pass < PASSES_PER_RUN && !workflowInfo().continueAsNewSuggested; pass++) {
    woken = false;
    const { nextExpiry, openHolds } = await offerHeldSeats({ ...input, at: new Date(Date.now()).toISOString() });
    const dayCame = Date.now() >= Date.parse(input.dayStartsAt);
    if (dayCame && openHolds === 0) return;
    const wakeAt = nextExpiry && nextExpiry < input.dayStartsAt ? nextExpiry : input.dayStartsAt;
    await condition(() => woken, Math.max(1, Date.parse(wakeAt) - Date.now()));
  }
  await continueAsNew<typeof seatWaitlist>(input);
}

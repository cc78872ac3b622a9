// AWAITING_BOOKING: an applicant who finds a session full may wait for it (one entry per application), leave the
// line, and take a seat offered to this application (workflows/seat-waitlist.ts), which books it as any booking.
import { setHandler, uuid4 } from '@temporalio/workflow';
import { acceptSeatOffer, joinWaitlist, leaveWaitlist, type SeatOfferAcceptance, type WaitlistRequest } from '../definitions.js';
import { oneSeatChange, seatKinds } from './booking.js';
import { activities, nowIso, rejectStep, type Lifecycle } from './state.js';

/** Paid, nothing booked, still waiting to book: the only time a waitlist means anything. */
function requireBooking(lc: Lifecycle, action: string): void {
  if (lc.cancelled) rejectStep('the application is being cancelled');
  if (!lc.payment) rejectStep(`${action} needs a confirmed payment first (the application is ${lc.state.stage})`);
  lc.requireStage('AWAITING_BOOKING', action);
  if (lc.state.appointment) rejectStep('a session is already booked');
  if (lc.seatChangeInProgress) rejectStep('a booking for this application is already in progress');
}

export function waitlistMessages(lc: Lifecycle): void {
  const { applicationId, officeCode } = lc.input;
  /** The entry this application joined last; the waitlist's own table says where it stands. */
  let entryId: string | undefined;

  setHandler(
    joinWaitlist,
    async (request) => {
      const kinds = seatKinds(lc);
      const joining = uuid4();
      const position = await activities.joinWaitlist({ ...request, applicationId, officeCode, entryId: joining, kinds, at: nowIso() });
      entryId = joining;
      return position;
    },
    { validator: (_request: WaitlistRequest) => requireBooking(lc, 'joining a waitlist') },
  );

  setHandler(
    leaveWaitlist,
    async () => {
      if (entryId) await activities.leaveWaitlist({ applicationId, entryId, at: nowIso() });
      return { ...lc.state };
    },
    {
      validator: () => {
        if (!entryId) rejectStep('the application is not on a waitlist');
      },
    },
  );

  setHandler(
    acceptSeatOffer,
    (offer) =>
      oneSeatChange(lc, async () => {
        lc.bookingAttempts += 1;
        const attempt = lc.bookingAttempts;
        const appointment = await activities.takeOfferedSeat({ applicationId, officeCode, offerId: offer.offerId, attempt, at: nowIso() });
        lc.seatAttempt = attempt;
        lc.state.appointment = appointment;
        await lc.settledAfter('AWAITING_BOOKING');
        return appointment;
      }),
    { validator: (_offer: SeatOfferAcceptance) => requireBooking(lc, 'accepting a seat offer') },
  );
}

// AWAITING_PAYMENT: the bank's callback, within the billing code's validity.
import { condition, setHandler } from '@temporalio/workflow';
import { ACTORS, paymentReceived, type PaymentNotice } from '../definitions.js';
import { awaitingBooking } from './booking.js';
import { withdrawn } from './cancellation.js';
import { later, until, type Lifecycle, type Next } from './state.js';

export async function awaitingPayment(lc: Lifecycle): Promise<Next> {
  // The deadline the applicant was shown, not one counted from whenever a worker first runs this workflow.
  const deadline = lc.input.paymentDeadline ?? later(lc.policy.paymentWindowMs);
  await lc.enterStage('AWAITING_PAYMENT', { actor: ACTORS.applicant, deadline });
  await condition(() => lc.payment !== undefined || lc.cancelled, until(deadline));
  if (lc.cancelled) return () => withdrawn(lc);
  if (!lc.payment) return { stage: 'EXPIRED', actor: ACTORS.system, reason: 'billing code expired unpaid; nothing was charged' };
  await lc.savePayment();
  await lc.notify('payment-confirmed', 'PAYMENT_CONFIRMED');
  return () => awaitingBooking(lc, { actor: ACTORS.bank });
}

/** Why a bank payment cannot be applied, or undefined when it is the payment this application waits for. */
function refusal(lc: Lifecycle, notice: PaymentNotice): string | undefined {
  const { input, payment, state } = lc;
  if (payment || state.stage !== 'AWAITING_PAYMENT' || lc.cancelled) {
    return `not awaiting payment (the application is ${lc.cancelled ? 'being cancelled' : payment ? 'already paid' : state.stage})`;
  }
  if (notice.billingCode !== input.billingCode || notice.amount !== input.amount) return 'the billing code or amount differs from the billing';
  if (input.paymentDeadline && Date.parse(notice.paidAt) > Date.parse(input.paymentDeadline)) {
    return `paid at ${notice.paidAt}, after the billing code expired at ${input.paymentDeadline}`;
  }
  return undefined;
}

/** Bank: a signal with the bank's transaction id; anything but the first matching payment is recorded, not applied. */
export function paymentMessages(lc: Lifecycle): void {
  setHandler(paymentReceived, async (notice) => {
    if (lc.payment?.transactionId === notice.transactionId) return; // the same payment again: already applied
    const reason = refusal(lc, notice);
    if (!reason) {
      lc.payment = notice;
      return;
    }
    await lc.recordUnapplied({ sender: 'bank', eventId: notice.transactionId, reason, amount: notice.amount, message: { ...notice } });
  });
}

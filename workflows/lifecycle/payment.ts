// AWAITING_PAYMENT: the bank's payment, within the billing code's validity. Every money decision about this
// application is taken here: the bankTransaction workflow asks (applyPayment) and refunds what is refused.
import { CancellationScope, condition, isCancellation, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { ACTORS, BANK_CLOCK_TOLERANCE_MS, applyPayment, paymentReceived, type BankTransaction, type PaymentNotice, type PaymentOutcome } from '../definitions.js';
import { awaitingBooking } from './booking.js';
import { withdrawn } from './cancellation.js';
import { activities, later, until, type AppliedPayment, type Lifecycle, type Next } from './state.js';

export async function awaitingPayment(lc: Lifecycle): Promise<Next> {
  // The deadline the applicant was shown, not one counted from whenever a worker first runs this workflow.
  const deadline = lc.input.paymentDeadline ?? later(lc.policy.paymentWindowMs);
  await lc.enterStage('AWAITING_PAYMENT', { actor: ACTORS.applicant, deadline, notice: { kind: 'SUBMITTED', details: {} } });
  // Only an application whose registry check is pending (none before issue 15) asks the registry again.
  const recheck = lc.input.registryCheck === 'PENDING' ? recheckRegistry(lc, deadline) : undefined;
  const settled = () => lc.payment !== undefined || lc.cancelled || lc.registryRefused !== undefined;
  // Workflows started before the inquiry (no such policy, or no patch marker in their history) wait as they did.
  if (lc.policy.paymentInquiryBeforeMs !== undefined && lc.patched('payment-inquiry')) await waitAskingTheBank(lc, deadline, settled);
  else await condition(settled, until(deadline));
  recheck?.cancel();
  if (lc.cancelled) return () => withdrawn(lc);
  if (lc.registryRefused) {
    const fields = lc.registryRefused;
    const reason = `the population registry (Dukcapil) does not confirm the identity (${fields.includes('nik') ? 'no resident with this NIK' : `${fields.join(' and ')} ${fields.length > 1 ? 'differ' : 'differs'}`})`;
    return { stage: 'REJECTED', actor: ACTORS.system, reason, notice: { kind: 'REGISTRY_MISMATCH', details: { fields } } };
  }
  if (!lc.payment) {
    return { stage: 'EXPIRED', actor: ACTORS.system, reason: 'billing code expired before a payment reached us; a payment made for it is refunded', notice: { kind: 'EXPIRED', details: { cause: 'UNPAID' } } };
  }
  await lc.savePayment();
  // The confirmation rides with AWAITING_BOOKING, whose deadline it names. Histories recorded before it notified
  // here, in an activity of its own (only replays take this branch: the notice is already on record).
  if (!lc.patched('payment-confirmed-with-booking')) {
    await lc.notify('payment-confirmed', { kind: 'PAYMENT_CONFIRMED', details: { bookingDeadline: later(lc.policy.bookingWindowMs) } });
    return () => awaitingBooking(lc, { actor: ACTORS.bank });
  }
  return () => awaitingBooking(lc, { actor: ACTORS.bank, notice: (bookingDeadline) => ({ kind: 'PAYMENT_CONFIRMED', details: { bookingDeadline } }) });
}

/** How long before the payment deadline the registry recheck gives up (at most; a quarter of a short window). */
const RECHECK_MARGIN_MS = 15 * 60_000;

/**
 * The registry check made again while the payment is awaited: retried with backoff until shortly before the deadline,
 * in a scope of its own, so a payment that comes meanwhile never waits for it (the caller cancels it once the stage is
 * decided). MATCH is recorded by the activity; a mismatch or an unknown NIK before any payment ends the wait.
 */
function recheckRegistry(lc: Lifecycle, deadline: string): CancellationScope | undefined {
  const giveUpAt = Date.parse(deadline) - Math.min(RECHECK_MARGIN_MS, lc.policy.paymentWindowMs / 4);
  if (giveUpAt <= Date.now()) return undefined;
  const registry = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: giveUpAt - Date.now(),
    retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
  });
  const scope = new CancellationScope();
  scope
    .run(async () => {
      const verdict = await registry.recheckRegistry({ applicationId: lc.applicationId });
      if (verdict.status !== 'MATCH' && !lc.payment && !lc.cancelled) lc.registryRefused = verdict.status === 'NOT_FOUND' ? ['nik'] : verdict.fields;
    })
    .catch((error: unknown) => {
      if (!isCancellation(error)) log.warn('the population registry gave no answer before the payment deadline; the check stays pending', { error: String(error) });
    });
  return scope;
}

/** Asks the bank once the payment window is about to close; the activity's retries are few, the window runs on. */
const bankInquiry = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: { initialInterval: '5 seconds', maximumAttempts: 3 } });

/**
 * The wait for the payment, with the workflow's own inquiry shortly before the window closes: a payment whose
 * callback was lost is found, and goes through its bank transaction like a callback. At the deadline, a payment
 * made in time that is on record but has not reached this application yet (found by the inquiry, or its callback
 * answered while the workers were down) is given a short grace to be applied.
 */
async function waitAskingTheBank(lc: Lifecycle, deadline: string, settled: () => boolean): Promise<void> {
  const { paymentInquiryBeforeMs = 0, paymentInquiryGraceMs = 0 } = lc.policy;
  if (await condition(settled, until(new Date(Date.parse(deadline) - paymentInquiryBeforeMs).toISOString()))) return;
  const { billingCode, amount } = lc.input;
  try {
    await bankInquiry.inquireBank({ billingCode });
  } catch (error) {
    log.warn('the bank inquiry failed; the payment window runs on', { error: String(error) });
  }
  if (await condition(settled, until(deadline))) return;
  if (await activities.paymentPending({ billingCode, amount, deadline })) await condition(settled, Math.max(1, paymentInquiryGraceMs));
}

const REGISTRY_REFUSAL = 'the application is rejected: the population registry (Dukcapil) does not confirm the identity';

/** Why a bank payment cannot be applied, or undefined when it is the payment this application waits for. */
function refusal(lc: Lifecycle, notice: PaymentNotice): string | undefined {
  const { input, payment, state } = lc;
  if (payment || state.stage !== 'AWAITING_PAYMENT' || lc.cancelled) {
    return `not awaiting payment (the application is ${lc.cancelled ? 'being cancelled' : payment ? 'already paid' : state.stage})`;
  }
  if (lc.registryRefused) return REGISTRY_REFUSAL;
  if (notice.billingCode !== input.billingCode || notice.amount !== input.amount) return 'the billing code or amount differs from the billing';
  if (input.paymentDeadline && Date.parse(notice.paidAt) > Date.parse(input.paymentDeadline)) {
    return `paid at ${notice.paidAt}, after the billing code expired at ${input.paymentDeadline}`;
  }
  return undefined;
}

/** Why a bank transaction cannot be applied: refusal's reasons with their amounts named, and a date before the billing code existed. */
function transactionRefusal(lc: Lifecycle, tx: BankTransaction): string | undefined {
  const { input, payment, state } = lc;
  if (payment) return `the billing code is already paid by ${payment.bank ?? 'the bank'} transaction ${payment.transactionId}`;
  if (lc.cancelled || state.stage !== 'AWAITING_PAYMENT') return `the application is ${lc.cancelled ? 'being cancelled' : state.stage}`;
  if (lc.registryRefused) return REGISTRY_REFUSAL;
  if (tx.billingCode !== input.billingCode) return `the billing code differs (${input.billingCode})`;
  if (tx.amount !== input.amount) return `the amount differs from the billing (${input.amount} rupiah)`;
  if (input.paymentDeadline) {
    // The billing code was issued one payment window before its deadline (api/submission.ts). A bank's clock and
    // its whole-second times may put a payment made at once a little before that: only earlier than the tolerance is refused.
    const issuedAt = Date.parse(input.paymentDeadline) - lc.policy.paymentWindowMs;
    if (Date.parse(tx.paidAt) < issuedAt - BANK_CLOCK_TOLERANCE_MS) return `paid at ${tx.paidAt}, before the billing code was issued at ${new Date(issuedAt).toISOString()}`;
    if (Date.parse(tx.paidAt) > Date.parse(input.paymentDeadline)) return `paid at ${tx.paidAt}, after the billing code expired at ${input.paymentDeadline}`;
  }
  return undefined;
}

const sameTransaction = (payment: AppliedPayment | undefined, tx: BankTransaction): boolean =>
  payment !== undefined && payment.transactionId === tx.transactionId && payment.bank === tx.bank;

/**
 * applyPayment: the bankTransaction workflow asks; the answer is applied (once the payment is on record) or
 * refused with the reason, and the refused money is refunded. The same transaction again answers applied.
 * paymentReceived: the signal of the callbacks before issue 13, for workflows that were waiting for one.
 */
export function paymentMessages(lc: Lifecycle): void {
  setHandler(applyPayment, async (tx): Promise<PaymentOutcome> => {
    if (!sameTransaction(lc.payment, tx)) {
      const reason = transactionRefusal(lc, tx);
      if (reason) return { applied: false, reason };
      lc.payment = tx;
    }
    await lc.savePayment();
    return { applied: true };
  });
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

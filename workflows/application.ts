// The lifecycle of one passport application: a driver that runs the stage functions in lifecycle/ (named as
// design.md's stage table names the stages) until one of them ends it.
import { setHandler } from '@temporalio/workflow';
import { getState, type ApplicationInput, type Stage } from './definitions.js';
import { bookingMessages } from './lifecycle/booking.js';
import { cancellationMessages } from './lifecycle/cancellation.js';
import { closureMessages } from './lifecycle/closure.js';
import { deliveryMessages } from './lifecycle/delivery.js';
import { deliveryChoiceMessages, OFFICER_STEPS } from './lifecycle/messages.js';
import { awaitingPayment, paymentMessages } from './lifecycle/payment.js';
import { priorityMessages } from './lifecycle/priority.js';
import { Lifecycle, type Next } from './lifecycle/state.js';
import { waitlistMessages } from './lifecycle/waitlist.js';

export async function passportApplication(input: ApplicationInput): Promise<Stage> {
  const lc = new Lifecycle(input);
  setHandler(getState, () => ({ ...lc.state }));
  for (const register of [paymentMessages, bookingMessages, cancellationMessages, deliveryChoiceMessages, ...OFFICER_STEPS, deliveryMessages, priorityMessages, closureMessages, waitlistMessages]) register(lc);

  let next: Next = () => awaitingPayment(lc);
  while (typeof next === 'function') next = await next();
  return lc.finish(next);
}

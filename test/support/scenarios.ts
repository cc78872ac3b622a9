// Steps of an application's life, driven as the bank, the applicant and the officers would, on a
// time-skipping server: every date is taken from the server's clock, which the tests move.
import type { WorkflowHandle } from '@temporalio/client';
import type { Submission } from '../../api/submission.js';
import { applyPayment, bookSession, paymentReceived, workflowIdFor, type Policy, type Session, type Stage } from '../../workflows/definitions.js';
import { newNtpn } from './bank.js';
import { applicationRow, nextWorkingDay } from './read-model.js';
import type { startTimeSkipping } from './workflows.js';

type TimeSkipping = Awaited<ReturnType<typeof startTimeSkipping>>;

export const officerOf = (officeCode = 'PLU') => ({ officerId: `officer-${officeCode.toLowerCase()}-1`, officeCode });

/** The n-th working day after today at the office, by the test server's clock. */
export const workingDayAhead = async (t: TimeSkipping, n = 1, officeCode = 'PLU'): Promise<string> =>
  nextWorkingDay(t.db, officeCode, await t.env.currentTimeMs(), n);

export async function submitted(t: TimeSkipping, submission: Partial<Submission> = {}, policy?: Policy) {
  const application = await t.submit(submission, policy);
  return { ...application, handle: t.client.workflow.getHandle(workflowIdFor(application.applicationId)) };
}

/** The bank's payment in full, as its bankTransaction workflow offers it to the application: applied. */
export async function pay(t: TimeSkipping, application: { billingCode: string; amount: number; handle: WorkflowHandle }, transactionId = `TX-${application.billingCode}`) {
  const paidAt = new Date(await t.env.currentTimeMs()).toISOString();
  const tx = { bank: 'BRI', transactionId, ntpn: newNtpn(), billingCode: application.billingCode, amount: application.amount, paidAt, source: 'callback' as const };
  const outcome = await application.handle.executeUpdate(applyPayment, { args: [tx] });
  if (!outcome.applied) throw new Error(`the payment was not applied: ${outcome.reason}`);
}

/** The bank's payment as callbacks signalled it before issue 13 (workflows started then still take it). */
export async function signalPayment(t: TimeSkipping, application: { billingCode: string; amount: number; handle: WorkflowHandle }, transactionId: string) {
  await application.handle.signal(paymentReceived, {
    transactionId,
    billingCode: application.billingCode,
    amount: application.amount,
    paidAt: new Date(await t.env.currentTimeMs()).toISOString(),
  });
}

export async function book(t: TimeSkipping, handle: WorkflowHandle, daysAhead = 1, session: Session = 'MORNING', officeCode = 'PLU') {
  const date = await workingDayAhead(t, daysAhead, officeCode);
  return handle.executeUpdate(bookSession, { args: [{ date, session }] });
}

/** Submitted, paid and booked: waiting for the interview. */
export async function awaitingInterview(t: TimeSkipping, submission: Partial<Submission> = {}, daysAhead = 1) {
  const application = await submitted(t, submission);
  await pay(t, application);
  const appointment = await book(t, application.handle, daysAhead, 'MORNING', submission.officeCode ?? 'PLU');
  return { ...application, appointment };
}

/** Moves the test server's clock to `instant` (plus a margin), firing every timer on the way. */
export async function skipTo(t: TimeSkipping, instant: string, marginMs = 60_000): Promise<void> {
  const remaining = Date.parse(instant) - (await t.env.currentTimeMs()) + marginMs;
  if (remaining > 0) await t.env.sleep(remaining);
}

/**
 * Moves the clock to the start of the appointment day (office local), when the officer may record the
 * interview: an outcome before that day is refused.
 */
export async function onAppointmentDay(t: TimeSkipping, appointment: { startsAt?: string; endsAt: string }): Promise<void> {
  await skipTo(t, appointment.startsAt ?? new Date(Date.parse(appointment.endsAt) - 86_400_000).toISOString());
}

/** Polls the read model until the application reaches `stage` (timers fire asynchronously). */
export async function stageReached(t: TimeSkipping, applicationId: string, stage: Stage, timeoutMs = 15_000) {
  const start = Date.now();
  for (;;) {
    const row = await applicationRow(t.db, applicationId);
    if (row.stage === stage) return row;
    if (Date.now() - start > timeoutMs) throw new Error(`application stayed ${row.stage}, expected ${stage}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The number of events in a workflow's history once the workflow is idle: a rejected update must not add any. */
export async function historyLength(handle: WorkflowHandle): Promise<number> {
  const count = async () => (await handle.fetchHistory()).events?.length ?? 0;
  let last = await count();
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await count();
    if (now === last) return now;
    last = now;
  }
}

/**
 * Updates the workflow accepted, as recorded in its history. A rejected update leaves none (on the
 * time-skipping server its validation still costs a workflow task, which a real server discards).
 */
export async function acceptedUpdates(handle: WorkflowHandle): Promise<number> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
}

// READY_FOR_PICKUP: collected at the office within the pickup window, or cancelled under the regulation.
import { ACTORS, type NoticeToRecord, type PrintingRecord } from '../definitions.js';
import { later, type Change, type Lifecycle, type Next } from './state.js';

/** Printed and waiting at the office, or back there after Pos failed to deliver (`failedTrackingNumber`). */
export async function readyForPickup(lc: Lifecycle, printing: PrintingRecord, from: Pick<Change, 'actor' | 'reason'>, failedTrackingNumber?: string): Promise<Next> {
  const deadline = later(lc.policy.pickupWindowMs);
  const notice: NoticeToRecord = failedTrackingNumber
    ? { kind: 'DELIVERY_FAILED_BACK_AT_OFFICE', details: { posTrackingNumber: failedTrackingNumber, pickupDeadline: deadline } }
    : { kind: 'READY_FOR_PICKUP', details: { pickupDeadline: deadline } };
  // The notice rides with the stage. Histories recorded before it notified READY_FOR_PICKUP (also after a failed
  // delivery) in an activity of its own: only their replays take that branch.
  const withStage = lc.patched('ready-notice-with-stage');
  await lc.enterStage('READY_FOR_PICKUP', { ...from, deadline, record: { passportNumber: printing.passportNumber }, ...(withStage && { notice }) });
  if (!withStage) await lc.notify('ready-for-pickup', { kind: 'READY_FOR_PICKUP', details: { pickupDeadline: deadline } });
  const reminder: NoticeToRecord = { kind: 'PICKUP_REMINDER', details: { pickupDeadline: deadline } };
  const collected = await lc.waitWithReminders(() => lc.handedOverBy !== undefined, deadline, lc.policy.pickupRemindersMs ?? [], reminder);
  const { handedOverBy } = lc;
  if (!collected || !handedOverBy) {
    const reason = 'not collected within the pickup window; cancelled under the regulation';
    return { stage: 'CANCELLED', actor: ACTORS.system, reason, notice: { kind: 'CANCELLED', details: { reason, cause: 'NOT_COLLECTED' } } };
  }
  return { stage: 'COMPLETED', actor: handedOverBy, reason: 'handed over at the office' };
}

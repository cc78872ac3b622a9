// READY_FOR_PICKUP: collected at the office within the pickup window, or cancelled under the regulation.
import { ACTORS, type PrintingRecord } from '../definitions.js';
import { later, type Change, type Lifecycle, type Next } from './state.js';

export async function readyForPickup(lc: Lifecycle, printing: PrintingRecord, from: Pick<Change, 'actor' | 'reason'>): Promise<Next> {
  const deadline = later(lc.policy.pickupWindowMs);
  await lc.enterStage('READY_FOR_PICKUP', { ...from, deadline, record: { passportNumber: printing.passportNumber } });
  await lc.notify('ready-for-pickup', 'READY_FOR_PICKUP');
  const collected = await lc.waitWithReminders(() => lc.handedOverBy !== undefined, deadline, lc.policy.pickupRemindersMs ?? [], 'PICKUP_REMINDER');
  const { handedOverBy } = lc;
  if (!collected || !handedOverBy) return { stage: 'CANCELLED', actor: ACTORS.system, reason: 'not collected within the pickup window; cancelled under the regulation' };
  return { stage: 'COMPLETED', actor: handedOverBy, reason: 'handed over at the office' };
}

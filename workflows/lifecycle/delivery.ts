// IN_DELIVERY: Pos Indonesia carries the passport and confirms by callback; a failed delivery returns it
// to the office, where it waits for pickup.
import { condition, setHandler } from '@temporalio/workflow';
import { ACTORS, posDeliveryEvent, type NoticeDetailsByKind, type PosDeliveryEvent, type PrintingRecord } from '../definitions.js';
import { readyForPickup } from './pickup.js';
import { activities, later, nowIso, until, valueOf, type Lifecycle, type Next } from './state.js';

const DEFAULT_DELIVERY_WINDOW_MS = 14 * 86_400_000;

export async function inDelivery(lc: Lifecycle, printing: PrintingRecord): Promise<Next> {
  const { applicationId } = lc;
  const posTrackingNumber = await activities.requestPosDelivery({ applicationId, attempt: 1, freeOfCharge: lc.state.slaBreached, at: nowIso() });
  lc.state.posTrackingNumber = posTrackingNumber;
  const deadline = later(lc.policy.deliveryWindowMs ?? DEFAULT_DELIVERY_WINDOW_MS);
  // Added after the first release: histories recorded before it replay without the overdue timer.
  const watchDelivery = lc.patched('delivery-overdue-notice');
  // Added in issue 16 (the early warning before the window's end): histories recorded before it replay without it.
  const point = watchDelivery && lc.patched('delivery-early-warning') ? await lc.warningPoint({ kind: 'DELIVERY', deadline }) : undefined;
  await lc.enterStage('IN_DELIVERY', {
    actor: printing.officerId,
    deadline: watchDelivery ? deadline : undefined,
    record: { passportNumber: printing.passportNumber, posTrackingNumber },
    notice: { kind: 'SENT_BY_POS', details: { posTrackingNumber } },
  });
  const sentAt = lc.state.stageEnteredAt;
  if (watchDelivery && !(await confirmedInTime(lc, deadline, point, { posTrackingNumber, sentAt, deliveryDeadline: deadline }))) {
    // Pos has not confirmed in time: the office is told to chase the shipment; the wait goes on.
    lc.clearRisk();
    await lc.notify('delivery-overdue-1', { kind: 'DELIVERY_OVERDUE', details: { posTrackingNumber, sentAt } });
  }
  const status = await valueOf(() => lc.deliveryOutcome);
  await activities.recordDeliveryOutcome({ applicationId, attempt: 1, status, at: nowIso() });
  if (status === 'DELIVERED') return { stage: 'COMPLETED', actor: ACTORS.pos, reason: 'delivered by Pos' };
  return () => readyForPickup(lc, printing, { actor: ACTORS.pos, reason: 'Pos could not deliver; returned to the office' }, posTrackingNumber);
}

/** Pos's word by the window's end; unconfirmed by its early-warning point (when there is one), the application is marked at risk. */
async function confirmedInTime(lc: Lifecycle, deadline: string, point: string | undefined, details: NoticeDetailsByKind['DELIVERY_AT_RISK']): Promise<boolean> {
  const confirmed = () => lc.deliveryOutcome !== undefined;
  if (!point) return condition(confirmed, until(deadline));
  return lc.waitWatched(confirmed, { kind: 'DELIVERY', deadline, point, notice: { kind: 'DELIVERY_AT_RISK', details } });
}

/** Why a Pos event cannot be applied, or undefined when it is this delivery's outcome. */
function refusal(lc: Lifecycle, event: PosDeliveryEvent): string | undefined {
  if (lc.deliveryOutcome) return `the delivery outcome is already recorded (${lc.deliveryOutcome})`;
  if (lc.state.stage !== 'IN_DELIVERY') return `not in delivery (the application is ${lc.state.stage})`;
  if (event.trackingNumber !== lc.state.posTrackingNumber) return "the tracking number is not the application's";
  return undefined;
}

/** Pos Indonesia: a signal with Pos's own event id; a repeated event changes nothing, one that does not fit is recorded. */
export function deliveryMessages(lc: Lifecycle): void {
  setHandler(posDeliveryEvent, async (event) => {
    if (lc.seenPosEvents.has(event.eventId)) return;
    lc.seenPosEvents.add(event.eventId);
    const reason = refusal(lc, event);
    if (reason) {
      await lc.recordUnapplied({ sender: 'pos', eventId: event.eventId, reason, message: { ...event } });
      return;
    }
    lc.deliveryOutcome = event.status;
  });
}

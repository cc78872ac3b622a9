// AWAITING_PRINTING: the three-working-day commitment runs from interview approval (percepatan: the end of the
// interview day); missed, it is compensated without anyone having to notice, and the passport goes by Pos at no cost.
// Not printed by the early-warning point before it, the application is marked at risk and its office told.
import { condition } from '@temporalio/workflow';
import { ACTORS, SlaBreached, SlaDeadline, type InterviewRecord } from '../definitions.js';
import { inDelivery } from './delivery.js';
import { readyForPickup } from './pickup.js';
import { activities, nowIso, until, valueOf, type Lifecycle, type Next } from './state.js';

export async function awaitingPrinting(lc: Lifecycle, approval: InterviewRecord): Promise<Next> {
  const approvedAt = nowIso();
  const sameDay = lc.state.service === 'SAME_DAY';
  const sla = { officeCode: lc.input.officeCode, approvedAt, workingDays: lc.policy.slaWorkingDays, ...(sameDay && { sameDay }) };
  let slaDeadline: string;
  let point: string | undefined;
  if (lc.patched('printing-deadlines-together')) {
    ({ slaDeadline, point } = await activities.printingDeadlines(sla));
  } else {
    slaDeadline = await activities.computeSlaDeadline(sla);
    // Added in issue 16: histories recorded before it (and workflows already waiting here) replay without the warning.
    point = lc.patched('sla-early-warning') ? await lc.warningPoint({ kind: 'PRINTING', deadline: slaDeadline, ...(sameDay && { sameDay }) }) : undefined;
  }
  lc.state.slaDeadline = slaDeadline;
  await lc.enterStage('AWAITING_PRINTING', {
    actor: approval.officerId,
    deadline: slaDeadline,
    record: { interviewApprovedAt: approvedAt, slaDeadline },
    attributes: [{ key: SlaDeadline, value: new Date(slaDeadline) }],
  });
  const printed = () => lc.printing !== undefined;
  let inTime = point
    ? await lc.waitWatched(printed, { kind: 'PRINTING', deadline: slaDeadline, point, notice: { kind: 'SLA_AT_RISK', details: { slaDeadline } } })
    : await condition(printed, until(slaDeadline));
  // A printing this workflow takes at or past the deadline is late, even when it is seen before the deadline's timer:
  // with the server or the worker down at the deadline, both arrive in one task and the printing is handled first.
  if (inTime && Date.now() >= Date.parse(slaDeadline) && lc.patched('late-printing-by-workflow-time')) inTime = false;
  if (!inTime) await breached(lc, slaDeadline);
  const printing = inTime && lc.printing ? lc.printing : await valueOf(() => lc.printing);
  if (lc.state.deliveryMethod === 'POS') return () => inDelivery(lc, printing);
  return () => readyForPickup(lc, printing, { actor: printing.officerId });
}

/** Missed: compensation recorded and free Pos delivery, then the wait for printing goes on. */
async function breached(lc: Lifecycle, slaDeadline: string): Promise<void> {
  lc.state.slaBreached = true;
  lc.state.deliveryMethod = 'POS';
  await activities.compensateSlaBreach({ applicationId: lc.applicationId, slaDeadline, at: nowIso() });
  const { version: deliveryMethodVersion } = lc.nextDeliveryVersion();
  await lc.enterStage('AWAITING_PRINTING', {
    actor: ACTORS.system,
    reason: 'service commitment missed: compensation recorded, free Pos delivery',
    record: { slaBreached: true, deliveryMethod: 'POS', ...(deliveryMethodVersion && { deliveryMethodVersion }) },
    // A breach ends the warning before it: the application is in the past-SLA list instead.
    attributes: [{ key: SlaBreached, value: true }, ...lc.endRisk()],
  });
}

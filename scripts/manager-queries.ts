// The managers' list filters for the Temporal Web UI: one source for the README, `npm run stuck`
// and the test that runs them on the dev server. Search attributes: workflows/definitions.ts.
import type { Stage } from '../workflows/definitions.js';

/** How long an application may normally wait in a stage before a manager should look at it. */
export const STAGE_NORMS_HOURS: Partial<Record<Stage, number>> = {
  AWAITING_PAYMENT: 2, // the billing code's validity
  AWAITING_BOOKING: 7 * 24,
  AWAITING_INTERVIEW: 14 * 24,
  AWAITING_PRINTING: 4 * 24, // the government's own norm: 4 working days
  IN_DELIVERY: 5 * 24,
  READY_FOR_PICKUP: 14 * 24,
};

/** Month boundaries are the directorate's (WIB, UTC+7). */
const WIB_OFFSET_MS = 7 * 3_600_000;

export interface ManagerQuery {
  id: 'past-sla' | 'stuck' | 'office-open' | 'breached-this-month';
  title: string;
  query: string;
}

const iso = (instant: number) => new Date(instant).toISOString().replace('.000Z', 'Z');

/** The ready queries at `now`; with `office`, each is narrowed to that office. */
export function managerQueries(opts: { now: Date; office?: string; norms?: Partial<Record<Stage, number>> }): ManagerQuery[] {
  const now = opts.now.getTime();
  const norms = opts.norms ?? STAGE_NORMS_HOURS;
  const office = opts.office ? ` AND OfficeCode = "${opts.office}"` : '';
  const stuck = Object.entries(norms)
    .map(([stage, hours]) => `(PassportStage = "${stage}" AND StageEnteredAt < "${iso(now - hours! * 3_600_000)}")`)
    .join(' OR ');
  const local = new Date(now + WIB_OFFSET_MS);
  const monthStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - WIB_OFFSET_MS;
  const nextMonthStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1) - WIB_OFFSET_MS;
  return [
    {
      id: 'past-sla',
      title: 'Past the SLA deadline and not printed',
      query: `ExecutionStatus = "Running" AND PassportStage = "AWAITING_PRINTING" AND SlaDeadline < "${iso(now)}"${office}`,
    },
    { id: 'stuck', title: 'Stuck in a stage longer than its norm', query: `ExecutionStatus = "Running" AND (${stuck})${office}` },
    { id: 'office-open', title: `Open applications${opts.office ? ` at ${opts.office}` : ''}`, query: `ExecutionStatus = "Running"${office}` },
    {
      id: 'breached-this-month',
      title: 'SLA breached (and compensated) this month',
      query: `SlaBreached = true AND SlaDeadline >= "${iso(monthStart)}" AND SlaDeadline < "${iso(nextMonthStart)}"${office}`,
    },
  ];
}

/** The Web UI's workflow list with a query filled in. */
export const webUiLink = (uiBaseUrl: string, namespace: string, query: string) =>
  `${uiBaseUrl}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;

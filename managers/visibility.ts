// The managers' Temporal visibility queries: the filters of the Web UI's workflow list, built here only, for
// the managers' API links (api/routes/managers.ts), `npm run stuck`, the smoke check, the README and the tests.
// Search attributes: workflows/definitions.ts. Each filter has a PostgreSQL twin in db/queries/.
import { ALL_OFFICES, TRACKING_CODE_PATTERN, REFUND_WORKFLOW, type RefundStage, type Stage } from '../workflows/definitions.js';

/**
 * An instant in a query: UTC to the millisecond ('2026-11-23T10:00:46.700Z'), a whole second without its
 * fraction ('2026-11-23T00:00:00Z', as the README shows). Temporal parses it and compares instants, but the
 * dev server's SQLite visibility then compares text normalised two ways (bound '…46.7+00:00', stored
 * '…46.700+00:00'), so a stored value equal to the bound reads as later: compare with `<` and `>=` only,
 * which order every instant right; `<=`, `>` and `=` miss the equal one (test/ops/manager-queries.test.ts).
 */
export const visibilityTime = (instant: Date | number): string => new Date(instant).toISOString().replace('.000Z', 'Z');

export const RUNNING = 'ExecutionStatus = "Running"';
export const SLA_BREACHED = 'SlaBreached = true';
/** At risk now (ApplicationState.atRisk): not printed by the early-warning point, or a Pos delivery near its window's end. */
export const AT_RISK_NOW = `${RUNNING} AND SlaAtRisk = true`;

export { normaliseTrackingCode } from '../workflows/definitions.js';
/** The application with this tracking code (workflows started since issue 16 carry it). Refuses anything but a canonical code. */
export function byTrackingCode(trackingCode: string): string {
  if (!TRACKING_CODE_PATTERN.test(trackingCode)) throw new RangeError('not a tracking code like ABCD-EFGH-JKMN');
  return `TrackingCode = "${trackingCode}"`;
}
export const inStage = (stage: Stage) => `PassportStage = "${stage}"`;
/** In `stage` since before `instant`. */
export const enteredStageBefore = (stage: Stage, instant: Date | number) => `${inStage(stage)} AND StageEnteredAt < "${visibilityTime(instant)}"`;
/** In `stage` since `instant` or earlier: waiting at least as long as an application that entered it then. */
export const waitingSince = (stage: Stage, instant: Date | number) => enteredStageBefore(stage, new Date(instant).getTime() + 1);
/** Past the SLA deadline at `at` and not printed. */
export const pastSla = (at: Date | number) => `${inStage('AWAITING_PRINTING')} AND SlaDeadline < "${visibilityTime(at)}"`;
/** Refunds (workflows/refund.ts), in one stage or in any. */
export const refundsIn = (stage?: RefundStage) => `WorkflowType = "${REFUND_WORKFLOW}"${stage ? ` AND RefundStage = "${stage}"` : ''}`;
/** Narrowed to one office; every office without one. */
export const inOffice = (query: string, office: string | undefined) => (office ? `${query} AND OfficeCode = "${office}"` : query);
/** Refunds of a finance officer's office; the directorate's (ALL_OFFICES) are those of no office. */
export const ofRefundOffice = (query: string, office: string) => (office === ALL_OFFICES ? `${query} AND OfficeCode IS NULL` : inOffice(query, office));

/** How long an application may normally wait in a stage before a manager should look at it. */
export const STAGE_NORMS_HOURS: Partial<Record<Stage, number>> = {
  AWAITING_PAYMENT: 2, // the billing code's validity
  AWAITING_BOOKING: 7 * 24,
  AWAITING_INTERVIEW: 14 * 24,
  AWAITING_PRINTING: 4 * 24, // the government's own norm: 4 working days
  IN_DELIVERY: 5 * 24,
  READY_FOR_PICKUP: 14 * 24,
};

const HOUR_MS = 3_600_000;
/** Month boundaries are the directorate's (WIB, UTC+7). */
const WIB_OFFSET_MS = 7 * HOUR_MS;

export interface ManagerQuery {
  id: 'past-sla' | 'at-risk' | 'stuck' | 'office-open' | 'breached-this-month';
  title: string;
  query: string;
}

/** The ready lists (README, `npm run stuck`) at `now`; with `office`, each is narrowed to that office. */
export function managerQueries(opts: { now: Date; office?: string; norms?: Partial<Record<Stage, number>> }): ManagerQuery[] {
  const now = opts.now.getTime();
  const stuck = Object.entries(opts.norms ?? STAGE_NORMS_HOURS)
    .map(([stage, hours]) => `(${enteredStageBefore(stage as Stage, now - hours * HOUR_MS)})`)
    .join(' OR ');
  const local = new Date(now + WIB_OFFSET_MS);
  const monthStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - WIB_OFFSET_MS;
  const nextMonthStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 1) - WIB_OFFSET_MS;
  const thisMonth = `SlaDeadline >= "${visibilityTime(monthStart)}" AND SlaDeadline < "${visibilityTime(nextMonthStart)}"`;
  const list = (id: ManagerQuery['id'], title: string, query: string): ManagerQuery => ({ id, title, query: inOffice(query, opts.office) });
  return [
    list('past-sla', 'Past the SLA deadline and not printed', `${RUNNING} AND ${pastSla(now)}`),
    list('at-risk', 'At risk now (not printed by the early-warning point, or a Pos delivery near its window\'s end)', AT_RISK_NOW),
    list('stuck', 'Stuck in a stage longer than its norm', `${RUNNING} AND (${stuck})`),
    list('office-open', `Open applications${opts.office ? ` at ${opts.office}` : ''}`, RUNNING),
    list('breached-this-month', 'SLA breached (and compensated) this month', `${SLA_BREACHED} AND ${thisMonth}`),
  ];
}

/** Where the managers open the Temporal Web UI: TEMPORAL_UI_URL, or the embedded one (`npm start`). */
export const webUiBase = (config: { TEMPORAL_UI_URL?: string; TEMPORAL_UI_PORT: number }) =>
  (config.TEMPORAL_UI_URL ?? `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`).replace(/\/$/, '');

/** The Web UI's workflow list with a query filled in. */
export const webUiLink = (uiBase: string, namespace: string, query: string) =>
  `${uiBase}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(query)}`;

/** One workflow in the Web UI. */
export const webUiWorkflowLink = (uiBase: string, namespace: string, workflowId: string) =>
  `${uiBase}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;

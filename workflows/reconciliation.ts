// The daily reconciliation (workflow type `reconciliation`), run by the Temporal Schedule `daily-reconciliation`
// at RECONCILIATION_TIME (WIB): stores the reports dropped in the settlement folder; sends every line of each
// stored report not yet reconciled to its bank transaction (a settlement sighting: a payment seen only there is
// applied or refunded, one that disagrees is a conflict), a page per activity; compares each such report's day
// with the ledger into reconciliation_reports; then compares again the days of the look-back left unbalanced,
// waiting a little for the transactions it just sent to be decided.
import { continueAsNew, log, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { addDays, localDate } from './calendar.js';

type DropFolderSummary = Awaited<ReturnType<Activities['scanSettlementDrops']>>;
type DaySummary = Awaited<ReturnType<Activities['reconcileSettlementDays']>>[number];
type PendingReport = Awaited<ReturnType<Activities['pendingSettlementReports']>>[number];

export interface ReconciliationInput {
  /** Set by a continuation: the drop folder was scanned by the run before it. */
  continued?: boolean;
  /** Lines per sighting activity; default SIGHTING_PAGE. */
  sightingPage?: number;
}
export interface ReconciliationResult {
  /** What the drop folder held this run; null when it could not be read (the run counts uploads all the same), or in a continuation. */
  dropFolder: DropFolderSummary | null;
  /** Each report reconciled this run (its lines sent, its day compared); a report corrected meanwhile is left out. */
  counted: DaySummary[];
  /** The days of the look-back that were not balanced, as they stand at the end of the run. */
  days: DaySummary[];
}

/** Reports reconciled per run; more are taken by a continuation, so no history grows without bound. */
export const RECONCILIATION_PAGE = 100;
/** Lines of a report sent per activity: a report of 100,000 lines is 200 activities, never one per line. */
export const SIGHTING_PAGE = 500;
/** Days back (WIB) whose unbalanced reconciliation each run compares again: a report may list payments up to 31 days old. */
export const RECONCILIATION_LOOK_BACK_DAYS = 35;
/** How long a run waits for the transactions it sent to be decided (applied or refunded), asking every SETTLE_POLL. */
export const SETTLE_WAIT_MS = 3 * 60_000;
const SETTLE_POLL = '5 seconds';
/** History events before the run continues as new (far below Temporal's limits). */
const HISTORY_BUDGET = 10_000;

const folder = proxyActivities<Activities>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 3 } });
const store = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes' });
// A page heartbeats after each group of lines: a worker that dies mid-page is noticed within the heartbeat timeout.
const sighting = proxyActivities<Activities>({ startToCloseTimeout: '10 minutes', heartbeatTimeout: '1 minute' });

const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_BUDGET;

export async function reconciliation(input: ReconciliationInput = {}): Promise<ReconciliationResult> {
  const dropFolder = input.continued ? null : await scanDropFolder();
  const counted: DaySummary[] = [];
  const pending = await store.pendingSettlementReports(RECONCILIATION_PAGE);
  for (const report of pending) {
    const sent = await sendLines(report, input.sightingPage ?? SIGHTING_PAGE);
    if (!sent) return continueAsNew<typeof reconciliation>({ ...input, continued: true });
    const day = await store.finishSettlementReport(report.id);
    if (day) counted.push(day);
  }
  log.info('reconciliation reports reconciled', { reports: counted.length, dropped: dropFolder?.stored.length ?? 0 });
  if (pending.length === RECONCILIATION_PAGE) return continueAsNew<typeof reconciliation>({ ...input, continued: true });
  const days = await settleRecentDays();
  return { dropFolder, counted, days };
}

/** Every line of the report sent, a page per activity; false when the history is full first (a continuation resumes it). */
async function sendLines(report: PendingReport, pageSize: number): Promise<boolean> {
  for (;;) {
    const page = await sighting.sightSettlementLines({ reportId: report.id, pageSize });
    if (page.done) return true;
    if (historyFull()) return false;
  }
}

/**
 * The look-back's days compared again, balanced or not (a refund declined or a later report changes a day that balanced); those with payments still pending (their transactions just sent,
 * being decided) compared again every SETTLE_POLL for up to SETTLE_WAIT_MS. Still pending then: the next run.
 */
async function settleRecentDays(): Promise<DaySummary[]> {
  const since = addDays(localDate(new Date(), 'Asia/Jakarta'), -RECONCILIATION_LOOK_BACK_DAYS);
  const days = await store.reconcileSettlementDays({ since });
  const waitUntil = Date.now() + SETTLE_WAIT_MS;
  let waiting = days.filter((d) => d.pending > 0);
  while (waiting.length > 0 && Date.now() < waitUntil && !historyFull()) {
    await sleep(SETTLE_POLL);
    const again = await store.reconcileSettlementDays({ days: waiting });
    for (const day of again) days.splice(days.findIndex((d) => d.bank === day.bank && d.settlementDate === day.settlementDate), 1, day);
    waiting = again.filter((d) => d.pending > 0);
  }
  return days;
}

/** A folder that cannot be read (a missing mount) is logged; the uploads are counted all the same. */
async function scanDropFolder(): Promise<DropFolderSummary | null> {
  try {
    const summary = await folder.scanSettlementDrops();
    if (summary.rejected.length > 0) log.warn('settlement files rejected', { rejected: summary.rejected });
    return summary;
  } catch (error) {
    log.error('the settlement drop folder could not be scanned', { error: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

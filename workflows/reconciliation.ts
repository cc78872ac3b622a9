// The daily reconciliation (workflow type `reconciliation`), run by the Temporal Schedule `daily-reconciliation`
// at RECONCILIATION_TIME (WIB): stores the reports dropped in the settlement folder, then counts every stored
// report not yet counted into its bank and day's row of reconciliation_reports (lines and rupiah received).
// Comparing those lines with the payments and refunds recorded is the next step (see the seam below).
import { continueAsNew, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

type DropFolderSummary = Awaited<ReturnType<Activities['scanSettlementDrops']>>;
type ReconciledDay = Awaited<ReturnType<Activities['countSettlementReport']>>;

export interface ReconciliationResult {
  /** What the drop folder held this run; null when it could not be read (the run counts uploads all the same). */
  dropFolder: DropFolderSummary | null;
  /** Each report counted this run, with its bank and day's row as it now stands. */
  counted: ReconciledDay[];
}

/** Reports counted per run; more are counted by a continuation, so no history grows without bound. */
export const RECONCILIATION_PAGE = 100;

const folder = proxyActivities<Activities>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 3 } });
const store = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });

export async function reconciliation(): Promise<ReconciliationResult> {
  const dropFolder = await scanDropFolder();
  const counted: ReconciledDay[] = [];
  const pending = await store.pendingSettlementReports(RECONCILIATION_PAGE);
  for (const report of pending) {
    // Seam (next step, with the bankTransaction workflow): here each line of the report becomes a sighting,
    // settlementSighting() in activities/settlements.ts, sent as `transactionSeen` to its bank transaction by
    // an activity; counting below then adds applied, refunded, pending and conflicts. Nothing is sent yet.
    counted.push(await store.countSettlementReport(report.id));
  }
  log.info('reconciliation counted', { reports: counted.length, dropped: dropFolder?.stored.length ?? 0 });
  if (pending.length === RECONCILIATION_PAGE) return continueAsNew<typeof reconciliation>();
  return { dropFolder, counted };
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

// The daily reconciliation's effects (workflows/reconciliation.ts): the drop folder's reports stored, each line of a
// stored report sent to its bank transaction as a settlement sighting (a page at a time, resumable), and each day
// compared with the ledger into its bank and day's reconciliation row.
import { Context } from '@temporalio/activity';
import type { Selectable } from 'kysely';
import { seeBankTransaction } from '../api/bank-intake.js';
import { reconcileDay, recentDays, type DayReconciliation } from '../db/queries/reconciliation.js';
import { finishSettlementReport, markSighted, settlementLinesAfter, sightingProgress, unprocessedSettlementReports } from '../db/queries/settlements.js';
import type { SettlementLinesTable } from '../db/schema.js';
import { importSettlementDir } from '../db/settlements.js';
import type { BankTransaction } from '../workflows/definitions.js';
import type { ActivityDeps } from './index.js';

export interface DropFolderSummary {
  folder: string | null;
  stored: string[];
  alreadyReceived: string[];
  rejected: Array<{ file: string; problem: string }>;
}

/** A day as the run compared it, in a workflow's result: the counts, not the words (those are in its row). */
export interface DaySummary {
  bank: string;
  settlementDate: string;
  revision: number | null;
  balanced: boolean;
  received: number;
  applied: number;
  refund: number;
  pending: number;
  declined: number;
  conflicts: number;
  missing: number;
}
const summaryOf = (day: DayReconciliation): DaySummary => ({
  bank: day.bank,
  settlementDate: day.settlementDate,
  revision: day.report?.revision ?? null,
  balanced: day.balanced,
  received: day.received.count,
  applied: day.applied.count,
  refund: day.refund.count,
  pending: day.pending.count,
  declined: day.declined.count,
  conflicts: day.conflicts.count,
  missing: day.missing.count,
});

/** Sightings handed over at once (distinct transactions: a report lists each once); progress is saved after each group. */
const IN_FLIGHT = 10;

export const createSettlementActivities = (deps: ActivityDeps) => ({
  /** Stores each `<BANK>-<YYYY-MM-DD>.csv` of SETTLEMENT_DIR once and moves it aside (a second run finds none). */
  async scanSettlementDrops(): Promise<DropFolderSummary> {
    if (!deps.settlements) return { folder: null, stored: [], alreadyReceived: [], rejected: [] };
    const { dir, maxBytes } = deps.settlements;
    const { stored, alreadyReceived, rejected } = await importSettlementDir(deps.db, dir, maxBytes, { create: true });
    return { folder: dir, stored, alreadyReceived, rejected };
  },
  /** Stored reports not yet counted, oldest first. */
  async pendingSettlementReports(limit: number) {
    return unprocessedSettlementReports(deps.db, limit);
  },
  /**
   * The next `pageSize` lines of a report, each handed to its bank transaction as a settlement sighting (as the
   * callback route hands a payment over). Resumes after the last line sent (settlement_reports.sighted_through,
   * saved as it goes, heartbeating): a retry after a crash sends again at most one group, which the bank
   * transaction takes as the same sighting. A report corrected before it was sent is skipped: its correction is sent.
   */
  async sightSettlementLines({ reportId, pageSize }: { reportId: string; pageSize: number }): Promise<{ sent: number; through: number; done: boolean }> {
    const { sightedThrough, superseded } = await sightingProgress(deps.db, reportId);
    if (superseded) return { sent: 0, through: sightedThrough, done: true };
    const lines = await settlementLinesAfter(deps.db, reportId, sightedThrough, pageSize);
    const intake = { db: deps.db, temporal: deps.temporal, taskQueue: Context.current().info.taskQueue, policy: deps.bankTransactions };
    let through = sightedThrough;
    for (let i = 0; i < lines.length; i += IN_FLIGHT) {
      const group = lines.slice(i, i + IN_FLIGHT);
      await Promise.all(group.map((line) => seeBankTransaction(intake, settlementSighting(line.bank, line))));
      through = group.at(-1)?.line_number ?? through;
      await markSighted(deps.db, reportId, through);
      Context.current().heartbeat({ reportId, through });
    }
    return { sent: lines.length, through, done: lines.length < pageSize };
  },
  /** A report whose lines were all sent marked processed, and its day compared with the ledger (its row written). */
  async finishSettlementReport(reportId: string): Promise<DaySummary | null> {
    const day = await finishSettlementReport(deps.db, reportId);
    return day && summaryOf(day);
  },
  /**
   * Days compared with the ledger again, each row rewritten: those given, or every day from `since` (a date) that
   * a run compared before, balanced or not.
   */
  async reconcileSettlementDays(which: { since: string } | { days: Array<{ bank: string; settlementDate: string }> }): Promise<DaySummary[]> {
    const days = 'days' in which ? which.days : await recentDays(deps.db, which.since);
    const result: DaySummary[] = [];
    for (const { bank, settlementDate } of days) result.push(summaryOf(await reconcileDay(deps.db, bank, settlementDate)));
    return result;
  },
});

/**
 * A settlement line as the bank transaction it reports: the sighting (source `settlement`) sent to the
 * transaction's `bankTransaction` workflow as `transactionSeen` (signalWithStart), so that a payment seen only here
 * is applied or refunded, one already applied is confirmed settled, and one that disagrees is a conflict.
 */
export const settlementSighting = (bank: string, line: Pick<Selectable<SettlementLinesTable>, 'ntpn' | 'transaction_id' | 'billing_code' | 'amount' | 'paid_at'>): BankTransaction => ({
  bank,
  transactionId: line.transaction_id,
  ntpn: line.ntpn,
  billingCode: line.billing_code,
  amount: line.amount,
  paidAt: line.paid_at.toISOString(),
  source: 'settlement',
});

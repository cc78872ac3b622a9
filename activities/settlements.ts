// The daily reconciliation's effects (workflows/reconciliation.ts): the drop folder's reports stored, and each
// stored report counted once into its bank and day's reconciliation row.
import type { Selectable } from 'kysely';
import { countSettlementReport, unprocessedSettlementReports } from '../db/queries/settlements.js';
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
  /** One report's lines and rupiah into its bank and day's row, and the report marked processed; once. */
  async countSettlementReport(reportId: string) {
    return countSettlementReport(deps.db, reportId);
  },
});

/**
 * A settlement line as the bank transaction it reports: the sighting (source `settlement`) that the next step
 * sends to the transaction's `bankTransaction` workflow as `transactionSeen` (signalWithStart, through an
 * activity), so that a payment seen only here is applied or refunded, and one already applied is confirmed
 * settled. Not sent yet: the reconciliation only counts the lines (see workflows/reconciliation.ts).
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

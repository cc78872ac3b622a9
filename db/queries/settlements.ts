// Settlement reports and their reconciliation: stored once per file, each line sent once to its bank transaction
// (remembering how far a report got), each report's day then compared with the ledger; read by managers.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { SettlementReport } from '../settlements.js';
import type { DB, SettlementSource } from '../schema.js';
import { reconcileDay, type DayReconciliation } from './reconciliation.js';

export interface StoredReport {
  id: string;
  bank: string;
  settlementDate: string;
  /** 1 for the day's first report; 2 and up: a correction, kept beside the ones before. */
  revision: number;
  sha256: string;
  lineCount: number;
  totalAmount: number;
  receivedAt: string;
}
export interface StoreOutcome {
  /** `already received`: this very file (same SHA-256) was stored for this bank and day before; nothing changed. */
  status: 'stored' | 'already received';
  report: StoredReport;
}

const LINES_PER_INSERT = 1000; // 7 parameters a line, well under PostgreSQL's 65,535 a statement

const storedReport = (row: { id: string; bank: string; settlement_date: string; revision: number; sha256: string; line_count: number; total_amount: number; received_at: Date }): StoredReport => ({
  id: row.id,
  bank: row.bank,
  settlementDate: row.settlement_date,
  revision: row.revision,
  sha256: row.sha256,
  lineCount: row.line_count,
  totalAmount: row.total_amount,
  receivedAt: row.received_at.toISOString(),
});
const REPORT_COLUMNS = ['id', 'bank', 'settlement_date', 'revision', 'sha256', 'line_count', 'total_amount', 'received_at'] as const;

/**
 * Stores a checked report with its lines, once: the same file again (bank, day and SHA-256) answers `already
 * received` and changes nothing; another file for the same bank and day is the next revision (a correction).
 * One bank and day at a time (an advisory lock), so two uploads at once never take the same revision.
 */
export async function storeSettlementReport(db: Kysely<DB>, report: SettlementReport, source: { source: SettlementSource; name?: string }): Promise<StoreOutcome> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`settlement ${report.bank} ${report.settlementDate}`}))`.execute(trx);
    const day = trx.selectFrom('settlement_reports').where('bank', '=', report.bank).where('settlement_date', '=', report.settlementDate);
    const same = await day.select(REPORT_COLUMNS).where('sha256', '=', report.sha256).executeTakeFirst();
    if (same) return { status: 'already received' as const, report: storedReport(same) };
    const { latest } = await day.select((eb) => eb.fn.max('revision').as('latest')).executeTakeFirstOrThrow();
    const row = await trx
      .insertInto('settlement_reports')
      .values({
        id: randomUUID(),
        bank: report.bank,
        settlement_date: report.settlementDate,
        revision: (latest ?? 0) + 1,
        sha256: report.sha256,
        source: source.source,
        source_name: source.name ?? null,
        line_count: report.lines.length,
        total_amount: report.total,
      })
      .returning(REPORT_COLUMNS)
      .executeTakeFirstOrThrow();
    await insertLines(trx, row.id, report);
    return { status: 'stored' as const, report: storedReport(row) };
  });
}

async function insertLines(trx: Transaction<DB>, reportId: string, report: SettlementReport) {
  for (let i = 0; i < report.lines.length; i += LINES_PER_INSERT) {
    const values = report.lines.slice(i, i + LINES_PER_INSERT).map((l) => ({
      report_id: reportId,
      line_number: l.line,
      bank: report.bank,
      ntpn: l.ntpn,
      transaction_id: l.transactionId,
      billing_code: l.billingCode,
      amount: l.amount,
      paid_at: l.paidAt,
    }));
    await trx.insertInto('settlement_lines').values(values).execute();
  }
}

export interface PendingReport {
  id: string;
  bank: string;
  settlementDate: string;
  revision: number;
}

/** Reports not yet counted by the reconciliation, oldest first (a day's revisions in their order). */
export async function unprocessedSettlementReports(db: Kysely<DB>, limit: number): Promise<PendingReport[]> {
  const rows = await db
    .selectFrom('settlement_reports')
    .select(['id', 'bank', 'settlement_date', 'revision'])
    .where('processed_at', 'is', null)
    .orderBy('received_at')
    .orderBy('revision')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, bank: r.bank, settlementDate: r.settlement_date, revision: r.revision }));
}

/** A page of a report's lines after `afterLine`, in file order, with the report's bank (for the sightings). */
export async function settlementLinesAfter(db: Kysely<DB>, reportId: string, afterLine: number, limit: number) {
  return db
    .selectFrom('settlement_lines')
    .select(['line_number', 'bank', 'ntpn', 'transaction_id', 'billing_code', 'amount', 'paid_at'])
    .where('report_id', '=', reportId)
    .where('line_number', '>', afterLine)
    .orderBy('line_number')
    .limit(limit)
    .execute();
}

/**
 * How far the sightings of a report got: the last line sent, and whether a later revision of its day was stored
 * (a report corrected before it was reconciled is not sent: the correction is).
 */
export async function sightingProgress(db: Kysely<DB>, reportId: string): Promise<{ sightedThrough: number; superseded: boolean }> {
  const row = await db
    .selectFrom('settlement_reports as s')
    .select(['s.sighted_through'])
    .select((eb) =>
      eb
        .exists(eb.selectFrom('settlement_reports as later').select('later.id').whereRef('later.bank', '=', 's.bank').whereRef('later.settlement_date', '=', 's.settlement_date').whereRef('later.revision', '>', 's.revision'))
        .as('superseded'),
    )
    .where('s.id', '=', reportId)
    .executeTakeFirstOrThrow();
  return { sightedThrough: row.sighted_through, superseded: Boolean(row.superseded) };
}

/** Remembers that every line up to `through` was sent (never moves back: a retry of an earlier page leaves it). */
export async function markSighted(db: Kysely<DB>, reportId: string, through: number): Promise<void> {
  await db.updateTable('settlement_reports').set({ sighted_through: through }).where('id', '=', reportId).where('sighted_through', '<', through).execute();
}

/**
 * A report whose lines were all sent to their transactions marked processed, once; its day then compared with the
 * ledger into reconciliation_reports (unless a later revision exists: that one is the day's). Returns the day as
 * its row now stands (null when superseded).
 */
export async function finishSettlementReport(db: Kysely<DB>, reportId: string): Promise<DayReconciliation | null> {
  const report = await db.updateTable('settlement_reports').set({ processed_at: sql`coalesce(processed_at, now())` }).where('id', '=', reportId).returning(['bank', 'settlement_date']).executeTakeFirstOrThrow();
  if ((await sightingProgress(db, reportId)).superseded) return null;
  return reconcileDay(db, report.bank, report.settlement_date);
}

/** The reconciled days of a date (one bank, or all) as the last run compared them, with the report each counts and how many the day received. */
export async function listReconciliation(db: Kysely<DB>, date: string, bank: string | undefined) {
  return db
    .selectFrom('reconciliation_reports as r')
    .innerJoin('settlement_reports as s', 's.id', 'r.settlement_report_id')
    .selectAll('r')
    .select(['s.id as report_id', 's.sha256', 's.source', 's.received_at'])
    .select((eb) =>
      eb.selectFrom('settlement_reports as all').select((e) => e.fn.countAll<string>().as('n')).whereRef('all.bank', '=', 'r.bank').whereRef('all.settlement_date', '=', 'r.settlement_date').as('reports_received'),
    )
    .where('r.settlement_date', '=', date)
    .$if(bank !== undefined, (q) => q.where('r.bank', '=', bank!))
    .orderBy('r.bank')
    .execute();
}

/** Reports of a date stored but not yet reconciled: the next daily run sends their lines and compares them. */
export async function awaitingReconciliation(db: Kysely<DB>, date: string, bank: string | undefined) {
  return db
    .selectFrom('settlement_reports')
    .select(['id', 'bank', 'revision', 'line_count', 'total_amount', 'received_at'])
    .where('settlement_date', '=', date)
    .where('processed_at', 'is', null)
    .$if(bank !== undefined, (q) => q.where('bank', '=', bank!))
    .orderBy('bank')
    .orderBy('revision')
    .execute();
}

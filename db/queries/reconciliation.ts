// A bank's settlement day compared with the money recorded (README, Reconciliation). Each line of the day's latest
// report is classified by what its bank transaction became in the ledger: applied, refund (opened, not declined),
// declined (its refund declined: neither applied nor returned), pending (not on record or not decided yet) or
// conflict (already listed by an earlier day, or the line, a callback or an inquiry disagrees with the transaction
// as first recorded). Missing: a transaction in the ledger of that bank whose payment day, the WIB date
// of its paid_at, is the settlement day, and that no report of the bank lists (the latest revision of each of its
// days: a payment held back to a later day's report is settled there). Used by the daily run (reconcileDay, which
// writes reconciliation_reports and flags the ledger), by `npm run reconcile -- --check` and by the demo day
// (reconciliationCheck, computed now from the same tables).
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { addDays, endOfLocalDay, utcOffsetMinutes } from '../../workflows/calendar.js';
import { sightingConflict, type BankTransaction } from '../../workflows/definitions.js';
import type { DB } from '../schema.js';

/** The flag a transaction carries while its payment day's settlement (nor any of its bank's) lists it. */
export const MISSING_FROM_SETTLEMENT = 'MISSING_FROM_SETTLEMENT';
/** Transactions named one by one in a difference; beyond, a count. */
const NAMED = 20;
const ZONE = 'Asia/Jakarta'; // settlement days are WIB (db/settlements.ts)

export interface Tally {
  count: number;
  /** Rupiah */
  amount: number;
}
export interface DayReconciliation {
  bank: string;
  settlementDate: string;
  /** The latest report of the day, and whether the daily run has sent its lines to their transactions; null: none. */
  report: { id: string; revision: number; reconciled: boolean } | null;
  received: Tally;
  applied: Tally;
  /** A refund opened, whatever its stage but DECLINED. */
  refund: Tally;
  /** Of those, already REFUNDED (the bank confirmed the transfer). */
  refunded: Tally;
  /** On the report, on record or not yet, and not decided yet. */
  pending: Tally;
  /** Refunds finance declined: the money neither applied nor returned (a difference). */
  declined: Tally;
  conflicts: Tally;
  /** On record for the bank and day, listed by no report of the bank. */
  missing: Tally;
  /** Every rupiah received applied or a refund: nothing pending, no refund declined, no conflict, nothing missing, the report reconciled. */
  balanced: boolean;
  differences: string[];
}
export interface ReconciliationCheck {
  balanced: boolean;
  /** One per bank: a report of the day, or transactions recorded for it (then its missing report is a difference). */
  days: DayReconciliation[];
  /** Every day's differences, each prefixed with its bank and day. */
  differences: string[];
}

const rupiah = (n: number) => `${n.toLocaleString('en-US')} rupiah`;
const tally = (count: number | string, amount: number | string): Tally => ({ count: Number(count), amount: Number(amount) });
const none = (): Tally => ({ count: 0, amount: 0 });
/** The instants a WIB day spans. */
const dayRange = (date: string) => ({ from: endOfLocalDay(addDays(date, -1), ZONE), until: endOfLocalDay(date, ZONE) });
const inWib = (at: Date) => new Date(at.getTime() + utcOffsetMinutes(ZONE) * 60_000).toISOString().slice(0, 19) + '+07:00';
const named = (ids: string[], total: number) => ids.join(', ') + (total > ids.length ? ` and ${total - ids.length} more` : '');

/** Whether a ledger row `bt` is listed by the latest revision of any settlement day of its bank. */
const listed = sql<boolean>`exists (
  select 1 from settlement_lines l join settlement_reports s on s.id = l.report_id
  where l.bank = bt.bank and l.transaction_id = bt.transaction_id
    and not exists (select 1 from settlement_reports later where later.bank = s.bank and later.settlement_date = s.settlement_date and later.revision > s.revision))`;

/**
 * Each line of a report with what its transaction became: APPLIED, REFUND, DECLINED (its refund declined), PENDING or
 * CONFLICT. A payment applied and then refunded (a rejection the regulation refunds) is a REFUND; if that refund is
 * declined, the fee stays applied. A conflict: the line lists a payment (same transaction id or NTPN) that the latest revision of an earlier
 * day of the bank already lists (counted there); or it disagrees with the transaction as recorded (another billing
 * code, amount or NTPN, or an NTPN recorded for another transaction); or a callback or inquiry of the transaction
 * disagreed. Conflicts recorded from settlement lines are not read: the latest revision is compared itself, so a
 * correction that agrees clears what an earlier revision got wrong.
 */
const classifiedLines = (reportId: string): RawBuilder<unknown> => sql`
  select l.line_number, l.transaction_id, l.ntpn, l.billing_code, l.amount, l.paid_at, r.stage as refund_stage, r.declined_by, r.decline_reason,
    c.reason as conflict_reason, holder.bank || ' transaction ' || holder.transaction_id as ntpn_holder, earlier.settlement_date as settled_on, earlier.line_number as settled_line,
    bt.ntpn as recorded_ntpn, bt.billing_code as recorded_billing_code, bt.amount as recorded_amount, bt.outcome,
    case
      when earlier.settlement_date is not null or c.reason is not null or holder.transaction_id is not null or bt.outcome = 'CONFLICT'
        or bt.ntpn <> l.ntpn or bt.billing_code <> l.billing_code or bt.amount <> l.amount then 'CONFLICT'
      when bt.outcome = 'APPLIED' and r.stage is not null and r.stage <> 'DECLINED' then 'REFUND'
      when bt.outcome = 'APPLIED' then 'APPLIED'
      when bt.outcome = 'REFUND' and r.stage = 'DECLINED' then 'DECLINED'
      when bt.outcome = 'REFUND' then 'REFUND'
      else 'PENDING'
    end as status
  from settlement_lines l
  join settlement_reports s on s.id = l.report_id
  left join bank_transactions bt on bt.bank = l.bank and bt.transaction_id = l.transaction_id
  left join refunds r on r.bank = l.bank and r.transaction_id = l.transaction_id
  left join lateral (
    select reason from bank_transaction_conflicts bc
    where bc.bank = l.bank and bc.transaction_id = l.transaction_id and bc.source <> 'settlement' order by recorded_at desc limit 1
  ) c on true
  left join lateral (
    select o.bank, o.transaction_id from bank_transactions o where o.ntpn = l.ntpn and not (o.bank = l.bank and o.transaction_id = l.transaction_id)
  ) holder on true
  left join lateral (
    select e.settlement_date, el.line_number from settlement_lines el join settlement_reports e on e.id = el.report_id
    where el.bank = l.bank and (el.transaction_id = l.transaction_id or el.ntpn = l.ntpn) and e.settlement_date < s.settlement_date
      and not exists (select 1 from settlement_reports later where later.bank = e.bank and later.settlement_date = e.settlement_date and later.revision > e.revision)
    order by e.settlement_date limit 1
  ) earlier on true
  where l.report_id = ${reportId}`;

interface ClassifiedLine {
  line_number: number;
  transaction_id: string;
  ntpn: string;
  billing_code: string;
  amount: string;
  paid_at: Date;
  conflict_reason: string | null;
  ntpn_holder: string | null;
  settled_on: string | null;
  settled_line: number | null;
  declined_by: string | null;
  decline_reason: string | null;
  recorded_ntpn: string | null;
  recorded_billing_code: string | null;
  recorded_amount: string | null;
  outcome: string | null;
}

/** The bank's settlement day compared with the ledger now; writes nothing. */
export async function compareDay(db: Kysely<DB> | Transaction<DB>, bank: string, date: string): Promise<DayReconciliation> {
  const report = await db
    .selectFrom('settlement_reports')
    .select(['id', 'revision', 'processed_at', 'received_at', 'line_count', 'total_amount'])
    .where('bank', '=', bank)
    .where('settlement_date', '=', date)
    .orderBy('revision', 'desc')
    .executeTakeFirst();
  const day: DayReconciliation = {
    bank,
    settlementDate: date,
    report: report ? { id: report.id, revision: report.revision, reconciled: report.processed_at !== null } : null,
    received: report ? tally(report.line_count, report.total_amount) : none(),
    applied: none(),
    refund: none(),
    refunded: none(),
    pending: none(),
    declined: none(),
    conflicts: none(),
    missing: none(),
    balanced: false,
    differences: [],
  };
  if (!report) day.differences.push(`no settlement report from ${bank} for ${date}`);
  else if (!report.processed_at) day.differences.push(`revision ${report.revision} of the report (received ${report.received_at.toISOString()}) is not reconciled yet: the next daily run sends its lines to their transactions`);
  if (report) await compareLines(db, report.id, day);
  await findMissing(db, day);
  day.balanced = day.differences.length === 0;
  return day;
}

async function compareLines(db: Kysely<DB> | Transaction<DB>, reportId: string, day: DayReconciliation) {
  const totals = await sql<{ status: string; n: string; amount: string; refunded_n: string; refunded_amount: string }>`
    select status, count(*) as n, coalesce(sum(amount), 0) as amount,
      count(*) filter (where refund_stage = 'REFUNDED') as refunded_n, coalesce(sum(amount) filter (where refund_stage = 'REFUNDED'), 0) as refunded_amount
    from (${classifiedLines(reportId)}) lines group by status`.execute(db);
  for (const row of totals.rows) {
    const counted = tally(row.n, row.amount);
    if (row.status === 'APPLIED') day.applied = counted;
    else if (row.status === 'REFUND') {
      day.refund = counted;
      day.refunded = tally(row.refunded_n, row.refunded_amount);
    }
    else if (row.status === 'PENDING') day.pending = counted;
    else if (row.status === 'DECLINED') day.declined = counted;
    else day.conflicts = counted;
  }
  if (day.pending.count > 0) {
    const pending = await detail(db, reportId, 'PENDING');
    day.differences.push(`${day.pending.count} payments (${rupiah(day.pending.amount)}) pending: not applied or refunded yet (${named(pending.map((l) => l.transaction_id), day.pending.count)})`);
  }
  if (day.declined.count > 0) {
    const declined = await detail(db, reportId, 'DECLINED');
    for (const line of declined)
      day.differences.push(`refund declined on line ${line.line_number}: ${day.bank} transaction ${line.transaction_id}, ${rupiah(Number(line.amount))}, declined by ${line.declined_by ?? 'finance'} (${line.decline_reason ?? 'no reason given'}): neither applied nor returned`);
    if (day.declined.count > declined.length) day.differences.push(`and ${day.declined.count - declined.length} more refunds declined`);
  }
  if (day.conflicts.count > 0) {
    const conflicts = await detail(db, reportId, 'CONFLICT');
    for (const line of conflicts) day.differences.push(`conflict on line ${line.line_number}: ${conflictReason(day.bank, line)}`);
    if (day.conflicts.count > conflicts.length) day.differences.push(`and ${day.conflicts.count - conflicts.length} more conflicts`);
  }
}

const detail = async (db: Kysely<DB> | Transaction<DB>, reportId: string, status: string) =>
  (await sql<ClassifiedLine>`select * from (${classifiedLines(reportId)}) lines where status = ${status} order by line_number limit ${NAMED}`.execute(db)).rows;

/** The conflict as the bank transaction recorded it, or else how the line differs from the ledger. */
function conflictReason(bank: string, line: ClassifiedLine): string {
  const tx = `${bank} transaction ${line.transaction_id}`;
  if (line.settled_on) return `${tx} already settled on ${line.settled_on} (line ${line.settled_line} of that day's report): listed twice, counted there`;
  if (line.ntpn_holder) return `NTPN ${line.ntpn} is already recorded for ${line.ntpn_holder}`;
  const asLine: BankTransaction = { bank, transactionId: line.transaction_id, ntpn: line.ntpn, billingCode: line.billing_code, amount: Number(line.amount), paidAt: line.paid_at.toISOString(), source: 'settlement' };
  const recorded = { ...asLine, ntpn: line.recorded_ntpn ?? line.ntpn, billingCode: line.recorded_billing_code ?? line.billing_code, amount: Number(line.recorded_amount ?? line.amount) };
  return sightingConflict(recorded, asLine) ?? line.conflict_reason ?? `${tx} is a conflict in the ledger (outcome ${line.outcome})`;
}

/** Transactions of the bank paid on the day (WIB) that no report of the bank lists. */
async function findMissing(db: Kysely<DB> | Transaction<DB>, day: DayReconciliation) {
  const { from, until } = dayRange(day.settlementDate);
  const missing = await sql<{ transaction_id: string; amount: string; billing_code: string; paid_at: Date; outcome: string; total: string; total_amount: string }>`
    select bt.transaction_id, bt.amount, bt.billing_code, bt.paid_at, bt.outcome, count(*) over () as total, sum(bt.amount) over () as total_amount
    from bank_transactions bt
    where bt.bank = ${day.bank} and bt.paid_at >= ${from} and bt.paid_at < ${until} and not ${listed}
    order by bt.paid_at, bt.transaction_id limit ${NAMED}`.execute(db);
  const [first] = missing.rows;
  if (!first) return;
  day.missing = tally(first.total, first.total_amount);
  for (const tx of missing.rows)
    day.differences.push(`recorded but missing from the settlement: ${day.bank} transaction ${tx.transaction_id}, ${rupiah(Number(tx.amount))} for billing code ${tx.billing_code}, paid ${inWib(tx.paid_at)} (${tx.outcome})`);
  if (day.missing.count > missing.rows.length) day.differences.push(`and ${day.missing.count - missing.rows.length} more recorded but missing from the settlement`);
}

/**
 * The daily run's comparison of a bank and day that has a report: the row of reconciliation_reports recomputed, and
 * the day's transactions flagged MISSING_FROM_SETTLEMENT while no report of their bank lists them (the flag is
 * taken off once one does). Returns the comparison.
 */
export async function reconcileDay(db: Kysely<DB>, bank: string, date: string): Promise<DayReconciliation> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`reconcile ${bank} ${date}`}))`.execute(trx);
    const day = await compareDay(trx, bank, date);
    if (!day.report) return day;
    const { from, until } = dayRange(date);
    await sql`update bank_transactions bt set flags = array_append(flags, ${MISSING_FROM_SETTLEMENT})
      where bt.bank = ${bank} and bt.paid_at >= ${from} and bt.paid_at < ${until} and not (${MISSING_FROM_SETTLEMENT} = any(flags)) and not ${listed}`.execute(trx);
    await sql`update bank_transactions bt set flags = array_remove(flags, ${MISSING_FROM_SETTLEMENT})
      where bt.bank = ${bank} and bt.paid_at >= ${from} and bt.paid_at < ${until} and ${MISSING_FROM_SETTLEMENT} = any(flags) and ${listed}`.execute(trx);
    const totals = {
      settlement_report_id: day.report.id,
      revision: day.report.revision,
      received_count: day.received.count,
      received_amount: day.received.amount,
      applied_count: day.applied.count,
      applied_amount: day.applied.amount,
      refund_count: day.refund.count,
      refund_amount: day.refund.amount,
      refunded_count: day.refunded.count,
      refunded_amount: day.refunded.amount,
      pending_count: day.pending.count,
      pending_amount: day.pending.amount,
      declined_count: day.declined.count,
      declined_amount: day.declined.amount,
      conflict_count: day.conflicts.count,
      conflict_amount: day.conflicts.amount,
      missing_count: day.missing.count,
      missing_amount: day.missing.amount,
      balanced: day.balanced,
      differences: day.differences,
      reconciled_at: new Date(),
    };
    await trx
      .insertInto('reconciliation_reports')
      .values({ bank, settlement_date: date, ...totals })
      .onConflict((oc) => oc.columns(['bank', 'settlement_date']).doUpdateSet(totals))
      .execute();
    return day;
  });
}

/**
 * Days (bank and date) from `since` on that a run compared before, balanced or not: each run compares them again,
 * since a refund declined or confirmed, a later report listing a payment again, or a payment recorded later changes
 * a day that balanced.
 */
export const recentDays = async (db: Kysely<DB>, since: string): Promise<Array<{ bank: string; settlementDate: string }>> =>
  (await db.selectFrom('reconciliation_reports').select(['bank', 'settlement_date']).where('settlement_date', '>=', since).orderBy('settlement_date').orderBy('bank').execute()).map(
    (r) => ({ bank: r.bank, settlementDate: r.settlement_date }),
  );

/**
 * The settlement day compared with the money recorded, now, for one bank or every bank that reported the day or
 * has transactions paid on it: balanced when every day is. For `npm run reconcile -- --check` and the demo day.
 */
export async function reconciliationCheck(db: Kysely<DB>, { date, bank }: { date: string; bank?: string }): Promise<ReconciliationCheck> {
  const { from, until } = dayRange(date);
  const banks = bank
    ? [bank]
    : (
        await sql<{ bank: string }>`
          select bank from settlement_reports where settlement_date = ${date}
          union select bank from bank_transactions where paid_at >= ${from} and paid_at < ${until}
          order by bank`.execute(db)
      ).rows.map((r) => r.bank);
  const days: DayReconciliation[] = [];
  for (const b of banks) {
    const day = await compareDay(db, b, date);
    // Nothing reported and nothing recorded for the bank asked about: nothing to reconcile.
    days.push(!day.report && day.missing.count === 0 ? { ...day, differences: [], balanced: true } : day);
  }
  const differences = days.flatMap((d) => d.differences.map((text) => `${d.bank} ${d.settlementDate}: ${text}`));
  return { balanced: differences.length === 0, days, differences };
}

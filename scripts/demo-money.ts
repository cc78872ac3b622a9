// The demo day's money, after the banks' settlement reports are in: the daily reconciliation run now (its
// Temporal Schedule triggered), a bounded wait for every payment to be decided in the ledger, and the check that
// every rupiah the settlement reports list is an applied payment or a refund.
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { RECONCILIATION_SCHEDULE_ID } from '../workflows/definitions.js';
import type { BankPayment } from './demo-bank.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rupiah = (n: number) => `Rp ${n.toLocaleString('en-US')}`;

/** Triggers the `daily-reconciliation` schedule now and waits for the run it starts to end; its workflow id. */
export async function reconcileNow(temporal: Client, timeoutMs: number): Promise<string> {
  const schedule = temporal.schedule.getHandle(RECONCILIATION_SCHEDULE_ID);
  const before = (await schedule.describe()).info.numActionsTaken;
  await schedule.trigger();
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const { info } = await schedule.describe();
    const started = info.numActionsTaken > before ? info.recentActions.at(-1)?.action.workflow : undefined;
    if (started) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, fail) => {
        timer = setTimeout(() => fail(new Error(`run ${started.workflowId} did not end within ${timeoutMs / 1000} s (is a worker running?)`)), Math.max(0, giveUpAt - Date.now()));
      });
      await Promise.race([temporal.workflow.getHandle(started.workflowId).result(), late]).finally(() => clearTimeout(timer));
      return started.workflowId;
    }
    if (Date.now() > giveUpAt) throw new Error(`schedule ${RECONCILIATION_SCHEDULE_ID} started no run within ${timeoutMs / 1000} s of its trigger`);
    await sleep(250);
  }
}

/** Waits (at most `timeoutMs`) until each payment is in the ledger and decided (not PENDING); those still not are returned. */
export async function waitUntilDecided(db: Kysely<DB>, payments: BankPayment[], timeoutMs: number): Promise<BankPayment[]> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const decided = new Set((await ledgerOf(db, payments)).transactions.filter((t) => t.outcome !== 'PENDING').map((t) => `${t.bank}/${t.transaction_id}`));
    const open = payments.filter((p) => !decided.has(`${p.bank}/${p.transactionId}`));
    if (open.length === 0 || Date.now() > giveUpAt) return open;
    await sleep(500);
  }
}

async function ledgerOf(db: Kysely<DB>, payments: BankPayment[]) {
  const ids = payments.map((p) => p.transactionId);
  if (ids.length === 0) return { transactions: [], refunds: [] };
  const [transactions, refunds] = await Promise.all([
    db.selectFrom('bank_transactions').select(['bank', 'transaction_id', 'amount', 'outcome', 'flags']).where('transaction_id', 'in', ids).execute(),
    db.selectFrom('refunds').select(['bank', 'transaction_id', 'amount']).where('transaction_id', 'in', ids).execute(),
  ]);
  return { transactions, refunds };
}

export interface DayMoney {
  bank: string;
  date: string;
  /** The rupiah the bank's latest settlement report of the day lists for these payments. */
  received: number;
  applied: number;
  refunded: number;
  balanced: boolean;
  differences: string[];
}

/**
 * The demo's own money check of one bank and settlement day, for the payments the demo's bank took that day:
 * each is listed by the bank's latest settlement report of the day, is in the ledger (`bank_transactions`) with
 * the same amount, decided and without conflict, and is APPLIED or has its refund in `refunds`; received =
 * applied + refunded. Every difference names its transaction. (A stand-in until the reconciliation's own
 * comparison, `reconciliationCheck` of db/queries/reconciliation.ts, lands: the demo will call that instead.)
 */
export async function demoMoneyCheck(db: Kysely<DB>, day: { bank: string; date: string; payments: BankPayment[] }): Promise<DayMoney> {
  const { bank, date } = day;
  const report = await db.selectFrom('settlement_reports').select(['id', 'revision']).where('bank', '=', bank).where('settlement_date', '=', date).orderBy('revision', 'desc').limit(1).executeTakeFirst();
  const lines = report ? await db.selectFrom('settlement_lines').select(['transaction_id', 'amount']).where('report_id', '=', report.id).execute() : [];
  const settled = new Map(lines.map((l) => [l.transaction_id, l.amount]));
  const { transactions, refunds } = await ledgerOf(db, day.payments);
  const money: DayMoney = { bank, date, received: 0, applied: 0, refunded: 0, balanced: false, differences: [] };
  const differ = (p: BankPayment, what: string) => money.differences.push(`${bank} ${p.transactionId} (billing code ${p.billingCode}): ${what}`);
  for (const p of day.payments) {
    const listed = settled.get(p.transactionId);
    const recorded = transactions.find((t) => t.bank === bank && t.transaction_id === p.transactionId);
    const refund = refunds.find((r) => r.bank === bank && r.transaction_id === p.transactionId);
    if (listed === undefined) differ(p, `not in ${bank}'s settlement report of ${date}${report ? ` (revision ${report.revision})` : ' (none received)'}`);
    else money.received += listed;
    if (!recorded) {
      differ(p, 'not in the ledger: no callback, inquiry or settlement line reached the service');
      continue;
    }
    if (listed !== undefined && listed !== recorded.amount) differ(p, `the settlement lists ${rupiah(listed)}, the ledger has ${rupiah(recorded.amount)}`);
    if (recorded.flags.includes('CONFLICT')) differ(p, 'flagged CONFLICT in the ledger: a sighting disagreed with the transaction as first recorded');
    if (recorded.outcome === 'APPLIED') money.applied += recorded.amount;
    else if (refund) money.refunded += refund.amount;
    else differ(p, `${recorded.outcome} in the ledger, neither applied nor refunded`);
  }
  if (money.received !== money.applied + money.refunded) {
    money.differences.push(`${bank} ${date}: received ${rupiah(money.received)}, but applied ${rupiah(money.applied)} + refunded ${rupiah(money.refunded)} = ${rupiah(money.applied + money.refunded)}`);
  }
  money.balanced = money.differences.length === 0;
  return money;
}

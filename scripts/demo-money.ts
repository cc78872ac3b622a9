// The demo day's money, after the banks' settlement reports are in and the daily reconciliation has run: a
// bounded wait for every payment to be decided in the ledger, then the reconciliation's own check of each bank's
// day (every rupiah the settlement report lists is an applied payment or a refund; `npm run reconcile -- --check`).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { reconciliationCheck } from '../db/queries/reconciliation.js';
import type { BankPayment } from './demo-bank.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rupiah = (n: number) => `Rp ${n.toLocaleString('en-US')}`;

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
  /** Rupiah the bank's latest settlement report of the day lists. */
  received: number;
  applied: number;
  /** Refunds opened, whatever their stage. */
  refunded: number;
  balanced: boolean;
  differences: string[];
}

/** The reconciliation's own comparison of one bank's settlement day (db/queries/reconciliation.ts), as the demo reports it. */
export async function dayMoney(db: Kysely<DB>, day: { bank: string; date: string }): Promise<DayMoney> {
  const check = await reconciliationCheck(db, day);
  const found = check.days.find((d) => d.bank === day.bank);
  if (!found) return { ...day, received: 0, applied: 0, refunded: 0, balanced: false, differences: [`${day.bank} ${day.date}: nothing reported or recorded`] };
  return { ...day, received: found.received.amount, applied: found.applied.amount, refunded: found.refund.amount, balanced: check.balanced, differences: check.differences };
}

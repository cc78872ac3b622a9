// The daily reconciliation's comparison, time-skipping with the real activities on a database of its own (a run takes
// every report stored): each settlement line goes to its bank transaction (a page of lines per activity), so a
// payment whose callback was lost is applied, or refunded when its application has since expired; the day's row
// counts them, and a payment on record that the report does not list is flagged until a correction lists it.
import { randomInt, randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBankTransaction } from '../../db/queries/bank-transactions.js';
import { reconcileDay, reconciliationCheck } from '../../db/queries/reconciliation.js';
import { storeSettlementReport } from '../../db/queries/settlements.js';
import { addDays, localDate } from '../../workflows/calendar.js';
import { RECONCILIATION_WORKFLOW, bankTransactionIdFor, type BankTransaction } from '../../workflows/definitions.js';
import type { ReconciliationInput, ReconciliationResult } from '../../workflows/reconciliation.js';
import { bankTransactionFor, decided, newNtpn } from '../support/bank.js';
import { ownDatabase } from '../support/databases.js';
import { applicationRow } from '../support/read-model.js';
import { skipTo, stageReached, submitted } from '../support/scenarios.js';
import { startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
let database: Awaited<ReturnType<typeof ownDatabase>>;
beforeAll(async () => {
  database = await ownDatabase('reconciliation_ts');
  t = await startTimeSkipping({ databaseUrl: database.url });
});
afterAll(async () => {
  await t?.teardown();
  await database?.drop();
});

/** A report of these transactions for the bank and day, stored as the upload stores it (a new revision if the day has one). */
const report = (bank: string, settlementDate: string, txs: BankTransaction[]) => {
  const lines = txs.map((tx, i) => ({ line: i + 2, ntpn: tx.ntpn, transactionId: tx.transactionId, billingCode: tx.billingCode, amount: tx.amount, paidAt: tx.paidAt }));
  const sha256 = randomUUID().replace(/-/g, '').padEnd(64, '0');
  return storeSettlementReport(t.db, { bank, settlementDate, sha256, lines, total: lines.reduce((sum, l) => sum + l.amount, 0) }, { source: 'import' });
};
/**
 * A run, awaited in real time: through the test environment's client, awaiting a result lets the server skip to the
 * next timer, days ahead (the transactions' settlement wait), while the workers are idle.
 */
const reconcile = (input: ReconciliationInput = {}) =>
  new Client({ connection: t.env.connection, namespace: t.env.namespace ?? 'default' }).workflow.execute(RECONCILIATION_WORKFLOW, {
    taskQueue: t.taskQueue,
    workflowId: `reconciliation-${randomUUID()}`,
    args: [input],
  }) as Promise<ReconciliationResult>;
const rowOf = (bank: string, date: string) => t.db.selectFrom('reconciliation_reports').selectAll().where('bank', '=', bank).where('settlement_date', '=', date).executeTakeFirstOrThrow();

describe('the daily reconciliation', () => {
  it('applies a settled payment whose callback was lost, refunds one whose application has since expired, and flags one the report misses', async () => {
    const bank = `S${randomInt(100_000, 999_999)}`;
    await t.withWorker(async () => {
      // Paid in time, its callback lost: the workflow expired the application.
      const expired = await submitted(t);
      const paidInTime = bankTransactionFor(expired, await t.now(), { bank, source: 'settlement' });
      await skipTo(t, expired.paymentDeadline);
      await stageReached(t, expired.applicationId, 'EXPIRED');
      // Paid, its callback lost: still awaiting payment.
      const waiting = await submitted(t);
      const lost = bankTransactionFor(waiting, await t.now(), { bank, source: 'settlement' });
      // Paid, called back and applied; and one called back that the report does not list.
      const calledBack = await submitted(t);
      const seen = bankTransactionFor(calledBack, await t.now(), { bank });
      const unlisted = await submitted(t);
      const notSettled = bankTransactionFor(unlisted, await t.now(), { bank });
      for (const tx of [seen, notSettled]) expect(await t.see(tx)).toBe('accepted');
      for (const tx of [seen, notSettled]) await decided(t.db, tx);

      const day = localDate(new Date(await t.now()), 'Asia/Jakarta');
      const listed = [paidInTime, lost, { ...seen, source: 'settlement' as const }];
      await report(bank, day, listed);
      // Two lines per activity: the three lines take two pages.
      const first = await reconcile({ sightingPage: 2 });
      expect(first.counted).toEqual([expect.objectContaining({ bank, settlementDate: day, revision: 1, received: 3 })]);
      expect(await decided(t.db, lost)).toMatchObject({ outcome: 'APPLIED', first_source: 'settlement', application_id: waiting.applicationId });
      expect(await decided(t.db, paidInTime)).toMatchObject({ outcome: 'REFUND', outcome_reason: 'the application is EXPIRED' });
      await stageReached(t, waiting.applicationId, 'AWAITING_BOOKING');
      expect((await applicationRow(t.db, expired.applicationId)).stage).toBe('EXPIRED');
      expect((await t.db.selectFrom('settlement_reports').select('sighted_through').where('bank', '=', bank).executeTakeFirstOrThrow()).sighted_through).toBe(4);

      // Whatever the first run saw still pending, the next run compares the unbalanced day again.
      await reconcile();
      const row = await rowOf(bank, day);
      const fee = waiting.amount;
      expect(row).toMatchObject({
        received_count: 3,
        received_amount: 3 * fee,
        applied_count: 2,
        applied_amount: 2 * fee,
        refund_count: 1,
        refund_amount: fee,
        refunded_count: 0,
        pending_count: 0,
        conflict_count: 0,
        missing_count: 1,
        missing_amount: fee,
        balanced: false,
      });
      expect(row.differences).toEqual([expect.stringMatching(new RegExp(`^recorded but missing from the settlement: ${bank} transaction ${notSettled.transactionId}, ${fee.toLocaleString('en-US')} rupiah for billing code ${unlisted.billingCode}, paid .*\\+07:00 \\(APPLIED\\)$`))]);
      expect((await findBankTransaction(t.db, notSettled))?.flags).toEqual(['MISSING_FROM_SETTLEMENT']);
      expect(await reconciliationCheck(t.db, { date: day, bank })).toMatchObject({ balanced: false, differences: [`${bank} ${day}: ${row.differences[0]}`] });

      // The bank's correction lists it: the day balances, the flag is taken off.
      await report(bank, day, [...listed, { ...notSettled, source: 'settlement' }]);
      const corrected = await reconcile();
      expect(corrected.counted).toEqual([expect.objectContaining({ revision: 2, received: 4, applied: 3, refund: 1, balanced: true })]);
      expect(await rowOf(bank, day)).toMatchObject({ revision: 2, received_count: 4, applied_count: 3, missing_count: 0, balanced: true, differences: [] });
      expect((await findBankTransaction(t.db, notSettled))?.flags).toEqual([]);
      expect(await reconciliationCheck(t.db, { date: day, bank })).toMatchObject({ balanced: true, differences: [] });
    });
  });

  it('resumes a report after the last line a run that died had sent: that line is not sent again', async () => {
    const bank = `S${randomInt(100_000, 999_999)}`;
    await t.withWorker(async () => {
      const apps = [await submitted(t), await submitted(t), await submitted(t)];
      const txs = await Promise.all(apps.map(async (app) => bankTransactionFor(app, await t.now(), { bank, source: 'settlement' })));
      // The first payment was called back: applied, its transaction waits for the settlement to list it.
      expect(await t.see({ ...txs[0]!, source: 'callback' })).toBe('accepted');
      await decided(t.db, txs[0]!);
      const day = localDate(new Date(await t.now()), 'Asia/Jakarta');
      const { report: stored } = await report(bank, day, txs);
      // A run had got as far as line 2 (the first payment) when it died.
      await t.db.updateTable('settlement_reports').set({ sighted_through: 2 }).where('id', '=', stored.id).execute();

      expect((await reconcile()).counted).toEqual([expect.objectContaining({ bank, received: 3 })]);
      expect(await rowOf(bank, day)).toMatchObject({ received_count: 3, applied_count: 3, pending_count: 0, balanced: true });
      for (const tx of txs.slice(1)) expect(await decided(t.db, tx)).toMatchObject({ outcome: 'APPLIED', first_source: 'settlement' });
      expect(await t.db.selectFrom('settlement_reports').select('sighted_through').where('id', '=', stored.id).executeTakeFirstOrThrow()).toEqual({ sighted_through: 4 });
      // Line 2 was not sent again: its transaction still waits for a settlement sighting.
      expect((await findBankTransaction(t.db, txs[0]!))?.settled_at).toBeNull();
      expect((await t.client.workflow.getHandle(bankTransactionIdFor(bank, txs[0]!.transactionId)).describe()).status.name).toBe('RUNNING');
    });
  });
});

// The comparison of a day on its own (db/queries/reconciliation.ts), from ledger rows as the bankTransaction and
// refund workflows write them and reports as the upload stores them.
describe('comparing a day', () => {
  const ledger = async (tx: BankTransaction, outcome: 'APPLIED' | 'REFUND', refundStage?: 'AWAITING_APPROVAL' | 'DECLINED') => {
    const facts = { bank: tx.bank, transaction_id: tx.transactionId, ntpn: tx.ntpn, billing_code: tx.billingCode, amount: tx.amount, paid_at: tx.paidAt };
    await t.db.insertInto('bank_transactions').values({ ...facts, first_source: tx.source, outcome, decided_at: new Date() }).execute();
    if (!refundStage) return;
    const now = new Date();
    await t.db
      .insertInto('refunds')
      .values({ ...facts, refund_id: `refund-${tx.bank}-${tx.transactionId}`, reason: 'unknown billing code', stage: refundStage, stage_seq: 2, stage_entered_at: now, opened_at: now, updated_at: now, ...(refundStage === 'DECLINED' && { declined_by: 'finance-1', decline_reason: 'paid twice' }) })
      .execute();
  };
  const processed = async (stored: ReturnType<typeof report>) => {
    const { report: r } = await stored;
    await t.db.updateTable('settlement_reports').set({ processed_at: new Date() }).where('id', '=', r.id).execute();
  };
  const txOn = (bank: string, date: string, n: number, amount = 350_000): BankTransaction => ({
    bank,
    transactionId: `${bank}-${n}`,
    ntpn: newNtpn(),
    billingCode: `99996000000000${n}`,
    amount,
    paidAt: `${date}T10:00:00+07:00`,
    source: 'settlement',
  });

  it('counts a payment listed by two days once: the later day has it as already settled and does not balance', async () => {
    const bank = `Z${randomInt(100_000, 999_999)}`;
    const tx = txOn(bank, '2026-11-27', 1);
    await ledger(tx, 'REFUND', 'AWAITING_APPROVAL');
    await processed(report(bank, '2026-11-27', [tx]));
    await processed(report(bank, '2026-11-28', [tx]));
    expect(await reconciliationCheck(t.db, { date: '2026-11-27', bank })).toMatchObject({ balanced: true, days: [{ refund: { count: 1, amount: 350_000 } }] });
    const later = await reconciliationCheck(t.db, { date: '2026-11-28', bank });
    expect(later).toMatchObject({ balanced: false, days: [{ received: { count: 1 }, refund: { count: 0, amount: 0 }, conflicts: { count: 1, amount: 350_000 } }] });
    expect(later.differences).toEqual([`${bank} 2026-11-28: conflict on line 2: ${bank} transaction ${tx.transactionId} already settled on 2026-11-27 (line 2 of that day's report): listed twice, counted there`]);

    // Another transaction id with the same NTPN is the same payment listed again.
    const sameNtpn = { ...txOn(bank, '2026-11-27', 2), ntpn: tx.ntpn };
    await processed(report(bank, '2026-11-29', [sameNtpn]));
    expect((await reconciliationCheck(t.db, { date: '2026-11-29', bank })).differences).toEqual([
      `${bank} 2026-11-29: conflict on line 2: ${bank} transaction ${sameNtpn.transactionId} already settled on 2026-11-27 (line 2 of that day's report): listed twice, counted there`,
    ]);

    // A correction of the earlier day that no longer lists it: the later day counts it, and balances.
    await processed(report(bank, '2026-11-27', []));
    expect(await reconciliationCheck(t.db, { date: '2026-11-28', bank })).toMatchObject({ balanced: true, days: [{ refund: { count: 1, amount: 350_000 }, conflicts: { count: 0 } }] });
  });

  it('judges a day by its latest revision: a corrected conflicting line no longer counts, a callback conflict still does', async () => {
    const bank = `Z${randomInt(100_000, 999_999)}`;
    const day = '2026-11-20';
    const [right, calledBack] = [txOn(bank, day, 1), txOn(bank, day, 2)];
    await ledger({ ...right, source: 'callback' }, 'APPLIED');
    await ledger({ ...calledBack, source: 'callback' }, 'APPLIED');
    // The first revision listed the wrong amount: a conflict, recorded by the bank transaction.
    await t.db.insertInto('bank_transaction_conflicts').values({ bank, transaction_id: right.transactionId, sighting_key: randomUUID(), source: 'settlement', sighting: '{}', reason: `${bank} transaction ${right.transactionId} seen again with another amount 351000 (first seen: 350000)` }).execute();
    await t.db.updateTable('bank_transactions').set({ flags: ['CONFLICT'] }).where('transaction_id', '=', right.transactionId).execute();
    // A second callback of the other transaction said another billing code.
    const callbackConflict = `${bank} transaction ${calledBack.transactionId} seen again with another billingCode 999960000000009 (first seen: ${calledBack.billingCode})`;
    await t.db.insertInto('bank_transaction_conflicts').values({ bank, transaction_id: calledBack.transactionId, sighting_key: randomUUID(), source: 'callback', sighting: '{}', reason: callbackConflict }).execute();
    await t.db.updateTable('bank_transactions').set({ flags: ['CONFLICT'] }).where('transaction_id', '=', calledBack.transactionId).execute();

    await processed(report(bank, day, [{ ...right, amount: 351_000 }, calledBack]));
    expect((await reconciliationCheck(t.db, { date: day, bank })).days).toMatchObject([{ conflicts: { count: 2, amount: 701_000 }, balanced: false }]);
    // The correction lists the right amount: only the callback's conflict is left.
    await processed(report(bank, day, [right, calledBack]));
    const corrected = await reconciliationCheck(t.db, { date: day, bank });
    expect(corrected.days).toMatchObject([{ applied: { count: 1, amount: 350_000 }, conflicts: { count: 1, amount: 350_000 }, balanced: false }]);
    expect(corrected.differences).toEqual([`${bank} ${day}: conflict on line 3: ${callbackConflict}`]);
  });

  it('counts a payment applied and then refunded (a rejection the regulation refunds) as a refund, and as applied if that refund is declined', async () => {
    const bank = `Z${randomInt(100_000, 999_999)}`;
    const day = '2026-11-20';
    const [refunded, kept] = [txOn(bank, day, 1), txOn(bank, day, 2)];
    await ledger(refunded, 'APPLIED', 'AWAITING_APPROVAL');
    await ledger(kept, 'APPLIED', 'DECLINED');
    await processed(report(bank, day, [refunded, kept]));
    const check = await reconciliationCheck(t.db, { date: day, bank });
    expect(check).toMatchObject({ balanced: true, days: [{ received: { count: 2 }, applied: { count: 1, amount: 350_000 }, refund: { count: 1, amount: 350_000 }, declined: { count: 0 } }] });
  });

  it('compares again, at the next run, a day that balanced and whose refund was then declined', async () => {
    const bank = `Z${randomInt(100_000, 999_999)}`;
    const day = addDays(localDate(new Date(await t.env.currentTimeMs()), 'Asia/Jakarta'), -2);
    const tx = txOn(bank, day, 1);
    await ledger(tx, 'REFUND', 'AWAITING_APPROVAL');
    await processed(report(bank, day, [tx]));
    await reconcileDay(t.db, bank, day);
    expect(await rowOf(bank, day)).toMatchObject({ balanced: true });
    await t.db.updateTable('refunds').set({ stage: 'DECLINED', declined_by: 'finance-1', decline_reason: 'paid twice' }).where('transaction_id', '=', tx.transactionId).execute();
    await t.withWorker(() => reconcile());
    expect(await rowOf(bank, day)).toMatchObject({ balanced: false, declined_count: 1 });
  });

  it('makes a declined refund a difference: the money is neither applied nor returned', async () => {
    const bank = `Z${randomInt(100_000, 999_999)}`;
    const day = '2026-11-21';
    const [declined, open] = [txOn(bank, day, 1), txOn(bank, day, 2)];
    await ledger(declined, 'REFUND', 'DECLINED');
    await ledger(open, 'REFUND', 'AWAITING_APPROVAL');
    await processed(report(bank, day, [declined, open]));
    const check = await reconciliationCheck(t.db, { date: day, bank });
    expect(check.days).toMatchObject([{ received: { count: 2 }, refund: { count: 1, amount: 350_000 }, declined: { count: 1, amount: 350_000 }, balanced: false }]);
    expect(check.differences).toEqual([
      `${bank} ${day}: refund declined on line 2: ${bank} transaction ${declined.transactionId}, 350,000 rupiah, declined by finance-1 (paid twice): neither applied nor returned`,
    ]);
  });
});

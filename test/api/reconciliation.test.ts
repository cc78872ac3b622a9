// The daily reconciliation on the Temporal dev server: the worker's start makes the `daily-reconciliation` schedule
// (and a later start updates it, never a second one); a run it triggers stores the dropped files, sends every line
// of each stored report to its bank transaction and compares each day with the payments recorded into its bank and
// day's row, which the directorate reads at GET /manager/reconciliation; `npm run reconcile` runs and checks it.
import { spawn } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpBank } from '../../activities/bank.js';
import { posFromConfig } from '../../activities/pos.js';
import { bankTransactionPolicyFrom } from '../../config.js';
import { signedHeaders, signedSettlementHeaders } from '../../api/signatures.js';
import { createPassportWorker } from '../../worker/index.js';
import { findBankTransaction } from '../../db/queries/bank-transactions.js';
import { SETTLEMENT_HEADER } from '../../db/settlements.js';
import { ensureReconciliationSchedule, runReconciliationNow } from '../../worker/schedule.js';
import { localDate } from '../../workflows/calendar.js';
import { RECONCILIATION_SCHEDULE_ID, type BankTransaction } from '../../workflows/definitions.js';
import type { ReconciliationResult } from '../../workflows/reconciliation.js';
import { decided, paymentCallback } from '../support/bank.js';
import { ownDatabase } from '../support/databases.js';
import { eventually, startService } from '../support/service.js';
import { settlementCsv, settlementDay } from '../support/settlements.js';
import { sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
let database: Awaited<ReturnType<typeof ownDatabase>>;
let drop: string;
let stopWorker: (() => Promise<void>) | undefined;
const taskQueue = `reconciliation-${randomUUID()}`;
let started: Awaited<ReturnType<typeof createPassportWorker>>;

beforeAll(async () => {
  // A database of its own: a run counts every report stored, and other files' reports must stay uncounted.
  database = await ownDatabase('reconciliation');
  s = await startService({ databaseUrl: database.url });
  drop = await mkdtemp(join(tmpdir(), 'settlement-drop-'));
  // The worker as `npm start` and the production worker make it, on the dev server of this file.
  started = await createPassportWorker({
    address: s.env.address,
    namespace: s.env.namespace ?? 'default',
    taskQueue,
    db: s.db,
    pos: posFromConfig(s.config),
    bank: httpBank(s.bank.url, s.bank.token),
    bankTransactions: bankTransactionPolicyFrom(s.config),
    settlements: { dir: drop, maxBytes: s.config.SETTLEMENT_MAX_BYTES },
    reconciliationTime: '06:00',
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const running = started.worker.run();
  stopWorker = async () => {
    started.worker.shutdown();
    await running;
    await started.connection.close();
  };
});
afterAll(async () => {
  await stopWorker?.();
  await s?.stop();
  await database?.drop();
  if (drop) await rm(drop, { recursive: true, force: true });
});

const day = settlementDay();
/** A day's totals without when they were computed (each run compares the recent days again). */
const withoutTime = ({ reconciledAt: _at, ...totals }: { reconciledAt?: unknown }) => totals;
const bankCode = () => `R${randomInt(100_000, 999_999)}`;
const csv = (bank: string, count: number) => settlementCsv(bank, day, count, 650_000);
let signedAt = Date.now();
const upload = (bank: string, body: string) =>
  s.call('POST', `/callbacks/bank/settlements?bank=${bank}&date=${day}`, body, signedSettlementHeaders(s.config.BANK_CALLBACK_SECRET, { bank, date: day, csv: body }, (signedAt += 1000)));
const reconciliationOf = async (date = day, bank?: string) =>
  (await s.call('GET', `/manager/reconciliation?date=${date}${bank ? `&bank=${bank}` : ''}`, undefined, { authorization: `Bearer ${await s.managerToken('*')}` })).body;

/** Triggers the schedule now and waits for the run it starts to finish (as `npm run reconcile -- --run` does). */
const runNow = async (): Promise<ReconciliationResult> => (await runReconciliationNow<ReconciliationResult>(s.env.client, 120_000)).result;

describe('the daily-reconciliation schedule', () => {
  it('is made at worker start, every day at RECONCILIATION_TIME in WIB, and a later start updates it', async () => {
    expect(started.schedule).toBe('created');
    const schedule = s.env.client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID);
    const made = await schedule.describe();
    expect(made.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconciliation', taskQueue });
    expect(made.spec.timezone).toBe('Asia/Jakarta');
    expect(made.policies).toMatchObject({ overlap: 'SKIP', catchupWindow: 86_400_000 });
    // 06:00 WIB is 23:00 UTC the evening before.
    expect(made.info.nextActionTimes[0]?.toISOString()).toMatch(/T23:00:00\.000Z$/);

    // Another worker starting (or the same after a restart) with another time: the one schedule, moved.
    expect(await ensureReconciliationSchedule(s.env.client, '07:30', taskQueue)).toBe('updated');
    const moved = await schedule.describe();
    expect(moved.info.nextActionTimes[0]?.toISOString()).toMatch(/T00:30:00\.000Z$/);
    expect(moved.action).toMatchObject({ workflowType: 'reconciliation', taskQueue });
  });

  it('runs when triggered: stores the drop folder, reconciles each report once into its bank and day, the latest revision winning', { timeout: 180_000 }, async () => {
    const [uploaded, corrected, dropped] = [bankCode(), bankCode(), bankCode()];
    expect((await upload(uploaded, csv(uploaded, 3))).status).toBe(201);
    expect((await upload(corrected, csv(corrected, 2))).status).toBe(201);
    expect((await upload(corrected, csv(corrected, 4))).body).toMatchObject({ revision: 2, correction: true });
    await writeFile(join(drop, `${dropped}-${day}.csv`), csv(dropped, 5));
    expect((await reconciliationOf()).awaiting.map((a: { bank: string }) => a.bank).sort()).toEqual([uploaded, corrected, corrected].sort());

    const first = await runNow();
    expect(first.dropFolder).toMatchObject({ folder: drop, stored: [`${dropped}-${day}.csv`], rejected: [] });
    expect(first.counted).toHaveLength(3); // an upload, a correction (the report it corrects is never sent) and the dropped file
    expect(await readdir(drop)).toEqual(['done']);
    const counted = await reconciliationOf();
    expect(counted.awaiting).toEqual([]);
    const byBank = Object.fromEntries(counted.days.map((d: { bank: string }) => [d.bank, d]));
    // No application has these billing codes: every payment is refunded, and each day balances.
    const refunded = (count: number) => ({ received: { count, amount: count * 650_000 }, refund: { count, amount: count * 650_000 }, applied: { count: 0, amount: 0 }, pending: { count: 0, amount: 0 } });
    const balanced = { balanced: true, differences: [] };
    expect(byBank[uploaded]).toMatchObject({ revision: 1, correction: false, reportsReceived: 1, ...refunded(3), ...balanced, report: { source: 'upload' } });
    expect(byBank[corrected]).toMatchObject({ revision: 2, correction: true, reportsReceived: 2, ...refunded(4), ...balanced });
    expect(byBank[dropped]).toMatchObject({ revision: 1, ...refunded(5), ...balanced, report: { source: 'drop-folder' } });

    // The next run takes only what came since: a correction of the dropped day's report, which lists one payment of
    // the five: the four others, on record for that day, are now missing from the settlement.
    expect((await upload(dropped, csv(dropped, 1))).body).toMatchObject({ revision: 2 });
    const second = await runNow();
    expect(second.counted).toEqual([expect.objectContaining({ bank: dropped, settlementDate: day, revision: 2, received: 1, refund: 1, missing: 4, balanced: false })]);
    const after = await reconciliationOf();
    // A day that balanced is compared again by each run (a refund may be declined since): the same totals, a later time.
    expect(withoutTime(after.days.find((d: { bank: string }) => d.bank === uploaded))).toEqual(withoutTime(byBank[uploaded]));
    const droppedDay = after.days.find((d: { bank: string }) => d.bank === dropped);
    expect(droppedDay).toMatchObject({ revision: 2, reportsReceived: 2, ...refunded(1), missing: { count: 4, amount: 2_600_000 }, balanced: false });
    expect(droppedDay.differences).toEqual([2, 3, 4, 5].map((n) => expect.stringMatching(new RegExp(`^recorded but missing from the settlement: ${dropped} transaction ${dropped}-${n}, 650,000 rupiah`))));
    // Nothing left to count: a run changes nothing.
    expect((await runNow()).counted).toEqual([]);
  });
});

const root = resolve(import.meta.dirname, '../..');
/** `npm run reconcile` against this file's database and dev server (not spawnSync: a --run needs this process's worker). */
const reconcileCommand = (...args: string[]) =>
  new Promise<{ code: number | null; out: string; err: string }>((done) => {
    const env = { ...process.env, NODE_ENV: 'test', DATABASE_URL: database.url, TEMPORAL_ADDRESS: s.env.address, TEMPORAL_NAMESPACE: s.env.namespace ?? 'default' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/reconcile.ts', ...args], { cwd: root, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => done({ code, out, err }));
  });

describe('the comparison with the payments recorded', () => {
  const today = localDate(new Date(), 'Asia/Jakarta');
  const submit = async () => {
    const { auth } = await s.applicant();
    const submitted = await s.call('POST', '/applications', sampleSubmission(), auth);
    expect(submitted.status).toBe(201);
    return submitted.body as { applicationId: string; trackingCode: string; billingCode: string; amount: number };
  };
  const pay = (tx: Omit<BankTransaction, 'source'>) => s.signedCall('bank', '/callbacks/bank/payments', tx).send();
  const reportOf = (txs: Array<Omit<BankTransaction, 'source'>>) =>
    [SETTLEMENT_HEADER, ...txs.map((tx) => `${tx.ntpn},${tx.transactionId},${tx.billingCode},${tx.amount},${tx.paidAt}`)].join('\n') + '\n';
  const uploadToday = (bank: string, body: string) =>
    s.call('POST', `/callbacks/bank/settlements?bank=${bank}&date=${today}`, body, signedSettlementHeaders(s.config.BANK_CALLBACK_SECRET, { bank, date: today, csv: body }, (signedAt += 1000)));

  it('applies a payment seen only in the report, shows a conflict and a recorded payment missing from it, and npm run reconcile fails naming them', { timeout: 240_000 }, async () => {
    const [bank, balancedBank] = [bankCode(), bankCode()];
    const [calledBack, lost, conflicting, unlisted, lostToo] = await Promise.all([submit(), submit(), submit(), submit(), submit()]);
    const [seen, lostTx, conflictTx, unlistedTx] = [calledBack, lost, conflicting, unlisted].map((app) => paymentCallback(app, { bank }));
    const lostTooTx = paymentCallback(lostToo, { bank: balancedBank });
    for (const tx of [seen!, conflictTx!, unlistedTx!]) expect((await pay(tx)).status).toBe(202);
    for (const tx of [seen!, conflictTx!, unlistedTx!]) await decided(s.db, tx);

    // The bank lists the called-back payment, one whose callback never came, and another's transaction with another amount.
    expect((await uploadToday(bank, reportOf([seen!, lostTx!, { ...conflictTx!, amount: conflictTx!.amount + 1000 }]))).status).toBe(201);
    const balancedReport = reportOf([lostTooTx]);
    expect((await uploadToday(balancedBank, balancedReport)).status).toBe(201);

    // --run: the schedule triggered now, its run awaited, then the check of the bank asked about.
    const run = await reconcileCommand('--run', '--date', today, '--bank', balancedBank);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toMatch(/triggered daily-reconciliation: run daily-reconciliation-\S+, waiting for it to finish/);
    expect(run.out).toContain(`${balancedBank} ${today}: BALANCED (report revision 1)`);
    expect(run.out).toContain(`balanced: every rupiah received on ${today} is applied or a refund`);
    await eventually(async () => (await s.call('GET', `/track/${lostToo.trackingCode}`)).body.stage, (stage) => stage === 'AWAITING_BOOKING');

    // The lost callback is recovered by the report; the conflict and the missing payment are differences.
    await eventually(async () => (await s.call('GET', `/track/${lost.trackingCode}`)).body.stage, (stage) => stage === 'AWAITING_BOOKING');
    const fee = lost.amount;
    const [shown] = (await reconciliationOf(today, bank)).days;
    expect(shown).toMatchObject({
      received: { count: 3, amount: 3 * fee + 1000 },
      applied: { count: 2, amount: 2 * fee },
      refund: { count: 0, amount: 0 },
      pending: { count: 0, amount: 0 },
      conflicts: { count: 1, amount: fee + 1000 },
      missing: { count: 1, amount: fee },
      balanced: false,
    });
    expect(shown.differences).toEqual([
      expect.stringMatching(new RegExp(`^conflict on line 4: ${bank} transaction ${conflictTx!.transactionId} seen again with another amount ${fee + 1000} \\(first seen: ${fee}\\)$`)),
      expect.stringMatching(new RegExp(`^recorded but missing from the settlement: ${bank} transaction ${unlistedTx!.transactionId}, ${fee.toLocaleString('en-US')} rupiah for billing code ${unlisted.billingCode}, paid \\S+\\+07:00 \\(APPLIED\\)$`)),
    ]);
    expect((await findBankTransaction(s.db, unlistedTx!))?.flags).toEqual(['MISSING_FROM_SETTLEMENT']);

    // The checks only read: each is its own process, started together.
    const [check, all, balancedOnly, badDate, usage] = await Promise.all([
      reconcileCommand('--check', '--date', today, '--bank', bank),
      reconcileCommand('--check', '--date', today),
      reconcileCommand('--check', '--date', today, '--bank', balancedBank),
      reconcileCommand('--check', '--date', '2026-13-01'),
      reconcileCommand(),
    ]);
    expect(check).toMatchObject({ code: 1, err: '' });
    expect(check.out).toContain(`${bank} ${today}: NOT BALANCED (report revision 1)`);
    expect(check.out).toContain(`DIFFERENCE conflict on line 4: ${bank} transaction ${conflictTx!.transactionId}`);
    expect(check.out).toContain(`DIFFERENCE recorded but missing from the settlement: ${bank} transaction ${unlistedTx!.transactionId}`);
    expect(check.out).toContain(`NOT BALANCED on ${today}: 2 differences`);
    // Every bank of the day: one difference is enough to fail, and the balanced bank is shown as such.
    expect(all.code).toBe(1);
    expect(all.out).toContain(`${balancedBank} ${today}: BALANCED`);
    expect(balancedOnly).toMatchObject({ code: 0 });
    expect(badDate).toMatchObject({ code: 2, err: expect.stringContaining('--date: must be a date') });
    expect(usage).toMatchObject({ code: 2, err: expect.stringContaining('usage:') });

    // The same report uploaded again changes nothing: not stored, and the next run leaves the day's totals as they were.
    const before = (await reconciliationOf(today, balancedBank)).days;
    expect(await uploadToday(balancedBank, balancedReport)).toMatchObject({ status: 200, body: { status: 'already received' } });
    expect((await runNow()).counted).toEqual([]);
    expect((await reconciliationOf(today, balancedBank)).days.map(withoutTime)).toEqual(before.map(withoutTime));
    expect(before).toMatchObject([{ received: { count: 1, amount: fee }, applied: { count: 1, amount: fee }, balanced: true }]);
  });
});

// The daily reconciliation on the Temporal dev server: the worker's start makes the `daily-reconciliation` schedule
// (and a later start updates it, never a second one), and a run it triggers stores the dropped files and counts
// every stored report into its bank and day's row, which the directorate reads at GET /manager/reconciliation.
import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScheduleHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { httpBank } from '../../activities/bank.js';
import { posFromConfig } from '../../activities/pos.js';
import { bankTransactionPolicyFrom } from '../../config.js';
import { signedHeaders } from '../../api/signatures.js';
import { createPassportWorker } from '../../worker/index.js';
import { ensureReconciliationSchedule } from '../../worker/schedule.js';
import { RECONCILIATION_SCHEDULE_ID } from '../../workflows/definitions.js';
import type { ReconciliationResult } from '../../workflows/reconciliation.js';
import { ownDatabase } from '../support/databases.js';
import { startService } from '../support/service.js';
import { settlementCsv, settlementDay } from '../support/settlements.js';

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
const bankCode = () => `R${randomInt(100_000, 999_999)}`;
const csv = (bank: string, count: number) => settlementCsv(bank, day, count, 650_000);
let signedAt = Date.now();
const upload = (bank: string, body: string) =>
  s.call('POST', `/callbacks/bank/settlements?bank=${bank}&date=${day}`, body, { ...signedHeaders(s.config.BANK_CALLBACK_SECRET, body, (signedAt += 1000)), 'content-type': 'text/csv' });
const reconciliationOf = async () => (await s.call('GET', `/manager/reconciliation?date=${day}`, undefined, { authorization: `Bearer ${await s.managerToken('*')}` })).body;

/** Triggers the schedule now and waits for the run it starts to finish. */
async function runNow(schedule: ScheduleHandle): Promise<ReconciliationResult> {
  const before = (await schedule.describe()).info.recentActions.length;
  await schedule.trigger();
  for (let i = 0; ; i++) {
    const { recentActions } = (await schedule.describe()).info;
    const action = recentActions.length > before ? recentActions.at(-1)?.action : undefined;
    if (action) return s.env.client.workflow.getHandle(action.workflow.workflowId).result();
    if (i > 150) throw new Error('the triggered run did not start within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
}

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

  it('runs when triggered: stores the drop folder, counts each report once into its bank and day, the latest revision winning', { timeout: 120_000 }, async () => {
    const schedule = s.env.client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID);
    const [uploaded, corrected, dropped] = [bankCode(), bankCode(), bankCode()];
    expect((await upload(uploaded, csv(uploaded, 3))).status).toBe(201);
    expect((await upload(corrected, csv(corrected, 2))).status).toBe(201);
    expect((await upload(corrected, csv(corrected, 4))).body).toMatchObject({ revision: 2, correction: true });
    await writeFile(join(drop, `${dropped}-${day}.csv`), csv(dropped, 5));
    expect((await reconciliationOf()).awaiting.map((a: { bank: string }) => a.bank).sort()).toEqual([uploaded, corrected, corrected].sort());

    const first = await runNow(schedule);
    expect(first.dropFolder).toMatchObject({ folder: drop, stored: [`${dropped}-${day}.csv`], rejected: [] });
    expect(first.counted).toHaveLength(4); // two uploads, a correction and the dropped file
    expect(await readdir(drop)).toEqual(['done']);
    const counted = await reconciliationOf();
    expect(counted.awaiting).toEqual([]);
    const byBank = Object.fromEntries(counted.days.map((d: { bank: string }) => [d.bank, d]));
    expect(byBank[uploaded]).toMatchObject({ revision: 1, correction: false, reportsReceived: 1, receivedCount: 3, receivedAmount: 1_950_000, report: { source: 'upload' } });
    expect(byBank[corrected]).toMatchObject({ revision: 2, correction: true, reportsReceived: 2, receivedCount: 4, receivedAmount: 2_600_000 });
    expect(byBank[dropped]).toMatchObject({ revision: 1, receivedCount: 5, receivedAmount: 3_250_000, report: { source: 'drop-folder' } });

    // The next run counts only what came since: a correction of the dropped day's report.
    expect((await upload(dropped, csv(dropped, 1))).body).toMatchObject({ revision: 2 });
    const second = await runNow(schedule);
    expect(second.counted).toEqual([{ bank: dropped, settlementDate: day, revision: 2, receivedCount: 1, receivedAmount: 650_000 }]);
    const after = await reconciliationOf();
    expect(after.days.find((d: { bank: string }) => d.bank === uploaded)).toEqual(byBank[uploaded]);
    expect(after.days.find((d: { bank: string }) => d.bank === dropped)).toMatchObject({ revision: 2, receivedCount: 1, reportsReceived: 2 });
    // Nothing left to count: a run changes nothing.
    expect((await runNow(schedule)).counted).toEqual([]);
  });
});

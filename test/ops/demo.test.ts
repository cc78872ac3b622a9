// `npm run demo` end to end against the whole service as separate processes (scripts/cluster.ts, as `npm start`
// runs it: no bank API, so no inquiry): a short day with a bank callback dropped on purpose, the banks'
// settlement reports uploaded, the daily-reconciliation schedule triggered, and the money check; then a day whose
// settlement report is tampered with, which the money check must refuse, naming each transaction.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/connect.js';
import { startCluster, type Cluster } from '../../scripts/cluster.js';
import { DEMO_NIK_PREFIX } from '../../scripts/demo-day.js';

const root = resolve(import.meta.dirname, '../..');
/** Billing codes expire in 15 s and a demo day lasts 8 s: a short day takes well under a minute. */
const DAY_ENV = { PAYMENT_WINDOW_MINUTES: '0.25', DEMO_DAY_SECONDS: '8' };

let cluster: Cluster;
let dataDir: string;
beforeAll(async () => {
  cluster = await startCluster({ env: DAY_ENV });
  dataDir = await mkdtemp(join(tmpdir(), 'demo-bank-'));
}, 240_000);
afterAll(async () => {
  await cluster?.shutdown();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** `npm run demo` with the service's environment, as its README says; its exit code and everything it printed. */
const demo = (args: string[]) =>
  new Promise<{ code: number; output: string }>((done) => {
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: cluster.databaseUrl, TEMPORAL_ADDRESS: cluster.temporalAddress, DATA_DIR: dataDir, ...cluster.secrets, ...DAY_ENV };
    execFile(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--url', cluster.apiUrl, '--offices', 'PLU,WSB', '--out', join(dataDir, 'report.html'), ...args], { cwd: root, env, timeout: 170_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });

/** Every demo application's payment as the ledger has it. */
const ledger = async () => {
  const db = createDb(cluster.databaseUrl, { max: 1 });
  try {
    const { rows } = await sql<{ n: string; stage: string; first_source: string | null; outcome: string | null; refund: string | null; told: boolean }>`
      select a.nik as n, a.stage, t.first_source, t.outcome, r.refund_id as refund,
        exists (select 1 from notifications n where n.application_id = a.id and n.kind = 'REFUND_OPENED') as told
      from applications a
      left join bank_transactions t on t.billing_code = a.billing_code
      left join refunds r on r.bank = t.bank and r.transaction_id = t.transaction_id
      where a.nik like ${`${DEMO_NIK_PREFIX}%`} order by a.nik`.execute(db);
    return rows;
  } finally {
    await db.destroy();
  }
};

describe('npm run demo', () => {
  it('drops a bank callback on purpose, and the settlement report and the reconciliation still balance the day', { timeout: 200_000 }, async () => {
    // Seed 5: one applicant pays in time, one pays but the bank never calls back, one pays after the billing code expired.
    const { code, output } = await demo(['--applicants', '3', '--seed', '5', '--drop-callbacks', '1']);
    expect(output).toMatch(/Callbacks dropped on purpose: 1 \(#\d+ at [A-Z]+\)/);
    expect(output).toContain('Money check: every rupiah the banks took and reported is an applied payment or a refund');
    expect(code, output).toBe(0);

    const rows = await ledger();
    // The dropped payment reached the service only by the settlement: its application had expired, so it is
    // refunded, and the applicant is told so.
    expect(rows.filter((r) => r.first_source === 'settlement')).toEqual([expect.objectContaining({ stage: 'EXPIRED', outcome: 'REFUND', refund: expect.any(String), told: true })]);
    expect(rows.filter((r) => r.outcome === 'APPLIED')).toHaveLength(1);
    expect(rows.filter((r) => r.outcome === 'REFUND' && r.refund)).toHaveLength(2);
    expect(rows.filter((r) => r.outcome === null || r.outcome === 'PENDING')).toEqual([]);
    expect(output).toMatch(/balanced\n(\s+[A-Z]+\s+\d{4}-\d{2}-\d{2}\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+yes\n)+/);
  });

  it('fails on a settlement report that differs from the money the bank took, naming each transaction', { timeout: 200_000 }, async () => {
    const { code, output } = await demo(['--applicants', '2', '--seed', '2', '--drop-callbacks', '0', '--tamper-settlement', 'amount,omit']);
    expect(code, output).toBe(1);
    const listedWrong = /([A-Z]+) (\d{15}): listed as \d+ rupiah, \d+ paid/.exec(output);
    const leftOut = /([A-Z]+) (\d{15}): left out of the report/.exec(output);
    expect(listedWrong, output).not.toBeNull();
    expect(leftOut, output).not.toBeNull();
    // Each tampered transaction is named among the differences, and its bank's day does not balance.
    const differences = output.slice(output.indexOf('disagrees with the day or the money')).split('\n');
    for (const [, bank, transactionId] of [listedWrong!, leftOut!]) {
      expect(differences.filter((line) => line.includes(bank!) && line.includes(transactionId!)), output).not.toEqual([]);
      expect(output).toMatch(new RegExp(`\\n\\s+${bank}\\s+\\d{4}-\\d{2}-\\d{2}\\s.*\\sNO\\n`));
    }
  });
});

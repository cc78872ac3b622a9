// `npm run settlements`: an operator imports a bank's file (once, a correction flagged, a bad file refused line by
// line) and scans the drop folder, whose files are stored and moved aside exactly as the daily reconciliation does.
import { randomInt } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDb } from '../../db/connect.js';
import { importSettlementDir, SETTLEMENT_HEADER } from '../../db/settlements.js';
import { addDays } from '../../workflows/calendar.js';
import { settlementCsv, settlementDay } from '../support/settlements.js';

const root = resolve(import.meta.dirname, '../..');
const db = createDb(inject('databaseUrl'), { max: 1 });
const day = settlementDay();
let dir: string;
let drop: string;

/** The command with the drop folder `folder` (SETTLEMENT_DIR). */
const settlementsIn = (folder: string, ...args: string[]) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/settlements.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), NODE_ENV: 'test', SETTLEMENT_DIR: folder },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
};
const settlements = (...args: string[]) => settlementsIn(drop, ...args);
const bankCode = () => `C${randomInt(100_000, 999_999)}`;
const csv = (bank: string, count: number) => settlementCsv(bank, day, count, 350_000);
const file = async (name: string, content: string, folder = dir) => {
  const path = join(folder, name);
  await writeFile(path, content);
  return path;
};
const revisionsOf = async (bank: string) =>
  (await db.selectFrom('settlement_reports').select(['revision', 'line_count', 'source', 'source_name']).where('bank', '=', bank).orderBy('settlement_date').orderBy('revision').execute());

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settlements-'));
  drop = join(dir, 'drop');
  await mkdir(drop);
});
afterAll(async () => {
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('npm run settlements -- import', () => {
  it('stores a file once, keeps a different one for the same day as a correction, and refuses a bad one naming line and field', { timeout: 120_000 }, async () => {
    const bank = bankCode();
    const first = await file('first.csv', csv(bank, 2));
    const stored = settlements('import', first, '--bank', bank, '--date', day);
    expect(stored).toMatchObject({ code: 0, err: '', out: expect.stringContaining(`stored: ${bank} ${day} revision 1, 2 lines, 700,000 rupiah`) });
    expect(settlements('import', first, '--bank', bank, '--date', day).out).toContain(`already received (nothing changed): ${bank} ${day} revision 1`);
    const corrected = settlements('import', await file('second.csv', csv(bank, 3)), '--bank', bank, '--date', day);
    expect(corrected.out).toContain(`stored: ${bank} ${day} revision 2, 3 lines`);
    expect(corrected.out).toContain('CORRECTION');
    expect(await revisionsOf(bank)).toEqual([
      { revision: 1, line_count: 2, source: 'import', source_name: 'first.csv' },
      { revision: 2, line_count: 3, source: 'import', source_name: 'second.csv' },
    ]);

    const bad = await file('bad.csv', csv(bank, 2).replace(',350000,', ',350.000,'));
    expect(settlements('import', bad, '--bank', bank, '--date', day)).toMatchObject({ code: 1, err: expect.stringContaining('line 2.amount: must be whole rupiah') });
    expect(settlements('import', first, '--bank', 'bri', '--date', '9999-12-31')).toMatchObject({ code: 1, err: expect.stringMatching(/--bank: must be a bank code[\s\S]*--date: 9999-12-31 is in the future/) });
    expect(settlements('import', first)).toMatchObject({ code: 2, err: expect.stringContaining('usage:') }); // the bank and day are never guessed
    expect(await revisionsOf(bank)).toHaveLength(2);
  });
});

describe('the drop folder (npm run settlements -- scan, and the daily reconciliation)', () => {
  it('stores each <BANK>-<DATE>.csv once and moves it to done/, a bad one to rejected/ with its problems, and leaves other files', { timeout: 120_000 }, async () => {
    const bank = bankCode();
    await file(`${bank}-${day}.csv`, csv(bank, 4), drop);
    await file(`${bank}-${addDays(day, -1)}.csv`, `${SETTLEMENT_HEADER}\n0001NTPN00000001,x,1,1,${day}\n`, drop);
    await file(`${bank}-9999-12-31.csv`, csv(bank, 1), drop);
    await file(`${bank}-${day}.csv.part`, 'still being copied', drop);
    const scan = settlements('scan');
    expect(scan).toMatchObject({ code: 1, out: expect.stringContaining(`drop folder ${drop}: 1 stored, 0 already received, 2 rejected, 1 ignored`) });
    expect(scan.out).toContain(`REJECTED ${bank}-9999-12-31.csv: (file name): 9999-12-31 is in the future`);
    expect(await revisionsOf(bank)).toEqual([{ revision: 1, line_count: 4, source: 'drop-folder', source_name: `${bank}-${day}.csv` }]);

    expect(await readdir(drop)).toEqual(expect.arrayContaining([`${bank}-${day}.csv.part`, 'done', 'rejected']));
    expect(await readdir(drop)).toHaveLength(3);
    const [sha] = (await db.selectFrom('settlement_reports').select('sha256').where('bank', '=', bank).execute()).map((r) => r.sha256);
    expect(await readdir(join(drop, 'done'))).toEqual([`${bank}-${day}.${sha!.slice(0, 12)}.csv`]);
    const rejected = await readdir(join(drop, 'rejected'));
    expect(rejected).toHaveLength(4);
    const problems = await readFile(join(drop, 'rejected', rejected.find((n) => n.startsWith(`${bank}-${addDays(day, -1)}`) && n.endsWith('.problems.txt'))!), 'utf8');
    expect(problems).toBe(`line 2.billing_code: must be the 15-digit billing code\nline 2.paid_at: must be a date and time as ISO 8601 with its zone, e.g. 2026-11-27T10:15:00+07:00\n`);

    // The same file dropped again: already received, moved aside, nothing new stored.
    await file(`${bank}-${day}.csv`, csv(bank, 4), drop);
    expect(settlements('scan')).toMatchObject({ code: 0, out: expect.stringContaining(`already received ${bank}-${day}.csv (moved to done/)`) });
    expect(await revisionsOf(bank)).toHaveLength(1);
    expect(await readdir(drop)).toHaveLength(3);
    // A folder that is not there is named, never made somewhere unexpected.
    const missing = join(dir, 'no-such-folder');
    expect(settlementsIn(missing, 'scan')).toMatchObject({ code: 1, err: expect.stringContaining(`no drop folder at ${missing} (SETTLEMENT_DIR)`) });
  });

  it('takes each file once when two scans run at once (the daily run and the command), and neither fails', { timeout: 60_000 }, async () => {
    const folder = join(dir, 'shared');
    await mkdir(folder);
    const banks = Array.from({ length: 20 }, bankCode);
    for (const bank of banks) await file(`${bank}-${day}.csv`, csv(bank, 2), folder);
    const scans = await Promise.all([importSettlementDir(db, folder, 1 << 20), importSettlementDir(db, folder, 1 << 20)]);
    const taken = scans.flatMap((scan) => [...scan.stored, ...scan.alreadyReceived]);
    expect(new Set(taken).size).toBe(banks.length);
    expect(scans.flatMap((scan) => scan.stored).sort()).toEqual(banks.map((bank) => `${bank}-${day}.csv`).sort());
    expect(await readdir(folder)).toEqual(['done']);
    expect(await readdir(join(folder, 'done'))).toHaveLength(banks.length);
    const stored = await db.selectFrom('settlement_reports').select('bank').where('bank', 'in', banks).execute();
    expect(stored).toHaveLength(banks.length);
  });
});

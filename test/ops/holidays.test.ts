// `npm run holidays`: an operator loads a year's decree (JSON, or CSV with its status and source), again
// and again with the same result, and reads what is loaded against the booking horizon.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDb } from '../../db/connect.js';

const root = resolve(import.meta.dirname, '../..');
// A year no other test loads: after the shipped years and before the time-skipping server's.
const YEAR = new Date().getUTCFullYear() + 4;
const db = createDb(inject('databaseUrl'), { max: 1 });
let dir: string;

const holidays = (...args: [...string[]] | [...string[], Record<string, string>]) => {
  const env = typeof args.at(-1) === 'object' ? (args.pop() as Record<string, string>) : {};
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/holidays.ts', ...(args as string[])], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DATABASE_URL: inject('databaseUrl'), NODE_ENV: 'test', ...env },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
};
const file = async (name: string, content: unknown) => {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const loaded = () => db.selectFrom('holidays').select(['date', 'name', 'kind']).where('date', '>=', `${YEAR}-01-01`).where('date', '<=', `${YEAR}-12-31`).orderBy('date').execute();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'holidays-'));
});
afterAll(async () => {
  await db.deleteFrom('holidays').where('date', '>=', `${YEAR}-01-01`).where('date', '<=', `${YEAR}-12-31`).execute();
  await db.deleteFrom('calendar_years').where('year', '=', YEAR).execute();
  await db.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('npm run holidays', () => {
  it('imports a year idempotently, lets the decree replace a provisional list, and never the reverse', { timeout: 120_000 }, async () => {
    const provisional = await file('provisional.json', {
      year: YEAR,
      status: 'PROVISIONAL',
      source: 'estimate before the decree',
      holidays: [
        { date: `${YEAR}-01-01`, name: 'Tahun Baru Masehi' },
        { date: `${YEAR}-08-17`, name: 'Hari Kemerdekaan Republik Indonesia' },
      ],
    });
    const first = holidays('import', provisional);
    expect(first.err).toBe('');
    expect(first.out).toContain(`${YEAR} loaded as PROVISIONAL: 2 added, 0 removed, 0 renamed`);
    const again = holidays('import', provisional);
    expect(again.out).toContain(`${YEAR} loaded as PROVISIONAL: 0 added, 0 removed, 0 renamed`);
    expect(await loaded()).toHaveLength(2);

    const decree = await file('decree.csv', `date,name,kind\n${YEAR}-01-01,Tahun Baru Masehi,NATIONAL\n${YEAR}-08-17,"Hari Kemerdekaan, Proklamasi",NATIONAL\n${YEAR}-12-24,Cuti bersama Natal,CUTI_BERSAMA\n`);
    expect(holidays('import', decree).code).toBe(1); // a CSV must say what it is
    const decreed = holidays('import', decree, '--status', 'decreed', '--source', `SKB 3 Menteri ${YEAR}`);
    expect(decreed.out).toContain(`${YEAR} loaded as DECREED: 1 added, 0 removed, 1 renamed`);
    expect(await loaded()).toEqual([
      { date: `${YEAR}-01-01`, name: 'Tahun Baru Masehi', kind: 'NATIONAL' },
      { date: `${YEAR}-08-17`, name: 'Hari Kemerdekaan, Proklamasi', kind: 'NATIONAL' },
      { date: `${YEAR}-12-24`, name: 'Cuti bersama Natal', kind: 'CUTI_BERSAMA' },
    ]);
    expect(await db.selectFrom('calendar_years').select(['status', 'source']).where('year', '=', YEAR).executeTakeFirst()).toEqual({ status: 'DECREED', source: `SKB 3 Menteri ${YEAR}` });

    const backwards = holidays('import', provisional);
    expect(backwards).toMatchObject({ code: 1, err: expect.stringContaining(`${YEAR} is already loaded from its decree`) });
    expect(await loaded()).toHaveLength(3);

    const wrongYear = await file('wrong.json', { year: YEAR, status: 'DECREED', source: 'SKB', holidays: [{ date: `${YEAR + 1}-01-01`, name: 'Tahun Baru' }] });
    expect(holidays('import', wrongYear)).toMatchObject({ code: 1, err: expect.stringContaining(`holidays.0.date: ${YEAR + 1}-01-01 is not in ${YEAR}`) });
  });

  it('shows the loaded years against the booking horizon, with the managers\' warning', () => {
    const shown = holidays('status');
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/booking horizon 60 days, until \d{4}-\d{2}-\d{2}/);
    expect(shown.out).toMatch(/holiday calendar loaded until \d{4}-12-31; appointments bookable until \d{4}-\d{2}-\d{2}/);
    expect(shown.out).toMatch(/2026 {2}DECREED .*SKB Menteri Agama/);
    expect(shown.out).not.toContain('test:'); // the time-skipping tests' years are not an operator's
    // A horizon of a year reaches past the shipped calendar or into its provisional 2027: managers are told.
    const year = holidays('status', { BOOKING_HORIZON_DAYS: '366' });
    expect(year.out).toMatch(/WARNING: the holiday calendar (is loaded only until|for .* is provisional)/);
  });
});

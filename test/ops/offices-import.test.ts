// `npm run offices -- import`: the shipped example CSV loaded into a database of the file's own (a new office, seats
// per kind and session, weekend days), kept where the setup step reads it; a bad CSV refused line by line with
// nothing changed; and how the CSV reader names each problem.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/connect.js';
import { officesInService } from '../../db/queries/offices.js';
import { DEFAULT_REFERENCE_DIR, officesFromCsv, readReferenceData } from '../../db/reference.js';
import { ownDatabase } from '../support/databases.js';

const root = resolve(import.meta.dirname, '../..');
const EXAMPLE = join(root, DEFAULT_REFERENCE_DIR, 'offices.example.csv');
let database: Awaited<ReturnType<typeof ownDatabase>>;
let db: ReturnType<typeof createDb>;
let dir: string;

beforeAll(async () => {
  database = await ownDatabase('offices_import');
  db = createDb(database.url, { max: 1 });
  dir = await mkdtemp(join(tmpdir(), 'passport-reference-'));
  await cp(join(root, DEFAULT_REFERENCE_DIR), dir, { recursive: true });
});
afterAll(async () => {
  await db?.destroy();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = (script: string, ...args: string[]) =>
  new Promise<{ code: number; output: string }>((done) => {
    const env = { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATABASE_URL: database.url, REFERENCE_DATA_DIR: dir };
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, env }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }));
  });
const catalogue = async () => (await db.selectFrom('offices').select(['code', 'session_quotas', 'weekend_days', 'retired_at']).orderBy('code').execute()).map((o) => ({ ...o }));

describe('npm run offices -- import', () => {
  it('loads the example catalogue, keeps it for the setup step, and refuses a bad file naming line and column with nothing changed', { timeout: 120_000 }, async () => {
    const imported = await run('scripts/offices.ts', 'import', EXAMPLE);
    expect(imported.output).toContain('6 offices, valid; new: JKS');
    expect(imported.code, imported.output).toBe(0);
    const jks = (await officesInService(db)).find((o) => o.code === 'JKS');
    expect(jks).toMatchObject({
      name: 'Kantor Imigrasi Kelas I Khusus Non TPI Jakarta Selatan',
      address: 'Jl. Warung Buncit Raya No. 207, Mampang Prapatan, Kota Jakarta Selatan, DKI Jakarta 12790',
      time_zone: 'Asia/Jakarta',
      regular_quota: 250,
      priority_quota: 50,
      same_day_quota: 40,
      session_quotas: { MORNING: { REGULAR: 150, PRIORITY: 30, SAME_DAY: 25 }, AFTERNOON: { REGULAR: 100, PRIORITY: 20, SAME_DAY: 15 } },
      weekend_days: ['SAT'],
    });
    expect((await officesInService(db)).find((o) => o.code === 'PLG')?.session_quotas).toEqual({ MORNING: { REGULAR: 100, PRIORITY: 25, SAME_DAY: 18 }, AFTERNOON: { REGULAR: 100, PRIORITY: 25, SAME_DAY: 17 } });
    expect((await readdir(dir)).filter((f) => f.startsWith('offices'))).toEqual(['offices.csv', 'offices.example.csv', 'offices.json.before-import']);
    expect(await readFile(join(dir, 'offices.csv'), 'utf8')).toBe(await readFile(EXAMPLE, 'utf8'));

    const before = await catalogue();
    const bad = join(dir, 'bad.csv');
    const lines = (await readFile(EXAMPLE, 'utf8')).trimEnd().split('\n');
    await writeFile(bad, [lines[0], lines[1]!.replace(',60,60,', ',sixty,60,'), lines[2]!.replace('Asia/Jakarta', 'Asia/Tokyo'), lines[3], lines[3]].join('\n'));
    const refused = await run('scripts/offices.ts', 'import', bad);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`${bad}: line 2, column regular_morning: must be a whole number of seats, 0 or more (found "sixty")`);
    expect(refused.output).toContain(`${bad}: line 3, column time_zone: must be one of`);
    expect(refused.output).toContain(`${bad}: line 5, column code: office PLG is listed twice (first on line 4)`);
    expect(await catalogue()).toEqual(before);
    expect(await readFile(join(dir, 'offices.csv'), 'utf8')).toBe(await readFile(EXAMPLE, 'utf8'));

    // The next deployment's setup step reads offices.csv: the import stands.
    const setup = await run('scripts/setup-database.ts');
    expect(setup.output).toContain('offices.csv: 6 offices (6 unchanged)');
    expect(await catalogue()).toEqual(before);
    await writeFile(join(dir, 'offices.json'), await readFile(join(dir, 'offices.json.before-import')));
    await expect(readReferenceData(dir)).rejects.toThrow('offices.csv and offices.json are both in');
  });
});

describe('the offices CSV', () => {
  const header = 'code,name,city,address,time_zone,notice_email,regular_morning,regular_afternoon,priority_morning,priority_afternoon,same_day_morning,same_day_afternoon,weekend_days';
  const read = (text: string) => {
    const problems: string[] = [];
    return { offices: officesFromCsv(text, 'offices.csv', problems), problems };
  };

  it('reads a BOM, CRLF line ends, quoted fields with commas and quotes, empty notice email and both weekend days', () => {
    const { offices, problems } = read(`\uFEFF${header}\r\nABC,"Kantor ""Uji""",Kota,"Jl. A No. 1, Kota",Asia/Jayapura,,3,2,1,0,0,0,SAT SUN\r\n`);
    expect(problems).toEqual([]);
    expect(offices).toEqual([
      {
        code: 'ABC',
        name: 'Kantor "Uji"',
        city: 'Kota',
        address: 'Jl. A No. 1, Kota',
        timeZone: 'Asia/Jayapura',
        noticeEmail: null,
        dailyQuota: { regular: 5, priority: 1, sameDay: 0 },
        sessionQuotas: { MORNING: { REGULAR: 3, PRIORITY: 1, SAME_DAY: 0 }, AFTERNOON: { REGULAR: 2, PRIORITY: 0, SAME_DAY: 0 } },
        weekendDays: ['SAT', 'SUN'],
      },
    ]);
  });

  it('names a missing or unknown header, a line of the wrong width, an unclosed quote, a bad weekend day and an empty file', () => {
    expect(read('').problems).toEqual([`offices.csv: line 1: the header is missing: ${header}`]);
    expect(read(header.replace(',weekend_days', ',weekends')).problems).toEqual([
      'offices.csv: line 1: the header lacks the column weekend_days',
      `offices.csv: line 1: the header has unknown column "weekends" (the columns: ${header})`,
    ]);
    expect(read(`${header}\n`).problems).toEqual(['offices.csv: must list at least one office']);
    expect(read(`${header}\nABC,Kantor,Kota,Jl. A No. 1, Kota,Asia/Jakarta,,1,1,0,0,0,0,\n`).problems).toEqual([
      'offices.csv: line 2: 14 fields, but the header has 13 columns (a field with a comma must be in double quotes)',
    ]);
    expect(read(`${header}\nABC,"Kantor,Kota,Jl. A,Asia/Jakarta,,1,1,0,0,0,0,\n`).problems).toEqual(['offices.csv: line 2: a quoted field is not closed (a " is missing)']);
    expect(read(`${header}\nABC,Kantor,Kota,Jl. A No. 1,Asia/Jakarta,,1,1,0,0,0,0,MON\n`).problems).toEqual(['offices.csv: line 2, column weekend_days: must be SAT or SUN']);
  });

  it('refuses a name, city or address a spreadsheet would run as a formula', () => {
    const { problems } = read(`${header}\nABC,=cmd(),+Kota,"=HYPERLINK(""http://evil"")",Asia/Jakarta,,1,1,0,0,0,0,\n`);
    const formula = 'must not start with =, +, - or @ (a spreadsheet would read it as a formula)';
    expect(problems).toEqual(['name', 'city', 'address'].map((column) => `offices.csv: line 2, column ${column}: ${formula}`));
  });
});

// The production setup step (scripts/setup-database.ts) and the API's refusal to serve without it, each
// on a database of its own on the test PostgreSQL, as an operator's deployment would meet them.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it, inject } from 'vitest';
import { importCalendarYear } from '../../db/calendar.js';
import { createDb, migrateToLatest } from '../../db/connect.js';
import { DEFAULT_REFERENCE_DIR } from '../../db/reference.js';
import { addDays, localDate } from '../../workflows/calendar.js';

const root = resolve(import.meta.dirname, '../..');
const admin = createDb(inject('databaseUrl'), { max: 1 });
const made: string[] = [];
const folders: string[] = [];

/** A new, empty database on the test server: its URL. */
async function freshDatabase(): Promise<string> {
  const name = `setup_test_${randomBytes(4).toString('hex')}`;
  await sql`create database ${sql.id(name)}`.execute(admin);
  made.push(name);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

/** A copy of the shipped reference folder to edit. */
async function referenceCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'passport-reference-'));
  folders.push(dir);
  await cp(join(root, DEFAULT_REFERENCE_DIR), dir, { recursive: true });
  return dir;
}
const editJson = async (file: string, change: (json: any) => unknown) => writeFile(file, JSON.stringify(change(JSON.parse(await readFile(file, 'utf8'))), null, 2));

/** Runs one of the production scripts; resolves with its exit code and everything it printed. */
const runScript = (script: string, env: Record<string, string>) =>
  new Promise<{ code: number; output: string }>((done) => {
    execFile(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env } }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
const setup = (databaseUrl: string, referenceDir = DEFAULT_REFERENCE_DIR) => runScript('scripts/setup-database.ts', { NODE_ENV: 'production', DATABASE_URL: databaseUrl, REFERENCE_DATA_DIR: referenceDir });
const production = (script: 'api' | 'worker', databaseUrl: string) =>
  runScript(`scripts/${script}.ts`, {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: '127.0.0.1:1', // never reached: the process stops before it connects
    TEMPORAL_UI_URL: 'http://passport-ops.example.go.id:8080',
    JWT_SECRET: 'setup-test-jwt-secret-0123456789abcdef',
    BANK_CALLBACK_SECRET: 'setup-test-bank-secret',
    POS_CALLBACK_SECRET: 'setup-test-pos-secret',
    SMTP_URL: 'smtp://127.0.0.1:1', // never reached either
    DUKCAPIL_API_URL: 'http://127.0.0.1:1', // nor this
    PORT: '0',
  });

async function withDb<T>(url: string, use: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const db = createDb(url, { max: 1 });
  try {
    return await use(db);
  } finally {
    await db.destroy();
  }
}
/** An application at `officeCode`, open (paid, waiting for its booking): what a retired office must go on serving. */
async function openApplication(db: ReturnType<typeof createDb>, officeCode: string): Promise<string> {
  const id = randomUUID();
  const at = new Date().toISOString();
  await db
    .insertInto('applications')
    .values({
      id,
      tracking_code: `T-${id}`,
      billing_code: String(Date.now()).padEnd(15, '7').slice(0, 15),
      application_type: 'NEW',
      product: 'ORDINARY_5Y',
      office_code: officeCode,
      amount: 350_000,
      nik: '3307010101900001',
      full_name: 'Budi Santoso',
      birth_date: '1990-01-01',
      email: 'budi@example.id',
      phone: '+6281111111111',
      delivery_method: 'PICKUP',
      stage: 'AWAITING_BOOKING',
      stage_entered_at: at,
      payment_deadline: at,
    })
    .execute();
  return id;
}
const tablesIn = (url: string) => withDb(url, async (db) => (await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = 'public'`.execute(db)).rows[0]!.n);

afterAll(async () => {
  for (const name of made) await sql`drop database if exists ${sql.id(name)} with (force)`.execute(admin);
  await admin.destroy();
  for (const dir of folders) await rm(dir, { recursive: true, force: true });
});

describe('the production API and worker', () => {
  it('refuse to start on a database that was never set up, and say what to run', async () => {
    const url = await freshDatabase();
    for (const script of ['api', 'worker'] as const) {
      const { code, output } = await production(script, url);
      expect(code, output).toBe(1);
      expect(output).toContain(`the ${script === 'api' ? 'API' : 'worker'} cannot start: the database schema is not up to date`);
      expect(output).toContain('node dist/scripts/setup-database.js');
    }
    expect(await tablesIn(url)).toBe(0); // they changed nothing
  });

  it("refuses to start without the Web UI's address for the managers' links", async () => {
    const { code, output } = await runScript('scripts/api.ts', { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x', TEMPORAL_ADDRESS: '127.0.0.1:1', JWT_SECRET: 'setup-test-jwt-secret-0123456789abcdef', BANK_CALLBACK_SECRET: 'setup-test-bank-secret', POS_CALLBACK_SECRET: 'setup-test-pos-secret' });
    expect(code).toBe(1);
    expect(output).toContain('TEMPORAL_UI_URL: required in production');
  });

  it('refuses to start in production without the population registry: no identity would be checked', async () => {
    const { code, output } = await runScript('scripts/api.ts', { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x', TEMPORAL_ADDRESS: '127.0.0.1:1', TEMPORAL_UI_URL: 'http://passport-ops.example.go.id:8080', JWT_SECRET: 'setup-test-jwt-secret-0123456789abcdef', BANK_CALLBACK_SECRET: 'setup-test-bank-secret', POS_CALLBACK_SECRET: 'setup-test-pos-secret' });
    expect(code).toBe(1);
    expect(output).toContain('DUKCAPIL_API_URL: required in production for the API');
  });

  it('the worker refuses to start in production without SMTP_URL: no applicant would be told anything', async () => {
    const { code, output } = await runScript('scripts/worker.ts', { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@127.0.0.1:1/x', TEMPORAL_ADDRESS: '127.0.0.1:1', JWT_SECRET: 'setup-test-jwt-secret-0123456789abcdef', BANK_CALLBACK_SECRET: 'setup-test-bank-secret', POS_CALLBACK_SECRET: 'setup-test-pos-secret' });
    expect(code).toBe(1);
    expect(output).toContain('SMTP_URL: required in production for the worker');
  });

  it('refuses to start on an empty catalogue: no office to apply at, no passport to apply for', async () => {
    const url = await freshDatabase();
    await withDb(url, migrateToLatest);
    const { code, output } = await production('api', url);
    expect(code).toBe(1);
    expect(output).toContain('no immigration offices are loaded');
    expect(output).toContain('no passport fees (PRODUCT) are loaded');
    expect(output).toContain('the `setup` service');
  });

  it('refuse a database a newer version has migrated (a rollback), rather than serve on a schema they do not know', async () => {
    const url = await freshDatabase();
    expect((await setup(url)).code).toBe(0);
    await withDb(url, (db) => sql`insert into kysely_migration (name, timestamp) values ('2099_01_01_001_future', '2099-01-01T00:00:00.000Z')`.execute(db));
    const { code, output } = await production('api', url);
    expect(code, output).toBe(1);
    expect(output).toContain('the database was migrated by a newer version of the service (2099_01_01_001_future)');
  });
});

describe('setup-database', () => {
  it('migrates and loads the shipped reference data; run again, it changes nothing', async () => {
    const url = await freshDatabase();
    const first = await setup(url);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toMatch(/schema: \d+ migrations applied/);
    expect(first.output).toContain('offices.json: 5 offices (5 added)');
    expect(first.output).toContain('fees.json: 7 fees (7 added)');
    expect(first.output).toMatch(/calendar\/2026\.json: 2026 DECREED, \d+ days off/);
    expect(first.output).toContain('the database is ready for the API and the worker');
    const counts = () =>
      withDb(url, async (db) => ({
        offices: (await db.selectFrom('offices').selectAll().execute()).length,
        fees: (await db.selectFrom('fee_schedule').selectAll().execute()).length,
        documents: (await db.selectFrom('document_requirements').selectAll().execute()).length,
        holidays: (await db.selectFrom('holidays').selectAll().execute()).length,
      }));
    const loaded = await counts();
    expect(loaded.offices).toBe(5);
    expect(loaded.documents).toBeGreaterThanOrEqual(12);

    const second = await setup(url);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain('schema: up to date');
    expect(second.output).toContain('offices.json: 5 offices (5 unchanged)');
    expect(second.output).toContain('fees.json: 7 fees (7 unchanged)');
    expect(second.output).toMatch(/requirements\.json: .*\(unchanged\)/);
    expect(second.output).toContain('calendar/2026.json: 2026 DECREED (unchanged since it was last loaded)');
    expect(second.output).not.toContain('WARNING');
    expect(await counts()).toEqual(loaded);
  });

  it("loads an operator's edit on the next run, and retires (never deletes) an office the file no longer lists", async () => {
    const url = await freshDatabase();
    const dir = await referenceCopy();
    expect((await setup(url, dir)).code).toBe(0);
    await editJson(join(dir, 'offices.json'), (offices: Array<{ code: string; dailyQuota: { regular: number } }>) =>
      offices.filter((o) => o.code !== 'WSB').map((o) => (o.code === 'PLU' ? { ...o, dailyQuota: { ...o.dailyQuota, regular: 90 } } : o)),
    );
    await editJson(join(dir, 'fees.json'), (fees: Array<{ code: string; amount: number }>) => fees.map((f) => (f.code === 'ORDINARY_5Y' ? { ...f, amount: 360_000 } : f)));
    await editJson(join(dir, 'requirements.json'), (r: Record<string, Array<{ document: string }>>) => ({ ...r, NEW: [...r.NEW!, { document: 'Surat rekomendasi, for Hajj or Umrah travel', documentId: 'Surat rekomendasi untuk perjalanan haji atau umrah' }] }));
    const { code, output } = await setup(url, dir);
    expect(code, output).toBe(0);
    expect(output).toContain('offices.json: 4 offices (1 updated, 3 unchanged)');
    expect(output).toContain('fees.json: 7 fees (1 updated, 6 unchanged)');
    expect(output).toMatch(/requirements\.json: .*\(replaced\)/);
    expect(output).toContain('WARNING: offices in the database but not in offices.json, retired (no new applications; applications already open there continue): WSB (0 open)');
    await withDb(url, async (db) => {
      expect((await db.selectFrom('offices').select('regular_quota').where('code', '=', 'PLU').executeTakeFirstOrThrow()).regular_quota).toBe(90);
      expect((await db.selectFrom('offices').select('code').where('code', '=', 'WSB').execute()).length).toBe(1);
      expect((await db.selectFrom('fee_schedule').select('amount').where('code', '=', 'ORDINARY_5Y').executeTakeFirstOrThrow()).amount).toBe(360_000);
      expect((await db.selectFrom('document_requirements').select('document').where('application_type', '=', 'NEW').orderBy('position').execute()).at(-1)!.document).toMatch(/Hajj/);
    });
  });

  it('retires an office and a product once, reports them on every run, and brings them back when listed again', async () => {
    const url = await freshDatabase();
    const dir = await referenceCopy();
    expect((await setup(url, dir)).code).toBe(0);
    await withDb(url, (db) => openApplication(db, 'WSB'));
    const offices = JSON.parse(await readFile(join(dir, 'offices.json'), 'utf8'));
    const fees = JSON.parse(await readFile(join(dir, 'fees.json'), 'utf8'));
    await editJson(join(dir, 'offices.json'), (list: Array<{ code: string }>) => list.filter((o) => o.code !== 'WSB'));
    await editJson(join(dir, 'fees.json'), (list: Array<{ code: string }>) => list.filter((f) => f.code !== 'ELECTRONIC_5Y'));
    const removed = await setup(url, dir);
    expect(removed.code, removed.output).toBe(0);
    expect(removed.output).toContain('offices.json: 4 offices (4 unchanged); retired: WSB');
    expect(removed.output).toContain('fees.json: 6 fees (6 unchanged); retired: ELECTRONIC_5Y');
    expect(removed.output).toContain('WARNING: offices in the database but not in offices.json, retired (no new applications; applications already open there continue): WSB (1 open)');
    expect(removed.output).toContain('WARNING: fees in the database but not in fees.json, retired (no new application chooses them; those that did keep them): ELECTRONIC_5Y');
    const retiredAt = () =>
      withDb(url, async (db) => ({
        office: (await db.selectFrom('offices').select('retired_at').where('code', '=', 'WSB').executeTakeFirstOrThrow()).retired_at,
        fee: (await db.selectFrom('fee_schedule').select('retired_at').where('code', '=', 'ELECTRONIC_5Y').executeTakeFirstOrThrow()).retired_at,
        others: (await db.selectFrom('offices').select('code').where('retired_at', 'is not', null).execute()).length,
      }));
    const first = await retiredAt();
    expect(first.office).toBeInstanceOf(Date);
    expect(first.fee).toBeInstanceOf(Date);
    expect(first.others).toBe(1);

    const again = await setup(url, dir);
    expect(again.output).toContain('offices.json: 4 offices (4 unchanged); retired: WSB');
    expect(again.output).not.toContain('WARNING'); // said once, when it happened
    expect(await retiredAt()).toEqual(first); // the first date stays

    await writeFile(join(dir, 'offices.json'), JSON.stringify(offices));
    await writeFile(join(dir, 'fees.json'), JSON.stringify(fees));
    const back = await setup(url, dir);
    expect(back.code, back.output).toBe(0);
    expect(back.output).toContain('offices.json: 5 offices (1 back in service, 4 unchanged)\n');
    expect(back.output).toContain('fees.json: 7 fees (1 back in service, 6 unchanged)\n');
    expect(await retiredAt()).toEqual({ office: null, fee: null, others: 0 });
  });

  it("resizes an office's sessions already opened when its quota changes, never below their bookings", async () => {
    const url = await freshDatabase();
    const dir = await referenceCopy();
    expect((await setup(url, dir)).code).toBe(0);
    // PLU: 120 regular seats a day, 60 a session (Asia/Makassar). Sessions open once their first seat is taken.
    const today = localDate(new Date(), 'Asia/Makassar');
    const [yesterday, soon, later] = [addDays(today, -1), addDays(today, 5), addDays(today, 6)];
    const slots = [
      { office_code: 'PLU', date: soon, session: 'MORNING' as const, capacity: 60, booked: 5 },
      { office_code: 'PLU', date: soon, session: 'AFTERNOON' as const, capacity: 60, booked: 45 },
      { office_code: 'PLU', date: later, session: 'MORNING' as const, capacity: 10, booked: 0 }, // set by hand: left alone
      { office_code: 'PLU', date: yesterday, session: 'MORNING' as const, capacity: 60, booked: 3 }, // past
      { office_code: 'TPI', date: soon, session: 'MORNING' as const, capacity: 50, booked: 1 }, // another office
    ];
    await withDb(url, (db) => db.insertInto('appointment_slots').values(slots).execute());
    const capacities = () =>
      withDb(url, async (db) =>
        (await db.selectFrom('appointment_slots').select(['office_code', 'date', 'session', 'capacity']).orderBy('office_code').orderBy('date').orderBy('session').execute()).map(
          (r) => `${r.office_code} ${r.date === today ? 'today' : r.date === yesterday ? 'yesterday' : r.date === soon ? 'soon' : 'later'} ${r.session} ${r.capacity}`,
        ),
      );
    const quota = (regular: number) => editJson(join(dir, 'offices.json'), (list: Array<{ code: string; dailyQuota: object }>) => list.map((o) => (o.code === 'PLU' ? { ...o, dailyQuota: { ...o.dailyQuota, regular } } : o)));

    await quota(80);
    const lowered = await setup(url, dir);
    expect(lowered.code, lowered.output).toBe(0);
    expect(lowered.output).toContain('offices.json: 5 offices (1 updated, 4 unchanged), 2 future sessions resized');
    expect(await capacities()).toEqual(['PLU yesterday MORNING 60', 'PLU soon AFTERNOON 45', 'PLU soon MORNING 40', 'PLU later MORNING 10', 'TPI soon MORNING 50']);

    await quota(120);
    const raised = await setup(url, dir);
    expect(raised.output).toContain('offices.json: 5 offices (1 updated, 4 unchanged), 2 future sessions resized');
    expect(await capacities()).toEqual(['PLU yesterday MORNING 60', 'PLU soon AFTERNOON 60', 'PLU soon MORNING 60', 'PLU later MORNING 10', 'TPI soon MORNING 50']);
  });

  it("warns when an office's time zone changes under future bookings", async () => {
    const url = await freshDatabase();
    const dir = await referenceCopy();
    expect((await setup(url, dir)).code).toBe(0);
    const today = localDate(new Date(), 'Asia/Jayapura');
    await withDb(url, async (db) => {
      const id = await openApplication(db, 'JPR');
      await db
        .insertInto('bookings')
        .values([
          { application_id: id, attempt: 1, office_code: 'JPR', date: addDays(today, -3), session: 'MORNING', released_at: null }, // past
          { application_id: id, attempt: 2, office_code: 'JPR', date: addDays(today, 3), session: 'MORNING', released_at: new Date() }, // given back
          { application_id: id, attempt: 3, office_code: 'JPR', date: addDays(today, 4), session: 'AFTERNOON', released_at: null },
        ])
        .execute();
    });
    await editJson(join(dir, 'offices.json'), (list: Array<{ code: string }>) => list.map((o) => (['JPR', 'WSB'].includes(o.code) ? { ...o, timeZone: 'Asia/Makassar' } : o)));
    const { code, output } = await setup(url, dir);
    expect(code, output).toBe(0);
    expect(output).toContain('offices.json: 5 offices (2 updated, 3 unchanged)');
    expect(output).toContain(
      'WARNING: office JPR moved from Asia/Jayapura to Asia/Makassar with 1 future booking: their appointment times (the no-show deadline at the end of the day) were computed in the old zone and are not moved',
    );
    expect(output).not.toContain('office WSB moved'); // no bookings there
  });

  it('never undoes a decree imported since, with a provisional file, changed or not', async () => {
    const url = await freshDatabase();
    const dir = await referenceCopy();
    expect((await setup(url, dir)).code).toBe(0);
    // The operator imports 2027's decree (npm run holidays -- import), then a later deployment runs setup again.
    const decree = { year: 2027, status: 'DECREED' as const, source: 'SKB 3 Menteri 2027 (test)', holidays: [{ date: '2027-01-01', name: 'Tahun Baru 2027 Masehi', kind: 'NATIONAL' as const }] };
    await withDb(url, (db) => importCalendarYear(db, decree));
    const unchanged = await setup(url, dir);
    expect(unchanged.output).toContain('calendar/2027.json: 2027 PROVISIONAL (unchanged since it was last loaded)');
    await editJson(join(dir, 'calendar', '2027.json'), (year: { holidays: Array<{ name: string }> }) => ({ ...year, holidays: year.holidays.slice(1) }));
    const changed = await setup(url, dir);
    expect(changed.code, changed.output).toBe(0);
    expect(changed.output).toContain('WARNING: calendar/2027.json is provisional, but 2027 is loaded from its decree (SKB 3 Menteri 2027 (test)): the file is not applied');
    await withDb(url, async (db) => {
      expect(await db.selectFrom('calendar_years').select(['status', 'source']).where('year', '=', 2027).executeTakeFirstOrThrow()).toEqual({ status: 'DECREED', source: decree.source });
      expect((await db.selectFrom('holidays').selectAll().where('date', '>=', '2027-01-01').where('date', '<=', '2027-12-31').execute()).length).toBe(1);
    });
  });

  it('refuses broken files naming every problem, before it changes anything', async () => {
    const url = await freshDatabase();
    const dir = await referenceCopy();
    await editJson(join(dir, 'offices.json'), (offices: Array<Record<string, unknown>>) => [
      ...offices.slice(0, 2),
      { ...offices[0], name: 'Kantor\u0000Imigrasi' },
      { ...offices[2], timeZone: 'Asia/Tokyo', dailyQuota: { regular: -1, sameDay: 0, priority: 0 } },
    ]);
    await editJson(join(dir, 'fees.json'), (fees: Array<{ code: string }>) => fees.filter((f) => f.code !== 'FINE_LOST'));
    await editJson(join(dir, 'requirements.json'), (r: Record<string, unknown>) => ({ ...r, LOST: undefined }));
    await writeFile(join(dir, 'calendar', '2030.json'), JSON.stringify({ year: 2031, status: 'DECREED', source: 'SKB 2031', holidays: [] }));
    const { code, output } = await setup(url, dir);
    expect(code).toBe(1);
    expect(output).toContain('setup-database failed: the reference data cannot be loaded');
    expect(output).toContain('offices.json: 2.code: office PLU is listed twice');
    expect(output).toContain('offices.json: 2.name: must not contain control characters');
    expect(output).toContain('offices.json: 3.timeZone: must be one of Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura');
    expect(output).toContain('offices.json: 3.dailyQuota.regular:');
    expect(output).toContain('fees.json: must list the fine FINE_LOST (kind FINE)');
    expect(output).toContain('requirements.json: LOST:');
    expect(output).toContain('calendar/2030.json: holds the year 2031; name it 2031.json');
    expect(await tablesIn(url)).toBe(0); // not even migrated
  });

  it("loads each office's address, notice email and session hours, and the documents in both languages", async () => {
    const url = await freshDatabase();
    const dir = await referenceCopy();
    await editJson(join(dir, 'offices.json'), (offices: Array<Record<string, unknown>>) =>
      offices.map((o) => (o.code === 'JPR' ? { ...o, noticeEmail: undefined, sessionHours: { MORNING: ['07:30', '11:30'], AFTERNOON: ['12:30', '15:00'] } } : o)),
    );
    expect((await setup(url, dir)).code).toBe(0);
    await withDb(url, async (db) => {
      const offices = await db.selectFrom('offices').select(['code', 'address', 'notice_email', 'session_hours']).where('code', 'in', ['PLU', 'JPR']).orderBy('code').execute();
      expect(offices).toEqual([
        { code: 'JPR', address: expect.stringContaining('Jayapura'), notice_email: null, session_hours: { MORNING: ['07:30', '11:30'], AFTERNOON: ['12:30', '15:00'] } },
        { code: 'PLU', address: expect.stringContaining('Palu'), notice_email: 'paspor.plu@imigrasi.example', session_hours: { MORNING: ['08:00', '12:00'], AFTERNOON: ['13:00', '16:00'] } },
      ]);
      const ktp = await db.selectFrom('document_requirements').select(['document', 'document_id', 'note_id']).where('application_type', '=', 'NEW').where('position', '=', 1).executeTakeFirstOrThrow();
      expect(ktp).toEqual({ document: 'KTP-el (electronic identity card), original', document_id: 'KTP-el asli', note_id: null });
    });
    const again = await setup(url, dir);
    expect(again.output).toContain('offices.json: 5 offices (5 unchanged)'); // hours compared as values, not as text
    await editJson(join(dir, 'offices.json'), (offices: Array<Record<string, unknown>>) => offices.map((o) => (o.code === 'PLU' ? { ...o, address: 'Jl. Baru No. 1, Palu', noticeEmail: null } : o)));
    const edited = await setup(url, dir);
    expect(edited.output).toContain('offices.json: 5 offices (1 updated, 4 unchanged)');
    await withDb(url, async (db) =>
      expect(await db.selectFrom('offices').select(['address', 'notice_email']).where('code', '=', 'PLU').executeTakeFirstOrThrow()).toEqual({ address: 'Jl. Baru No. 1, Palu', notice_email: null }),
    );
  });

  it('refuses an office without an address, a bad notice email or session hours, and a document without its Indonesian name', async () => {
    const url = await freshDatabase();
    const dir = await referenceCopy();
    const hours = (MORNING: unknown, AFTERNOON: unknown) => ({ MORNING, AFTERNOON });
    await editJson(join(dir, 'offices.json'), (offices: Array<Record<string, unknown>>) => [
      { ...offices[0], address: undefined },
      { ...offices[1], noticeEmail: 'not an email' },
      { ...offices[2], sessionHours: hours(['8:00', '12:00'], ['13:00', '16:00']) },
      { ...offices[3], sessionHours: hours(['08:00', '12:00'], ['16:00', '13:00']) },
      { ...offices[4], sessionHours: hours(['08:00', '13:30'], ['13:00', '16:00']) },
    ]);
    await editJson(join(dir, 'requirements.json'), (r: Record<string, Array<Record<string, unknown>>>) => ({
      ...r,
      NEW: [{ ...r.NEW![0], documentId: undefined }, { ...r.NEW![2], noteId: undefined }],
    }));
    const { code, output } = await setup(url, dir);
    expect(code).toBe(1);
    expect(output).toMatch(/offices\.json: 0\.address: .*expected string/i);
    expect(output).toContain('offices.json: 1.noticeEmail: must be an email address');
    expect(output).toContain('offices.json: 2.sessionHours.MORNING.0: must be a local time HH:MM, e.g. 08:00');
    expect(output).toContain('offices.json: 3.sessionHours.AFTERNOON: must start before it ends');
    expect(output).toContain('offices.json: 4.sessionHours.AFTERNOON: the morning session must end before the afternoon session starts');
    expect(output).toMatch(/requirements\.json: NEW\.0\.documentId: .*expected string/i);
    expect(output).toContain('requirements.json: NEW.1.noteId: a note needs both languages: give note and noteId, or neither');
    expect(await tablesIn(url)).toBe(0);
  });

  it('applies nothing when one file is refused: an edited office stays as it was', async () => {
    const url = await freshDatabase();
    const dir = await referenceCopy();
    expect((await setup(url, dir)).code).toBe(0);
    await editJson(join(dir, 'offices.json'), (offices: Array<{ name: string }>) => [{ ...offices[0], name: 'Kantor Baru' }, ...offices.slice(1)]);
    await editJson(join(dir, 'calendar', '2026.json'), (year: { source: string; holidays: Array<{ name: string }> }) => ({ ...year, source: 'SKB\u0000 x', holidays: [{ ...year.holidays[0], knd: 'CUTI_BERSAMA' }, ...year.holidays.slice(1)] }));
    await writeFile(join(dir, 'fees.json'), 'x'.repeat(1_000_001));
    const { code, output } = await setup(url, dir);
    expect(code).toBe(1);
    expect(output).toContain('calendar/2026.json: source: must not contain control characters');
    expect(output).toContain('calendar/2026.json: holidays.0: Unrecognized key: "knd"');
    expect(output).toContain('fees.json: 1000001 bytes, more than the 1000000 a reference file may have');
    await withDb(url, async (db) => expect((await db.selectFrom('offices').select('name').where('code', '=', 'PLU').executeTakeFirstOrThrow()).name).not.toBe('Kantor Baru'));
  });

  it('says which folder it could not read', async () => {
    const url = await freshDatabase();
    const { code, output } = await setup(url, '/nonexistent/reference');
    expect(code).toBe(1);
    expect(output).toContain('offices.json: cannot be read (ENOENT) in /nonexistent/reference');
    expect(output).toContain('calendar/: no such folder in /nonexistent/reference');
  });
});

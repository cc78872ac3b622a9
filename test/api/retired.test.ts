// An office and a passport product taken out of the reference files, through the HTTP API: gone for new
// applicants, still there for an application already open at the office. On a database of its own, since
// retiring an office in the run's shared one would refuse other files' applications.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHolidays } from '../../db/queries/holidays.js';
import { DEFAULT_REFERENCE_DIR, seed } from '../../db/reference.js';
import { localDate, nthWorkingDayAfter } from '../../workflows/calendar.js';
import { eventually, startService } from '../support/service.js';
import { sampleSubmission } from '../support/workflows.js';
import { ownDatabase } from '../support/databases.js';
import { paymentCallback } from '../support/bank.js';

let s: Awaited<ReturnType<typeof startService>>;
let dir: string;
let database: Awaited<ReturnType<typeof ownDatabase>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'passport-reference-'));
  await cp(resolve(import.meta.dirname, '../..', DEFAULT_REFERENCE_DIR), dir, { recursive: true });
  database = await ownDatabase('retired', { referenceDir: dir });
  s = await startService({ databaseUrl: database.url });
});
afterAll(async () => {
  await s?.stop();
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

/** The operator's edit of a reference file, then the setup step's load (as `npm run setup-database` does). */
async function reload(file: 'offices.json' | 'fees.json', change: (rows: Array<{ code: string }>) => unknown) {
  const path = join(dir, file);
  await writeFile(path, JSON.stringify(change(JSON.parse(await readFile(path, 'utf8')))));
  return seed(s.db, dir);
}

describe('an office and a product removed from the reference files', () => {
  it('take no new application, while an application already open at the office still books; listed again, the office is back', { timeout: 180_000 }, async () => {
    const { auth } = await s.applicant();
    const submitted = await s.call('POST', '/applications', { ...sampleSubmission(), officeCode: 'WSB', product: 'ELECTRONIC_5Y' }, auth);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const { applicationId, billingCode, amount } = submitted.body;
    const paid = await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback({ billingCode, amount })).send();
    expect(paid.status).toBe(202);
    await eventually(async () => (await s.call('GET', `/applications/${applicationId}`, undefined, auth)).body.stage, (stage) => stage === 'AWAITING_BOOKING', 60_000);

    const offices = await readFile(join(dir, 'offices.json'), 'utf8');
    await reload('offices.json', (rows) => rows.filter((o) => o.code !== 'WSB'));
    await reload('fees.json', (rows) => rows.filter((f) => f.code !== 'ELECTRONIC_5Y'));

    const listed = await s.call('GET', '/offices');
    expect(listed.body.map((o: { code: string }) => o.code)).toEqual(['JPR', 'PLG', 'PLU', 'TPI']);
    const fees = await s.call('GET', '/fees');
    expect(fees.body.map((f: { code: string }) => f.code)).not.toContain('ELECTRONIC_5Y');
    expect(fees.body.map((f: { code: string }) => f.code)).toContain('ELECTRONIC_10Y');
    const availability = await s.call('GET', '/offices/WSB/availability');
    expect(availability.status).toBe(404);
    expect(availability.body.detail).toBe('no immigration office with code WSB');

    const { auth: newcomer } = await s.applicant();
    const atRetiredOffice = await s.call('POST', '/applications', { ...sampleSubmission(), officeCode: 'WSB' }, newcomer);
    expect(atRetiredOffice.status).toBe(400);
    expect(atRetiredOffice.body.errors).toEqual([{ field: 'officeCode', reason: 'no immigration office with code WSB' }]);
    const retiredProduct = await s.call('POST', '/applications', { ...sampleSubmission(), product: 'ELECTRONIC_5Y' }, newcomer);
    expect(retiredProduct.status).toBe(400);
    expect(retiredProduct.body.errors).toEqual([{ field: 'product', reason: 'no passport product ELECTRONIC_5Y' }]);
    expect(Number((await s.db.selectFrom('applications').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)).toBe(1);

    // The application submitted before keeps its office and its product.
    const date = nthWorkingDayAfter(localDate(new Date(), 'Asia/Jakarta'), 2, await loadHolidays(s.db));
    const booked = await s.call('POST', `/applications/${applicationId}/booking`, { date, session: 'MORNING' }, auth);
    expect(booked.status, JSON.stringify(booked.body)).toBe(200);
    expect(booked.body).toMatchObject({ officeCode: 'WSB', date, session: 'MORNING' });
    const own = await s.call('GET', `/applications/${applicationId}`, undefined, auth);
    expect(own.body).toMatchObject({ stage: 'AWAITING_INTERVIEW', officeCode: 'WSB', product: 'ELECTRONIC_5Y' });

    await writeFile(join(dir, 'offices.json'), offices);
    await seed(s.db, dir);
    expect((await s.call('GET', '/offices')).body.map((o: { code: string }) => o.code)).toContain('WSB');
    const back = await s.call('GET', '/offices/WSB/availability');
    expect(back.status).toBe(200);
    expect(back.body.days.flatMap((d: { date: string; sessions: Array<{ session: string; seatsLeft: number }> }) => d.sessions.map((x) => ({ date: d.date, ...x })))).toContainEqual(
      expect.objectContaining({ date, session: 'MORNING', seatsLeft: 29 }),
    );
  });
});

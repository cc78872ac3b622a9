// Applicants through the HTTP API: accounts, what a submission must get right, one active application
// per NIK, their own applications, delivery, and the public reads (tracking, offices, requirements, fees).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintApplicantToken } from '../../api/auth.js';
import { workflowIdFor } from '../../workflows/definitions.js';
import { eventually, startService } from '../support/service.js';
import { findPersonalData, nikFor, sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

const fields = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field).sort();
const reasonOf = (body: { errors?: { field: string; reason: string }[] }, field: string) => body.errors?.find((e) => e.field === field)?.reason;

describe('applicant accounts', () => {
  it('registers, logs in, and refuses a wrong password, a short password and an expired token; a taken email answers alike', async () => {
    const email = `budi-${Date.now()}@example.id`;
    const registered = await s.call('POST', '/auth/register', { email, password: 'kata sandi yang panjang' });
    expect(registered).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(registered.body).not.toHaveProperty('token');
    const stored = await s.db.selectFrom('accounts').select(['id', 'password_hash']).where('email', '=', email).executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored.password_hash).not.toContain('kata sandi');

    // Nobody can tell from registering whether an email has an account: same status, same words.
    const again = await s.call('POST', '/auth/register', { email: email.toUpperCase(), password: 'another long one' });
    expect({ status: again.status, body: again.body, contentType: again.contentType }).toEqual({ status: registered.status, body: registered.body, contentType: registered.contentType });
    expect(await s.call('POST', '/auth/login', { email, password: 'another long one' })).toMatchObject({ status: 401 }); // the account kept its password
    expect(await s.call('POST', '/auth/login', { email, password: 'kata sandi yang salah' })).toMatchObject({ status: 401, body: { type: '/problems/unauthenticated' } });
    const unknown = await s.call('POST', '/auth/login', { email: 'nobody@example.id', password: 'kata sandi yang panjang' });
    expect(unknown).toMatchObject({ status: 401, body: { detail: 'the email or the password is wrong' } });
    const login = await s.call('POST', '/auth/login', { email, password: 'kata sandi yang panjang' });
    expect(login).toMatchObject({ status: 200, body: { accountId: stored.id, token: expect.any(String) } });
    const lifetime = Date.parse(login.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);
    expect((await s.call('GET', '/applications', undefined, { authorization: `Bearer ${login.body.token}` })).status).toBe(200);

    const missing = await s.call('POST', '/auth/register', { email: 'x@example.id' });
    expect(missing).toMatchObject({ status: 400, body: { errors: [{ field: 'password', reason: 'is required' }] } });
    const asText = await s.call('POST', '/auth/register', JSON.stringify({ email, password: 'kata sandi yang panjang' }), { 'content-type': 'text/plain' });
    expect(asText).toMatchObject({ status: 415, body: { type: '/problems/unsupported-media-type' } });
    const short = await s.call('POST', '/auth/register', { email: 'x@example.id', password: 'short' });
    expect(short).toMatchObject({ status: 400, body: { errors: [{ field: 'password', reason: 'must be at least 10 characters' }] } });
    // Half a surrogate pair would be hashed as U+FFFD: "\ud800", "\udfff" and "\ufffd" would be one password.
    const lone = await s.call('POST', '/auth/register', '{"email":"lone@example.id","password":"kata sandi \\ud800 panjang"}', { 'content-type': 'application/json' });
    expect(lone).toMatchObject({ status: 400, body: { errors: [{ field: 'password', reason: 'must be valid Unicode text (a lone surrogate was found)' }] } });
    expect(await s.db.selectFrom('accounts').select('id').where('email', '=', 'lone@example.id').executeTakeFirst()).toBeUndefined();
    const expired = await mintApplicantToken(s.config.JWT_SECRET, stored.id, -60);
    expect(await s.call('GET', '/applications', undefined, { authorization: `Bearer ${expired}` })).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/expired/) } });
    expect((await s.call('GET', '/applications', undefined, { authorization: 'Bearer not-a-token' })).status).toBe(401);
  });

  it("limits an account's sign-in attempts per client, then from every client an hour; its owner elsewhere keeps signing in", async () => {
    const limited = await s.listenWith({ APPLICANT_LOGIN_RATE_PER_MINUTE: '1', APPLICANT_LOGIN_BURST: '3', APPLICANT_LOGIN_PER_ACCOUNT_HOUR: '8', TRUST_PROXY: 'true' });
    const client = () => ({ 'x-forwarded-for': `2001:db8::${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}` });
    const [guesser, owner] = [client(), client()];
    const victim = `siti-${randomUUID()}@example.id`;
    const login = (email: string, password: string, from: Record<string, string>) => limited.call('POST', '/auth/login', { email, password }, from);
    expect((await limited.call('POST', '/auth/register', { email: victim, password: 'kata sandi yang panjang' })).status).toBe(202);
    const guesses = await Promise.all(Array.from({ length: 3 }, (_, i) => login(victim, `tebakan nomor ${i}`, guesser)));
    expect(guesses.map((r) => r.status)).toEqual([401, 401, 401]);
    // The guesser's fourth try is refused, the right password included, the email in capitals the same account.
    const refused = await login(victim.toUpperCase(), 'kata sandi yang panjang', guesser);
    expect(refused).toMatchObject({ status: 429, body: { type: '/problems/rate-limited', detail: 'at most 3 sign-in attempts in a row for one account from one client, then 1 a minute' } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(refused.body).not.toHaveProperty('token');
    // The owner, on their own phone, is not locked out by it.
    expect((await login(victim, 'kata sandi yang panjang', owner)).status).toBe(200);
    // Guessers on many addresses share the account's hourly ceiling (8: four attempts so far), then everyone waits.
    for (let i = 0; i < 4; i++) expect((await login(victim, 'tebakan lagi', client())).status).toBe(401);
    const ceiling = await login(victim, 'kata sandi yang panjang', owner);
    expect(ceiling).toMatchObject({ status: 429, body: { detail: 'at most 8 sign-in attempts an hour for one account' } });
    // An email with no account is limited the same way: the answer tells nothing of whether it has one.
    const nobody = `nobody-${randomUUID()}@example.id`;
    for (let i = 0; i < 3; i++) expect((await login(nobody, 'kata sandi yang panjang', guesser)).status).toBe(401);
    expect((await login(nobody, 'kata sandi yang panjang', guesser)).status).toBe(429);
  });

  it('refuses sign-ins and registrations past the hashing queue with 503 and Retry-After, counting no attempt, and serves everything else meanwhile', async () => {
    const busy = await s.listenWith({ PASSWORD_HASH_QUEUE: '2', APPLICANT_LOGIN_RATE_PER_MINUTE: '1', APPLICANT_LOGIN_BURST: '20' });
    const email = `dewi-${randomUUID()}@example.id`;
    const login = () => busy.call('POST', '/auth/login', { email, password: 'kata sandi yang panjang' });
    expect((await busy.call('POST', '/auth/register', { email, password: 'kata sandi yang panjang' })).status).toBe(202);
    const flood = Array.from({ length: 30 }, (_, i) => (i % 2 ? busy.call('POST', '/auth/register', { email: `flood-${randomUUID()}@example.id`, password: 'kata sandi yang panjang' }) : login()));
    const offices = busy.call('GET', '/offices'); // sent while the flood waits its turn
    const answers = await Promise.all(flood);
    expect((await offices).status).toBe(200);
    const turnedAway = answers.filter((r) => r.status === 503);
    expect(turnedAway.length).toBeGreaterThan(0);
    expect(answers.every((r) => [200, 202, 503].includes(r.status))).toBe(true);
    expect(turnedAway[0]).toMatchObject({ body: { type: '/problems/unavailable', detail: 'too many sign-ins and registrations at once; try again in a few seconds' } });
    expect(turnedAway[0]!.headers.get('retry-after')).toBe('5');
    // Once it has drained, the person signs in with the attempts the 503s did not count: 20 less those that got in.
    const signedIn = answers.filter((r, i) => i % 2 === 0 && r.status === 200).length;
    const after: number[] = [];
    for (let i = 0; i <= 20 - signedIn; i++) after.push((await login()).status);
    expect(after).toEqual([...Array<number>(20 - signedIn).fill(200), 429]);
  });
});

describe('what a submission must get right', () => {
  it('checks the NIK against the birth date and sex, in words a person can act on', async () => {
    const { auth } = await s.applicant();
    const woman = sampleSubmission();
    const asMan = await s.call('POST', '/applications', { ...woman, sex: 'M' }, auth);
    expect(asMan.status).toBe(400);
    expect(fields(asMan.body)).toEqual(['nik']);
    expect(reasonOf(asMan.body, 'nik')).toMatch(/over 40, which marks a woman, but sex is M/);

    const otherBirthday = await s.call('POST', '/applications', { ...woman, birthDate: '1991-05-12' }, auth);
    expect(reasonOf(otherBirthday.body, 'nik')).toMatch(/say born 12-05-90, but the birth date is 12-05-91/);
    const noProvince = await s.call('POST', '/applications', { ...woman, nik: `99${woman.nik.slice(2)}` }, auth);
    expect(reasonOf(noProvince.body, 'nik')).toMatch(/not an Indonesian province code/);
    const noSerial = await s.call('POST', '/applications', { ...woman, nik: `${woman.nik.slice(0, 12)}0000` }, auth);
    expect(reasonOf(noSerial.body, 'nik')).toMatch(/serial/);
    const man = await s.call('POST', '/applications', { ...woman, sex: 'M', nik: nikFor('1985-01-31', 'M'), birthDate: '1985-01-31', fullName: 'Budi Santoso' }, auth);
    expect(man.status).toBe(201);

    const contact = await s.call('POST', '/applications', { ...sampleSubmission(), phone: '12345', email: 'budi at example' }, auth);
    expect(fields(contact.body)).toEqual(['email', 'phone']);
    expect(reasonOf(contact.body, 'phone')).toMatch(/Indonesian mobile number/);
    const future = await s.call('POST', '/applications', { ...sampleSubmission(), birthDate: '2999-01-01' }, auth);
    expect(fields(future.body)).toEqual(['birthDate', 'nik']); // and the NIK, which says 1990
  });

  it('asks a renewal for the old passport, a lost or damaged one for the report, and Pos for an address', async () => {
    const { auth } = await s.applicant();
    const renewal = await s.call('POST', '/applications', { ...sampleSubmission(), applicationType: 'RENEWAL' }, auth);
    expect(renewal).toMatchObject({ status: 400, body: { type: '/problems/validation' } });
    expect(fields(renewal.body)).toEqual(['oldPassportNumber']);
    expect(reasonOf(renewal.body, 'oldPassportNumber')).toMatch(/required to renew/);

    const lost = await s.call('POST', '/applications', { ...sampleSubmission(), applicationType: 'LOST' }, auth);
    expect(fields(lost.body)).toEqual(['incidentReport']);
    const report = { date: '2026-10-01', place: 'Pasar Inpres Manonda, Palu', description: 'The passport was in a bag that was stolen.' };
    const noPolice = await s.call('POST', '/applications', { ...sampleSubmission(), applicationType: 'LOST', incidentReport: report }, auth);
    expect(fields(noPolice.body)).toEqual(['incidentReport.policeReportNumber']);
    expect(reasonOf(noPolice.body, 'incidentReport.policeReportNumber')).toMatch(/police report/);
    const damaged = await s.call('POST', '/applications', { ...sampleSubmission(), applicationType: 'DAMAGED', incidentReport: { ...report, description: 'short' } }, auth);
    expect(fields(damaged.body)).toEqual(['incidentReport.description']);

    const pos = await s.call('POST', '/applications', { ...sampleSubmission(), deliveryMethod: 'POS', address: undefined }, auth);
    expect(fields(pos.body)).toEqual(['address']);

    const good = await s.call('POST', '/applications', { ...sampleSubmission(), applicationType: 'LOST', incidentReport: { ...report, policeReportNumber: 'SKTLK/123/X/2026' } }, auth);
    expect(good.status).toBe(201);
    const stored = await s.call('GET', `/applications/${good.body.applicationId}`, undefined, auth);
    expect(stored.body).toMatchObject({ applicationType: 'LOST', incidentReport: { policeReportNumber: 'SKTLK/123/X/2026' } });
    const renewed = await s.call('POST', '/applications', { ...sampleSubmission(), applicationType: 'RENEWAL', oldPassportNumber: 'B1234567' }, auth);
    expect(renewed.status).toBe(201);
  });

  it('keeps one active application per NIK however many submissions race, and five people per account', async () => {
    const person = sampleSubmission();
    const accounts = await Promise.all(Array.from({ length: 6 }, () => s.applicant()));
    const raced = await Promise.all(accounts.map(({ auth }) => s.call('POST', '/applications', person, auth)));
    expect(raced.filter((r) => r.status === 201)).toHaveLength(1);
    for (const refused of raced.filter((r) => r.status !== 201)) {
      expect(refused).toMatchObject({ status: 409, body: { type: '/problems/active-application' } });
      expect(refused.body.detail).not.toMatch(/[A-Z0-9]{4}-[A-Z0-9]{4}/); // nobody learns the other's tracking code
    }
    const rows = await s.db.selectFrom('applications').select('id').where('nik', '=', person.nik).execute();
    expect(rows).toHaveLength(1);

    // Once that application is cancelled, the NIK may apply again.
    const winner = accounts[raced.findIndex((r) => r.status === 201)]!;
    const first = raced.find((r) => r.status === 201)!.body;
    expect((await s.call('POST', `/applications/${first.applicationId}/cancel`, {}, winner.auth)).status).toBe(200);
    await eventually(() => s.call('GET', `/track/${first.trackingCode}`), (r) => r.body.stage === 'CANCELLED');
    expect((await s.call('POST', '/applications', person, winner.auth)).status).toBe(201);

    // A family: five people on one account, not a sixth.
    const family = accounts[0]!;
    const mine = (await s.call('GET', '/applications', undefined, family.auth)).body.filter((a: { stage: string }) => a.stage !== 'CANCELLED').length;
    for (let i = mine; i < 5; i++) expect((await s.call('POST', '/applications', sampleSubmission(), family.auth)).status).toBe(201);
    const sixth = await s.call('POST', '/applications', sampleSubmission(), family.auth);
    expect(sixth).toMatchObject({ status: 409, body: { type: '/problems/account-limit' } });
    expect(sixth.body.detail).toMatch(/at most 5 people/);
  });
});

describe("an applicant's own applications", () => {
  it("lists and reads only your own, with the timeline; another account's application answers as an unknown id does", async () => {
    const me = await s.applicant();
    const other = await s.applicant();
    const submitted = (await s.call('POST', '/applications', sampleSubmission(), me.auth)).body;
    await eventually(() => s.call('GET', `/applications/${submitted.applicationId}`, undefined, me.auth), (r) => r.body.timeline?.length === 1);

    const list = await s.call('GET', '/applications', undefined, me.auth);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ applicationId: submitted.applicationId, trackingCode: submitted.trackingCode, stage: 'AWAITING_PAYMENT', billingCode: submitted.billingCode });
    expect((await s.call('GET', '/applications', undefined, other.auth)).body).toEqual([]);

    const read = await s.call('GET', `/applications/${submitted.applicationId}`, undefined, me.auth);
    expect(read.body).toMatchObject({ fullName: 'Siti Rahmawati', sex: 'F', timeline: [{ stage: 'AWAITING_PAYMENT', actor: 'applicant' }] });
    // Ids cannot be probed: someone else's application and one that does not exist answer the same.
    const unknown = await s.call('GET', '/applications/00000000-0000-4000-8000-000000000000', undefined, me.auth);
    expect(unknown).toMatchObject({ status: 404, body: { type: '/problems/not-found' } });
    const others = await s.call('GET', `/applications/${submitted.applicationId}`, undefined, other.auth);
    expect({ status: others.status, body: others.body }).toEqual({ status: unknown.status, body: unknown.body });
    const cancelled = await s.call('POST', `/applications/${submitted.applicationId}/cancel`, {}, other.auth);
    expect({ status: cancelled.status, body: cancelled.body }).toEqual({ status: unknown.status, body: unknown.body });
    expect((await s.call('GET', `/track/${submitted.trackingCode}`)).body.stage).toBe('AWAITING_PAYMENT');
    expect(await s.call('GET', '/applications/not-a-uuid', undefined, me.auth)).toMatchObject({ status: 400, body: { errors: [{ field: 'param.applicationId' }] } });
  });

  it('chooses Pos delivery with an address kept out of Temporal, and back to pickup', async () => {
    const me = await s.applicant();
    const withoutAddress = await s.call('POST', '/applications', { ...sampleSubmission(), address: undefined }, me.auth);
    expect(withoutAddress).toMatchObject({ status: 400, body: { errors: [{ field: 'address' }] } }); // a missed SLA means free Pos delivery: always asked
    const submitted = (await s.call('POST', '/applications', sampleSubmission(), me.auth)).body;
    const path = `/applications/${submitted.applicationId}/delivery`;
    expect(await s.call('PUT', path, { method: 'POS', address: 'short' }, me.auth)).toMatchObject({ status: 400, body: { errors: [{ field: 'address' }] } });
    const address = 'Jl. Diponegoro No. 7, Kelurahan Lere, Palu Barat';
    expect(await s.call('PUT', path, { method: 'POS', address }, me.auth)).toMatchObject({ status: 200, body: { deliveryMethod: 'POS', stage: 'AWAITING_PAYMENT' } });
    const row = await s.db.selectFrom('applications').select(['delivery_address', 'delivery_method']).where('id', '=', submitted.applicationId).executeTakeFirstOrThrow();
    expect(row).toEqual({ delivery_address: address, delivery_method: 'POS' });
    expect(await findPersonalData(s.env.client, [{ workflowId: workflowIdFor(submitted.applicationId), personal: [address] }])).toEqual([]);
    expect(await s.call('PUT', path, { method: 'PICKUP' }, me.auth)).toMatchObject({ status: 200, body: { deliveryMethod: 'PICKUP' } });
    expect(await s.call('PUT', path, { method: 'DRONE' }, me.auth)).toMatchObject({ status: 400, body: { errors: [{ field: 'method', reason: 'must be one of PICKUP, POS' }] } });
  });

  it('never lets a retry of an older delivery choice overwrite the address of a newer one', async () => {
    const me = await s.applicant();
    const submitted = (await s.call('POST', '/applications', sampleSubmission(), me.auth)).body;
    const path = `/applications/${submitted.applicationId}/delivery`;
    const older = { method: 'POS', address: 'Jl. Diponegoro No. 7, Kelurahan Lere, Palu Barat' };
    const newer = { method: 'POS', address: 'Jl. Hasanuddin No. 12, Kelurahan Besusu, Palu Timur' };
    const olderKey = { ...me.auth, 'idempotency-key': `delivery-${randomUUID()}` };
    expect(await s.call('PUT', path, older, olderKey)).toMatchObject({ status: 200, body: { deliveryMethod: 'POS' } });
    expect(await s.call('PUT', path, newer, { ...me.auth, 'idempotency-key': `delivery-${randomUUID()}` })).toMatchObject({ status: 200 });
    // The client retries the older request (its answer was lost): the first answer again, and the newer address stays.
    expect(await s.call('PUT', path, older, olderKey)).toMatchObject({ status: 200, body: { deliveryMethod: 'POS' } });
    const addressOf = async () => (await s.db.selectFrom('applications').select('delivery_address').where('id', '=', submitted.applicationId).executeTakeFirstOrThrow()).delivery_address;
    expect(await addressOf()).toBe(newer.address);
    // A new request, without a key, is newer than both.
    expect(await s.call('PUT', path, older, me.auth)).toMatchObject({ status: 200 });
    expect(await addressOf()).toBe(older.address);
  });
});

describe('public reads', () => {
  it('tracks by code with nothing personal, and limits lookups per client', async () => {
    const me = await s.applicant();
    const person = { ...sampleSubmission(), deliveryMethod: 'POS' as const };
    const submitted = (await s.call('POST', '/applications', person, me.auth)).body;
    const tracked = await s.call('GET', `/track/${submitted.trackingCode}`);
    expect(tracked.status).toBe(200);
    expect(Object.keys(tracked.body).sort()).toEqual(
      ['appointment', 'deliveryMethod', 'estimatedCompletion', 'nextDeadline', 'officeCode', 'posTrackingNumber', 'slaBreached', 'stage', 'stageEnteredAt', 'timeZone', 'timeline', 'trackingCode'].sort(),
    );
    const text = JSON.stringify(tracked.body);
    for (const personal of [person.nik, person.fullName, person.email, person.phone, person.address!, person.birthDate, submitted.applicationId, submitted.billingCode]) {
      expect(text).not.toContain(personal);
    }
    expect(submitted.trackingCode).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect((await s.call('GET', '/track/AAAA-AAAA-AAAA')).status).toBe(404);
    expect(await s.call('GET', '/track/12345')).toMatchObject({ status: 400, body: { errors: [{ field: 'param.trackingCode' }] } });

    const limited = await s.listenWith({ TRACKING_RATE_PER_MINUTE: '60', TRACKING_BURST: '3' });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await limited.call('GET', `/track/${submitted.trackingCode}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await limited.call('GET', `/track/${submitted.trackingCode}`);
    expect(refused).toMatchObject({ status: 429, body: { type: '/problems/rate-limited' } });
    expect(refused.contentType).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await limited.call('GET', '/offices')).status).toBe(200); // only tracking is limited
  });

  it('lists offices with time zone and services, the documents per type, and the fee schedule', async () => {
    const offices = await s.call('GET', '/offices');
    expect(offices.body).toContainEqual({
      code: 'PLG',
      name: 'Kantor Imigrasi Kelas I TPI Palembang',
      city: 'Palembang',
      timeZone: 'Asia/Jakarta',
      services: ['REGULAR', 'SAME_DAY', 'PRIORITY'],
      dailyQuota: { regular: 200, sameDay: 35, priority: 50 },
    });
    expect(offices.body.find((o: { code: string }) => o.code === 'JPR').timeZone).toBe('Asia/Jayapura');

    const lost = await s.call('GET', '/requirements/LOST');
    expect(lost.body.documents.map((d: { document: string }) => d.document).join('\n')).toMatch(/police/);
    const renewal = await s.call('GET', '/requirements/RENEWAL');
    expect(renewal.body.documents.map((d: { document: string }) => d.document).join('\n')).toMatch(/passport/);
    expect(await s.call('GET', '/requirements/VISA')).toMatchObject({ status: 400, body: { errors: [{ field: 'param.applicationType' }] } });

    const fees = await s.call('GET', '/fees');
    expect(fees.body).toContainEqual({ code: 'FINE_LOST', kind: 'FINE', description: 'Fine for a lost passport', amount: 1_000_000 });
    expect(fees.body).toContainEqual(expect.objectContaining({ code: 'ORDINARY_5Y', amount: 350_000 }));
  });
});

describe('privacy', () => {
  it('keeps the NIK, name, birth date, contact details and address out of every history this file produced', async () => {
    expect(await s.personalDataInHistories()).toEqual([]);
  });
});

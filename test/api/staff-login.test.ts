// Staff sign-in (issue 17): accounts made by `npm run staff`, a password instead of a pasted token; the token it
// gives acts with the account's role and office; one 401 for every refusal; a limit per client against guessing.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { hashPassword } from '../../api/passwords.js';
import { createStaffAccount, DEMO_STAFF_PASSWORD, demoStaffEmail, seedDemoStaff } from '../../db/queries/staff-accounts.js';
import { startService } from '../support/service.js';

const root = resolve(import.meta.dirname, '../..');
let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

const PASSWORD = 'counter-desk-0001';
const login = (email: string, password: string, call = s.call) => call('POST', '/auth/staff/login', { email, password });
/** `npm run staff` as an operator runs it, against the test's database. */
const staffCommand = (args: string[], password?: string) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/staff.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: inject('databaseUrl'), ...(password && { STAFF_PASSWORD: password }) },
  }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  );

describe('npm run staff and POST /auth/staff/login', () => {
  it("makes an officer's account that signs in and acts for its office only", async () => {
    const email = `siti.${Date.now()}@imigrasi.example`;
    const added = await staffCommand(['add', '--role', 'officer', '--office', 'PLU', '--email', email], PASSWORD);
    expect(added.code, added.out).toBe(0);
    const signedIn = await login(email.toUpperCase(), PASSWORD);
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect(signedIn.body).toMatchObject({ role: 'officer', office: 'PLU', staffId: expect.stringMatching(/^officer-plu-/), expiresAt: expect.any(String) });
    const auth = { authorization: `Bearer ${signedIn.body.token}` };
    expect((await s.call('GET', '/officer/queue', undefined, auth)).status).toBe(200);
    expect((await s.call('GET', '/manager/summary', undefined, auth)).status).toBe(403);
    // The same email again is refused, and the first account keeps its password.
    const again = await staffCommand(['add', '--role', 'manager', '--office', 'PLU', '--email', email], 'another-password-1');
    expect(again).toMatchObject({ code: 1, out: expect.stringContaining('exists already') });
    expect((await login(email, PASSWORD)).status).toBe(200);
  });

  it('answers one 401 for an unknown email, a wrong password and a disabled account', async () => {
    const email = `budi.${Date.now()}@imigrasi.example`;
    await createStaffAccount(s.db, { id: `manager-wsb-budi-${Date.now()}`, email, role: 'manager', office: 'WSB', passwordHash: await hashPassword(PASSWORD) });
    const wrong = await login(email, 'not-the-password-1');
    const unknown = await login(`nobody.${Date.now()}@imigrasi.example`, PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect((await staffCommand(['disable', '--email', email])).code).toBe(0);
    expect((await login(email, PASSWORD)).body).toEqual(wrong.body);
    expect((await staffCommand(['disable', '--email', `nobody.${Date.now()}@imigrasi.example`])).code).toBe(1);
  });

  it('refuses bad input with 400 naming the field, and bad accounts at the command', async () => {
    const short = await login('x@imigrasi.example', 'short');
    expect(short.status).toBe(400);
    expect(short.body.errors.map((e: { field: string }) => e.field)).toEqual(['password']);
    expect((await staffCommand(['add', '--role', 'officer', '--office', '*', '--email', 'a@imigrasi.example'], PASSWORD)).code).toBe(2);
    expect((await staffCommand(['add', '--role', 'chief', '--office', 'PLU', '--email', 'a@imigrasi.example'], PASSWORD)).code).toBe(2);
    expect((await staffCommand(['add', '--role', 'officer', '--office', 'ZZZ', '--email', 'a@imigrasi.example'], PASSWORD))).toMatchObject({ code: 1, out: expect.stringContaining('no office ZZZ') });
    expect((await staffCommand(['add', '--role', 'officer', '--office', 'PLU', '--email', 'a@imigrasi.example'], 'short')).code).toBe(2);
  });

  it("gives npm start's embedded database a demo officer and manager per office, once", async () => {
    const hash = await hashPassword(DEMO_STAFF_PASSWORD);
    await seedDemoStaff(s.db, hash);
    expect(await seedDemoStaff(s.db, hash)).toEqual([]);
    const officer = await login(demoStaffEmail('officer', 'WSB'), DEMO_STAFF_PASSWORD);
    expect(officer.body).toMatchObject({ role: 'officer', office: 'WSB', staffId: 'officer-wsb-demo' });
    expect((await login(demoStaffEmail('manager', 'WSB'), DEMO_STAFF_PASSWORD)).body).toMatchObject({ role: 'manager', office: 'WSB' });
  });

  it('limits sign-in attempts per client: over the burst, 429 with Retry-After', async () => {
    const limited = await s.listenWith({ STAFF_LOGIN_RATE_PER_MINUTE: '2', STAFF_LOGIN_BURST: '2' });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await login(`guess.${i}@imigrasi.example`, 'guessing-password', limited.call));
    expect(answers.map((a) => a.status)).toEqual([401, 401, 429]);
    expect(answers[2]!.body.detail).toBe('at most 2 sign-in attempts in a row from one client, then 2 a minute');
  });
});

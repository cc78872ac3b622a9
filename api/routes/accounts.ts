// Applicant accounts: register, then log in with email and password for a short-lived token.
// Registration answers alike whether or not the email has an account, so accounts cannot be probed.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { findActiveStaff } from '../../db/queries/staff-accounts.js';
import { mintApplicantToken, mintStaffToken } from '../auth.js';
import { HashingBusy, passwordHashing, verifyPassword } from '../passwords.js';
import { HttpProblem } from '../problems.js';
import { jsonBody, jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { clientIp, rateLimited, tokenBucket } from '../rate-limit.js';
import { credentialsSchema, registrationSchema, sessionTokenSchema, staffSessionSchema } from '../schemas.js';

const register = createRoute({
  method: 'post',
  path: '/auth/register',
  tags: ['accounts'],
  summary: 'Create an applicant account (one account may apply for up to 5 people of a family), then log in',
  description:
    'The answer is the same whether or not the email already has an account (so nobody can find out who has one): if the email is new, the account is created with this password; then `POST /auth/login` gives the token. ' +
    '503 with Retry-After when more sign-ins and registrations arrive at once than the server hashes (PASSWORD_HASH_QUEUE).',
  request: { body: jsonBody(credentialsSchema) },
  responses: { 202: jsonResponse('Taken in: log in with the same email and password', registrationSchema), ...problems(400, 503) },
});

const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['accounts'],
  summary: 'Log in as an applicant; the token expires after 15 minutes',
  description:
    'Attempts are limited per account (by email, whether or not it has an account) from one client (APPLICANT_LOGIN_RATE_PER_MINUTE, APPLICANT_LOGIN_BURST) ' +
    'and from all clients together (APPLICANT_LOGIN_PER_ACCOUNT_HOUR): 429 with Retry-After when exceeded. ' +
    '503 with Retry-After when more sign-ins and registrations arrive at once than the server hashes (PASSWORD_HASH_QUEUE); no attempt is counted then.',
  request: { body: jsonBody(credentialsSchema) },
  responses: { 200: jsonResponse('Logged in', sessionTokenSchema), ...problems(400, 401, 429, 503) },
});

const staffLogin = createRoute({
  method: 'post',
  path: '/auth/staff/login',
  tags: ['accounts'],
  summary: 'Sign in as an officer, a manager or a finance officer (an account made with `npm run staff`); the token lasts a shift (STAFF_TOKEN_HOURS)',
  description:
    'The same 401 for an unknown email, a wrong password and a disabled account. Limited per client like public tracking (STAFF_LOGIN_RATE_PER_MINUTE, STAFF_LOGIN_BURST): 429 with Retry-After when exceeded. ' +
    "Staff passwords are hashed in a queue of their own, apart from applicants': 503 with Retry-After only when 16 staff sign-ins already wait.",
  request: { body: jsonBody(credentialsSchema) },
  responses: { 200: jsonResponse('Signed in', staffSessionSchema), ...problems(400, 401, 429, 503) },
});

const REGISTERED = 'If this email had no account, it has one now with this password; log in with POST /auth/login.';

export const accountRoutes = (deps: ApiDeps) => {
  const ttlSeconds = deps.config.APPLICANT_TOKEN_MINUTES * 60;
  const session = async (accountId: string) => ({
    accountId,
    token: await mintApplicantToken(deps.config.JWT_SECRET, accountId, ttlSeconds),
    expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
  });
  const staffTtlSeconds = Math.round(deps.config.STAFF_TOKEN_HOURS * 3600);
  // Applicants' hashes (sign-in, registration) go through one queue, officers' through their own, so that a flood of
  // the first never turns an officer away. One at a time per core (the cores less one held 2-core machines to one
  // hash at a time: 5 new accounts a second), and libuv runs scrypt on its 4 threads: at most 3, one left for the rest.
  const passwords = passwordHashing({ running: Math.max(1, Math.min(availableParallelism(), 3)), waiting: deps.config.PASSWORD_HASH_QUEUE });
  const staffPasswords = passwordHashing({ running: 1, waiting: 16 });
  const hashed = async <T>(c: Context, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof HashingBusy)) throw error;
      c.header('retry-after', '5');
      throw new HttpProblem('unavailable', error.message);
    }
  };
  const bucket = (scope: string, perMinute: number, burst: number, refusal: string) =>
    tokenBucket(deps.db, { scope, perMinute, burst, trustProxy: deps.config.TRUST_PROXY, secret: deps.config.JWT_SECRET, refusal });
  // Guessing: an account's attempts from one client (a person who mistypes keeps their own), and from everywhere an hour
  // (many clients guessing one password; also all it takes to keep its owner out for the rest of that hour).
  const fromClient = bucket(
    'applicant-login',
    deps.config.APPLICANT_LOGIN_RATE_PER_MINUTE,
    deps.config.APPLICANT_LOGIN_BURST,
    `at most ${deps.config.APPLICANT_LOGIN_BURST} sign-in attempts in a row for one account from one client, then ${deps.config.APPLICANT_LOGIN_RATE_PER_MINUTE} a minute`,
  );
  const perHour = deps.config.APPLICANT_LOGIN_PER_ACCOUNT_HOUR;
  const fromAnywhere = bucket('applicant-login-account', perHour / 60, perHour, `at most ${perHour} sign-in attempts an hour for one account`);
  const router = newRouter();
  router.use(
    '/auth/staff/login',
    rateLimited(deps.db, {
      scope: 'staff-login',
      perMinute: deps.config.STAFF_LOGIN_RATE_PER_MINUTE,
      burst: deps.config.STAFF_LOGIN_BURST,
      trustProxy: deps.config.TRUST_PROXY,
      secret: deps.config.JWT_SECRET,
      refusal: `at most ${deps.config.STAFF_LOGIN_BURST} sign-in attempts in a row from one client, then ${deps.config.STAFF_LOGIN_RATE_PER_MINUTE} a minute`,
    }),
  );
  return router
    .openapi(register, async (c) => {
      const { email, password } = c.req.valid('json');
      // Hashed and inserted either way: a taken email costs the same time and answers the same words.
      const passwordHash = await hashed(c, () => passwords.hash(password));
      await deps.db.insertInto('accounts').values({ id: randomUUID(), email, password_hash: passwordHash }).onConflict((oc) => oc.column('email').doNothing()).execute();
      return c.json({ status: 'accepted' as const, detail: REGISTERED }, 202);
    })
    .openapi(login, async (c) => {
      const { email, password } = c.req.valid('json');
      // In a hashing slot from the start: turned away (503) before any attempt is counted, never after.
      const account = await hashed(c, () =>
        passwords.run(async () => {
          // Tokens taken alike for an email with no account (nothing tells them apart).
          await fromClient.takeOrRefuse(c, fromClient.keyFor(`${email}\n${clientIp(c, deps.config.TRUST_PROXY)}`));
          await fromAnywhere.takeOrRefuse(c, fromAnywhere.keyFor(email));
          const found = await deps.db.selectFrom('accounts').select(['id', 'password_hash']).where('email', '=', email).executeTakeFirst();
          return (await verifyPassword(password, found?.password_hash)) ? found : undefined;
        }),
      );
      if (!account) throw new HttpProblem('unauthenticated', 'the email or the password is wrong');
      return c.json(await session(account.id), 200);
    })
    .openapi(staffLogin, async (c) => {
      const { email, password } = c.req.valid('json');
      const staff = await findActiveStaff(deps.db, email);
      // Verified either way (an unknown email costs the same time), and one answer for every refusal.
      if (!(await hashed(c, () => staffPasswords.verify(password, staff?.password_hash))) || !staff) throw new HttpProblem('unauthenticated', 'the email or the password is wrong');
      const { id: sub, role, office } = staff;
      const token = await mintStaffToken(deps.config.JWT_SECRET, { sub, role, office }, staffTtlSeconds);
      return c.json({ staffId: sub, role, office, token, expiresAt: new Date(Date.now() + staffTtlSeconds * 1000).toISOString() }, 200);
    });
};

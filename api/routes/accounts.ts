// Applicant accounts: register, then log in with email and password for a short-lived token.
// Registration answers alike whether or not the email has an account, so accounts cannot be probed.
import { randomUUID } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { findActiveStaff } from '../../db/queries/staff-accounts.js';
import { mintApplicantToken, mintStaffToken } from '../auth.js';
import { availableParallelism } from 'node:os';
import { HashingBusy, passwordHashing } from '../passwords.js';
import { HttpProblem } from '../problems.js';
import { jsonBody, jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { rateLimited, tokenBucket } from '../rate-limit.js';
import { credentialsSchema, registrationSchema, sessionTokenSchema, staffSessionSchema } from '../schemas.js';

const register = createRoute({
  method: 'post',
  path: '/auth/register',
  tags: ['accounts'],
  summary: 'Create an applicant account (one account may apply for up to 5 people of a family), then log in',
  description: 'The answer is the same whether or not the email already has an account (so nobody can find out who has one): if the email is new, the account is created with this password; then `POST /auth/login` gives the token.',
  request: { body: jsonBody(credentialsSchema) },
  responses: { 202: jsonResponse('Taken in: log in with the same email and password', registrationSchema), ...problems(400, 503) },
});

const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['accounts'],
  summary: 'Log in as an applicant; the token expires after 15 minutes',
  description:
    'Limited per account (APPLICANT_LOGIN_RATE_PER_MINUTE, APPLICANT_LOGIN_BURST; by email, whether or not it has an account): 429 with Retry-After when exceeded. ' +
    '503 with Retry-After when more sign-ins and registrations arrive at once than the server hashes (PASSWORD_HASH_QUEUE).',
  request: { body: jsonBody(credentialsSchema) },
  responses: { 200: jsonResponse('Logged in', sessionTokenSchema), ...problems(400, 401, 429, 503) },
});

const staffLogin = createRoute({
  method: 'post',
  path: '/auth/staff/login',
  tags: ['accounts'],
  summary: 'Sign in as an officer, a manager or a finance officer (an account made with `npm run staff`); the token lasts a shift (STAFF_TOKEN_HOURS)',
  description:
    'The same 401 for an unknown email, a wrong password and a disabled account. Limited per client like public tracking (STAFF_LOGIN_RATE_PER_MINUTE, STAFF_LOGIN_BURST): 429 with Retry-After when exceeded.',
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
  // Every hash of this API goes through one queue: the cores less one at a time, a bounded number waiting.
  const passwords = passwordHashing({ running: Math.max(1, availableParallelism() - 1), waiting: deps.config.PASSWORD_HASH_QUEUE });
  const hashed = async <T>(c: Context, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof HashingBusy)) throw error;
      c.header('retry-after', '5');
      throw new HttpProblem('unavailable', error.message);
    }
  };
  const loginLimit = tokenBucket(deps.db, {
    scope: 'applicant-login',
    perMinute: deps.config.APPLICANT_LOGIN_RATE_PER_MINUTE,
    burst: deps.config.APPLICANT_LOGIN_BURST,
    trustProxy: false,
    secret: deps.config.JWT_SECRET,
    refusal: `at most ${deps.config.APPLICANT_LOGIN_BURST} sign-in attempts in a row for one account, then ${deps.config.APPLICANT_LOGIN_RATE_PER_MINUTE} a minute`,
  });
  const router = newRouter();
  router.use(
    '/auth/staff/login',
    rateLimited(deps.db, {
      scope: 'staff-login',
      perMinute: deps.config.STAFF_LOGIN_RATE_PER_MINUTE,
      burst: deps.config.STAFF_LOGIN_BURST,
      trustProxy: deps.config.TRUST_PROXY,
      secret: deps.config.JWT_SECRET,
      refusal: `at most ${deps.config.STAFF_LOGIN_RATE_PER_MINUTE} sign-in attempts a minute from one client`,
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
      // A token of the account's bucket first, taken alike for an email with no account (nothing tells them apart).
      const key = loginLimit.keyFor(email);
      const taken = await loginLimit.take(deps.db, key).executeTakeFirst();
      loginLimit.taken();
      if (!taken) return loginLimit.refuse(c, key);
      const account = await deps.db.selectFrom('accounts').select(['id', 'password_hash']).where('email', '=', email).executeTakeFirst();
      if (!(await hashed(c, () => passwords.verify(password, account?.password_hash))) || !account) throw new HttpProblem('unauthenticated', 'the email or the password is wrong');
      return c.json(await session(account.id), 200);
    })
    .openapi(staffLogin, async (c) => {
      const { email, password } = c.req.valid('json');
      const staff = await findActiveStaff(deps.db, email);
      // Verified either way (an unknown email costs the same time), and one answer for every refusal.
      if (!(await hashed(c, () => passwords.verify(password, staff?.password_hash))) || !staff) throw new HttpProblem('unauthenticated', 'the email or the password is wrong');
      const { id: sub, role, office } = staff;
      const token = await mintStaffToken(deps.config.JWT_SECRET, { sub, role, office }, staffTtlSeconds);
      return c.json({ staffId: sub, role, office, token, expiresAt: new Date(Date.now() + staffTtlSeconds * 1000).toISOString() }, 200);
    });
};

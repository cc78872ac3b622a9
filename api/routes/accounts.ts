// Applicant accounts: register and log in with email and password; both answer a short-lived token.
import { randomUUID } from 'node:crypto';
import { createRoute } from '@hono/zod-openapi';
import { mintApplicantToken } from '../auth.js';
import { hashPassword, verifyPassword } from '../passwords.js';
import { HttpProblem } from '../problems.js';
import { jsonBody, jsonResponse, newRouter, problems, type ApiDeps } from '../router.js';
import { credentialsSchema, sessionTokenSchema } from '../schemas.js';

const register = createRoute({
  method: 'post',
  path: '/auth/register',
  tags: ['accounts'],
  summary: 'Create an applicant account (one account may apply for up to 5 people of a family)',
  request: { body: jsonBody(credentialsSchema) },
  responses: { 201: jsonResponse('Registered and logged in', sessionTokenSchema), ...problems(400, 409) },
});

const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['accounts'],
  summary: 'Log in as an applicant; the token expires after 15 minutes',
  request: { body: jsonBody(credentialsSchema) },
  responses: { 200: jsonResponse('Logged in', sessionTokenSchema), ...problems(400, 401) },
});

export const accountRoutes = (deps: ApiDeps) => {
  const ttlSeconds = deps.config.APPLICANT_TOKEN_MINUTES * 60;
  const session = async (accountId: string) => ({
    accountId,
    token: await mintApplicantToken(deps.config.JWT_SECRET, accountId, ttlSeconds),
    expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
  });
  return newRouter()
    .openapi(register, async (c) => {
      const { email, password } = c.req.valid('json');
      const id = randomUUID();
      const created = await deps.db
        .insertInto('accounts')
        .values({ id, email, password_hash: await hashPassword(password) })
        .onConflict((oc) => oc.column('email').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!created) throw new HttpProblem('email-taken', 'log in instead, or register with another email');
      return c.json(await session(id), 201);
    })
    .openapi(login, async (c) => {
      const { email, password } = c.req.valid('json');
      const account = await deps.db.selectFrom('accounts').select(['id', 'password_hash']).where('email', '=', email).executeTakeFirst();
      if (!(await verifyPassword(password, account?.password_hash)) || !account) throw new HttpProblem('unauthenticated', 'the email or the password is wrong');
      return c.json(await session(account.id), 200);
    });
};

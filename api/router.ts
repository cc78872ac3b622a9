// One way to make a router: zod validation failures become a 400 problem naming each field.
import { createHash } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Env } from 'hono';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { DB } from '../db/schema.js';
import type { Policy } from '../workflows/definitions.js';
import { HttpProblem, fieldErrors, problem } from './problems.js';
import { problemSchema } from './schemas.js';

export interface ApiDeps {
  db: Kysely<DB>;
  temporal: Client;
  config: Config;
  taskQueue: string;
  policy: Policy;
  log?: Logger;
}

export const newRouter = <E extends Env = Env>() =>
  new OpenAPIHono<E>({
    defaultHook: (result, c) => {
      if (!result.success) return problem(c, 'validation', 'some fields are missing or invalid', fieldErrors(result.error, result.target === 'json' ? undefined : result.target));
      return undefined;
    },
  });

const problemContent = { 'application/problem+json': { schema: problemSchema } };
const problemDescriptions: Record<number, string> = {
  400: 'Invalid fields (each named in `errors`)',
  401: 'Missing or invalid credentials',
  403: 'Not allowed for this caller',
  404: 'Not found',
  409: 'The step is out of order, or the session is full',
  413: 'The body is larger than MAX_BODY_BYTES',
  415: 'The body is not of the media type the route takes',
  422: 'The Idempotency-Key was used before with a different request',
  429: 'Too many requests',
  501: 'This deployment has no connection for it (e.g. no bank API): asking again does not help',
  503: 'PostgreSQL or Temporal did not answer in time, or no worker took the step within WORKFLOW_STEP_TIMEOUT_SECONDS: retry after `Retry-After` seconds (a step with the same Idempotency-Key happens at most once)',
};

/** OpenAPI response entries for the problems a route can answer; every route can answer 413 and 503 (api/app.ts). */
export const problems = (...statuses: number[]) =>
  Object.fromEntries([...statuses, 413, 503].map((s) => [s, { description: problemDescriptions[s] ?? 'Error', content: problemContent }]));

export const jsonBody = <T>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
export const jsonResponse = <T>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

type CallerEnv = { Variables: { claims: { role: string; sub: string } } };

/**
 * `Idempotency-Key` on a step: a client that retries after a timeout gets the first answer again instead
 * of a 409, and the step happens once (Temporal keeps the update's id and result on the workflow).
 * The key is the caller's own, and the request it first came with is recorded: the same key with another
 * request (other fields, or another application) is refused with 422, never answered with the first result.
 */
export async function retrySafe<E extends CallerEnv>(c: Context<E>, db: Kysely<DB>, step: { name: string }, request: unknown): Promise<{ updateId?: string; firstSeenAt?: Date }> {
  const key = c.req.header('idempotency-key'); // its form is checked with the route's headers (idempotencyHeaders)
  if (key === undefined) return {};
  const { role, sub } = c.get('claims');
  const caller = `${role}:${sub}`;
  const requestHash = createHash('sha256').update(JSON.stringify([c.req.method, c.req.path, request ?? null])).digest('hex');
  const scope = { caller, step: step.name, key };
  await db.insertInto('idempotency_keys').values({ ...scope, request_hash: requestHash }).onConflict((oc) => oc.columns(['caller', 'step', 'key']).doNothing()).execute();
  const first = await db.selectFrom('idempotency_keys').select(['request_hash', 'created_at']).where('caller', '=', caller).where('step', '=', step.name).where('key', '=', key).executeTakeFirstOrThrow();
  if (first.request_hash !== requestHash) throw new HttpProblem('idempotency-key-reused', 'this Idempotency-Key was used with a different request; send a new key for a new request');
  return { updateId: `${step.name}:${caller}:${key}`, firstSeenAt: first.created_at };
}

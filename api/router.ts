// One way to make a router: zod validation failures become a 400 problem naming each field.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Env } from 'hono';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { DB } from '../db/schema.js';
import type { Policy } from '../workflows/definitions.js';
import { fieldErrors, problem } from './problems.js';
import { problemSchema } from './schemas.js';

export interface ApiDeps {
  db: Kysely<DB>;
  temporal: Client;
  config: Config;
  taskQueue: string;
  policy: Policy;
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
  429: 'Too many requests',
};

/** OpenAPI response entries for the problems a route can answer. */
export const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: problemDescriptions[s] ?? 'Error', content: problemContent }]));

export const jsonBody = <T>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
export const jsonResponse = <T>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });

// Every error leaves as application/problem+json (RFC 9457) with a stable `type`.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { REJECTIONS } from '../workflows/definitions.js';

export interface FieldError {
  field: string;
  reason: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  /** Sessions still open, when the one asked for is full. */
  nextAvailable?: unknown[];
  /** Readiness: each dependency's state. */
  checks?: Record<string, unknown>;
}
type Extensions = Pick<Problem, 'nextAvailable' | 'checks'>;

const TYPES = {
  validation: { title: 'The request has invalid fields', status: 400 },
  unauthenticated: { title: 'Authentication is required', status: 401 },
  forbidden: { title: 'This action is not allowed for you', status: 403 },
  'not-found': { title: 'Not found', status: 404 },
  'out-of-order': { title: 'This step is not possible now', status: 409 },
  'slot-full': { title: 'The session is full', status: 409 },
  conflict: { title: 'Conflicts with the current state', status: 409 },
  'active-application': { title: 'This NIK already has an application in progress', status: 409 },
  'account-limit': { title: 'This account applies for as many people as it may', status: 409 },
  'idempotency-key-reused': { title: 'This Idempotency-Key was used with a different request', status: 422 },
  'registry-mismatch': { title: 'The population registry (Dukcapil) does not confirm this identity', status: 422 },
  'method-not-allowed': { title: 'This method is not allowed on this path', status: 405 },
  'rate-limited': { title: 'Too many requests; try again shortly', status: 429 },
  'unsupported-media-type': { title: 'The body is not of a media type this route takes', status: 415 },
  'too-large': { title: 'The request body is too large', status: 413 },
  unavailable: { title: 'The service is temporarily unavailable', status: 503 },
  'not-configured': { title: 'This deployment has no connection for this', status: 501 },
  internal: { title: 'Internal error', status: 500 },
} as const;
export type ProblemKind = keyof typeof TYPES;

export class HttpProblem extends Error {
  constructor(
    readonly kind: ProblemKind,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly extensions: Extensions = {},
  ) {
    super(detail ?? TYPES[kind].title);
  }
}

/** Seconds a client should wait before retrying a request refused because a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

export function problem(c: Context, kind: ProblemKind, detail?: string, errors?: FieldError[], extensions: Extensions = {}): Response {
  const { title, status } = TYPES[kind];
  const body: Problem = { type: `/problems/${kind}`, title, status, ...(detail && { detail }), ...(errors && { errors }), ...extensions };
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
    ...(status === 503 && { 'retry-after': String(RETRY_AFTER_SECONDS) }),
  });
}

/** SQLSTATEs of a PostgreSQL that is unreachable, shutting down, overloaded, or that cancelled a query on its timeout. */
const PG_UNAVAILABLE = /^(08...|57P0[1-3]|57014|53300)$/;
const PG_CONNECTION_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error)/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

const causes = function* (error: unknown): Generator<unknown> {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth += 1) yield e;
};

/**
 * Which dependency did not answer, when that is why a request failed: PostgreSQL (refused, dropped,
 * timed out, shutting down) or Temporal (gRPC UNAVAILABLE or DEADLINE_EXCEEDED). Undefined for any other error.
 */
export function unavailableDependency(error: unknown): 'PostgreSQL' | 'Temporal' | undefined {
  for (const e of causes(error)) {
    if (typeof e !== 'object' || e === null) continue;
    const { code, message, metadata } = e as { code?: unknown; message?: unknown; metadata?: unknown };
    // gRPC errors carry a numeric status code and metadata; the Temporal client wraps them.
    if (metadata !== undefined && (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED)) return 'Temporal';
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return 'Temporal';
    if (typeof code === 'string' && (PG_UNAVAILABLE.test(code) || NETWORK_CODES.has(code))) return 'PostgreSQL';
    if (typeof message === 'string' && PG_CONNECTION_MESSAGES.test(message)) return 'PostgreSQL';
  }
  return undefined;
}

/**
 * The workflow's reason for refusing a message: thrown by a validator, or by an activity the
 * handler awaited (then wrapped in an ActivityFailure).
 */
export function rejectionOf(error: unknown): ApplicationFailure | undefined {
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  for (let cause: unknown = error.cause; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && cause.type && (Object.values(REJECTIONS) as string[]).includes(cause.type)) return cause;
  }
  return undefined;
}

/**
 * The field an InvalidRequest names: `details[0] = { field }` (the contract of the workflow's validators and
 * the activities); '(body)' when the failure names none.
 */
function fieldOf(failure: ApplicationFailure): string {
  const first: unknown = failure.details?.[0];
  const field = typeof first === 'object' && first !== null ? (first as { field?: unknown }).field : undefined;
  return typeof field === 'string' && field ? field : '(body)';
}

const fieldName = (location: string | undefined, path: PropertyKey[]) => [location, ...path.map(String)].filter(Boolean).join('.') || '(body)';

export const fieldErrors = (error: ZodError, location?: string): FieldError[] =>
  error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldName(location, [...issue.path, key]), reason: 'is not a field of this request' }))
      : {
          field: fieldName(location, issue.path),
          // zod's own words for a missing field are for programmers; say it the way a form would.
          reason: issue.code === 'invalid_type' && /received undefined$/.test(issue.message) ? 'is required' : issue.message,
        },
  );

/** Turns what Temporal says about a rejected message into the problem a person can act on. */
export function problemFromError(c: Context, error: unknown): Response {
  if (error instanceof HttpProblem) return problem(c, error.kind, error.detail, error.errors, error.extensions);
  // Every route checks the application in PostgreSQL first: a workflow not found there has closed.
  if (error instanceof WorkflowNotFoundError) return problem(c, 'out-of-order', 'the application is closed; nothing about it can change now');
  const rejection = rejectionOf(error);
  if (rejection) {
    const { type, message } = rejection;
    if (type === REJECTIONS.outOfOrder) return problem(c, 'out-of-order', message);
    if (type === REJECTIONS.slotFull) return problem(c, 'slot-full', message);
    if (type === REJECTIONS.wrongOffice) return problem(c, 'forbidden', message);
    if (type === REJECTIONS.invalid) {
      const field = fieldOf(rejection);
      // The reason alone; a message that still starts with its field's name says it once.
      const reason = field !== '(body)' && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
      return problem(c, 'validation', field === '(body)' ? reason : `${field}: ${reason}`, [{ field, reason }]);
    }
  }
  if (error instanceof Error && /already completed|workflow execution already completed/i.test(error.message)) {
    return problem(c, 'out-of-order', 'the application is already closed');
  }
  const dependency = unavailableDependency(error);
  if (dependency) return problem(c, 'unavailable', `${dependency} did not answer in time; try again in a few seconds`);
  // The cause is logged (one JSON line, api/metrics.ts), never shown.
  return problem(c, 'internal');
}

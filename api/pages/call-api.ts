// Pages act through the API's own routes, in-process: the same validation, rate limits, authorization and
// logs as any client, and no second path to the workflows or the database (docs/design.md).
import type { Context, Env } from 'hono';

/** The API app's fetch: `createApp(...).fetch`. */
export type ApiFetch = (request: Request, env?: object) => Response | Promise<Response>;

/** `token`: the applicant's session token, on the portal's signed-in pages. */
export type PagesEnv = Env & { Variables: { api: ApiFetch; language: string; token?: string } };

export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  /** The parsed JSON (a problem's `title`, `detail`, `errors`...), or undefined for an empty body. */
  body: T;
}

/** Headers of the person's request that the API reads about its client: the proxy's address, and nothing else. */
const FORWARDED = ['x-forwarded-for'] as const;

/**
 * Calls an API route as the person's own request would: `c.env` goes along, so the rate limiter and the logs
 * see the real client (getConnInfo reads env.incoming), `token` becomes `Authorization: Bearer`, and `headers`
 * go along as they are (an officer step's Idempotency-Key).
 */
export async function callApi<T = any>(
  c: Context<PagesEnv>,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string>; idempotencyKey?: string } = {},
): Promise<ApiAnswer<T>> {
  const headers = new Headers({ accept: 'application/json' });
  for (const name of FORWARDED) {
    const value = c.req.header(name);
    if (value !== undefined) headers.set(name, value);
  }
  if (options.body !== undefined) headers.set('content-type', 'application/json');
  if (options.token !== undefined) headers.set('authorization', `Bearer ${options.token}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  if (options.idempotencyKey) headers.set('idempotency-key', options.idempotencyKey);
  const request = new Request(new URL(path, c.req.url), {
    method,
    headers,
    ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
  });
  const response = await c.var.api(request, c.env as object | undefined);
  const text = await response.text();
  const body = text && (response.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as T) : (undefined as T);
  return { status: response.status, headers: response.headers, body };
}

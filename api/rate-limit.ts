// A token bucket per client IP, in this process's memory: enough for one API instance. With several
// instances each keeps its own buckets (the limit is per instance); a shared store would make it global.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { HttpProblem } from './problems.js';

export interface RateLimit {
  perMinute: number;
  burst: number;
  /** Take the client from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
}

const MAX_CLIENTS = 50_000;

export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by Node (e.g. app.request in a script)
  }
}

export function rateLimited(limit: RateLimit): MiddlewareHandler {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = limit.perMinute / 60_000;
  return async (c, next) => {
    const now = Date.now();
    const ip = clientIp(c, limit.trustProxy);
    const bucket = buckets.get(ip) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    if (bucket.tokens < 1) {
      c.header('retry-after', String(Math.ceil((1 - bucket.tokens) / perMs / 1000)));
      throw new HttpProblem('rate-limited', `at most ${limit.perMinute} lookups a minute from one client`);
    }
    bucket.tokens -= 1;
    // Forget the oldest clients first; a forgotten one simply starts again with a full bucket.
    buckets.delete(ip);
    buckets.set(ip, bucket);
    if (buckets.size > MAX_CLIENTS) buckets.delete(buckets.keys().next().value!);
    await next();
  };
}

// Public tracking's token bucket per client, shared by every API instance through PostgreSQL. A bucket is
// one timestamp, when it is full again (GCRA): tokens = burst - (full_at - now) / interval. Taking a token
// is one statement on the database's clock, so instances racing, or with skewed clocks, never give more
// than the limit. PostgreSQL down: the error ends as the API's 503, never as a pass.
import { createHmac, hkdfSync } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { sql, type InsertQueryBuilder, type Kysely, type QueryCreator } from 'kysely';
import type { DB } from '../db/schema.js';
import { HttpProblem } from './problems.js';

export interface RateLimit {
  /** What is limited: each scope has its own buckets. */
  scope: string;
  perMinute: number;
  burst: number;
  /** Take the client from X-Forwarded-For's last address (only behind one proxy that appends it). */
  trustProxy: boolean;
  /** A secret every instance shares (JWT_SECRET): it keys the hash of the client, so the table names no IP. */
  secret: string;
  /** Who a bucket belongs to (default: the client's IP), and how the refusal names the limit. */
  keyOf?: (c: Context) => string;
  refusal?: string;
}

/** How often an instance deletes the buckets that have refilled: a full bucket is the same as no row. */
const SWEEP_EVERY_MS = 60_000;

export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    // The last address is the one our proxy appended: the peer it saw. Earlier ones are whatever the client
    // sent (proxies append to the header), so taking the first would let a client choose its own bucket.
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // not served by Node (e.g. app.request in a script)
  }
}

/**
 * A client's bucket key: an HMAC of the limit and the IP under a key derived from the shared secret (a plain
 * hash of an IPv4 address is reversed by trying all 2^32). The limit is part of it: tokens only mean something
 * under the rate and burst that counted them, so instances configured differently keep apart.
 */
export function bucketKeys(limit: Omit<RateLimit, 'trustProxy'>): (ip: string) => Buffer {
  const hashKey = Buffer.from(hkdfSync('sha256', limit.secret, '', 'passport rate-limit buckets', 32));
  return (ip) => createHmac('sha256', hashKey).update(`${limit.scope}\n${limit.perMinute}/min\n${limit.burst}\n${ip}`).digest();
}

/** A limit's buckets: the client's key, the statement that takes a token, and the refusal when none was left. */
export interface TokenBucket {
  /** The bucket of the request's client (by `keyOf`, else its IP). */
  keyOf: (c: Context) => Buffer;
  /** The bucket of something named (an account's email): a keyed hash of it, as of an IP. */
  keyFor: (identity: string) => Buffer;
  /**
   * Takes a token from `key`'s bucket: an upsert returning the key when a token was left, no row when not. A
   * statement of its own, or a data-modifying CTE of the statement that serves the request (one round trip).
   */
  take: (db: QueryCreator<DB>, key: Buffer) => InsertQueryBuilder<DB, 'rate_limits', { key: Buffer }>;
  /** After a take: deletes full buckets now and then (no request waits for it). */
  taken: () => void;
  /** No token was left: 429 with Retry-After, when the bucket has one again. */
  refuse: (c: Context, key: Buffer) => Promise<never>;
  /** A token taken in a statement of its own, or the request refused (429) when none was left. */
  takeOrRefuse: (c: Context, key: Buffer) => Promise<void>;
}

export function tokenBucket(db: Kysely<DB>, limit: RateLimit): TokenBucket {
  const bucket = bucketOf(db, limit);
  return {
    ...bucket,
    takeOrRefuse: async (c, key) => {
      const taken = await bucket.take(db, key).executeTakeFirst();
      bucket.taken();
      if (!taken) await bucket.refuse(c, key);
    },
  };
}

function bucketOf(db: Kysely<DB>, limit: RateLimit): Omit<TokenBucket, 'takeOrRefuse'> {
  const hashOf = bucketKeys(limit);
  const clientOf = limit.keyOf ?? ((c: Context) => clientIp(c, limit.trustProxy));
  const interval = 60 / limit.perMinute; // seconds per token
  const seconds = (n: number) => sql<string>`${n}::float8 * interval '1 second'`;
  // A token is left while the bucket is full again at most burst - 1 intervals from now.
  const lastTokenAhead = seconds((limit.burst - 1) * interval);

  let nextSweep = 0;
  return {
    keyOf: (c) => hashOf(clientOf(c)),
    keyFor: hashOf,
    // A new client starts with a full bucket and takes one token; a known one takes one if one is left.
    take: (on, key) =>
      on
        .insertInto('rate_limits')
        .values({ key, full_at: sql`now() + ${seconds(interval)}` })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ full_at: sql`greatest(rate_limits.full_at, now()) + ${seconds(interval)}` })
            .where('rate_limits.full_at', '<=', sql<Date>`now() + ${lastTokenAhead}`),
        )
        .returning('key'),
    taken: () => {
      if (Date.now() < nextSweep) return;
      nextSweep = Date.now() + SWEEP_EVERY_MS;
      // One that fails (PostgreSQL down) is simply done again a minute later.
      void db.deleteFrom('rate_limits').where('full_at', '<=', sql<Date>`now()`).execute().catch(() => undefined);
    },
    refuse: async (c, key) => {
      const bucket = await db
        .selectFrom('rate_limits')
        .select(sql<number>`extract(epoch from full_at - now())::float8`.as('ahead'))
        .where('key', '=', key)
        .executeTakeFirst();
      const untilOneToken = (bucket?.ahead ?? 0) - (limit.burst - 1) * interval;
      c.header('retry-after', String(Math.max(1, Math.ceil(untilOneToken))));
      throw new HttpProblem('rate-limited', limit.refusal ?? `at most ${limit.burst} lookups in a row from one client, then ${limit.perMinute} a minute`);
    },
  };
}

/** The limit as a middleware: a token taken in a statement of its own before the route. */
export function rateLimited(db: Kysely<DB>, limit: RateLimit): MiddlewareHandler {
  const bucket = tokenBucket(db, limit);
  return async (c, next) => {
    await bucket.takeOrRefuse(c, bucket.keyOf(c));
    await next();
  };
}

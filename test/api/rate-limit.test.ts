// Public tracking's rate limit is one limit however many API instances serve it: a bucket per client in
// PostgreSQL, taken atomically, refilled by the database's clock, cleared once full, naming no client.
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketKeys } from '../../api/rate-limit.js';
import { eventually, startService, type Call } from '../support/service.js';

let s: Awaited<ReturnType<typeof startService>>;
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => s?.stop());

/** A client of its own (an IPv6 documentation address), seen through a proxy that sets X-Forwarded-For. */
const newClient = () => `2001:db8::${randomInt(1, 0xffff).toString(16)}:${randomInt(1, 0xffff).toString(16)}`;

interface Limit {
  perMinute: number;
  burst: number;
}

/** API instances on the run's database, each with its own process state, behind a proxy, all with one limit. */
async function instances(count: number, limit: Limit, settings: Record<string, string> = { TRUST_PROXY: 'true' }) {
  const all = [];
  for (let i = 0; i < count; i++) {
    all.push(await s.listenWith({ ...settings, TRACKING_RATE_PER_MINUTE: String(limit.perMinute), TRACKING_BURST: String(limit.burst) }));
  }
  return all;
}

/** A lookup of a code nobody has: 404 when the limit lets it through, 429 when not. */
const lookup = (instance: { call: Call }, client: string) => instance.call('GET', '/track/AAAA-AAAA-AAAA', undefined, { 'x-forwarded-for': client });

const statuses = async (responses: Promise<{ status: number }>[]) => (await Promise.all(responses)).map((r) => r.status);

/** The client's bucket as stored: how many seconds from now (the database's) it is full again. */
const bucketOf = (limit: Limit, client: string) => {
  const key = bucketKeys({ scope: 'tracking', ...limit, secret: s.config.JWT_SECRET })(client);
  return {
    key,
    aheadSeconds: async () => {
      const row = await s.db.selectFrom('rate_limits').select(sql<number>`extract(epoch from full_at - now())::float8`.as('ahead')).where('key', '=', key).executeTakeFirst();
      return row?.ahead;
    },
    /** As if this many seconds had passed on the database's clock. */
    age: (by: number) => sql`update rate_limits set full_at = full_at - ${by}::float8 * interval '1 second' where key = ${key}`.execute(s.db),
  };
};

describe("public tracking's rate limit", () => {
  it('is one limit across two API instances: 2 lookups on one and 2 on the other, the 4th is 429 with Retry-After', async () => {
    const limit = { perMinute: 6, burst: 3 }; // a token every 10 s
    const [a, b] = await instances(2, limit);
    const client = newClient();
    expect(await statuses([lookup(a!, client)])).toEqual([404]);
    expect(await statuses([lookup(a!, client)])).toEqual([404]);
    expect(await statuses([lookup(b!, client)])).toEqual([404]);
    const refused = await lookup(b!, client);
    expect(refused).toMatchObject({ status: 429, body: { type: '/problems/rate-limited', detail: 'at most 3 lookups in a row from one client, then 6 a minute' } });
    expect(refused.contentType).toContain('application/problem+json');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(9); // the next token is one interval (10 s) after the burst
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect((await lookup(a!, client)).status).toBe(429);
    // Each client has its own bucket.
    expect(await statuses([lookup(a!, newClient()), lookup(b!, newClient())])).toEqual([404, 404]);
  });

  it('lets exactly the burst through when 20 lookups race on two instances, on a new bucket and on refilled ones', async () => {
    const limit = { perMinute: 1, burst: 5 };
    const [a, b] = await instances(2, limit);
    const client = newClient();
    for (let round = 0; round < 3; round++) {
      const all = await statuses(Array.from({ length: 20 }, (_, i) => lookup(i % 2 === 0 ? a! : b!, client)));
      expect(all.filter((status) => status === 404), `round ${round}`).toHaveLength(5);
      expect(all.filter((status) => status === 429), `round ${round}`).toHaveLength(15);
      await bucketOf(limit, client).age(600);
    }
  });

  it("refills by the database's clock: one interval gives one lookup, on either instance, and Retry-After counts down", async () => {
    const limit = { perMinute: 1, burst: 2 }; // a token every 60 s
    const [a, b] = await instances(2, limit);
    const client = newClient();
    const bucket = bucketOf(limit, client);
    expect(await statuses([lookup(a!, client), lookup(b!, client)])).toEqual([404, 404]);
    const refused = await lookup(b!, client);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(55);

    await bucket.age(45);
    const later = await lookup(a!, client);
    expect(later.status).toBe(429);
    expect(Number(later.headers.get('retry-after'))).toBeGreaterThan(10);
    expect(Number(later.headers.get('retry-after'))).toBeLessThanOrEqual(15);

    await bucket.age(15); // one interval in all: one token
    expect((await lookup(b!, client)).status).toBe(404);
    expect((await lookup(a!, client)).status).toBe(429);

    await bucket.age(600); // long enough to fill: the whole burst again, never more (racing, any one may be the refused)
    expect((await statuses([lookup(a!, client), lookup(b!, client), lookup(a!, client)])).sort()).toEqual([404, 404, 429]);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set: a new header per lookup does not escape the limit', async () => {
    const [direct] = await instances(1, { perMinute: 7, burst: 2 }, {}); // a limit of its own: the socket's 127.0.0.1 is everyone's here
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await lookup(direct!, newClient())).status);
    expect(seen).toEqual([404, 404, 429]);
  });

  it('behind a proxy, takes the address the proxy appended: what the client puts before it does not escape the limit', async () => {
    const [behindProxy] = await instances(1, { perMinute: 5, burst: 2 });
    const client = newClient();
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push((await lookup(behindProxy!, `198.51.100.${i + 1}, ${client}`)).status);
    expect(seen).toEqual([404, 404, 429]);
  });

  it('stores no client IP: only a keyed hash and a time', async () => {
    const limit = { perMinute: 6, burst: 3 };
    const [a] = await instances(1, limit);
    const clients = [`203.0.113.${randomInt(1, 255)}`, newClient()];
    for (const client of clients) expect((await lookup(a!, client)).status).toBe(404);

    const rows = await s.db.selectFrom('rate_limits').selectAll().execute();
    for (const client of clients) expect(rows.some((row) => row.key.equals(bucketOf(limit, client).key))).toBe(true);
    expect(Object.keys(rows[0]!).sort()).toEqual(['full_at', 'key']);
    const stored = JSON.stringify(rows.map((row) => [row.key.toString('latin1'), row.key.toString('hex'), row.full_at]));
    for (const client of clients) {
      expect(stored).not.toContain(client);
      expect(stored).not.toContain(Buffer.from(client).toString('hex'));
    }
  });

  it('deletes buckets that have refilled, and keeps the others', async () => {
    const limit = { perMinute: 1, burst: 2 };
    const [a] = await instances(1, limit);
    const [refilled, inUse] = [newClient(), newClient()];
    expect(await statuses([lookup(a!, refilled), lookup(a!, inUse)])).toEqual([404, 404]);
    await bucketOf(limit, refilled).age(61);

    const [fresh] = await instances(1, limit); // an instance sweeps on its first lookup, then once a minute
    expect((await lookup(fresh!, newClient())).status).toBe(404);
    await eventually(() => bucketOf(limit, refilled).aheadSeconds(), (ahead) => ahead === undefined, 5_000);
    expect(await bucketOf(limit, inUse).aheadSeconds()).toBeGreaterThan(50);
  });
});

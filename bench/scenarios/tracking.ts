// Scenario 3: the public tracking read, GET /track/{code}, of the API against a bare node:http server in
// this process that runs the same SQL statement (captured from the route's own query code) on a pg pool
// of the API's size, maps its row with the route's own mapping and answers the same body; then the API's
// latency at a fixed 1,000 requests/s.
import { createServer, type Server } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../../config.js';
import { getTypeParser, preparedName } from '../../db/connect.js';
import { trackApplication, trackingOf } from '../../db/queries/applications.js';
import type { DB } from '../../db/schema.js';
import type { Scenario } from '../scenario.js';
import { call, submitApplications } from './applicants.js';
import { quiet, round } from './measures.js';

/** Applications of no appointment yet. */
const OFFICE = 'PLU';
const CONNECTIONS = 32;
const FIXED_RATE = 1000;
const SLA_WORKING_DAYS = 3;
/** The code the statement is captured with: its parameter is the looked-up code's. */
const CAPTURED_CODE = 'AAAA-AAAA-AAAA';

/** The statements trackApplication runs for one code, without the rate limit's token the route takes in the same statement. */
async function capturedStatements(databaseUrl: string, trackingCode: string): Promise<CompiledQuery[]> {
  const statements: CompiledQuery[] = [];
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }), log: (event) => void statements.push(event.query) });
  try {
    await trackApplication(db, trackingCode, SLA_WORKING_DAYS);
  } finally {
    await db.destroy();
  }
  return statements;
}

/** The bare server: the read's one statement (prepared, as the route's), its row mapped as the route maps it. */
async function bareServer(databaseUrl: string, poolSize: number, [read]: CompiledQuery[]): Promise<{ url: string; close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, types: { getTypeParser } });
  const server: Server = createServer((req, res) => {
    const code = /^\/track\/([^/?]+)$/.exec(req.url ?? '')?.[1];
    const answer = async () => {
      if (!code) return { status: 404, body: {} };
      const values = read!.parameters.map((p) => (p === CAPTURED_CODE ? code : p));
      const found = (await pool.query({ name: preparedName(read!.sql), text: read!.sql, values })).rows[0] as Parameters<typeof trackingOf>[0] | undefined;
      if (!found) return { status: 404, body: {} };
      return { status: 200, body: trackingOf(found, SLA_WORKING_DAYS) };
    };
    answer().then(
      ({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      },
      () => {
        res.writeHead(500);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

/** autocannon from a worker thread (the bare server has this process's main thread to itself), cycling the codes. */
const load = (url: string, codes: string[], seconds: number, overallRate?: number) =>
  autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    workers: 1,
    requests: codes.map((code) => ({ method: 'GET', path: `/track/${code}` })),
    ...(overallRate && { overallRate }),
  });

const summary = (r: autocannon.Result) => ({
  requests: r['2xx'] + r.non2xx,
  non2xx: r.non2xx,
  errors: r.errors,
  perSecond: round((r['2xx'] + r.non2xx) / r.duration, 1),
  latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
  seconds: r.duration,
});

export const scenario: Scenario = {
  id: 'tracking',
  title: 'Public tracking read against bare node:http',
  async run(ctx) {
    const { cluster, quick } = ctx;
    const count = quick ? 10 : 50;
    const seconds = quick ? { warm: 1, max: 3, fixed: 3 } : { warm: 3, max: 15, fixed: 30 };
    const progress = ctx.progress('tracking', count + 5);
    const codes = (await submitApplications(cluster, count, OFFICE, { onEach: () => progress.tick() })).map((a) => a.trackingCode);

    const statements = await capturedStatements(cluster.databaseUrl, CAPTURED_CODE);
    if (statements.length !== 1) throw new Error(`the tracking read ran ${statements.length} statements, expected 1 (the application, its timeline and holidays)`);
    const poolSize = loadConfig({ DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX }).DATABASE_POOL_MAX;
    const bare = await bareServer(cluster.databaseUrl, poolSize, statements);
    try {
      // The new workflows' first steps done, so neither side shares the CPUs with them.
      const busyBefore = await quiet();
      await load(cluster.apiUrl, codes, seconds.warm);
      const api = summary(await load(cluster.apiUrl, codes, seconds.max));
      progress.tick();
      await load(bare.url, codes, seconds.warm);
      const baseline = summary(await load(bare.url, codes, seconds.max));
      progress.tick();
      const fixed = summary(await load(cluster.apiUrl, codes, seconds.fixed, FIXED_RATE));
      progress.tick();
      const fixedBare = summary(await load(bare.url, codes, seconds.fixed, FIXED_RATE));
      progress.tick();
      // The same row answered alike by both: the comparison is of the serving, not of the answer.
      const [fromApi, fromBare] = await Promise.all([call(cluster.apiUrl, 'GET', `/track/${codes[0]}`), call(bare.url, 'GET', `/track/${codes[0]}`)]);
      const sameBody = fromApi.status === 200 && isDeepStrictEqual(fromApi.body, fromBare.body);
      progress.tick();
      progress.done();

      const ratio = api.perSecond / baseline.perSecond;
      const clean = api.non2xx === 0 && api.errors === 0 && baseline.non2xx === 0 && baseline.errors === 0 && sameBody;
      const sampled = `${count} applications' codes in turn, ${CONNECTIONS} connections`;
      return {
        id: 'tracking',
        title: this.title,
        figures: [
          {
            name: 'tracking reads per second through the API, as a share of bare node:http',
            value: round(ratio * 100, 1),
            unit: '%',
            baseline: { name: 'bare node:http, the same statement on a pool of the same size', value: baseline.perSecond, unit: 'requests/s' },
            target: '≥ 70 % of bare node:http',
            met: ratio >= 0.7 && clean,
            note:
              `API ${api.perSecond} requests/s vs bare ${baseline.perSecond}, ${seconds.max} s each after ${seconds.warm} s of warm-up, ${sampled}; ` +
              `non-2xx ${api.non2xx} / ${baseline.non2xx}, errors ${api.errors} / ${baseline.errors}; same body: ${sameBody}. ` +
              'The API also takes a token from the client’s rate-limit bucket in the same statement (an upsert of one row: every request comes from 127.0.0.1); bare does not.',
          },
          {
            name: `p99 latency of the API's tracking read at a fixed ${FIXED_RATE} requests/s`,
            value: fixed.latencyMs.p99,
            unit: 'ms',
            baseline: { name: `bare node:http at the same fixed rate, p99`, value: fixedBare.latencyMs.p99, unit: 'ms' },
            note: `${fixed.seconds} s at an offered ${FIXED_RATE} requests/s, ${CONNECTIONS} connections: served ${fixed.perSecond}/s (bare ${fixedBare.perSecond}/s), p50 ${fixed.latencyMs.p50} ms, non-2xx ${fixed.non2xx}, errors ${fixed.errors}`,
          },
        ],
        details: { applications: count, busyBefore: round(busyBefore), connections: CONNECTIONS, poolSize, statements: statements.map((s) => s.sql), api, bare: baseline, fixedRate: { api: fixed, bare: fixedBare }, sameBody },
      };
    } finally {
      await bare.close();
    }
  },
};

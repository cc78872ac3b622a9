// Failures seen from outside: PostgreSQL or Temporal down or hung, no worker, a huge body, a message the
// workflow cannot take. A second API runs with its PostgreSQL and Temporal connections through loopback
// proxies that a test cuts (refused) or hangs (accepted, never answered), then restores.
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { noBankApi } from '../../activities/bank.js';
import { counterBookedPos } from '../../activities/pos.js';
import { createApp } from '../../api/app.js';
import { bucketKeys } from '../../api/rate-limit.js';
import { listen } from '../../api/server.js';
import { runWorkflowStarter, startPendingWorkflows, withStartedWorkflow } from '../../api/workflow-starts.js';
import { databaseTimeoutsFrom, loadConfig, policyFrom } from '../../config.js';
import { createDb } from '../../db/connect.js';
import { createLogger } from '../../logger.js';
import { getState, workflowIdFor } from '../../workflows/definitions.js';
import { TEST_CONFIG, caller, eventually, startService } from '../support/service.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { countRows } from '../support/read-model.js';
import { decided, paymentCallback, refundOpened } from '../support/bank.js';
import { defaultBankTransactionPolicy, nikFor, sampleSubmission } from '../support/workflows.js';

let s: Awaited<ReturnType<typeof startService>>;
const closers: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  s = await startService();
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  await s?.stop();
});

/** Short deadlines, so each failure shows within seconds. */
const FAST = { DATABASE_CONNECT_TIMEOUT_SECONDS: '1', DATABASE_QUERY_TIMEOUT_SECONDS: '2', WORKFLOW_STEP_TIMEOUT_SECONDS: '2' };

async function proxyTo(address: string): Promise<TcpProxy> {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
  closers.push(() => proxy.close());
  return proxy;
}

/** A database pool whose connections go through a proxy. */
async function proxiedDb(timeouts = FAST) {
  const pg = await proxyTo(inject('databaseUrl'));
  const url = new URL(inject('databaseUrl'));
  url.hostname = pg.host;
  url.port = String(pg.port);
  const db = createDb(url.toString(), { max: 5, ...databaseTimeoutsFrom(loadConfig({ ...TEST_CONFIG, ...timeouts })) });
  closers.push(() => db.destroy());
  return { pg, db };
}

/**
 * An API whose PostgreSQL and Temporal go through proxies; its log lines are kept in `lines`. With `starter`,
 * it also runs the loop that starts the workflows a submission could not (every `intervalMs`).
 */
async function proxiedApi(opts: { taskQueue?: string; settings?: Record<string, string>; starter?: { intervalMs: number } } = {}) {
  const config = loadConfig({ ...TEST_CONFIG, ...FAST, LOG_LEVEL: 'info', ...opts.settings });
  const { pg, db } = await proxiedDb();
  const temporalProxy = await proxyTo(s.env.address);
  const connection = await Connection.connect({ address: temporalProxy.address });
  closers.push(() => connection.close());
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const lines: Array<Record<string, any>> = [];
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
  });
  const log = createLogger(config, out);
  const deps = { db, temporal, config, taskQueue: opts.taskQueue ?? s.taskQueue, policy: policyFrom(config), log };
  const api = await listen(createApp(deps), 0, '127.0.0.1');
  closers.push(() => api.close());
  if (opts.starter) {
    const starter = runWorkflowStarter(deps, opts.starter);
    closers.push(() => starter.stop());
  }
  return { pg, temporal: temporalProxy, db, url: api.url, call: caller(api.url), lines };
}

const timed = async <T>(work: () => Promise<T>) => {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
};

describe('liveness and readiness', () => {
  it('/health/ready fails within 5 s when PostgreSQL or Temporal goes away, down or hung, and recovers by itself; /health stays ok', async () => {
    const api = await proxiedApi();
    const ready = () => api.call('GET', '/health/ready');
    expect(await ready()).toMatchObject({ status: 200, body: { status: 'ready', checks: { postgresql: { status: 'ok' }, temporal: { status: 'ok' } } } });

    for (const [dependency, proxy] of [['postgresql', api.pg], ['temporal', api.temporal]] as const) {
      for (const fault of ['cut', 'hang'] as const) {
        await proxy[fault]();
        const { value: failing, ms } = await timed(ready);
        expect(failing.status, `${dependency} ${fault}`).toBe(503);
        expect(ms, `${dependency} ${fault}`).toBeLessThan(5_000);
        expect(failing.contentType).toContain('application/problem+json');
        expect(failing.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(failing.body).toMatchObject({ type: '/problems/unavailable', checks: { [dependency]: { status: 'down' } } });
        expect((await api.call('GET', '/health')).status).toBe(200); // liveness asks nothing of anyone
        await proxy.restore();
        await eventually(ready, (r) => r.status === 200, 20_000);
      }
    }
  });
});

describe('a dependency that does not answer', () => {
  it('answers 503 with Retry-After, never 500 or a hang, when PostgreSQL is down or hung, and logs the cause as one JSON line', async () => {
    const api = await proxiedApi();
    for (const fault of ['cut', 'hang'] as const) {
      await api.pg[fault]();
      const { value: offices, ms } = await timed(() => api.call('GET', '/offices'));
      expect(offices, fault).toMatchObject({ status: 503, body: { type: '/problems/unavailable', status: 503 } });
      expect(offices.contentType).toContain('application/problem+json');
      expect(offices.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(ms, fault).toBeLessThan(5_000);
      await api.pg.restore();
      await eventually(() => api.call('GET', '/offices'), (r) => r.status === 200, 20_000);
    }
    const failures = api.lines.filter((l) => l.msg === 'request failed');
    expect(failures.length).toBeGreaterThanOrEqual(2);
    for (const line of failures) {
      expect(line).toMatchObject({ level: 50, method: 'GET', path: '/offices', status: '503', err: { message: expect.any(String), stack: expect.any(String) } });
    }
  });

  it("answers 503, never 500 nor a pass, when tracking's rate limit gets no answer from PostgreSQL: down, hung, or its bucket locked", async () => {
    const api = await proxiedApi({ settings: { TRUST_PROXY: 'true' } });
    const client = { 'x-forwarded-for': `2001:db8::${randomUUID().slice(0, 4)}` };
    const track = () => api.call('GET', '/track/AAAA-AAAA-AAAA', undefined, client);
    const expectUnavailable = async (fault: string) => {
      const { value: tracked, ms } = await timed(track);
      expect(tracked, fault).toMatchObject({ status: 503, body: { type: '/problems/unavailable', detail: 'PostgreSQL did not answer in time; try again in a few seconds' } });
      expect(tracked.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(ms, fault).toBeLessThan(5_000);
    };
    for (const fault of ['cut', 'hang'] as const) {
      await api.pg[fault]();
      await expectUnavailable(fault);
      await api.pg.restore();
      await eventually(track, (r) => r.status === 404, 20_000);
    }
    // Only the limiter's statement waits (past the query timeout), on a lock another session holds: the lookup itself could be answered.
    const key = bucketKeys({ scope: 'tracking', perMinute: s.config.TRACKING_RATE_PER_MINUTE, burst: s.config.TRACKING_BURST, secret: s.config.JWT_SECRET })(client['x-forwarded-for']);
    await s.db.transaction().execute(async (trx) => {
      await trx.selectFrom('rate_limits').select('key').where('key', '=', key).forUpdate().executeTakeFirstOrThrow();
      await expectUnavailable('bucket locked');
    });
    expect((await track()).status).toBe(404);
  });

  it('records a submission while Temporal is down or hung (202 with its codes), and starts its workflow once Temporal is back: one row, one workflow', async () => {
    const api = await proxiedApi({ starter: { intervalMs: 250 } });
    const { auth } = await s.applicant();
    for (const fault of ['cut', 'hang'] as const) {
      await api.temporal[fault]();
      const submission = sampleSubmission();
      const { value: submitted, ms } = await timed(() => api.call('POST', '/applications', submission, auth));
      expect(submitted, fault).toMatchObject({
        status: 202,
        body: { applicationId: expect.any(String), trackingCode: expect.any(String), billingCode: expect.stringMatching(/^\d{15}$/), status: 'starting', detail: expect.stringMatching(/recorded.*do not submit it again/) },
      });
      const { applicationId } = submitted.body;
      expect(submitted.headers.get('location')).toBe(`/applications/${applicationId}`);
      expect(ms, fault).toBeLessThan(6_000);
      const row = () => s.db.selectFrom('applications').select(['id', 'workflow_started_at']).where('nik', '=', submission.nik).execute();
      expect(await row(), fault).toEqual([{ id: applicationId, workflow_started_at: null }]);
      // Tracked at once, with what the applicant was told to do: pay.
      expect(await s.call('GET', `/track/${submitted.body.trackingCode}`)).toMatchObject({ status: 200, body: { stage: 'AWAITING_PAYMENT' } });

      await api.temporal.restore();
      const [started] = await eventually(row, (rows) => rows[0]?.workflow_started_at !== null, 30_000);
      expect(started, fault).toMatchObject({ id: applicationId, workflow_started_at: expect.any(Date) });
      const handle = s.env.client.workflow.getHandle(workflowIdFor(applicationId));
      expect((await handle.describe()).status.name, fault).toBe('RUNNING');
      await eventually(() => s.db.selectFrom('audit_log').select('stage').where('application_id', '=', applicationId).execute(), (entries) => entries.length === 1);
      // Exactly one run of the workflow id, and one application for the NIK.
      const runs = await eventually(async () => {
        const found = [];
        for await (const run of s.env.client.workflow.list({ query: `WorkflowId = '${workflowIdFor(applicationId)}'` })) found.push(run.runId);
        return found;
      }, (found) => found.length > 0);
      expect(runs, fault).toHaveLength(1);
      expect(await row(), fault).toHaveLength(1);
      await handle.terminate('test done');
    }
    expect(api.lines.filter((l) => l.msg === 'workflow started after its submission (its first start failed or timed out)')).toHaveLength(2);
  });

  it('starts a pending workflow for the bank callback or step that comes before the starter, and applies it once', async () => {
    const api = await proxiedApi(); // no starter: the callback and the step must start the workflows themselves
    const { auth } = await s.applicant();
    await api.temporal.cut();
    const pending = [];
    for (const submission of [sampleSubmission(), { ...sampleSubmission(), nik: nikFor('1985-02-03', 'M'), sex: 'M' as const, birthDate: '1985-02-03' }]) {
      const submitted = await api.call('POST', '/applications', submission, auth);
      expect(submitted).toMatchObject({ status: 202, body: { status: 'starting' } });
      pending.push(submitted.body as { applicationId: string; billingCode: string; amount: number; trackingCode: string });
    }
    await api.temporal.restore();
    const [paid, cancelled] = pending as [(typeof pending)[0], (typeof pending)[0]];

    // The bank pays the first through the healthy API, before any starter has tried it again: its bank transaction starts it.
    const payment = paymentCallback(paid);
    expect(await s.signedCall('bank', '/callbacks/bank/payments', payment).send()).toMatchObject({ status: 202, body: { status: 'accepted' } });
    await eventually(() => s.call('GET', `/track/${paid.trackingCode}`), (r) => r.body.stage === 'AWAITING_BOOKING');
    // The ledger records the decision just after the application took the payment; a repeat before that is handed
    // to the same workflow (answered `accepted`, and changes nothing either): the repeat waits for the ledger.
    expect(await decided(s.db, payment)).toMatchObject({ outcome: 'APPLIED' });
    expect(await s.signedCall('bank', '/callbacks/bank/payments', payment, Date.now() + 2_000).send()).toMatchObject({ status: 202, body: { status: 'duplicate' } });
    // The applicant cancels the second: the step starts its workflow, then cancels it.
    expect(await s.call('POST', `/applications/${cancelled.applicationId}/cancel`, {}, auth)).toMatchObject({ status: 200, body: { stage: 'CANCELLED' } });

    for (const { applicationId } of pending) {
      const row = await s.db.selectFrom('applications').select('workflow_started_at').where('id', '=', applicationId).executeTakeFirstOrThrow();
      expect(row.workflow_started_at).toEqual(expect.any(Date));
    }
    expect(await countRows(s.db, 'payments', paid.applicationId)).toBe(1);
    expect(await decided(s.db, payment)).toMatchObject({ outcome: 'APPLIED', application_id: paid.applicationId });
    await s.env.client.workflow.getHandle(workflowIdFor(paid.applicationId)).terminate('test done');
  });

  it('asks again when another API instance started the pending workflow between "not found" and its own start', async () => {
    const api = await proxiedApi();
    const { auth } = await s.applicant();
    await api.temporal.cut();
    const submitted = await api.call('POST', '/applications', sampleSubmission(), auth);
    expect(submitted).toMatchObject({ status: 202, body: { status: 'starting' } });
    await api.temporal.restore();
    const { applicationId } = submitted.body as { applicationId: string };
    const handle = s.env.client.workflow.getHandle(workflowIdFor(applicationId));
    const deps = { db: s.db, temporal: s.env.client, config: s.config, taskQueue: s.taskQueue, policy: policyFrom(s.config) };
    // Its last try long past, so the other instance's starter takes it at once.
    await s.db.updateTable('applications').set({ workflow_start_tried_at: new Date(Date.now() - 3_600_000) }).where('id', '=', applicationId).execute();
    let asked = 0;
    const state = await withStartedWorkflow(deps, applicationId, async () => {
      asked += 1;
      if (asked > 1) return handle.query(getState);
      // This instance's signal found no workflow; meanwhile another instance's starter starts and confirms it.
      await startPendingWorkflows(deps);
      const startedAt = async () => (await s.db.selectFrom('applications').select('workflow_started_at').where('id', '=', applicationId).executeTakeFirstOrThrow()).workflow_started_at;
      await eventually(startedAt, (at) => at !== null);
      throw new WorkflowNotFoundError('workflow not found', handle.workflowId, undefined);
    });
    expect(asked).toBe(2);
    expect(state.stage).toBe('AWAITING_PAYMENT');
    await handle.terminate('test done');
  });

  it('never runs a workflow id twice: a start that Temporal already took, even of a workflow since closed, counts as started', async () => {
    const { auth } = await s.applicant();
    const submitted = await s.call('POST', '/applications', sampleSubmission(), auth);
    expect(submitted.status).toBe(201);
    const { applicationId } = submitted.body;
    const handle = s.env.client.workflow.getHandle(workflowIdFor(applicationId));
    await handle.terminate('closed for the test');
    // As if the confirmation had been lost: the start is pending again, and its last try long past. It names a task
    // queue of this test's own, so the service's background starter (which claims its own queue's starts every few
    // seconds) cannot take it before this test's pass does.
    const taskQueue = `failures-test-${applicationId}`;
    await s.db
      .updateTable('applications')
      .set({ workflow_started_at: null, workflow_start_tried_at: new Date(Date.now() - 3_600_000), workflow_start: sql`jsonb_set(workflow_start, '{taskQueue}', to_jsonb(${taskQueue}::text))` })
      .where('id', '=', applicationId)
      .execute();
    const deps = { db: s.db, temporal: s.env.client, config: s.config, taskQueue, policy: policyFrom(s.config) };
    const pass = await startPendingWorkflows(deps);
    expect(pass.failure).toBeUndefined();
    expect(pass.started).toContain(applicationId);
    expect((await handle.describe()).status.name).toBe('TERMINATED');
    const runs = [];
    for await (const run of s.env.client.workflow.list({ query: `WorkflowId = '${workflowIdFor(applicationId)}'` })) runs.push(run.status.name);
    expect(runs).toEqual(['TERMINATED']);
    expect((await startPendingWorkflows(deps)).started).not.toContain(applicationId); // confirmed: nothing left to start
  });

  it('answers 503 to a bank callback while Temporal is hung; the bank sends it again and it is applied once', async () => {
    const api = await proxiedApi();
    const { auth } = await s.applicant();
    // Submitted through the healthy API; the bank's callback reaches the API whose Temporal is hung.
    const submitted = await s.call('POST', '/applications', sampleSubmission(), auth);
    const { billingCode, amount, trackingCode } = submitted.body;
    const payment = paymentCallback({ billingCode, amount });
    await api.temporal.hang();
    const signed = s.signedCall('bank', '/callbacks/bank/payments', payment);
    const refused = await caller(api.url)('POST', '/callbacks/bank/payments', JSON.stringify(payment), signed.headers);
    expect(refused).toMatchObject({ status: 503, body: { type: '/problems/unavailable' } });
    await api.temporal.restore();
    // The bank retries (a fresh signature): applied once.
    expect(await s.signedCall('bank', '/callbacks/bank/payments', payment).send()).toMatchObject({ status: 202 });
    await eventually(() => s.call('GET', `/track/${trackingCode}`), (r) => r.body.stage === 'AWAITING_BOOKING');
  });
});

describe('a step while no worker runs, or while it cannot finish', () => {
  it('answers 503 within the deadline when no worker takes the step; a retry with the same Idempotency-Key does it once', async () => {
    const taskQueue = `idle-${randomUUID()}`;
    const api = await proxiedApi({ taskQueue });
    const { auth } = await s.applicant();
    const submitted = await api.call('POST', '/applications', sampleSubmission(), auth);
    expect(submitted.status).toBe(201); // a start needs Temporal, not a worker
    const { applicationId } = submitted.body;
    const key = { ...auth, 'idempotency-key': `cancel-${randomUUID()}` };

    const { value: refused, ms } = await timed(() => api.call('POST', `/applications/${applicationId}/cancel`, {}, key));
    expect(refused).toMatchObject({ status: 503, body: { type: '/problems/unavailable', detail: expect.stringMatching(/did not take the step within 2 s/) } });
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(ms).toBeLessThan(5_000);

    const worker = await Worker.create({
      connection: s.env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: createActivities({ db: s.db, pos: counterBookedPos(), temporal: s.env.client, bank: noBankApi(), bankTransactions: defaultBankTransactionPolicy }),
    });
    await worker.runUntil(async () => {
      const retried = await eventually(() => api.call('POST', `/applications/${applicationId}/cancel`, {}, key), (r) => r.status !== 503 && r.status !== 202);
      expect(retried).toMatchObject({ status: 200, body: { stage: 'CANCELLED' } });
      await s.env.client.workflow.getHandle(workflowIdFor(applicationId)).result();
    });
    const cancellations = await s.db.selectFrom('audit_log').select('stage').where('application_id', '=', applicationId).where('stage', '=', 'CANCELLED').execute();
    expect(cancellations).toHaveLength(1);
  });

  it('answers 202 "still running" with where to look when the step is accepted but cannot finish in time, and it finishes by itself', async () => {
    const taskQueue = `slow-${randomUUID()}`;
    const api = await proxiedApi({ taskQueue });
    const workerDb = await proxiedDb();
    const worker = await Worker.create({
      connection: s.env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: createActivities({ db: workerDb.db, pos: counterBookedPos(), temporal: s.env.client, bank: noBankApi(), bankTransactions: defaultBankTransactionPolicy }),
    });
    await worker.runUntil(async () => {
      const { auth } = await s.applicant();
      const submitted = await api.call('POST', '/applications', sampleSubmission(), auth);
      const { applicationId } = submitted.body;
      await eventually(() => s.db.selectFrom('audit_log').select('seq').where('application_id', '=', applicationId).execute(), (rows) => rows.length === 1);
      const key = { ...auth, 'idempotency-key': `cancel-${randomUUID()}` };

      await workerDb.pg.cut(); // the worker's activities cannot reach PostgreSQL: the step cannot finish
      const { value: running, ms } = await timed(() => api.call('POST', `/applications/${applicationId}/cancel`, {}, key));
      expect(running).toMatchObject({ status: 202, body: { status: 'running', application: `/applications/${applicationId}` } });
      expect(running.headers.get('location')).toBe(`/applications/${applicationId}`);
      expect(ms).toBeLessThan(5_000);

      await workerDb.pg.restore();
      await eventually(() => api.call('GET', `/applications/${applicationId}`, undefined, auth), (r) => r.body.stage === 'CANCELLED', 30_000);
      expect(await api.call('POST', `/applications/${applicationId}/cancel`, {}, key)).toMatchObject({ status: 200, body: { stage: 'CANCELLED' } });
    });
  });
});

describe('request bodies', () => {
  /** Streams `total` bytes (JSON that would parse) as fast as the server takes them; resolves with its answer. */
  const stream = (url: string, path: string, total: number, headers: Record<string, string>) =>
    new Promise<{ status: number; contentType: string; body: string; sent: number }>((resolve, reject) => {
      const req = request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, contentType: String(res.headers['content-type']), body, sent }));
      });
      req.on('error', (error) => (answered ? undefined : reject(error)));
      const pump = () => {
        while (!answered && sent < total) {
          const piece = sent === 0 ? Buffer.from('{"email":"') : chunk;
          sent += piece.length;
          if (!req.write(piece)) return void req.once('drain', pump);
        }
        if (!answered) req.end('"}');
      };
      pump();
    });

  it('refuses a 100 MB body with 413 before authentication, with or without Content-Length, without reading it in full', async () => {
    const api = await proxiedApi();
    const total = 100 * 1024 * 1024;
    let peak = process.memoryUsage().rss;
    const before = peak;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    try {
      const attempts = [
        ['/auth/register', {}], // public: parsed as JSON if read
        ['/callbacks/bank/payments', {}], // signature checked over the raw body
        ['/applications', {}], // needs a token: refused for size first
        ['/applications', { 'content-length': String(total) }],
      ] as const;
      for (const [path, headers] of attempts) {
        const answer = await stream(api.url, path, total, headers);
        expect(answer.status, path).toBe(413);
        expect(answer.contentType).toContain('application/problem+json');
        expect(JSON.parse(answer.body)).toMatchObject({ type: '/problems/too-large', detail: expect.stringContaining('65536') });
      }
    } finally {
      clearInterval(sampler);
    }
    // A sanity bound, not a target: a body read in full would add at least its own 100 MB.
    expect(peak - before).toBeLessThan(40 * 1024 * 1024);
    // Within the limit, nothing changes.
    expect((await api.call('POST', '/auth/login', { email: 'nobody@example.id', password: 'not this one' })).status).toBe(401);
  });
});

describe('a 503 the API chooses', () => {
  it('is logged as a warning naming the problem, without a stack: a flood of sign-ups past the hashing queue fills no error log', async () => {
    const api = await proxiedApi({ settings: { PASSWORD_HASH_QUEUE: '1' } });
    const answers = await Promise.all(Array.from({ length: 12 }, () => api.call('POST', '/auth/register', { email: `banjir-${randomUUID()}@example.id`, password: 'kata sandi yang panjang' })));
    expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    const refused = await eventually(async () => api.lines.filter((l) => l.msg === 'request refused'), (lines) => lines.length > 0);
    expect(refused[0]).toMatchObject({ level: 40, method: 'POST', path: '/auth/register', status: '503', problem: 'unavailable', detail: expect.stringMatching(/too many sign-ins/) });
    expect(refused[0]).not.toHaveProperty('err');
    expect(api.lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe('a 500', () => {
  it('is logged as one JSON line with its cause, and the client sees a problem without it', async () => {
    const api = await proxiedApi();
    expect((await api.call('GET', '/offices')).status).toBe(200);
    await api.db.destroy(); // a pool that no longer works: an internal fault, not a dependency outage
    const answer = await api.call('GET', '/offices');
    expect(answer).toMatchObject({ status: 500, body: { type: '/problems/internal' } });
    expect(JSON.stringify(answer.body)).not.toMatch(/destroyed|stack|at /);
    const line = await eventually(async () => api.lines.find((l) => l.msg === 'request failed'), Boolean);
    expect(line).toMatchObject({ level: 50, method: 'GET', path: '/offices', route: '/offices', status: '500', err: { name: 'Error', message: expect.stringMatching(/destroyed/), stack: expect.stringContaining('\n') } });
  });
});

describe('a bank payment the application can no longer take', () => {
  it('is accepted and refunded when the workflow has closed before the read model says so: nothing is dropped', async () => {
    const { auth } = await s.applicant();
    const submitted = await s.call('POST', '/applications', sampleSubmission(), auth);
    const { applicationId, billingCode, amount } = submitted.body;
    await eventually(() => s.db.selectFrom('audit_log').select('seq').where('application_id', '=', applicationId).execute(), (rows) => rows.length === 1);
    // Closed in Temporal (an operator's terminate) while the read model still shows AWAITING_PAYMENT.
    await s.env.client.workflow.getHandle(workflowIdFor(applicationId)).terminate('closed for the test');
    const payment = paymentCallback({ billingCode, amount });
    expect(await s.signedCall('bank', '/callbacks/bank/payments', payment).send()).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await decided(s.db, payment)).toMatchObject({ outcome: 'REFUND', outcome_reason: 'the application is closed', application_id: applicationId });
    expect(await refundOpened(s.env.client, payment)).toMatchObject({ workflowType: 'refund', input: { reason: 'the application is closed', applicationId, officeCode: 'PLU', amount } });
    expect(await countRows(s.db, 'payments', applicationId)).toBe(0);
  });

  it('refuses a payment dated in the future', async () => {
    const { auth } = await s.applicant();
    const { billingCode, amount } = (await s.call('POST', '/applications', sampleSubmission(), auth)).body;
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const answer = await s.signedCall('bank', '/callbacks/bank/payments', paymentCallback({ billingCode, amount }, { paidAt: future })).send();
    expect(answer).toMatchObject({ status: 400, body: { errors: [{ field: 'paidAt', reason: 'cannot be in the future' }] } });
  });
});

describe('a Pos event the application can no longer take', () => {
  it('is refused with 409 and recorded when the workflow has closed before the read model says so; managers see it, /metrics counts it', async () => {
    const { auth } = await s.applicant();
    const submitted = await s.call('POST', '/applications', sampleSubmission(), auth);
    const { applicationId } = submitted.body;
    await eventually(() => s.db.selectFrom('audit_log').select('seq').where('application_id', '=', applicationId).execute(), (rows) => rows.length === 1);
    // A shipment on record, and the workflow closed in Temporal (an operator's terminate) before Pos reports it.
    const trackingNumber = `P${String(Date.now()).slice(-12)}ID`;
    await s.db
      .insertInto('deliveries')
      .values({ application_id: applicationId, attempt: 1, pos_tracking_number: trackingNumber, free_of_charge: false, status: 'REQUESTED', requested_at: new Date(), updated_at: new Date() })
      .execute();
    await s.env.client.workflow.getHandle(workflowIdFor(applicationId)).terminate('closed for the test');
    const eventId = `EV-${randomUUID()}`;
    const delivered = await s.signedCall('pos', '/callbacks/pos/deliveries', { eventId, trackingNumber, status: 'DELIVERED', at: new Date().toISOString() }).send();
    expect(delivered).toMatchObject({ status: 409, body: { detail: expect.stringMatching(/closed/) } });

    const rows = await s.db.selectFrom('unapplied_callbacks').selectAll().where('application_id', '=', applicationId).execute();
    expect(rows).toMatchObject([{ sender: 'pos', event_id: eventId, amount: null, recorded_by: 'api', reason: expect.stringMatching(/closed/) }]);
    const managers = await s.call('GET', '/manager/unapplied-callbacks', undefined, { authorization: `Bearer ${await s.managerToken('PLU')}` });
    expect(managers.status).toBe(200);
    expect(managers.body.items).toContainEqual(expect.objectContaining({ sender: 'pos', eventId, applicationId, officeCode: 'PLU', recordedBy: 'api' }));
    const elsewhere = await s.call('GET', '/manager/unapplied-callbacks', undefined, { authorization: `Bearer ${await s.managerToken('WSB')}` });
    expect(elsewhere.body.items.map((i: { applicationId: string }) => i.applicationId)).not.toContain(applicationId);

    const metrics = await s.call('GET', '/metrics');
    const pos = /^passport_unapplied_callbacks\{sender="pos"\} (\d+)$/m.exec(metrics.body);
    expect(Number(pos?.[1])).toBeGreaterThanOrEqual(1);
    expect(metrics.body).toMatch(/^passport_unapplied_callbacks\{sender="bank"\} \d+$/m);
  });
});

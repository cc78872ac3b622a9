// The production entry points (scripts/api.ts, scripts/worker.ts) as separate processes against the
// Temporal dev server and PostgreSQL: Prometheus metrics, structured logs with ids and nothing personal,
// and a SIGTERM that loses nothing in flight.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { signedHeaders } from '../../api/signatures.js';
import { createDb } from '../../db/connect.js';
import { SEARCH_ATTRIBUTES, WORKFLOW_TYPE, workflowIdFor, type ApplicationInput } from '../../workflows/definitions.js';
import { freePort } from '../support/ports.js';
import { nextWorkingDay } from '../support/read-model.js';
import { eventually } from '../support/service.js';
import { defaultPolicy, quietRuntime, sampleSubmission } from '../support/workflows.js';
import { paymentCallback } from '../support/bank.js';
import { startMailCatcher, type MailCatcher } from '../support/maildev.js';
import { startFakeDukcapil, type FakeDukcapil } from '../../scripts/fake-dukcapil.js';

const root = resolve(import.meta.dirname, '../..');
const secrets = { JWT_SECRET: 'processes-test-jwt-secret-0123456789abcdef', BANK_CALLBACK_SECRET: 'processes-test-bank', POS_CALLBACK_SECRET: 'processes-test-pos' };

interface Proc {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the first JSON log line matching `match`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startProcess(script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: Array<{ match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  const parse = (line: string) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  let buffer = '';
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      const json = parse(line);
      for (const waiter of [...waiters]) {
        if (json && waiter.match(json)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(json);
        }
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    child,
    lines,
    exited,
    waitForLog: (match) => {
      const seen = lines.map(parse).find((json) => json && match(json));
      return seen ? Promise.resolve(seen) : new Promise((done) => waiters.push({ match, resolve: done }));
    },
  };
}

let env: TestWorkflowEnvironment;
const db = createDb(inject('databaseUrl'), { max: 4 });
const taskQueue = `processes-${randomUUID()}`;
let processEnv: Record<string, string>;
let catcher: MailCatcher;
let dukcapil: FakeDukcapil;
let api: Proc;
let worker: Proc;
let apiUrl: string;
let workerMetricsUrl: string;

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: inject('temporalCliPath') }, ip: '127.0.0.1', searchAttributes: SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' } },
  });
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  catcher = await startMailCatcher();
  dukcapil = await startFakeDukcapil(); // required in production by the API: the population registry (a fake here)
  processEnv = {
    NODE_ENV: 'production',
    TEMPORAL_UI_URL: 'http://passport-ops.example.go.id:8080',
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    SMTP_URL: catcher.smtpUrl, // required in production: notices go to a real SMTP server (a local catcher here)
    LOG_LEVEL: 'debug',
    SHUTDOWN_GRACE_SECONDS: '60',
    ...dukcapil.settings,
    WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'), // the run's bundle: the workers start without bundling again
    ...secrets,
  };
  apiUrl = `http://127.0.0.1:${apiPort}`;
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  worker = startProcess('scripts/worker.ts', { ...processEnv, WORKER_METRICS_ADDRESS: `127.0.0.1:${metricsPort}` });
  api = startProcess('scripts/api.ts', { ...processEnv, PORT: String(apiPort), HOST: '127.0.0.1' });
  await Promise.all([worker.waitForLog((l) => l.msg === 'worker polling'), api.waitForLog((l) => l.url === apiUrl)]);
});

afterAll(async () => {
  for (const p of [api, worker]) if (p?.child.exitCode === null) p.child.kill('SIGKILL');
  await db.destroy();
  await catcher?.stop();
  await dukcapil?.stop();
  await env?.teardown();
});

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${apiUrl}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};
/** A request on a connection of its own (fetch may reuse a kept-alive one that the server is closing). */
const postOnNewConnection = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; body: unknown }>((done, fail) => {
    const request = httpRequest(`${apiUrl}${path}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => done({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    request.on('error', fail);
    request.end(JSON.stringify(body));
  });
const stageOf = async (trackingCode: string) => (await call('GET', `/track/${trackingCode}`)).body?.stage as string | undefined;

let paid: { applicationId: string; trackingCode: string; auth: Record<string, string> };

describe('the production processes', () => {
  it('warn at start, in the JSON log, when the holiday calendar is short of the horizon or provisional', async () => {
    // With the shipped calendar a 60-day horizon reaches into the provisional 2027, or (from November 2027) past its end.
    const warning = await api.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('holiday calendar: '));
    expect(warning).toMatchObject({ level: 40, msg: expect.stringMatching(/^holiday calendar: the holiday calendar (is loaded only until|for .* is provisional)/) });
  });

  it('take an application from submission to payment, logging JSON with ids and nothing personal', async () => {
    const applicant = sampleSubmission();
    const credentials = { email: `ops-${Date.now()}@example.id`, password: 'correct horse battery' };
    expect((await call('POST', '/auth/register', credentials)).status).toBe(202);
    const account = await call('POST', '/auth/login', credentials);
    expect(account.status).toBe(200);
    const auth = { authorization: `Bearer ${account.body.token}` };
    const submitted = await call('POST', '/applications', applicant, auth);
    expect(submitted.status).toBe(201);
    const { applicationId, trackingCode, billingCode, amount } = submitted.body;
    const raw = JSON.stringify(paymentCallback({ billingCode, amount }));
    const accepted = await call('POST', '/callbacks/bank/payments', raw, signedHeaders(secrets.BANK_CALLBACK_SECRET, raw, Date.now()));
    expect(accepted.status).toBe(202);
    await eventually(() => stageOf(trackingCode), (stage) => stage === 'AWAITING_BOOKING');
    paid = { applicationId, trackingCode, auth };

    // The worker's activity lines carry both ids.
    const activityLine = await worker.waitForLog((l) => l.applicationId === applicationId && l.activityType === 'recordPayment');
    expect(activityLine).toMatchObject({ workflowId: workflowIdFor(applicationId), applicationId });
    const logs = [...api.lines, ...worker.lines].join('\n');
    for (const personal of [applicant.nik, applicant.fullName, applicant.email, applicant.phone, applicant.address]) expect(logs).not.toContain(personal);
    for (const line of [...api.lines, ...worker.lines].filter((l) => l.trim())) expect(() => JSON.parse(line), line).not.toThrow();
  });

  it('count failed activity attempts and log them with the application id', async () => {
    // A workflow for an application the database does not know: its first stage change fails, for good (ApplicationWithdrawn).
    const applicationId = randomUUID();
    const input: ApplicationInput = { applicationId, officeCode: 'PLU', applicationType: 'NEW', billingCode: '123456789012345', amount: 1, deliveryMethod: 'PICKUP', policy: defaultPolicy };
    const handle = await env.client.workflow.start(WORKFLOW_TYPE, { workflowId: workflowIdFor(applicationId), taskQueue, args: [input] });
    const failure = await worker.waitForLog((l) => l.msg === 'activity attempt failed' && l.applicationId === applicationId);
    expect(failure).toMatchObject({ level: 40, workflowId: workflowIdFor(applicationId), activityType: 'recordStage' });
    await expect(handle.result()).rejects.toMatchObject({ cause: { cause: { type: 'ApplicationWithdrawn' } } });
    const metrics = await eventually(() => fetch(workerMetricsUrl).then((r) => r.text()), (text) => /passport_activity_failures\w*\{[^}]*activity_type="recordStage"/.test(text));
    expect(metrics).toContain('activity_type="recordStage"');
  });

  it('serve Prometheus metrics: the API by route, the worker from the Temporal SDK', async () => {
    await call('GET', '/no-such-route');
    const apiMetrics = await (await fetch(`${apiUrl}/metrics`)).text();
    expect(apiMetrics).toMatch(/^http_requests_total\{method="POST",route="\/applications",status="201"\} 1$/m);
    expect(apiMetrics).toMatch(/^http_request_duration_seconds_bucket\{le="[\d.]+",method="GET",route="\/track\/:trackingCode",status="200"\} \d+$/m);
    expect(apiMetrics).toMatch(/^http_requests_total\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(apiMetrics).toContain('# TYPE http_request_errors_total counter');
    expect(apiMetrics).toContain('process_cpu_user_seconds_total');
    expect(apiMetrics).not.toMatch(/\/track\/[A-Z0-9]{4}-/); // route patterns, never tracking codes

    const workerMetrics = await (await fetch(workerMetricsUrl)).text();
    for (const name of ['temporal_workflow_task_execution_latency', 'temporal_activity_execution_latency', 'temporal_worker_task_slots_available', 'temporal_request']) {
      expect(workerMetrics, name).toContain(name);
    }
    expect(workerMetrics).toContain(`task_queue="${taskQueue}"`);
  });

  it('drain on SIGTERM: a request and an activity in flight finish, and both processes exit 0', async () => {
    // A second worker, as `--scale worker=2` would run, to take over the workflow tasks.
    const second = startProcess('scripts/worker.ts', processEnv);
    await second.waitForLog((l) => l.msg === 'worker polling');

    // Hold the application's row (not its key: the audit entry may reference it) so the booking's stage change blocks mid-activity.
    const date = await nextWorkingDay(db, 'PLU');
    let release!: () => void;
    const released = new Promise<void>((done) => (release = done));
    const lock = db.transaction().execute(async (tx) => {
      await sql`select id from applications where id = ${paid.applicationId} for no key update`.execute(tx);
      await released;
    });
    const booking = postOnNewConnection(`/applications/${paid.applicationId}/booking`, { date, session: 'AFTERNOON' }, paid.auth);
    await eventually(
      async () => Number((await sql<{ n: string }>`select count(*) as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike 'update "applications"%'`.execute(db)).rows[0]!.n),
      (waiting) => waiting > 0,
    );

    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    await Promise.all([api.waitForLog((l) => l.msg === 'draining HTTP connections'), worker.waitForLog((l) => String(l.msg).startsWith('draining'))]);
    release();
    await lock;

    expect(await booking).toMatchObject({ status: 200, body: { date, session: 'AFTERNOON', officeCode: 'PLU' } });
    expect(await worker.exited).toBe(0);
    expect(await api.exited).toBe(0);
    expect(worker.lines.some((l) => l.includes('"worker stopped"'))).toBe(true);
    const row = await db.selectFrom('applications').select('stage').where('id', '=', paid.applicationId).executeTakeFirstOrThrow();
    expect(row.stage).toBe('AWAITING_INTERVIEW');

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

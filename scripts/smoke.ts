// `npm run smoke -- --temporal-address HOST:PORT --database-url postgres://USER:PASSWORD@HOST:PORT/DB`:
// the production smoke check, without Docker. Against a Temporal server and a PostgreSQL server given by
// address (an operator's staging), it runs the compiled processes as production does:
//   1. describes the Temporal cluster (version, persistence, shards) and makes its own namespace
//      (`passport-smoke`) with the managers' search attributes;
//   2. makes its own database on that PostgreSQL (the URL's user must be allowed to create one) and runs
//      `dist/scripts/setup-database.js` in it: the schema and the reference data of deploy/reference/;
//   3. starts `dist/scripts/worker.js` and `dist/scripts/api.js` (NODE_ENV=staging: production's rules, but
//      an appointment day of DEMO_DAY_SECONDS, so a lifecycle ends in a minute), checks /offices, drives
//      --applications applications through the public API to COMPLETED (pay, book, interview, print,
//      hand-over or Pos delivery), and runs the managers' queries (`dist/scripts/stuck.js`, the managers'
//      API, and a burst of visibility queries);
//   4. stops both processes with SIGTERM (each must exit 0) and drops its database (unless --keep).
// It never touches the production namespace or database. Exit 0 only when every step passed.
// Each run has a task queue of its own (`passport-smoke-<run id>`), so that no run's worker takes up the
// workflows another run left. A failed or interrupted run (SIGINT, SIGTERM, SIGHUP) stops its processes,
// terminates the workflows it left running and drops its database, then exits 1 (130, 143, 129 if interrupted).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { sql } from 'kysely';
import { mintStaffToken } from '../api/auth.js';
import { createDb } from '../db/connect.js';
import { RECONCILIATION_SCHEDULE_ID, SEARCH_ATTRIBUTES, bankTransactionIdFor, workflowIdFor } from '../workflows/definitions.js';
import { serviceClient } from './demo-client.js';
import { demoPayment } from './demo-bank.js';
import { demoDay, nextWorkingDay, type Applicant } from './demo-day.js';
import { byTrackingCode, managerQueries } from '../managers/visibility.js';
import { ensureSearchAttributes } from './search-attributes.js';
import { onShutdownSignal } from './signals.js';
import { startFakeDukcapil, type FakeDukcapil } from './fake-dukcapil.js';

const USAGE = `usage: npm run smoke -- --temporal-address HOST:PORT --database-url postgres://USER:PASSWORD@HOST:PORT/DB
  [--applications 5] [--namespace passport-smoke] [--day-seconds 20] [--keep]
  (or TEMPORAL_ADDRESS and DATABASE_URL in the environment)`;

const { values } = parseArgs({
  options: {
    'temporal-address': { type: 'string' },
    'database-url': { type: 'string' },
    applications: { type: 'string', default: '5' },
    namespace: { type: 'string', default: 'passport-smoke' },
    'day-seconds': { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
const temporalAddress = values['temporal-address'] ?? process.env.TEMPORAL_ADDRESS;
const adminUrl = values['database-url'] ?? process.env.DATABASE_URL;
const count = Number(values.applications);
const daySeconds = Number(values['day-seconds']);
if (values.help || !temporalAddress || !adminUrl || !(Number.isInteger(count) && count >= 1 && count <= 200) || !(Number.isInteger(daySeconds) && daySeconds >= 5)) {
  console.error(USAGE);
  process.exit(2);
}
const namespace = values.namespace!;
const runId = `${new Date().toISOString().slice(0, 19).replace(/\D/g, '')}-${randomBytes(3).toString('hex')}`;
const taskQueue = `passport-smoke-${runId}`;
const here = fileURLToPath(new URL('.', import.meta.url));
const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const entry = (name: string) => join(here, `${name}.${extension}`);
const started = Date.now();
const seconds = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const step = (text: string) => console.log(`[${seconds().padStart(5)}] ${text}`);
const fail = (text: string): never => {
  throw new Error(text);
};

const freePort = () =>
  new Promise<number>((done, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

// Interrupted, the smoke stops what it started before it exits: from here on, before anything is started.
const SIGNAL_STATUS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
let interrupted: keyof typeof SIGNAL_STATUS | undefined;
onShutdownSignal(
  (signal) => {
    interrupted = signal;
    console.error(`\nSMOKE CHECK INTERRUPTED by ${signal}: stopping what it started`);
    return finish(false);
  },
  Object.keys(SIGNAL_STATUS) as Array<keyof typeof SIGNAL_STATUS>,
);

interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}
const logDir = await mkdtemp(join(tmpdir(), 'passport-smoke-'));
// Loaded first in each child: when its IPC channel to the smoke closes, i.e. when the smoke has ended by any
// means (kill -9 included), the child sends itself SIGTERM and drains as on `docker stop`. The channel is
// unref'd: it never keeps a child alive by itself.
const ENDS_WITH_THE_SMOKE = `data:text/javascript,${encodeURIComponent('process.once("disconnect",()=>process.kill(process.pid,"SIGTERM"));process.channel?.unref();')}`;
/**
 * A compiled entry point as its own process, its output to a log file named in any failure. In a process group
 * (a session) of its own: a terminal's Ctrl-C reaches only the smoke, which then stops its children itself.
 */
function run(name: string, env: Record<string, string>): Proc {
  if (stopping) fail(`not starting ${name}: the smoke check is ending`);
  const log = createWriteStream(join(logDir, `${name}.log`));
  const child = spawn(process.execPath, [...process.execArgv, '--import', ENDS_WITH_THE_SMOKE, entry(name)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('close', () => log.end());
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  spawned.push({ name, child, exited });
  return spawned.at(-1)!;
}
const output = async (proc: Proc) => {
  const chunks: Buffer[] = [];
  proc.child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  proc.child.stderr!.on('data', (c: Buffer) => chunks.push(c));
  const code = await proc.exited;
  return { code, text: Buffer.concat(chunks).toString() };
};

/** Every process started, and the long-running ones (the worker and the API), which must exit 0 on SIGTERM. */
const spawned: Proc[] = [];
let registryFake: FakeDukcapil | undefined;
const processes: Proc[] = [];
/** Set once this run's database exists: only that one is ever dropped. */
let smokeDb: string | undefined;
let creatingDb: Promise<unknown> | undefined;
let applicants: Applicant[] = [];
const admin = createDb(adminUrl, { max: 1 });
const secrets = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  BANK_CALLBACK_SECRET: randomBytes(16).toString('hex'),
  POS_CALLBACK_SECRET: randomBytes(16).toString('hex'),
};

async function main() {
  // 0. PostgreSQL answers (before anything is made on either server).
  const version = await sql<{ server_version: string }>`show server_version`.execute(admin).catch((error: Error) => fail(`cannot connect to PostgreSQL at ${redact(adminUrl!)}: ${error.message}`));
  step(`PostgreSQL ${version.rows[0]?.server_version} at ${redact(adminUrl!)}`);

  // 1. Temporal: what it is, and a namespace of the smoke's own.
  const connection = await Connection.connect({ address: temporalAddress!, connectTimeout: '10s' }).catch((error: Error) => fail(`no Temporal server at ${temporalAddress}: ${error.message}`));
  try {
    const info = await connection.workflowService.getClusterInfo({});
    step(`Temporal ${info.serverVersion} at ${temporalAddress}: persistence ${info.persistenceStore}, visibility ${info.visibilityStore}, ${info.historyShardCount} history shards`);
    if (/sqlite/i.test(`${info.persistenceStore}`)) step('NOTE: this Temporal server keeps its data in SQLite (a dev server); production runs it on PostgreSQL');
    const exists = await connection.workflowService.describeNamespace({ namespace }).then(() => true, () => false);
    if (!exists) {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day'), description: 'passport service smoke checks (npm run smoke)' });
      step(`namespace ${namespace} created (retention 1 day)`);
    }
    for (let i = 0; ; i++) {
      const listed = await connection.operatorService.listSearchAttributes({ namespace }).catch((error: Error) => (i < 30 ? undefined : fail(`namespace ${namespace}: ${error.message}`)));
      if (listed) {
        await ensureSearchAttributes(connection, namespace);
        break;
      }
      await new Promise((r) => setTimeout(r, 1000)); // a new namespace takes a moment to reach every frontend
    }
    step(`namespace ${namespace}: search attributes ${SEARCH_ATTRIBUTES.map((a) => a.name).join(', ')}`);
  } finally {
    await connection.close();
  }

  // 2. PostgreSQL: a database of the smoke's own, set up by the production setup step.
  const name = `passport_smoke_${runId.replace('-', '_')}`;
  await (creatingDb = sql`create database ${sql.id(name)}`.execute(admin)).catch((error: Error & { code?: string }) =>
    // 42501: insufficient_privilege
    fail(`cannot create a database at ${redact(adminUrl!)}${error.code === '42501' ? ' (the smoke check needs a user that may create a database)' : ''}: ${error.message}`),
  );
  smokeDb = name;
  const url = new URL(adminUrl!);
  url.pathname = `/${smokeDb}`;
  const databaseUrl = url.toString();
  step(`database ${smokeDb} created`);
  // Its own API and worker take DATABASE_POOL_MAX connections each (5 unless given): the README's connection budget.
  // SHUTDOWN_GRACE_SECONDS and WORKFLOW_BUNDLE_PATH reach them too when the smoke's own environment sets them.
  const passedOn = Object.fromEntries(['SHUTDOWN_GRACE_SECONDS', 'WORKFLOW_BUNDLE_PATH'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])));
  const production = { NODE_ENV: 'production', TEMPORAL_UI_URL: 'http://localhost:8080', DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX ?? '5', DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress!, TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'info', ...passedOn, ...secrets };
  const setup = await output(run('setup-database', { ...production, REFERENCE_DATA_DIR: process.env.REFERENCE_DATA_DIR ?? 'deploy/reference' }));
  for (const line of setup.text.trim().split('\n')) step(`  setup-database: ${line}`);
  if (setup.code !== 0) fail(`setup-database exited ${setup.code}`);

  // 3. The compiled worker and API.
  const port = await freePort();
  // A stand-in population registry on loopback: the smoke check's made-up applicants are nobody a real registry knows.
  registryFake = await startFakeDukcapil();
  step(`population registry (Dukcapil): a local fake on ${registryFake.url}, which confirms the smoke check's applicants`);
  const staging = { ...production, NODE_ENV: 'staging', DEMO_DAY_SECONDS: String(daySeconds), TRACKING_RATE_PER_MINUTE: '100000', TRACKING_BURST: '100000', ...registryFake.settings };
  processes.push(run('worker', staging), run('api', { ...staging, HOST: '127.0.0.1', PORT: String(port) }));
  step(`worker (pid ${processes[0]!.child.pid}) and API (pid ${processes[1]!.child.pid}) starting on task queue ${taskQueue}; logs in ${logDir}`);
  for (const proc of processes) void proc.exited.then((code) => !stopping && console.error(`${proc.name} exited (${code}) early: see ${join(logDir, `${proc.name}.log`)}`));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ready = await fetch(`${baseUrl}/health/ready`).then((r) => r.status, () => 0);
    if (ready === 200) break;
    if (i > 120 || processes.some((p) => p.child.exitCode !== null)) fail(`the API did not become ready (last answer ${ready}); logs in ${logDir}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  step(`worker and API started (NODE_ENV=staging, one day = ${daySeconds} s); API ready on ${baseUrl}`);
  const offices = (await (await fetch(`${baseUrl}/offices`)).json()) as Array<{ code: string }>;
  if (!Array.isArray(offices) || offices.length === 0) fail('GET /offices is empty');
  step(`GET /offices: ${offices.length} offices (${offices.map((o) => o.code).join(', ')})`);

  const api = serviceClient(baseUrl, secrets, { retry: { forMs: 60_000 } });
  const db = createDb(databaseUrl, { max: 1 });
  const bookingDate = await nextWorkingDay(db).finally(() => db.destroy());
  const { planDay, liveDay } = demoDay({ seed: Date.now() % 100_000, offices: offices.map((o) => o.code), maxWaitMs: 4 * 60_000 });
  applicants = planDay(count, 1, [['ON_TIME', 1]]);
  const results = await Promise.allSettled(applicants.map((a) => liveDay(api, a, bookingDate, (stage) => stage === 'completed' && step(`application ${a.n} (${a.office}, ${a.delivery}) COMPLETED`))));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`application ${applicants[i]!.n}: ${(r.reason as Error).message}`] : []));
  if (failed.length) fail(`${failed.length} of ${count} applications did not complete:\n  ${failed.join('\n  ')}`);
  step(`${count} of ${count} applications COMPLETED`);

  // The managers' queries: the terminal tool, the managers' API, and a burst as a room of managers would make.
  const stuck = await output(run('stuck', { NODE_ENV: 'production', TEMPORAL_ADDRESS: temporalAddress!, TEMPORAL_NAMESPACE: namespace, TEMPORAL_UI_URL: 'http://localhost:8080' }));
  if (stuck.code !== 0) fail(`stuck exited ${stuck.code}: ${stuck.text}`);
  step(`stuck (managers' lists, NODE_ENV=production without DATABASE_URL): ${stuck.text.split('\n').filter((l) => /^\S.*: \d+$/.test(l)).join('; ')}`);
  const manager = { authorization: `Bearer ${await mintStaffToken(secrets.JWT_SECRET, { sub: 'smoke-manager', role: 'manager', office: '*' })}` };
  for (const path of ['/manager/summary', '/manager/past-sla', '/manager/stuck', '/manager/calendar', '/manager/at-risk', `/manager/applications/${applicants[0]!.trackingCode}`]) {
    const response = await fetch(`${baseUrl}${path}`, { headers: manager });
    if (response.status !== 200) fail(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  }
  step('managers\' API: /manager/summary, /past-sla, /stuck, /calendar, /at-risk and /applications/{trackingCode} answered 200');
  const temporal = await Connection.connect({ address: temporalAddress! });
  try {
    const client = new Client({ connection: temporal, namespace });
    const ids = applicants.map((a) => `"${workflowIdFor(a.applicationId!)}"`).join(', ');
    for (let i = 0; ; i++) {
      const { count: visible } = await client.workflow.count(`WorkflowId IN (${ids}) AND PassportStage = "COMPLETED" AND ExecutionStatus = "Completed"`);
      if (visible === count) break;
      if (i > 30) fail(`visibility shows ${visible} of ${count} completed applications`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    const queries = managerQueries({ now: new Date() });
    const burst = Array.from({ length: 40 }, (_, i) => queries[i % queries.length]!.query);
    const answers = await Promise.allSettled(burst.map((query) => client.workflow.count(query)));
    const refused = answers.filter((a) => a.status === 'rejected');
    if (refused.length) fail(`${refused.length} of ${burst.length} managers' queries in a burst were refused: ${(refused[0] as PromiseRejectedResult).reason}`);
    step(`visibility: the ${count} workflows are listed COMPLETED; a burst of ${burst.length} managers' queries all answered`);
    const named = applicants[0]!.trackingCode!;
    const { count: byCode } = await client.workflow.count(byTrackingCode(named));
    if (byCode !== 1) fail(`the query by tracking code ${named} finds ${byCode} workflows, not its application's`);
    step(`visibility: application ${named} found by its tracking code`);
    // Each payment's bank transaction waits days for a settlement report, which a smoke check never sends.
    const ended = await Promise.allSettled(bankTransactionIds().map((id) => client.workflow.getHandle(id).terminate('smoke check ended: no settlement report comes')));
    step(`${ended.filter((r) => r.status === 'fulfilled').length} bank transactions ended (their settlement reports never come in a smoke check)`);
    // The worker made the daily reconciliation's schedule for its task queue; this namespace keeps no schedule after the check.
    const schedule = client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID);
    const described = await schedule.describe().catch((error: Error) => fail(`schedule ${RECONCILIATION_SCHEDULE_ID}: ${error.message}`));
    if (described.action.type !== 'startWorkflow' || described.action.taskQueue !== taskQueue) fail(`schedule ${RECONCILIATION_SCHEDULE_ID} does not start its workflow on task queue ${taskQueue}`);
    await schedule.delete();
    step(`schedule ${RECONCILIATION_SCHEDULE_ID}: made by the worker for task queue ${taskQueue} (${described.action.workflowType}); deleted`);
  } finally {
    await temporal.close();
  }
}

let stopping = false;
/** The secret of a URL is never printed. */
const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

/**
 * Best effort, after a failed or interrupted run: the workflows it started that still run (listed by its task
 * queue, and by the ids it knows, in case visibility lags) are terminated, so that none stays open in the namespace.
 */
/** The bank transaction workflow of each application's payment (demo-day pays each billing code once). */
const bankTransactionIds = () =>
  applicants.flatMap((a) => {
    if (!a.billingCode) return [];
    const { bank, transactionId } = demoPayment(a.billingCode);
    return [bankTransactionIdFor(bank, transactionId)];
  });

async function terminateLeftovers(): Promise<void> {
  const connection = await Connection.connect({ address: temporalAddress!, connectTimeout: '5s' });
  try {
    const client = new Client({ connection, namespace });
    const ids = new Set([...applicants.flatMap((a) => (a.applicationId ? [workflowIdFor(a.applicationId)] : [])), ...bankTransactionIds()]);
    for await (const workflow of client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` })) ids.add(workflow.workflowId);
    // One already ended refuses: only those still running count.
    const results = await Promise.allSettled([...ids].map((id) => client.workflow.getHandle(id).terminate('smoke check ended')));
    const terminated = results.filter((r) => r.status === 'fulfilled').length;
    if (terminated) step(`${terminated} workflow${terminated === 1 ? '' : 's'} this run left running terminated (task queue ${taskQueue})`);
  } finally {
    await connection.close();
  }
}

let finishing: Promise<void> | undefined;
/** The end of every run, passed, failed or interrupted (once, whichever comes first): it exits the process. */
function finish(passed: boolean): Promise<void> {
  return (finishing ??= end(passed));
}
async function end(passed: boolean): Promise<void> {
  let ok = passed && !interrupted;
  try {
    stopping = true;
    for (const proc of spawned) if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
    for (const proc of spawned) {
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 60_000);
      const code = await proc.exited;
      clearTimeout(timer);
      if (code !== 0 && ok && processes.includes(proc)) {
        console.error(`\nSMOKE CHECK FAILED: ${proc.name} exited ${code} on SIGTERM`);
        ok = false;
      }
    }
    if (ok) step('worker and API stopped on SIGTERM, each with exit code 0');
    await registryFake?.stop();
    if (!ok && processes.some((p) => p.name === 'api')) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 30 s')), 30_000)));
      await Promise.race([terminateLeftovers(), timeout])
        .catch((error: Error) => console.error(`could not terminate the workflows left running on task queue ${taskQueue}: ${error.message}`))
        .finally(() => clearTimeout(timer));
    }
    await creatingDb?.catch(() => undefined); // interrupted while it was being created: it is dropped too
    if (smokeDb && !values.keep) {
      await sql`drop database if exists ${sql.id(smokeDb)} with (force)`.execute(admin).catch((error: Error) => console.error(`could not drop ${smokeDb}: ${error.message}`));
    } else if (smokeDb) {
      step(`database ${smokeDb} kept (--keep)`);
    }
    await admin.destroy();
    // Kept after a failure if any process wrote there, and with --keep.
    if ((ok || spawned.length === 0) && !values.keep) await rm(logDir, { recursive: true, force: true });
    else console.error(`process logs: ${logDir}`);
  } catch (error) {
    console.error(`\nSMOKE CHECK FAILED while cleaning up: ${error instanceof Error ? error.message : String(error)}`);
    ok = false;
  }
  if (ok) console.log(`\nSmoke check passed in ${seconds()}: ${count} applications COMPLETED on ${temporalAddress} (namespace ${namespace}).`);
  process.exit(interrupted ? SIGNAL_STATUS[interrupted] : ok ? 0 : 1);
}

let passed = false;
try {
  await main();
  passed = true;
} catch (error) {
  // What an interruption broke is no failure of the deployment.
  if (!interrupted) console.error(`\nSMOKE CHECK FAILED: ${error instanceof Error ? error.message : String(error)}`);
}
await finish(passed);

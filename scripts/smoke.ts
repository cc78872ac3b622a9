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
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
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
import { SEARCH_ATTRIBUTES, workflowIdFor } from '../workflows/definitions.js';
import { serviceClient } from './demo-client.js';
import { demoDay, nextWorkingDay, type Applicant } from './demo-day.js';
import { managerQueries } from './manager-queries.js';
import { registerSearchAttributes } from './search-attributes.js';

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
const taskQueue = 'passport-smoke';
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

interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}
const logDir = await mkdtemp(join(tmpdir(), 'passport-smoke-'));
/** A compiled entry point as its own process, its output to a log file named in any failure. */
function run(name: string, env: Record<string, string>): Proc {
  const log = createWriteStream(join(logDir, `${name}.log`));
  const child = spawn(process.execPath, [...process.execArgv, entry(name)], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { name, child, exited };
}
const output = async (proc: Proc) => {
  const chunks: Buffer[] = [];
  proc.child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  proc.child.stderr!.on('data', (c: Buffer) => chunks.push(c));
  const code = await proc.exited;
  return { code, text: Buffer.concat(chunks).toString() };
};

const processes: Proc[] = [];
let smokeDb: string | undefined;
const admin = createDb(adminUrl, { max: 1 });
const secrets = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  BANK_CALLBACK_SECRET: randomBytes(16).toString('hex'),
  POS_CALLBACK_SECRET: randomBytes(16).toString('hex'),
};

async function main() {
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
        if (!SEARCH_ATTRIBUTES.every((a) => a.name in listed.customAttributes)) await registerSearchAttributes(connection, namespace);
        break;
      }
      await new Promise((r) => setTimeout(r, 1000)); // a new namespace takes a moment to reach every frontend
    }
    step(`namespace ${namespace}: search attributes ${SEARCH_ATTRIBUTES.map((a) => a.name).join(', ')}`);
  } finally {
    await connection.close();
  }

  // 2. PostgreSQL: a database of the smoke's own, set up by the production setup step.
  smokeDb = `passport_smoke_${new Date().toISOString().slice(0, 19).replace(/\D/g, '')}_${randomBytes(3).toString('hex')}`;
  await sql`create database ${sql.id(smokeDb)}`.execute(admin).catch((error: Error) => fail(`cannot create a database at ${redact(adminUrl!)} (the smoke check needs a user that may): ${error.message}`));
  const url = new URL(adminUrl!);
  url.pathname = `/${smokeDb}`;
  const databaseUrl = url.toString();
  step(`database ${smokeDb} created`);
  // Its own API and worker take DATABASE_POOL_MAX connections each (5 unless given): the README's connection budget.
  const production = { NODE_ENV: 'production', TEMPORAL_UI_URL: 'http://localhost:8080', DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX ?? '5', DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress!, TEMPORAL_NAMESPACE: namespace, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'info', ...secrets };
  const setup = await output(run('setup-database', { ...production, REFERENCE_DATA_DIR: process.env.REFERENCE_DATA_DIR ?? 'deploy/reference' }));
  for (const line of setup.text.trim().split('\n')) step(`  setup-database: ${line}`);
  if (setup.code !== 0) fail(`setup-database exited ${setup.code}`);

  // 3. The compiled worker and API.
  const port = await freePort();
  const staging = { ...production, NODE_ENV: 'staging', DEMO_DAY_SECONDS: String(daySeconds), TRACKING_RATE_PER_MINUTE: '100000', TRACKING_BURST: '100000' };
  processes.push(run('worker', staging), run('api', { ...staging, HOST: '127.0.0.1', PORT: String(port) }));
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
  const applicants: Applicant[] = planDay(count, 1, [['ON_TIME', 1]]);
  const results = await Promise.allSettled(applicants.map((a) => liveDay(api, a, bookingDate, (stage) => stage === 'completed' && step(`application ${a.n} (${a.office}, ${a.delivery}) COMPLETED`))));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`application ${applicants[i]!.n}: ${(r.reason as Error).message}`] : []));
  if (failed.length) fail(`${failed.length} of ${count} applications did not complete:\n  ${failed.join('\n  ')}`);
  step(`${count} of ${count} applications COMPLETED`);

  // The managers' queries: the terminal tool, the managers' API, and a burst as a room of managers would make.
  const stuck = await output(run('stuck', { NODE_ENV: 'production', TEMPORAL_ADDRESS: temporalAddress!, TEMPORAL_NAMESPACE: namespace, TEMPORAL_UI_URL: 'http://localhost:8080' }));
  if (stuck.code !== 0) fail(`stuck exited ${stuck.code}: ${stuck.text}`);
  step(`stuck (managers' lists, NODE_ENV=production without DATABASE_URL): ${stuck.text.split('\n').filter((l) => /^\S.*: \d+$/.test(l)).join('; ')}`);
  const manager = { authorization: `Bearer ${await mintStaffToken(secrets.JWT_SECRET, { sub: 'smoke-manager', role: 'manager', office: '*' })}` };
  for (const path of ['/manager/summary', '/manager/past-sla', '/manager/stuck', '/manager/calendar']) {
    const response = await fetch(`${baseUrl}${path}`, { headers: manager });
    if (response.status !== 200) fail(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  }
  step('managers\' API: /manager/summary, /past-sla, /stuck and /calendar answered 200');
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
  } finally {
    await temporal.close();
  }
}

let stopping = false;
/** The secret of a URL is never printed. */
const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

let ok = false;
try {
  await main();
  ok = true;
} catch (error) {
  console.error(`\nSMOKE CHECK FAILED: ${error instanceof Error ? error.message : String(error)}`);
  console.error(`process logs: ${logDir}`);
} finally {
  stopping = true;
  for (const proc of processes) if (proc.child.exitCode === null) proc.child.kill('SIGTERM');
  for (const proc of processes) {
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), 60_000);
    const code = await proc.exited;
    clearTimeout(timer);
    if (code !== 0 && ok) {
      console.error(`\nSMOKE CHECK FAILED: ${proc.name} exited ${code} on SIGTERM (logs: ${logDir})`);
      ok = false;
    }
  }
  if (ok) step('worker and API stopped on SIGTERM, each with exit code 0');
  if (smokeDb && !values.keep) {
    await sql`drop database if exists ${sql.id(smokeDb)} with (force)`.execute(admin).catch((error: Error) => console.error(`could not drop ${smokeDb}: ${error.message}`));
  } else if (smokeDb) {
    step(`database ${smokeDb} kept (--keep)`);
  }
  await admin.destroy();
}
if (ok) console.log(`\nSmoke check passed in ${seconds()}: ${count} applications COMPLETED on ${temporalAddress} (namespace ${namespace}). Logs: ${logDir}`);
process.exit(ok ? 0 : 1);

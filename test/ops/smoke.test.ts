// The production smoke check (scripts/smoke.ts, `npm run smoke`) as the README gives it, here against the
// Temporal dev server and the test PostgreSQL (an operator runs it against Temporal on PostgreSQL): it must
// pass, leave no database of its own behind, and fail clearly when a server is not there. Interrupted, it stops
// what it started: its processes, its database, its workflows.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDb } from '../../db/connect.js';
import { eventually } from '../support/eventually.js';
import { quietRuntime } from '../support/workflows.js';

const root = resolve(import.meta.dirname, '../..');
let env: TestWorkflowEnvironment;
const admin = createDb(inject('databaseUrl'), { max: 1 });

/**
 * As an operator's shell runs it, with two settings it hands on to its worker and API: the run's workflow bundle
 * (the worker starts without bundling workflows/ again), and a grace of 5 s on SIGTERM. Interrupted, the smoke's
 * applicants go on polling the API while it drains, so the API waits out the whole grace (30 s by default).
 */
const SMOKE_ENV = { PATH: process.env.PATH ?? '', WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'), SHUTDOWN_GRACE_SECONDS: '5' };
const smoke = (args: string[]) =>
  new Promise<{ code: number; output: string }>((done) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/smoke.ts', ...args], { cwd: root, env: SMOKE_ENV, timeout: 240_000 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
/** The smoke as a terminal runs it: a process group of its own (the foreground job), its output collected. */
function startSmoke(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/smoke.ts', ...args], { cwd: root, env: SMOKE_ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { pid: child.pid!, output: () => output, exited };
}
/** The pids of a process's children, from the process table. */
const childrenOf = (pid: number) =>
  execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .flatMap(([child, parent]) => (parent === pid ? [child!] : []));
/** Running, or not yet reaped by anyone (a zombie has ended: it counts as gone). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const smokeDatabases = async () => (await sql<{ datname: string }>`select datname from pg_database where datname like 'passport_smoke_%'`.execute(admin)).rows.map((r) => r.datname);

beforeAll(async () => {
  quietRuntime();
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: inject('temporalCliPath') }, ip: '127.0.0.1', log: { format: 'pretty', level: 'error' } } });
});
afterAll(async () => {
  await admin.destroy();
  await env?.teardown();
});

// The passing run goes first and alone: its applicants keep appointment days of 10 s, which a loaded machine must
// not stretch. Then the interrupted run and the three refusals side by side: the refusals create no database and
// start no workflow, so they change nothing the interrupted run counts.
describe('npm run smoke', () => {
  it('drives applications to COMPLETED through the compiled processes and runs the managers\' queries', async () => {
    const before = await smokeDatabases();
    const { code, output } = await smoke(['--temporal-address', env.address, '--database-url', inject('databaseUrl'), '--applications', '2', '--day-seconds', '10']);
    expect(code, output).toBe(0);
    expect(output).toMatch(/Temporal \S+ at .*: persistence \w+, visibility \w+, \d+ history shards/);
    expect(output).toMatch(/GET \/offices: 5 offices/);
    expect(output).toMatch(/2 of 2 applications COMPLETED/);
    expect(output).toMatch(/stuck \(managers' lists, NODE_ENV=production without DATABASE_URL\): Past the SLA deadline and not printed: \d+/);
    expect(output).toContain('a burst of 40 managers\' queries all answered');
    expect(output).toContain('2 bank transactions ended'); // none left waiting for a settlement report
    expect(output).toContain('worker and API stopped on SIGTERM, each with exit code 0');
    expect(output).toMatch(/Smoke check passed in \d+ s: 2 applications COMPLETED/);
    expect(output).not.toContain(`:${new URL(inject('databaseUrl')).password}@`); // the password is never printed
    expect(await smokeDatabases(), output).toEqual(before); // the output says why, e.g. `could not drop`
    const logs = /logs(?: in|:) (\S+)$/im.exec(output)?.[1];
    expect(logs, output).toMatch(/passport-smoke-/);
    expect(existsSync(logs!)).toBe(false); // a passing run leaves no log folder
  }, 150_000);

  it.concurrent('stops its processes, drops its database and terminates its workflows when interrupted by Ctrl-C, and exits 130', async ({ expect }) => {
    const client = new Client({ connection: env.connection, namespace: 'passport-smoke' });
    // What earlier runs ended (a passing run ends its bank transactions): not this run's doing.
    const terminatedBefore = new Set<string>();
    for await (const workflow of client.workflow.list({ query: 'ExecutionStatus = "Terminated"' })) terminatedBefore.add(workflow.runId);
    const smokeRun = startSmoke(['--temporal-address', env.address, '--database-url', inject('databaseUrl'), '--applications', '2', '--day-seconds', '30']);
    try {
      await eventually(async () => smokeRun.output(), (text) => /API ready on/.test(text), 90_000);
      // Its applications are under way: workflows Running on this run's task queue, in the shared namespace.
      await eventually(async () => (await client.workflow.count('ExecutionStatus = "Running"')).count, (running) => running > 0, 30_000);
      const children = childrenOf(smokeRun.pid);
      expect(children.length, smokeRun.output()).toBeGreaterThanOrEqual(2); // the worker and the API
      process.kill(-smokeRun.pid, 'SIGINT'); // Ctrl-C: SIGINT to the terminal's whole foreground process group

      expect(await smokeRun.exited, smokeRun.output()).toBe(130);
      const output = smokeRun.output();
      expect(output).toContain('SMOKE CHECK INTERRUPTED by SIGINT');
      expect(output).not.toContain('SMOKE CHECK FAILED'); // what the interruption broke is not reported as a failure
      expect(children.filter(alive), output).toEqual([]);
      const database = /database (passport_smoke_\w+) created/.exec(output)?.[1];
      expect(database, output).toBeTruthy();
      expect(await smokeDatabases()).not.toContain(database);
      expect((await client.workflow.count('ExecutionStatus = "Running"')).count, output).toBe(0);
      const terminated = [];
      for await (const workflow of client.workflow.list({ query: 'ExecutionStatus = "Terminated"' })) if (!terminatedBefore.has(workflow.runId)) terminated.push(workflow);
      expect(terminated.length).toBeGreaterThan(0);
      // On a task queue of this run's own, which no later run's worker polls.
      const queue = /task queue (passport-smoke-[\w-]+)/.exec(output)?.[1];
      expect(terminated.map((w) => w.taskQueue)).toEqual(terminated.map(() => queue));
      const logs = /process logs: (\S+)/.exec(output)?.[1];
      expect(logs && existsSync(logs), output).toBe(true); // kept, to see what it was doing
      await rm(logs!, { recursive: true, force: true });
    } finally {
      if (alive(smokeRun.pid)) process.kill(-smokeRun.pid, 'SIGKILL');
    }
  }, 150_000);

  it.concurrent('says it cannot connect to PostgreSQL when the password is wrong, and drops nothing', async ({ expect }) => {
    const url = new URL(inject('databaseUrl'));
    url.password = 'not-the-password';
    const { code, output } = await smoke(['--temporal-address', env.address, '--database-url', url.toString()]);
    expect(code, output).toBe(1);
    expect(output).toContain(`SMOKE CHECK FAILED: cannot connect to PostgreSQL at postgres://${url.username}:***@${url.host}`);
    expect(output).toContain('password authentication failed');
    expect(output).not.toContain('could not drop');
    expect(output).not.toContain('needs a user that may');
    expect(output).not.toContain('not-the-password');
  });

  it.concurrent('says which server it could not reach, and exits 1', async ({ expect }) => {
    const { code, output } = await smoke(['--temporal-address', '127.0.0.1:1', '--database-url', inject('databaseUrl')]);
    expect(code).toBe(1);
    expect(output).toContain('SMOKE CHECK FAILED: no Temporal server at 127.0.0.1:1');
  });

  it.concurrent('explains its arguments when one is missing', async ({ expect }) => {
    const { code, output } = await smoke(['--temporal-address', env.address]);
    expect(code).toBe(2);
    expect(output).toContain('usage: npm run smoke -- --temporal-address HOST:PORT --database-url');
  });
});

// The whole service as separate processes on loopback, each of which can be killed, stopped, hung and
// restarted on the same data: PostgreSQL, the Temporal dev server on its database file, the production
// worker and the production API. Shared by the fault tests (test/faults/) and `npm run soak`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, readdirSync, type WriteStream } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { createDb, migrateToLatest } from '../db/connect.js';
import { binaries, postgresUser } from '../db/embedded-postgres.js';
import { freePort } from '../test/support/ports.js';
import { seed } from '../db/reference.js';
import { SQLITE_PRAGMA_FLAGS, searchAttributeFlags } from './dev-server.js';
import { temporalExecutable } from './temporal-executables.js';

const root = resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Component = 'postgres' | 'temporal' | 'worker' | 'api';
export const COMPONENTS: readonly Component[] = ['postgres', 'temporal', 'worker', 'api'];

export interface ClusterOptions {
  /** Extra environment for the worker and the API (short policy windows: PAYMENT_WINDOW_MINUTES, DEMO_DAY_SECONDS...). */
  env?: Record<string, string>;
  /** Keep the data folder (logs included) after stop(), to look into a failure. */
  keepData?: boolean;
  /** Node flags for the worker and API processes (`npm run bench -- --profile`: --cpu-prof). */
  nodeArgs?: string[];
}

async function waitFor(what: string, ready: () => Promise<boolean>, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error(`${what} exited while starting`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** Direct children of `pid` (PostgreSQL's backends call setsid(), so a process-group signal misses them). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

const signalQuietly = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
};

interface Managed {
  child?: ChildProcess;
  log: WriteStream;
  starts: number;
}

export async function startCluster(options: ClusterOptions = {}) {
  // Under the system temp folder, 0755: reachable by the `postgres` user even when the clone is under /root.
  const dir = await mkdtemp(join(tmpdir(), 'passport-cluster-'));
  await chmod(dir, 0o755);
  const pgDir = join(dir, 'pg');
  const ports = { postgres: await freePort(), temporal: await freePort(), temporalUi: await freePort(), api: await freePort() };
  const databaseUrl = `postgres://postgres@127.0.0.1:${ports.postgres}/passport`;
  const temporalAddress = `127.0.0.1:${ports.temporal}`;
  const taskQueue = `cluster-${randomUUID()}`;
  const secrets = {
    JWT_SECRET: `cluster-jwt-secret-${randomUUID()}`,
    BANK_CALLBACK_SECRET: `cluster-bank-${randomUUID()}`,
    POS_CALLBACK_SECRET: `cluster-pos-${randomUUID()}`,
  };
  // The same binaries and the same `postgres` user (when we are root) as the embedded PostgreSQL of `npm start`.
  const ids = await postgresUser();
  const { postgres: postgresBin, initdb } = await binaries();
  const cli = temporalExecutable('cli', { required: true });
  if (cli.type !== 'existing-path') throw new Error('no Temporal CLI');

  const managed = Object.fromEntries(COMPONENTS.map((c) => [c, { log: createWriteStream(join(dir, `${c}.log`)), starts: 0 } satisfies Managed])) as Record<Component, Managed>;
  const counts = Object.fromEntries(COMPONENTS.map((c) => [c, { kills: 0, stops: 0, hangs: 0, restarts: 0, crashes: 0 }])) as Record<
    Component,
    { kills: number; stops: number; hangs: number; restarts: number; crashes: number }
  >;
  /** Processes that exited without being killed or stopped (see each component's log in `dir`). */
  const crashes: string[] = [];
  const ending = new Set<ChildProcess>();
  const hung = new Set<Component>();

  const launch = (component: Component, command: string, args: string[], extra: { env?: Record<string, string>; ids?: { uid: number; gid: number } } = {}) => {
    const m = managed[component];
    // Its own process group, so a signal reaches everything it started (tsx's node child included).
    const child = spawn(command, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...extra.env }, ...extra.ids });
    child.stdout?.pipe(m.log, { end: false });
    child.stderr?.pipe(m.log, { end: false });
    m.child = child;
    m.starts += 1;
    child.once('exit', (code, sig) => {
      if (ending.has(child)) return;
      counts[component].crashes += 1;
      crashes.push(`${new Date().toISOString().slice(11, 19)} ${component} exited by itself (${sig ?? `code ${code}`}; its log: ${join(dir, `${component}.log`)})`);
    });
    return child;
  };
  const running = (component: Component) => {
    const child = managed[component].child;
    return !!child && child.exitCode === null && child.signalCode === null;
  };
  const exitOf = (child: ChildProcess) => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r())));

  /** Every pid of a component: the process group leader and, for PostgreSQL, each backend. */
  const pidsOf = (component: Component): number[] => {
    const pid = managed[component].child?.pid;
    if (!pid || !running(component)) return [];
    return component === 'postgres' ? [pid, ...childrenOf(pid)] : [pid];
  };
  const signal = (component: Component, sig: NodeJS.Signals) => {
    const pid = managed[component].child?.pid;
    if (!pid) return;
    if (component === 'postgres') for (const p of pidsOf(component)) signalQuietly(p, sig);
    else signalQuietly(-pid, sig);
  };

  // PostgreSQL: initdb once (trust on loopback: a throwaway cluster), then the postmaster on the same data.
  await mkdir(pgDir);
  if (ids) await chown(pgDir, ids.uid, ids.gid);
  const init = spawnSync(initdb, ['-D', pgDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'], { ...ids, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);

  const pgReady = async () => {
    const client = new pg.Client({ connectionString: databaseUrl.replace(/\/passport$/, '/postgres'), connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const temporalReady = async () => {
    const connection = await Connection.connect({ address: temporalAddress, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  };
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  const apiReady = async () => (await fetch(`${apiUrl}/health`, { signal: AbortSignal.timeout(1000) })).ok;
  const workerReady = (since: number) => async () => readFileSync(join(dir, 'worker.log'), 'utf8').slice(since).includes('worker polling');

  const serviceEnv = () => ({
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    PORT: String(ports.api),
    HOST: '127.0.0.1',
    SHUTDOWN_GRACE_SECONDS: '5',
    TRACKING_RATE_PER_MINUTE: '1000000',
    TRACKING_BURST: '1000000',
    ...secrets,
    ...options.env,
  });

  const nodeArgs = options.nodeArgs ?? [];
  /** Further worker and API processes (`extra()`), outside the fault tests' components. */
  const extras: Array<{ child: ChildProcess; log: WriteStream }> = [];
  const stopExtra = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalQuietly(-child.pid!, 'SIGTERM');
    const timeout = setTimeout(() => signalQuietly(-child.pid!, 'SIGKILL'), 15_000);
    await exitOf(child);
    clearTimeout(timeout);
  };

  const starters: Record<Component, () => Promise<void>> = {
    postgres: async () => {
      const child = launch('postgres', postgresBin, ['-D', pgDir, '-p', String(ports.postgres), '-h', '127.0.0.1', '-k', pgDir], { ids });
      await waitFor('PostgreSQL', pgReady, () => child.exitCode !== null, 60_000);
    },
    temporal: async () => {
      const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(ports.temporal), '--ui-port', String(ports.temporalUi), '--db-filename', join(dir, 'temporal.db'), ...SQLITE_PRAGMA_FLAGS, '--log-level', 'warn', ...searchAttributeFlags()];
      const child = launch('temporal', cli.path, args);
      await waitFor('the Temporal dev server', temporalReady, () => child.exitCode !== null, 60_000);
    },
    worker: async () => {
      const since = existsSync(join(dir, 'worker.log')) ? readFileSync(join(dir, 'worker.log'), 'utf8').length : 0;
      const child = launch('worker', process.execPath, [...nodeArgs, '--import', 'tsx', 'scripts/worker.ts'], { env: serviceEnv() });
      await waitFor('the worker', workerReady(since), () => child.exitCode !== null, 120_000);
    },
    api: async () => {
      const child = launch('api', process.execPath, [...nodeArgs, '--import', 'tsx', 'scripts/api.ts'], { env: serviceEnv() });
      await waitFor('the API', apiReady, () => child.exitCode !== null, 120_000);
    },
  };

  const cluster = {
    dir,
    databaseUrl,
    temporalAddress,
    taskQueue,
    apiUrl,
    secrets,
    counts,
    crashes,
    running,
    /** Every pid of a component now (PostgreSQL: the postmaster and each backend), e.g. to read their CPU time. */
    pids: pidsOf,
    /**
     * One more worker or API process with the same environment (an API on a port of its own), resolved once it
     * polls or answers; stopped by `stop()` or at shutdown. The fault tests' components are not affected.
     */
    async extra(component: 'worker' | 'api') {
      const n = extras.length + 1;
      const logFile = join(dir, `${component}-extra-${n}.log`);
      const log = createWriteStream(logFile);
      const port = component === 'api' ? await freePort() : ports.api;
      const script = component === 'api' ? 'scripts/api.ts' : 'scripts/worker.ts';
      const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ...serviceEnv(), PORT: String(port) },
      });
      child.stdout?.pipe(log, { end: false });
      child.stderr?.pipe(log, { end: false });
      extras.push({ child, log });
      const url = `http://127.0.0.1:${port}`;
      const exited = () => child.exitCode !== null || child.signalCode !== null;
      const ready =
        component === 'api'
          ? async () => (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok
          : async () => readFileSync(logFile, 'utf8').includes('worker polling');
      try {
        await waitFor(`the extra ${component}`, ready, exited, 120_000);
      } catch (error) {
        await stopExtra(child);
        throw error;
      }
      return { url, pid: child.pid!, stop: () => stopExtra(child) };
    },
    /** SIGKILL: the process (and its group; PostgreSQL with every backend) dies at once, nothing flushed. */
    async kill(component: Component) {
      const child = managed[component].child;
      if (!child || !running(component)) return;
      const pids = pidsOf(component);
      ending.add(child);
      if (hung.has(component)) hung.delete(component);
      signal(component, 'SIGKILL');
      for (const p of pids) signalQuietly(p, 'SIGKILL');
      await exitOf(child);
      if (component === 'postgres') await waitGone(pids);
      counts[component].kills += 1;
    },
    /** A clean stop (SIGINT to PostgreSQL: fast shutdown; SIGTERM to the others). */
    async stop(component: Component) {
      const child = managed[component].child;
      if (!child || !running(component)) return;
      if (hung.has(component)) cluster.resume(component);
      ending.add(child);
      signalQuietly(component === 'postgres' ? child.pid! : -child.pid!, component === 'postgres' ? 'SIGINT' : 'SIGTERM');
      const timeout = setTimeout(() => void cluster.kill(component), 30_000);
      await exitOf(child);
      clearTimeout(timeout);
      counts[component].stops += 1;
    },
    /** SIGSTOP of every process of the component: it keeps its sockets open but answers nothing. */
    hang(component: Component) {
      signal(component, 'SIGSTOP');
      hung.add(component);
      counts[component].hangs += 1;
    },
    resume(component: Component) {
      signal(component, 'SIGCONT');
      hung.delete(component);
    },
    /** Starts the component again on the same data (and port); resolves once it answers. */
    async start(component: Component) {
      if (running(component)) return;
      await starters[component]();
      counts[component].restarts += 1;
    },
    async restart(component: Component, how: 'kill' | 'stop' = 'kill') {
      await (how === 'kill' ? cluster.kill(component) : cluster.stop(component));
      await cluster.start(component);
    },
    /** A Temporal client on a fresh connection (the server may have restarted since). */
    async temporal<T>(use: (client: Client) => Promise<T>): Promise<T> {
      const connection = await Connection.connect({ address: temporalAddress });
      try {
        return await use(new Client({ connection }));
      } finally {
        await connection.close();
      }
    },
    /** Every process stopped (SIGKILL of whatever does not stop), the data folder removed unless kept or a process crashed. */
    async shutdown() {
      for (const c of COMPONENTS) if (hung.has(c)) cluster.resume(c);
      await Promise.all(extras.map(({ child }) => stopExtra(child)));
      for (const { log } of extras) log.end();
      for (const c of ['api', 'worker', 'temporal', 'postgres'] as const) {
        const child = managed[c].child;
        if (!child || !running(c)) continue;
        await Promise.race([cluster.stop(c), sleep(10_000)]);
        await cluster.kill(c);
      }
      for (const m of Object.values(managed)) m.log.end();
      process.off('exit', killAll);
      // A process that exited by itself leaves the logs for whoever reads the failure (the message names them); not the data.
      if (options.keepData) return;
      if (!crashes.length) await rm(dir, { recursive: true, force: true });
      else for (const entry of await readdir(dir)) if (!entry.endsWith('.log')) await rm(join(dir, entry), { recursive: true, force: true });
    },
  };

  // If this process ends abruptly, nothing it started stays behind.
  const killAll = () => {
    for (const { child } of extras) if (child.exitCode === null && child.signalCode === null) signalQuietly(-child.pid!, 'SIGKILL');
    for (const c of COMPONENTS) {
      const pid = managed[c].child?.pid;
      if (!pid || !running(c)) continue;
      for (const p of pidsOf(c)) signalQuietly(p, 'SIGKILL');
      signalQuietly(-pid, 'SIGKILL');
    }
  };
  process.once('exit', killAll);

  try {
    await cluster.start('postgres');
    const admin = new pg.Client({ connectionString: databaseUrl.replace(/\/passport$/, '/postgres') });
    await admin.connect();
    await admin.query('create database passport');
    await admin.end();
    const db = createDb(databaseUrl, { max: 2 });
    await migrateToLatest(db);
    await seed(db);
    await db.destroy();
    await cluster.start('temporal');
    await Promise.all([cluster.start('worker'), cluster.start('api')]);
    for (const c of COMPONENTS) counts[c].restarts = 0;
  } catch (error) {
    await cluster.shutdown().catch(() => undefined);
    throw error;
  }
  return cluster;
}

async function waitGone(pids: number[]) {
  for (let i = 0; i < 100; i++) {
    if (pids.every((p) => !existsSync(`/proc/${p}`) || readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z '))) return;
    await sleep(100);
  }
}

export type Cluster = Awaited<ReturnType<typeof startCluster>>;

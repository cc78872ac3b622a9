// The pool and the migrations. The embedded PostgreSQL (development and tests only) is ./embedded-postgres.ts.
import { createHash } from 'node:crypto';
import { Kysely, Migrator, PostgresDialect, sql, type CompiledQuery, type MigrationProvider, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.js';
import type { DB } from './schema.js';

const DATE_OID = 1082;
const INT8_OID = 20;

/** Dates stay 'YYYY-MM-DD' (no time-zone shift); bigint money becomes a number (rupiah fit in 2^53). */
export const getTypeParser = ((oid: number, format?: 'text' | 'binary') => {
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
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: discardingBroken(pool) }) });
}

/** Statements worth a plan kept per connection (a named prepared statement), by their SQL text: the name of each. */
const preparedNames = new Map<string, string>();

/**
 * Runs `query` as a named prepared statement: each connection plans it once, not on every run (a statement with
 * subqueries takes longer to plan than to run). Only for statements whose text is fixed (no lists of varying length):
 * every connection keeps each one for its life. Outside a transaction: a run refused for a plan a migration made stale
 * is run again, unprepared, on the same connection (refused, it did nothing; in a transaction the retry would fail).
 */
export function prepared<R>(query: CompiledQuery<R>): CompiledQuery<R> {
  if (!preparedNames.has(query.sql)) preparedNames.set(query.sql, `p_${createHash('sha256').update(query.sql).digest('hex').slice(0, 24)}`);
  return query;
}

/** The name a statement is prepared under, if it is one (for a bare pg client running the same statement). */
export const preparedName = (text: string) => preparedNames.get(text);

/**
 * The pool as Kysely sees it, except that a connection whose query timed out is destroyed on release:
 * it still waits for the unanswered query, and handed out again it would block every later query. So is one
 * whose prepared statement no longer fits the schema (a column's type changed by a migration while it ran: the
 * statement, refused before it ran, is run again unprepared, so the caller sees no error), and
 * one whose connection ended while it was handed out (PostgreSQL stopped or restarted): pg fails its queries and
 * also emits 'error' on it, which pg-pool listens for only while a connection is idle. Unheard, that event ended
 * the whole process (a worker or an API) at the first PostgreSQL restart that caught a query running.
 */
function discardingBroken(pool: pg.Pool): PostgresPool {
  return {
    end: () => pool.end(),
    async connect() {
      const client = await pool.connect();
      let broken: Error | undefined;
      const ended = (error: Error) => void (broken = error); // its queries fail on their own: the caller sees the error
      client.on('error', ended);
      const query = (...args: unknown[]) => {
        const name = typeof args[0] === 'string' ? preparedNames.get(args[0]) : undefined;
        const result = name
          ? client.query({ name, text: args[0] as string, values: args[1] as unknown[] })
          : (client.query as (...a: unknown[]) => unknown)(...args);
        if (result instanceof Promise) {
          return result.catch((error: unknown) => {
            if (error instanceof Error && error.message === 'Query read timeout') broken = error;
            if (name && (error as { code?: string }).code === '0A000') {
              // Cached plan must not change result type: refused before it ran (nothing of it happened), so it runs
              // again at once, unprepared; the connection with the stale plan is replaced on release.
              broken = error as Error;
              return client.query(args[0] as string, args[1] as unknown[]);
            }
            throw error;
          });
        }
        return result;
      };
      return {
        query,
        release: () => {
          client.removeListener('error', ended); // the pool's own listener takes over while it is idle
          client.release(broken);
        },
      } as PostgresPoolClient;
    },
  };
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrations the database has run that this code does not know: it was migrated by a newer version. */
export async function unknownMigrations(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db).catch(() => ({ rows: [] as { name: string }[] }));
  return rows.map((r) => r.name).filter((name) => !(name in migrations));
}

/** Migrations this code has that the database has not run yet (the API refuses to serve on an old schema). */
export async function pendingMigrations(db: Kysely<DB>): Promise<string[]> {
  const all = await new Migrator({ db, provider }).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

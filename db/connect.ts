// The pool, migrations, and (from ./embedded-postgres.ts) the embedded PostgreSQL used when DATABASE_URL is not set.
import { Kysely, Migrator, PostgresDialect, type MigrationProvider } from 'kysely';
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

export function createDb(connectionString: string, options: { max?: number; onIdleError?: (error: Error) => void } = {}): Kysely<DB> {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, types: { getTypeParser } });
  // An idle connection dropped by the server (restart, failover) is replaced on next use, not a crash.
  pool.on('error', (error) => options.onIdleError?.(error));
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export { embeddedPostgresProblems, SetupError, startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';

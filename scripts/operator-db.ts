// The database of an operator's command (`npm run holidays`, `npm run settlements`, `npm run reconcile`): DATABASE_URL,
// or else the embedded PostgreSQL that `npm start` runs (EMBEDDED_PG_PORT). In production it needs DATABASE_URL (and
// whatever else the command names in `required`, e.g. TEMPORAL_ADDRESS), nothing more.
import { loadConfig, type Config } from '../config.js';
import { createDb } from '../db/connect.js';

export function operatorDatabase(required: Parameters<typeof loadConfig>[1] = ['DATABASE_URL']) {
  let config: Config;
  try {
    config = loadConfig(process.env, required);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const url = config.DATABASE_URL ?? `postgres://postgres:passport@127.0.0.1:${config.EMBEDDED_PG_PORT}/passport`;
  const db = createDb(url, { max: 1 });
  /** Runs the command: a failure (or `false`) exits 1 with its message, an unreachable PostgreSQL said as such; the pool is closed. */
  const run = async (work: () => Promise<boolean | void>) => {
    try {
      if ((await work()) === false) process.exitCode = 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(/ECONNREFUSED/.test(message) ? `no PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')}: start the service (npm start) or set DATABASE_URL` : message);
      process.exitCode = 1;
    } finally {
      await db.destroy();
    }
  };
  return { config, db, run };
}

// The production processes' database: the pool as configured, and a refusal to start (the process exits 1,
// saying what to run) on a database the setup step (scripts/setup-database.ts) has not prepared.
import type { Logger } from 'pino';
import { databaseTimeoutsFrom, type Config } from '../config.js';
import { createDb } from '../db/connect.js';
import { SETUP_HINT, setupProblems } from '../db/reference.js';

export async function openSetUpDatabase(config: Config & { DATABASE_URL: string }, log: Logger, who: 'API' | 'worker') {
  const db = createDb(config.DATABASE_URL, { ...databaseTimeoutsFrom(config), max: config.DATABASE_POOL_MAX, onIdleError: (err) => log.warn({ err }, 'idle database connection lost') });
  const problems = await setupProblems(db);
  if (problems.length) {
    log.fatal({ problems }, `the ${who} cannot start: ${problems.join('; ')}; ${SETUP_HINT}`);
    await db.destroy();
    process.exit(1);
  }
  return db;
}

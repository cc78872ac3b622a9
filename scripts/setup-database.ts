// `npm run setup-database` (compiled: `node dist/scripts/setup-database.js`; docker compose: the `setup` service):
// brings the database's schema up to date and loads the reference data from REFERENCE_DATA_DIR
// (deploy/reference/: offices, fees, documents to bring, holiday calendar). Idempotent: run it on every
// deployment, before the API and the worker start; the API refuses to start until it has run.
import { loadConfig } from '../config.js';
import { createDb, migrateToLatest } from '../db/connect.js';
import { catalogueProblems, loadReferenceData, readReferenceData } from '../db/reference.js';

const config = loadConfig(process.env, ['DATABASE_URL']);
// Without DATABASE_URL: the embedded PostgreSQL that `npm start` runs.
const url = config.DATABASE_URL ?? `postgres://postgres:passport@127.0.0.1:${config.EMBEDDED_PG_PORT}/passport`;
const db = createDb(url, { max: config.DATABASE_POOL_MAX }); // it uses one at a time (compose: 1)

try {
  // The files are checked before anything is changed: a typo in one never leaves a half-migrated database.
  const data = await readReferenceData(config.REFERENCE_DATA_DIR);
  const applied = await migrateToLatest(db);
  console.log(`schema: ${applied.length ? `${applied.length} migrations applied (${applied.join(', ')})` : 'up to date'}`);
  const report = await loadReferenceData(db, data);
  console.log(`reference data from ${data.dir}:`);
  for (const line of report.lines) console.log(`  ${line}`);
  for (const warning of report.warnings) console.log(`WARNING: ${warning}`);
  const problems = await catalogueProblems(db);
  if (problems.length) throw new Error(`the catalogue is still incomplete: ${problems.join('; ')}`);
  console.log('the database is ready for the API and the worker');
} catch (error) {
  console.error(`setup-database failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db.destroy();
}

// Production API process: serves HTTP against DATABASE_URL and TEMPORAL_ADDRESS, once the database has been
// set up (scripts/setup-database.ts: schema and reference data); it refuses to start on an old schema or an
// empty catalogue, saying what to run.
// It also starts, every few seconds, the workflows whose start a submission could not confirm (api/workflow-starts.ts).
// SIGTERM stops accepting connections, lets requests in flight finish, then closes Temporal and the pool.
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app.js';
import { listen } from '../api/server.js';
import { runWorkflowStarter } from '../api/workflow-starts.js';
import { loadConfig, policyFrom, REQUIRED_IN_PRODUCTION } from '../config.js';
import { calendarWarningNow } from '../db/calendar.js';
import { createLogger } from '../logger.js';
import { openSetUpDatabase } from './production-db.js';
import { onShutdownSignal } from './signals.js';

// The managers' links must point at the Web UI managers actually use: in production it is given, never guessed.
const config = loadConfig(process.env, [...REQUIRED_IN_PRODUCTION, 'TEMPORAL_UI_URL']);
const log = createLogger(config);
if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) throw new Error('the API needs DATABASE_URL and TEMPORAL_ADDRESS');
// Without the registry every submission would go unchecked: production names it rather than start so.
if (config.NODE_ENV === 'production' && !config.DUKCAPIL_API_URL) {
  throw new Error('Invalid configuration:\n  DUKCAPIL_API_URL: required in production for the API (without it no NIK, name or birth date is checked against the population registry)');
}

const db = await openSetUpDatabase({ ...config, DATABASE_URL: config.DATABASE_URL }, log, 'API');
const calendar = await calendarWarningNow(db, config.BOOKING_HORIZON_DAYS);
if (calendar) log.warn(`holiday calendar: ${calendar}`);
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const deps = { db, temporal, config, taskQueue: config.TEMPORAL_TASK_QUEUE, policy: policyFrom(config), log };
const api = await listen(createApp(deps), config.PORT, config.HOST);
const starter = runWorkflowStarter(deps);
log.info({ url: api.url }, `API on ${api.url}`);

onShutdownSignal(async (signal) => {
  log.info({ signal }, 'draining HTTP connections');
  const force = setTimeout(() => {
    log.error({ graceSeconds: config.SHUTDOWN_GRACE_SECONDS }, 'requests still in flight after the grace period; exiting');
    process.exit(1);
  }, config.SHUTDOWN_GRACE_SECONDS * 1000);
  await starter.stop();
  await api.close(); // waits for the requests in flight
  await connection.close();
  await db.destroy();
  clearTimeout(force);
  log.info('API stopped');
  process.exit(0);
});

// Production worker process: runs the lifecycle workflow and its activities against TEMPORAL_ADDRESS.
// SIGTERM (docker stop, a scale-down) stops polling, lets in-flight activities finish within
// SHUTDOWN_GRACE_SECONDS, then exits 0; anything cut off is retried by Temporal on another worker.
// Like the API, it refuses to start on a database the setup step (scripts/setup-database.ts) has not prepared.
import { createPassportWorker, workerSettingsFrom } from '../worker/index.js';
import { installRuntime } from '../worker/runtime.js';
import { loadConfig } from '../config.js';
import { createLogger, sdkLevel } from '../logger.js';
import { openSetUpDatabase } from './production-db.js';
import { onShutdownSignal } from './signals.js';
import { RECONCILIATION_SCHEDULE_ID } from '../workflows/definitions.js';

const config = loadConfig();
const log = createLogger(config);
if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) throw new Error('the worker needs DATABASE_URL and TEMPORAL_ADDRESS');
// Without email no applicant hears anything: notices would be recorded and never sent.
if (config.NODE_ENV === 'production' && !config.SMTP_URL) {
  throw new Error('Invalid configuration:\n  SMTP_URL: required in production for the worker (without it notices are recorded and never sent to applicants)');
}

// This process orders its own shutdown (below), so the SDK installs no signal handlers.
installRuntime({ log, level: sdkLevel(config.LOG_LEVEL), metricsAddress: config.WORKER_METRICS_ADDRESS, shutdownSignals: [] });
const db = await openSetUpDatabase({ ...config, DATABASE_URL: config.DATABASE_URL }, log, 'worker');
const settings = workerSettingsFrom(config);
const { worker, connection, schedule } = await createPassportWorker({ ...settings, address: config.TEMPORAL_ADDRESS, db });
log.info({ schedule: RECONCILIATION_SCHEDULE_ID, at: config.RECONCILIATION_TIME, settlementDir: config.settlementDir }, `schedule ${RECONCILIATION_SCHEDULE_ID} ${schedule}: every day at ${config.RECONCILIATION_TIME} WIB`);

onShutdownSignal((signal) => {
  log.info({ signal, graceSeconds: config.SHUTDOWN_GRACE_SECONDS }, 'draining: no new tasks, finishing in-flight activities');
  worker.shutdown();
});
const channels = settings.notices;
log.info({ email: Boolean(channels.email), whatsapp: Boolean(channels.whatsapp), sms: Boolean(channels.sms) }, 'notice channels');
log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, metrics: config.WORKER_METRICS_ADDRESS ? `http://${config.WORKER_METRICS_ADDRESS}/metrics` : 'off' }, 'worker polling');
await worker.run(); // resolves once every in-flight task has finished or been cancelled
await connection.close();
await db.destroy();
log.info('worker stopped');
process.exit(0);

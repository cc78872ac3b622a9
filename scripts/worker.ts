// Production worker process: runs the lifecycle workflow and its activities against TEMPORAL_ADDRESS.
import { posFromConfig } from '../activities/pos.js';
import { createPassportWorker } from '../activities/worker.js';
import { loadConfig } from '../config.js';
import { createDb } from '../db/connect.js';
import { createLogger } from '../logger.js';

const config = loadConfig();
const log = createLogger(config);
if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) throw new Error('the worker needs DATABASE_URL and TEMPORAL_ADDRESS');

const db = createDb(config.DATABASE_URL, { onIdleError: (err) => log.warn({ err }, 'idle database connection lost') });
const { worker, connection } = await createPassportWorker({
  address: config.TEMPORAL_ADDRESS,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  db,
  pos: posFromConfig(config),
});
log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker polling');
// The SDK drains in-flight tasks on SIGINT/SIGTERM before run() resolves.
await worker.run();
await connection.close();
await db.destroy();
log.info('worker stopped');

// The worker's composition root: the workflows of workflows/index.ts and every activity, on one task queue,
// built from the configuration (shared by `npm start` and the production worker, scripts/worker.ts).
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { bankFromConfig, type BankClient } from '../activities/bank.js';
import { createActivities } from '../activities/index.js';
import { posFromConfig, type PosClient } from '../activities/pos.js';
import { bankTransactionPolicyFrom, type Config } from '../config.js';
import type { DB } from '../db/schema.js';
import type { BankTransactionPolicy } from '../workflows/definitions.js';
import { compressDays } from './demo-clock.js';
import { observeActivity } from './runtime.js';

// `.ts` under tsx and in tests, `.js` once compiled into dist/ (the production image).
export const workflowsPath = fileURLToPath(new URL(`../workflows/index${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** The worker's settings as the configuration gives them. */
export const workerSettingsFrom = (config: Config) => ({
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  pos: posFromConfig(config),
  bank: bankFromConfig(config),
  bankTransactions: bankTransactionPolicyFrom(config),
  shutdownGraceSeconds: config.SHUTDOWN_GRACE_SECONDS,
  demoDaySeconds: config.DEMO_DAY_SECONDS,
  bookingHorizonDays: config.BOOKING_HORIZON_DAYS,
});

export async function createPassportWorker(opts: {
  address: string;
  namespace: string;
  taskQueue: string;
  db: Kysely<DB>;
  pos: PosClient;
  bank: BankClient;
  bankTransactions: BankTransactionPolicy;
  /** How long in-flight activities may run on after shutdown starts; default 30 s. */
  shutdownGraceSeconds?: number;
  /** Demo and staging only: see worker/demo-clock.ts. */
  demoDaySeconds?: number;
  bookingHorizonDays?: number;
}): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: opts.address });
  // The activities that ask other workflows (a bank transaction asks its application) use the worker's own connection.
  const temporal = new Client({ connection, namespace: opts.namespace });
  const activities = createActivities({ db: opts.db, pos: opts.pos, temporal, bank: opts.bank, bankTransactions: opts.bankTransactions, bookingHorizonDays: opts.bookingHorizonDays });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowsPath,
    activities: opts.demoDaySeconds ? compressDays(activities, opts.demoDaySeconds) : activities,
    interceptors: { activity: [observeActivity] },
    shutdownGraceTime: `${opts.shutdownGraceSeconds ?? 30}s`,
  });
  return { worker, connection };
}

// The worker process: the lifecycle workflow and every activity, on one task queue.
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { createActivities } from './index.js';
import type { PosClient } from './pos.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/application.ts', import.meta.url));

export async function createPassportWorker(opts: {
  address: string;
  namespace: string;
  taskQueue: string;
  db: Kysely<DB>;
  pos: PosClient;
}): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: opts.address });
  const worker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowsPath,
    activities: createActivities({ db: opts.db, pos: opts.pos }),
  });
  return { worker, connection };
}

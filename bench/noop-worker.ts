// The no-op workflow's worker (bench/noop-workflow.ts), a process of its own as the service's worker is:
// TEMPORAL_ADDRESS and BENCH_TASK_QUEUE from the environment; SIGTERM drains and exits.
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';

const address = process.env.TEMPORAL_ADDRESS;
const taskQueue = process.env.BENCH_TASK_QUEUE;
if (!address || !taskQueue) throw new Error('the no-op worker needs TEMPORAL_ADDRESS and BENCH_TASK_QUEUE');
const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  taskQueue,
  workflowsPath: fileURLToPath(new URL('./noop-workflow.ts', import.meta.url)),
  activities: { noop: async () => undefined },
});
console.log('noop worker polling');
await worker.run();
await connection.close();

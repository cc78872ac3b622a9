// Preloaded (`node --import`) by test/ops/supervisor.test.ts: a SIGUSR2 makes the process throw an
// exception nothing catches, as a bug in `npm start` would. Plain JavaScript: worker threads load it too.
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  process.on('SIGUSR2', () => {
    setImmediate(() => {
      throw new Error('test: a bug in the supervisor');
    });
  });
}

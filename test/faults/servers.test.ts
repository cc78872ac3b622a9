// The Temporal dev server killed and stopped, then restarted on its database file, and PostgreSQL
// stopped and hung (SIGSTOP of every process, then SIGCONT) in the middle of lifecycles: every
// application still ends COMPLETED with one payment, one seat, one compensation when late, one Pos
// request when delivered by Pos, and an audit log without gaps or duplicates.
import { expect, it } from 'vitest';
import { driveDay, expectNothingLostNothingDoubled, faultQueue, sleep, useCluster } from './fault-day.js';

const cluster = useCluster();

it('loses and doubles nothing when Temporal restarts and PostgreSQL stops or hangs mid-lifecycle', async () => {
  const faults = faultQueue(cluster());
  const { day, failures } = await driveDay(cluster(), {
    count: 6,
    seed: 202,
    onStage: ({ stage, nth }) => {
      if (stage === 'submitted' && nth === 2) faults.kill('temporal');
      if (stage === 'paid' && nth === 2) faults.hang('postgres', 8000);
      if (stage === 'interviewed' && nth === 2) void sleep(1000).then(() => faults.stop('postgres', 4000));
      if (stage === 'printed' && nth === 2) faults.stop('temporal', 1000);
    },
  });
  await faults.settled();
  // A day whose applications failed never reaches the later faults: say why, not only which fault is missing.
  expect(faults.done.sort(), `the day's failures: ${failures.join('; ') || 'none'}; processes that exited by themselves: ${cluster().crashes.join('; ') || 'none'}`).toEqual(['hang postgres', 'kill temporal', 'stop postgres', 'stop temporal']);
  await expectNothingLostNothingDoubled(cluster(), day, failures);
}, 480_000);

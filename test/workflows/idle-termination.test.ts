// Ending a test's workflow on the time-skipping server: terminated while an activity of its ran, the server would
// hold its clock for the rest of the file (every later skip of days then waits days). terminateWhenIdle waits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../activities/index.js';
import { inFlight, terminateWhenIdle } from '../support/idle.js';
import { submitted } from '../support/scenarios.js';
import { startTimeSkipping } from '../support/workflows.js';

let t: Awaited<ReturnType<typeof startTimeSkipping>>;
beforeAll(async () => {
  t = await startTimeSkipping();
});
afterAll(async () => {
  await t?.teardown();
});

/** Every activity waits for `open()`. */
function gated() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let waiting = 0;
  const around = (activities: Activities): Activities =>
    Object.fromEntries(
      Object.entries(activities).map(([name, run]) => [
        name,
        async (...args: unknown[]) => {
          waiting++;
          await gate;
          return (run as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ) as unknown as Activities;
  return { around, open: () => open(), waiting: () => waiting };
}

describe('terminateWhenIdle', () => {
  it('waits for the running activity, terminates, and the clock skips days again', async () => {
    const { around, open, waiting } = gated();
    await t.withWorker(
      async () => {
        const app = await submitted(t);
        while (waiting() === 0) await new Promise((r) => setTimeout(r, 20));
        const ending = terminateWhenIdle(app.handle, 'test over');
        await new Promise((r) => setTimeout(r, 500));
        expect((await app.handle.describe()).status.name).toBe('RUNNING'); // an activity is in flight: not yet
        expect(inFlight((await app.handle.fetchHistory()).events ?? [])).not.toEqual([]);
        open();
        await ending;
        expect((await app.handle.describe()).status.name).toBe('TERMINATED');
      },
      {},
      around,
    );
    const before = Date.parse(await t.now());
    await t.env.sleep(3 * 86_400_000); // hangs (to the test's timeout) when the clock is held
    expect(Date.parse(await t.now()) - before).toBeGreaterThanOrEqual(3 * 86_400_000);
  });
});

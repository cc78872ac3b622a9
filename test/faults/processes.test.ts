// The worker SIGKILLed while payments, bookings and printings are in flight, and the API SIGKILLed
// while the bank and Pos call back (they retry with a fresh signature until they get a 2xx):
// every application still ends COMPLETED with one payment, one seat, one compensation when late, one
// Pos request when delivered by Pos, and an audit log without gaps or duplicates.
import { expect, it } from 'vitest';
import { driveDay, expectNothingLostNothingDoubled, faultQueue, sleep, useCluster } from './fault-day.js';

const cluster = useCluster();

it('loses and doubles nothing when the worker and the API are killed mid-lifecycle', async () => {
  const faults = faultQueue(cluster());
  const { day, failures, retries } = await driveDay(cluster(), {
    count: 6,
    seed: 101,
    onStage: ({ stage, nth, applicant }) => {
      // Payments: the API dies as the first bank callbacks arrive, the worker as the next are applied.
      if (stage === 'submitted' && nth === 1) faults.kill('api');
      if (stage === 'submitted' && nth === 3) faults.kill('worker');
      // Bookings: the worker dies as applicants book their sessions.
      if (stage === 'paid' && nth === 2) faults.kill('worker');
      // Printing: the worker dies as the officers record the printing.
      if (stage === 'interviewed' && nth === 3) void sleep(1500).then(() => faults.kill('worker'));
      // Pos callbacks: the API dies as Pos confirms a delivery.
      if (stage === 'printed' && applicant.delivery === 'POS' && nth <= 2) void sleep(1000).then(() => faults.kill('api', 500));
    },
  });
  await faults.settled();
  expect(faults.done, `the day's failures: ${failures.join('; ') || 'none'}`).toEqual(expect.arrayContaining(['kill api', 'kill worker']));
  expect(cluster().counts.worker.kills).toBeGreaterThanOrEqual(3);
  // The bank and Pos found the API gone and called again.
  expect(retries.filter((r) => r.startsWith('POST /callbacks/'))).not.toEqual([]);
  await expectNothingLostNothingDoubled(cluster(), day, failures);
}, 480_000);

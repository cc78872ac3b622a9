import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, longest first (per-file times of CI runs, in seconds, rounded). Vitest runs
 * larger files first when it has no timings of its own (a fresh clone, CI after `npm ci`), and the fault
 * tests are among the smallest files and the longest to run: started last, the run ended with one of them
 * alone on a core. Started first, the short files fill in beside them. Two files that each run the whole
 * service as processes (faults/processes, faults/servers) are kept apart: three files start at once,
 * and only one of those two is among them.
 * A file missing from the list runs after these, in Vitest's own order; a stale entry only orders worse.
 */
const LONGEST_FIRST = [
  'test/faults/processes.test.ts', // 136
  'test/ops/supervisor.test.ts', // 89
  'test/ops/setup.test.ts', // 65-110
  'test/faults/servers.test.ts', // 95
  'test/ops/demo.test.ts', // 65
  'test/ops/smoke.test.ts', // 45-65
  'test/api/failures.test.ts', // 52
  'test/api/reconciliation.test.ts', // 31-50
  'test/api/booking.test.ts', // 20-30
  'test/workflows/branches.test.ts', // 22-30
  'test/pages/desk.test.ts', // 26
  'test/faults/notice-send.test.ts', // 22
  'test/api/staff-login.test.ts', // 22
  'test/pages/portal.test.ts', // 20
  'test/ops/settlements.test.ts', // 21
  'test/api/payments.test.ts', // 20
  'test/api/refunds.test.ts', // 16-21
];

class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = LONGEST_FIRST.findIndex((path) => file.moduleId.endsWith(`/${path}`));
      return index < 0 ? LONGEST_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the files off the list keep Vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Temporal's native worker runs best in child processes. Three files at a time on two cores: the longest
    // files mostly wait on child processes and timers (at two, a run here left a fifth of the CPU idle and
    // took 630 s).
    pool: 'forks',
    maxWorkers: 3,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests marked concurrent (waiting on child processes and timeouts) run at most three at a time in a file.
    maxConcurrency: 3,
    sequence: { sequencer: LongestFirstSequencer },
  },
});

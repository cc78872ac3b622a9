// Scenario 6: the lifecycle rate with one more worker process, then with one more API process (clients split
// between the two APIs), each against one worker and one API measured in the same run.
import { cpus } from 'node:os';
import { CONCURRENCY, driveApplications } from '../drive.js';
import type { Figure, Scenario } from '../scenario.js';

export const scenario: Scenario = {
  id: 'scaling',
  title: 'One against two worker and API processes',
  async run(ctx) {
    const { cluster } = ctx;
    const count = ctx.quick ? 16 : 200;
    // --quick: 16 a batch (all at once, under the 32 allowed), so the six scenarios fit in 3 minutes.
    const rateOf = async (label: string, apiUrls?: string[]) => {
      const bar = ctx.progress(label, count);
      const driven = await driveApplications(cluster, count, () => bar.tick(), apiUrls);
      bar.done();
      return count / driven.seconds;
    };
    const single = await rateOf('1 worker, 1 API');
    const worker = await cluster.extra('worker');
    let twoWorkers: number;
    try {
      twoWorkers = await rateOf('2 workers, 1 API');
    } finally {
      await worker.stop();
    }
    // The full run measures one of each again right before the second comparison (the machine drifts); --quick keeps the first.
    const single2 = ctx.quick ? single : await rateOf('1 worker, 1 API (again)');
    const api = await cluster.extra('api');
    let twoApis: number;
    try {
      twoApis = await rateOf('1 worker, 2 APIs', [cluster.apiUrl, api.url]);
    } finally {
      await api.stop();
    }
    const note = `${count} applications, ${CONCURRENCY} at a time, on ${cpus().length} cores`;
    const figures: Figure[] = [
      { name: 'applications per second, 2 worker processes', value: twoWorkers, unit: '/s', baseline: { name: '1 worker process', value: single, unit: '/s' }, note },
      { name: 'applications per second, 2 API processes', value: twoApis, unit: '/s', baseline: { name: ctx.quick ? '1 API process' : '1 API process (measured again)', value: single2, unit: '/s' }, note },
    ];
    return { id: 'scaling', title: scenario.title, figures, details: { count, single, twoWorkers, single2, twoApis } };
  },
};

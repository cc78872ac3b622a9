// Scenario 1: whole applications through the HTTP API against the no-op workflow of the same shape, on the same
// dev server in the same run, with the same count and concurrency.
import { randomUUID } from 'node:crypto';
import { applicationHistory, CONCURRENCY, driveApplications, driveNoop, planEvent, startNoopWorker, STEPS } from '../drive.js';
import { planCounts, planFromHistory } from '../noop-plan.js';
import type { Figure, Scenario } from '../scenario.js';
import { percentile, round } from '../stats.js';

/** Issue 18: about 13,000 applications a working day nationally, through in 30 minutes. */
const NATIONAL_DAY = 13_000;

export const scenario: Scenario = {
  id: 'lifecycle',
  title: 'Whole lifecycles through the API against the no-op workflow',
  async run(ctx) {
    const count = ctx.quick ? 32 : 600;
    const taskQueue = `bench-noop-${randomUUID()}`;
    const noopWorker = await startNoopWorker(ctx.cluster, taskQueue);
    try {
      const bar = ctx.progress('applications', count);
      const driven = await driveApplications(ctx.cluster, count, () => bar.tick());
      bar.done();
      const plan = planFromHistory((await ctx.cluster.temporal((c) => applicationHistory(c, driven.applicationIds[0]!))).map(planEvent));
      const noopBar = ctx.progress('no-op workflows', count);
      const noop = await ctx.cluster.temporal((c) => driveNoop(c, taskQueue, plan, count, () => noopBar.tick()));
      noopBar.done();

      const rate = count / driven.seconds;
      const noopRate = count / noop.seconds;
      const dayMinutes = NATIONAL_DAY / rate / 60;
      const figures: Figure[] = [
        {
          name: 'applications per second through the API',
          value: rate,
          unit: '/s',
          baseline: { name: 'no-op workflow of the same shape', value: noopRate, unit: '/s' },
          target: '≥ 80 % of the no-op workflow',
          met: rate >= 0.8 * noopRate,
          note: `${count} of each, ${CONCURRENCY} at a time; the no-op repeats one application's history (its own workflow only: not the bank-transaction workflow a payment starts)`,
        },
        { name: 'a national day of 13,000 applications at that rate', value: dayMinutes, unit: 'min', target: '≤ 30 min', met: dayMinutes <= 30 },
      ];
      const latency: Record<string, { p50: number; p95: number; n: number }> = {};
      for (const step of STEPS) {
        const values = driven.latencies[step];
        latency[step] = { p50: round(percentile(values, 50), 3), p95: round(percentile(values, 95), 3), n: values.length };
        const p95 = percentile(values, 95);
        figures.push({
          name: `${step}: p50 / p95 latency at ${CONCURRENCY} concurrent`,
          value: p95,
          unit: 's (p95)',
          note: `p50 ${round(percentile(values, 50), 3)} s`,
          ...(step === 'booking' && { target: '< 1 s (p95)', met: p95 < 1 }),
        });
      }
      return {
        id: 'lifecycle',
        title: scenario.title,
        figures,
        details: { count, concurrency: CONCURRENCY, seconds: driven.seconds, noopSeconds: noop.seconds, clientRetries: driven.retries, viewReadsPerApplication: driven.reads / count, latency, noopPlan: plan, noopShape: planCounts(plan) },
      };
    } finally {
      await noopWorker.stop();
    }
  },
};

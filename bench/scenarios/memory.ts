// Scenario 5: the worker's memory with many open applications (submitted, waiting for payment within the
// 2-hour window). Started in this process with the API's own submitApplication (the row, then the workflow
// start), without the HTTP round trips. The worker is restarted first, with its Temporal metrics on, so its
// workflow cache starts empty and its size can be read (temporal_sticky_cache_size); its RSS from /proc.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { submitApplication } from '../../api/submission.js';
import { submissionSchema } from '../../api/schemas.js';
import { loadConfig, policyFrom } from '../../config.js';
import { createDb } from '../../db/connect.js';
import type { Cluster } from '../../scripts/cluster.js';
import { freePort } from '../../test/support/ports.js';
import type { Figure, Scenario } from '../scenario.js';
import { benchSubmission } from './applicants.js';
import { findProcesses, lastLogLine, mapLimit, processMemory, promValue, quiet, round, type ProcessMemory } from './measures.js';

const OFFICE = 'JPR';
/**
 * A full run skips a checkpoint past 10,000 open when the starts so far say reaching it would take longer than this
 * (50,000 open take about 32 minutes of starts on 2 cores: the budget lets them be measured, and stops a slower machine).
 */
const BUDGET_MS = 45 * 60_000;
const ALWAYS_MEASURED = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The worker restarted with its metrics served (an address of its own unless the cluster gave one): its pid and metrics URL. */
async function freshWorker(cluster: Cluster): Promise<{ pid: number; metricsUrl: string }> {
  const previous = process.env.WORKER_METRICS_ADDRESS;
  process.env.WORKER_METRICS_ADDRESS = previous ?? `127.0.0.1:${await freePort()}`;
  try {
    await cluster.restart('worker', 'stop');
  } finally {
    if (previous === undefined) delete process.env.WORKER_METRICS_ADDRESS;
    else process.env.WORKER_METRICS_ADDRESS = previous;
  }
  const polling = lastLogLine(readFileSync(join(cluster.dir, 'worker.log'), 'utf8'), 'worker polling');
  if (typeof polling?.metrics !== 'string' || !polling.metrics.startsWith('http')) throw new Error(`the restarted worker logged no metrics address: ${JSON.stringify(polling)}`);
  // The cluster's worker: scripts/worker.ts run on this cluster's own task queue.
  const pids = findProcesses('scripts/worker.ts', `TEMPORAL_TASK_QUEUE=${cluster.taskQueue}`);
  if (pids.length !== 1) throw new Error(`expected one worker process of task queue ${cluster.taskQueue}, found ${pids.length}`);
  return { pid: pids[0]!, metricsUrl: polling.metrics };
}

/** Workflows in the worker's cache; a worker that has cached none yet has not set the gauge. */
const cacheSize = async (metricsUrl: string, { required = true } = {}): Promise<number> => {
  const text = await (await fetch(metricsUrl)).text();
  const size = promValue(text, 'temporal_sticky_cache_size');
  if (size !== undefined || !required) return size ?? 0;
  const names = [...new Set(text.split('\n').map((l) => /^(\w+)/.exec(l)?.[1]).filter(Boolean))];
  throw new Error(`no temporal_sticky_cache_size at ${metricsUrl}; its metrics: ${names.join(', ')}`);
};

/** Waits until the workflows just started are done with their first steps: the cache size steady and the CPUs idle. */
async function settled(metricsUrl: string, required = true): Promise<number> {
  let last = -1;
  for (let steady = 0, deadline = Date.now() + 300_000; steady < 3 && Date.now() < deadline; ) {
    const size = await cacheSize(metricsUrl, { required });
    steady = size === last ? steady + 1 : 0;
    last = size;
    await sleep(1000);
  }
  await quiet();
  return cacheSize(metricsUrl, { required });
}

export const scenario: Scenario = {
  id: 'memory',
  title: 'Worker memory per cached workflow with open applications',
  async run(ctx) {
    const { cluster, quick } = ctx;
    const checkpoints = quick ? [100, 200] : [1_000, 2_500, 10_000, 50_000];
    const { pid, metricsUrl } = await freshWorker(cluster);
    const config = loadConfig({ DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX });
    const db = createDb(cluster.databaseUrl, { max: 8 });
    const connection = await Connection.connect({ address: cluster.temporalAddress });
    const deps = { db, temporal: new Client({ connection }), taskQueue: cluster.taskQueue, policy: policyFrom(config) };
    try {
      const before: ProcessMemory & { cached: number } = { cached: await settled(metricsUrl, false), ...processMemory(pid) };
      const points: Array<ProcessMemory & { open: number; cached: number; startsPerSecond: number }> = [];
      const progress = ctx.progress('memory: open applications', checkpoints.at(-1)!);
      const started = performance.now();
      let open = 0;
      let skipped: { open: number; projectedMinutes: number } | undefined;
      let failed: { open: number; reached: number; error: string } | undefined;
      for (const target of checkpoints) {
        const projectedMs = open ? ((performance.now() - started) / open) * (target - open) : 0;
        if (target > ALWAYS_MEASURED && projectedMs > BUDGET_MS) {
          skipped = { open: target, projectedMinutes: round(projectedMs / 60_000, 1) };
          break;
        }
        try {
          await mapLimit(Array.from({ length: target - open }), 16, async () => {
            const { workflowStarted } = await submitApplication(deps, submissionSchema.parse(benchSubmission(OFFICE)));
            if (!workflowStarted) throw new Error('a workflow did not start within the step timeout');
            open++;
            progress.tick();
          });
          const cached = await settled(metricsUrl);
          points.push({ open, ...processMemory(pid), cached, startsPerSecond: round(open / ((performance.now() - started) / 1000), 1) });
        } catch (error) {
          // The checkpoints measured so far still count; the summary says where and why it stopped.
          failed = { open: target, reached: open, error: error instanceof Error ? error.message : String(error) };
          break;
        }
      }
      if (!points.length) throw new Error(`no checkpoint reached: ${failed?.error}`);
      progress.done();

      // Per cached workflow from the last checkpoint with nothing evicted yet: past the cache's limit, RSS also holds
      // what evictions and their replays left for the garbage collector.
      const last = points.filter((p) => p.cached >= p.open).at(-1) ?? points[0]!;
      const perCached = (last.rssMb - before.rssMb) / Math.max(1, last.cached - before.cached);
      const perCachedAnon = (last.rssAnonMb - before.rssAnonMb) / Math.max(1, last.cached - before.cached);
      const figures: Figure[] = [
        {
          name: 'worker memory (RSS) per cached workflow',
          value: round(perCached, 3),
          unit: 'MB',
          baseline: { name: 'worker RSS before, empty cache', value: round(before.rssMb, 1), unit: 'MB' },
          target: '≤ 1 MB per cached workflow',
          met: perCached <= 1,
          note:
            `(RSS with ${last.open} open − RSS before) / workflows cached (${last.cached} − ${before.cached}); anonymous memory alone ${round(perCachedAnon, 3)} MB each; ` +
            'RSS from /proc without forcing a GC; no V8 heap figure (the worker does not report it)' +
            (skipped ? `; ${skipped.open} open not measured: at the rate so far the starts to it would take about ${skipped.projectedMinutes} min more (budget ${BUDGET_MS / 60_000} min)` : '') +
            (failed ? `; ${failed.open} open not measured: the starts stopped at ${failed.reached} (${failed.error})` : ''),
        },
        ...points.map(
          (p): Figure => ({
            name: `worker RSS with ${p.open} open applications`,
            value: round(p.rssMb, 1),
            unit: 'MB',
            baseline: { name: 'worker RSS before, empty cache', value: round(before.rssMb, 1), unit: 'MB' },
            note: `${p.cached} workflows in the worker's cache${p.cached < p.open ? ' (the cache is full: maxCachedWorkflows, the SDK default from the heap limit)' : ''}; started and settled at ${p.startsPerSecond}/s`,
          }),
        ),
      ];
      return {
        id: 'memory',
        title: this.title,
        figures,
        details: {
          office: OFFICE,
          how: 'submitApplication in the bench process (row, then workflow start), 16 at a time',
          before,
          points,
          // Between checkpoints: how the cost per cached workflow moves as the cache grows.
          mbPerCachedStep: points.map((p, i) => {
            const from = i ? points[i - 1]! : before;
            return round((p.rssMb - from.rssMb) / Math.max(1, p.cached - from.cached), 3);
          }),
          skipped,
          failed,
        },
      };
    } finally {
      await connection.close();
      await db.destroy();
    }
  },
};

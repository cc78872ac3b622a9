// A few applicants driven through the cluster's API (as in the demo, with clients that retry as real
// ones do) while a test injects faults at chosen moments; then the facts each application left behind.
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { createDb } from '../../db/connect.js';
import { startCluster, type Cluster, type Component } from '../../scripts/cluster.js';
import { serviceClient } from '../../scripts/demo-client.js';
import { demoDay, nextWorkingDay, type Applicant } from '../../scripts/demo-day.js';
import { checkInvariants, formatViolation } from '../../scripts/invariants.js';

/**
 * Short windows so a lifecycle ends within a minute or two. An appointment day, and the one working day of the SLA,
 * outlast a worker restart on a loaded machine (at 35 s, a CI run under load saw an on-time printing land past it).
 */
export const FAULT_ENV = { PAYMENT_WINDOW_MINUTES: '1', DEMO_DAY_SECONDS: '50', SLA_WORKING_DAYS: '1' };

/** One cluster for the test file, started once and stopped (every process) even when a test fails. */
export function useCluster(): () => Cluster {
  let cluster: Cluster | undefined;
  beforeAll(async () => {
    // The run's workflow bundle: a worker restarted mid-day polls again in seconds instead of bundling again.
    cluster = await startCluster({ env: { ...FAULT_ENV, WORKFLOW_BUNDLE_PATH: inject('workflowBundlePath') } });
  }, 240_000);
  afterAll(async () => {
    await cluster?.shutdown();
  });
  return () => cluster!;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type StageEvent = { applicant: Applicant; stage: string; nth: number };

/**
 * Faults run one at a time, in the order they are asked for, while the applicants go on: `inject`
 * queues one, and `settled` resolves once every queued fault has been undone.
 */
export function faultQueue(cluster: Cluster) {
  let chain: Promise<void> = Promise.resolve();
  const done: string[] = [];
  const queue = (what: string, fault: () => Promise<void>) => {
    chain = chain.then(async () => {
      await fault();
      done.push(what);
    });
  };
  return {
    done,
    /** SIGKILL, then a restart on the same data after `downMs`. */
    kill: (component: Component, downMs = 1000) =>
      queue(`kill ${component}`, async () => {
        await cluster.kill(component);
        await sleep(downMs);
        await cluster.start(component);
      }),
    /** A clean stop, `downMs` down, then a start on the same data. */
    stop: (component: Component, downMs: number) =>
      queue(`stop ${component}`, async () => {
        await cluster.stop(component);
        await sleep(downMs);
        await cluster.start(component);
      }),
    /** SIGSTOP of every process for `forMs`, then SIGCONT. */
    hang: (component: Component, forMs: number) =>
      queue(`hang ${component}`, async () => {
        cluster.hang(component);
        await sleep(forMs);
        cluster.resume(component);
      }),
    settled: () => chain,
  };
}

/**
 * `count` applicants at two offices; every third one's passport is printed after the SLA deadline
 * (compensated, free Pos delivery), every other one chose Pos. `onStage` sees each step as it happens.
 */
export async function driveDay(cluster: Cluster, opts: { count: number; seed: number; onStage: (event: StageEvent) => void }) {
  const retries: string[] = [];
  const api = serviceClient(cluster.apiUrl, cluster.secrets, { retry: { forMs: 180_000, onRetry: (what) => retries.push(what) } });
  const db = createDb(cluster.databaseUrl, { max: 2 });
  const bookingDate = await nextWorkingDay(db);
  await db.destroy();
  const { planDay, liveDay } = demoDay({ seed: opts.seed, offices: ['PLU', 'WSB'], maxWaitMs: 180_000 });
  const day = planDay(opts.count).map((a, i) => ({ ...a, fate: i % 3 === 2 ? ('PRINTED_LATE' as const) : ('ON_TIME' as const), delivery: i % 2 ? ('POS' as const) : ('PICKUP' as const), expectedStage: 'COMPLETED' }));
  const seen = new Map<string, number>();
  const failures: string[] = [];
  await Promise.all(
    day.map((a) =>
      liveDay(api, a, bookingDate, (stage) => {
        const nth = (seen.get(stage) ?? 0) + 1;
        seen.set(stage, nth);
        opts.onStage({ applicant: a, stage, nth });
      }).catch((error: unknown) => failures.push(`#${a.n} ${a.fate}: ${error instanceof Error ? error.message : String(error)}`)),
    ),
  );
  return { day, failures, retries };
}

/**
 * Per application: the final stage, exactly one payment and one seat, one compensation exactly when
 * printed late, one Pos delivery request exactly when delivered by Pos, an audit log without gaps or
 * duplicates; and every invariant of scripts/invariants.ts.
 */
export async function expectNothingLostNothingDoubled(cluster: Cluster, day: Applicant[], failures: string[]) {
  expect(failures).toEqual([]);
  const db = createDb(cluster.databaseUrl, { max: 2 });
  try {
    const ids = day.map((a) => a.applicationId!);
    const { facts, violations } = await cluster.temporal((temporal) => checkInvariants(db, temporal, ids));
    expect(violations.map(formatViolation)).toEqual([]);
    const rows = day.map((a) => {
      const f = facts.find((x) => x.id === a.applicationId)!;
      return { n: a.n, stage: f.stage, workflow: f.workflowStage, payments: f.payments, seats: f.activeSeats, compensations: f.compensations, deliveryRequests: f.deliveryRequests, audit: f.auditSeqs.join(',') };
    });
    const expected = day.map((a, i) => {
      const byPos = a.delivery === 'POS' || a.fate === 'PRINTED_LATE';
      return {
        n: a.n,
        stage: 'COMPLETED',
        workflow: 'COMPLETED',
        payments: 1,
        seats: 1,
        compensations: a.fate === 'PRINTED_LATE' ? 1 : 0,
        deliveryRequests: byPos ? 1 : 0,
        audit: Array.from({ length: rows[i]!.audit.split(',').length }, (_, k) => k + 1).join(','),
      };
    });
    expect(rows).toEqual(expected);
  } finally {
    await db.destroy();
  }
}

// `npm run soak -- --minutes N`: the demo's load against the whole service run as separate processes
// (scripts/cluster.ts) while the worker, the Temporal server and PostgreSQL are killed, stopped or hung
// at random (seeded) intervals and restarted on their data. Then everything settles, every invariant
// (scripts/invariants.ts) is checked over every application, and a summary is printed; the exit code is
// non-zero on any violation. Loopback only; the data folder is removed at the end unless --keep.
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createDb } from '../db/connect.js';
import { startCluster, type Cluster, type Component } from './cluster.js';
import { serviceClient } from './demo-client.js';
import { demoDay, nextWorkingDay, type Applicant } from './demo-day.js';
import { checkInvariants, formatViolation } from './invariants.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    seed: { type: 'string' },
    applicants: { type: 'string', default: '8', short: 'a' },
    'day-every': { type: 'string', default: '40' },
    offices: { type: 'string', default: 'PLU,WSB,PLG,JPR' },
    keep: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const perDay = Number(values.applicants);
const dayEveryMs = Number(values['day-every']) * 1000;
if (!(minutes > 0) || !Number.isInteger(seed) || !(perDay > 0) || !(dayEveryMs > 0)) {
  console.error('usage: npm run soak -- --minutes N [--seed S] [--applicants PER_DAY] [--day-every SECONDS] [--offices PLU,WSB] [--keep]');
  process.exit(2);
}
const MAX_WAIT_MS = 5 * 60_000;
// Short windows so whole lifecycles (with late printings and no-shows) end within minutes; an
// appointment day (30 s) outlasts a worker restart.
const SOAK_ENV = { PAYMENT_WINDOW_MINUTES: '1', DEMO_DAY_SECONDS: '30', LOG_LEVEL: 'info' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The chaos: one fault at a time, at random intervals, each undone before the next. */
async function chaos(cluster: Cluster, random: () => number, until: number, onEvent: (what: string) => void): Promise<string[]> {
  const events: string[] = [];
  const faults: Array<[Component, 'kill' | 'stop' | 'hang']> = [
    ['worker', 'kill'],
    ['worker', 'kill'],
    ['temporal', 'kill'],
    ['temporal', 'stop'],
    ['postgres', 'kill'],
    ['postgres', 'stop'],
    ['postgres', 'hang'],
  ];
  for (;;) {
    const wait = 10_000 + random() * 30_000;
    if (Date.now() + wait > until) return events;
    await sleep(wait);
    const [component, how] = faults[Math.floor(random() * faults.length)]!;
    const downMs = Math.round(1000 + random() * 7000);
    const at = new Date().toISOString().slice(11, 19);
    onEvent(`${how} ${component} (${downMs} ms)`);
    if (how === 'hang') {
      cluster.hang(component);
      await sleep(downMs);
      cluster.resume(component);
    } else {
      await (how === 'kill' ? cluster.kill(component) : cluster.stop(component));
      await sleep(downMs);
      await cluster.start(component);
    }
    events.push(`${at} ${how} ${component}, ${how === 'hang' ? 'resumed' : 'restarted'} after ${downMs} ms`);
  }
}

async function main() {
  console.log(`soak: ${minutes} min of load and faults, seed ${seed} (replay with --seed ${seed})`);
  const cluster = await startCluster({ env: SOAK_ENV, keepData: values.keep });
  try {
    let interrupted = false;
    process.once('SIGINT', () => {
      interrupted = true;
      console.log('\ninterrupted: stopping every process');
      void cluster.shutdown().finally(() => process.exit(130));
    });
    console.log(`cluster up: API ${cluster.apiUrl}, Temporal ${cluster.temporalAddress}, data in ${cluster.dir}`);

    const retries: string[] = [];
    const api = serviceClient(cluster.apiUrl, cluster.secrets, { retry: { forMs: MAX_WAIT_MS, onRetry: (what) => retries.push(what) } });
    const offices = values.offices!.split(',');
    const { planDay, liveDay } = demoDay({ seed, offices, maxWaitMs: MAX_WAIT_MS });
    // Its own sequence, so the faults' schedule does not depend on how the applicants interleave.
    const { random } = demoDay({ seed: seed + 1, offices, maxWaitMs: MAX_WAIT_MS });
    const setupDb = createDb(cluster.databaseUrl, { max: 1 });
    const bookingDate = await nextWorkingDay(setupDb);
    await setupDb.destroy();

    const started = Date.now();
    const loadEnds = started + minutes * 60_000;
    const bar = new cliProgress.SingleBar(
      { format: ' soak |{bar}| {value}/{total} applicants done | {last}', hideCursor: true, clearOnComplete: false, noTTYOutput: true, notTTYSchedule: 10_000 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(0, 0, { last: 'opening the offices' });

    const everyone: Applicant[] = [];
    const journeys: Array<Promise<void>> = [];
    const offPlan: string[] = [];
    const chaosDone = chaos(cluster, random, loadEnds, (what) => bar.update({ last: what }));
    while (Date.now() < loadEnds && !interrupted) {
      const day = planDay(perDay, everyone.length + 1);
      everyone.push(...day);
      bar.setTotal(everyone.length);
      for (const a of day) {
        journeys.push(
          liveDay(api, a, bookingDate, (stage) => bar.update({ last: `#${a.n} ${a.office} ${stage}` }))
            .catch((error: unknown) => void offPlan.push(`#${a.n} ${a.fate}: ${error instanceof Error ? error.message : String(error)}`))
            .finally(() => bar.increment()),
        );
      }
      await sleep(Math.min(dayEveryMs, Math.max(0, loadEnds - Date.now())));
    }
    const faults = await chaosDone;
    bar.update({ last: 'faults over; letting every applicant finish' });
    await Promise.all(journeys);
    bar.stop();

    // Settle: whatever was interrupted has been retried; every running workflow answers again.
    const db = createDb(cluster.databaseUrl, { max: 2 });
    const ids = (await db.selectFrom('applications').select('id').execute()).map((r) => r.id);
    const { facts, violations } = await cluster.temporal((temporal) => checkInvariants(db, temporal, ids));
    const stages = new Map((await db.selectFrom('applications').select(['id', 'stage']).execute()).map((r) => [r.id, r.stage]));
    await db.destroy();
    for (const a of everyone) {
      const stage = a.applicationId ? stages.get(a.applicationId) : undefined;
      if (a.applicationId && stage !== a.expectedStage && !offPlan.some((o) => o.startsWith(`#${a.n} `))) offPlan.push(`#${a.n} ${a.fate}: ended ${stage}, planned ${a.expectedStage}`);
    }

    const byStage: Record<string, number> = {};
    for (const f of facts) byStage[f.stage] = (byStage[f.stage] ?? 0) + 1;
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(`\nSoak: ${minutes} min of load and faults (seed ${seed}), ${seconds} s in all`);
    console.log(`Applications: ${facts.length} (${everyone.length} applicants planned)`);
    for (const [stage, n] of Object.entries(byStage).sort()) console.log(`  ${stage.padEnd(20)} ${n}`);
    console.log(`  ${'payments'.padEnd(20)} ${facts.reduce((t, f) => t + f.payments, 0)}`);
    console.log(`  ${'compensations'.padEnd(20)} ${facts.reduce((t, f) => t + f.compensations, 0)}`);
    console.log(`  ${'Pos requests'.padEnd(20)} ${facts.reduce((t, f) => t + f.deliveryRequests, 0)}`);
    console.log('Faults:        kills  stops  hangs  restarts  exited by itself');
    for (const [component, c] of Object.entries(cluster.counts)) {
      console.log(`  ${component.padEnd(12)} ${String(c.kills).padStart(5)} ${String(c.stops).padStart(6)} ${String(c.hangs).padStart(6)} ${String(c.restarts).padStart(9)} ${String(c.crashes).padStart(17)}`);
    }
    for (const f of [...faults, ...cluster.crashes].sort()) console.log(`  ${f}`);
    console.log(`Client retries (connection errors and 5xx, as real clients would): ${retries.length}`);
    if (offPlan.length) {
      console.log(`Journeys off the demo's plan (not violations by themselves: e.g. an outage made a no-show), ${offPlan.length}:\n  ${offPlan.join('\n  ')}`);
    }
    console.log(`Violations: ${violations.length}`);
    for (const v of violations) console.log(`  ${formatViolation(v)}`);
    process.exitCode = violations.length ? 1 : 0;
  } finally {
    await cluster.shutdown();
  }
  if (values.keep) console.log(`data and logs kept in ${cluster.dir}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});

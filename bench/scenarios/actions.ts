// Scenario 2: what one happy-path application costs. Temporal actions and history events, counted from the
// histories of every workflow the batch's applications started (bench/billing.ts), and CPU seconds of each
// process of the embedded stack over the batch (bench/cpu.ts).
import type { Cluster, Component } from '../../scripts/cluster.js';
import { ACTION_RULES, addCounts, countActions, NOT_IN_HISTORY, type ActionCount } from '../billing.js';
import { CONCURRENCY, driveApplications, historyOf } from '../drive.js';
import { cpuSeconds } from '../cpu.js';
import type { Figure, Scenario } from '../scenario.js';
import { pool, round } from '../stats.js';

const PROCESSES: Component[] = ['api', 'worker', 'temporal', 'postgres'];

/** CPU seconds so far of each process (PostgreSQL: the postmaster, its live backends and those that ended). */
const cpuOf = (cluster: Cluster) =>
  Object.fromEntries(
    PROCESSES.map((c) => {
      const [root, ...others] = cluster.pids(c);
      return [c, root ? cpuSeconds([root], others) : 0];
    }),
  ) as Record<Component, number>;

/**
 * The API's CPU seconds for `count` applicants' accounts alone: registering and signing in, as each application's
 * applicant does in the batch. Each is a scrypt hash (api/passwords.ts, ~0.1 s by design, OWASP's floor), so this
 * part of an application's cost is the price of its password, not of its processing.
 */
async function accountsCpu(cluster: Cluster, count: number): Promise<number> {
  const [root, ...others] = cluster.pids('api');
  if (!root) return 0;
  const before = cpuSeconds([root], others);
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${cluster.apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  };
  await pool(count, CONCURRENCY, async (i) => {
    const credentials = { email: `bench-account-${Date.now()}-${i}@example.id`, password: `bench password ${i} ${Math.random()}` };
    await post('/auth/register', credentials);
    await post('/auth/login', credentials);
  });
  return (cpuSeconds([root], others) - before) / count;
}

export const scenario: Scenario = {
  id: 'actions',
  title: 'Temporal actions and CPU seconds per application',
  async run(ctx) {
    const { cluster } = ctx;
    const count = ctx.quick ? 16 : 200;
    const since = new Date(Date.now() - 1000).toISOString();
    const bar = ctx.progress('applications', count);
    const before = cpuOf(cluster);
    const driven = await driveApplications(cluster, count, () => bar.tick());
    const after = cpuOf(cluster);
    bar.done();
    const cpu = Object.fromEntries(PROCESSES.map((c) => [c, (after[c] - before[c]) / count])) as Record<Component, number>;
    const cpuTotal = PROCESSES.reduce((t, c) => t + cpu[c], 0);
    const accounts = ctx.progress('accounts alone', 1);
    const accountCpu = await accountsCpu(cluster, count);
    accounts.done();

    // Every workflow started on the service's task queue meanwhile: the applications' and those they caused.
    const mine = new Set(driven.applicationIds.map((id) => `passport-${id}`));
    const counts = await cluster.temporal(async (client) => {
      const byType: Record<string, ActionCount[]> = {};
      const histories = ctx.progress('histories', count);
      for await (const wf of client.workflow.list({ query: `TaskQueue = '${cluster.taskQueue}' AND StartTime >= '${since}'` })) {
        if (wf.type === 'passportApplication' && !mine.has(wf.workflowId)) continue;
        (byType[wf.type] ??= []).push(countActions(await historyOf(client, wf.workflowId)));
        if (wf.type === 'passportApplication') histories.tick();
      }
      histories.done();
      return byType;
    });
    const applications = addCounts(counts.passportApplication ?? []);
    const all = addCounts(Object.values(counts).flat());
    const perApp = (n: number) => n / count;
    const others = Object.entries(counts)
      .filter(([type]) => type !== 'passportApplication')
      .map(([type, list]) => `${type} ×${round(perApp(list.length))} (${round(perApp(addCounts(list).actions))} actions)`);
    const byKind = Object.fromEntries(Object.entries(applications.byKind).map(([k, n]) => [k, round(perApp(n))]));

    const figures: Figure[] = [
      {
        name: 'Temporal actions per application, every workflow it started included',
        value: perApp(all.actions),
        unit: 'actions',
        target: '≤ 18',
        met: perApp(all.actions) <= 18,
        note: `its own workflow ${round(perApp(applications.actions))} (${Object.entries(byKind).map(([k, n]) => `${n} ${k}`).join(', ')}); ${others.join(', ') || 'no other workflow'}; counted as Temporal Cloud bills them, as far as a history shows them: a start (a Signal-With-Start once; not a child's own), a client's signal, an accepted update, an activity scheduled and each retry, a timer started, an upsert (not one of TemporalChangeVersion alone), markers and local activities once per workflow task, a child start twice, a signal or cancel to another workflow (rules in the JSON); ${NOT_IN_HISTORY}`,
      },
      { name: 'history events per application (its own workflow)', value: perApp(applications.events), unit: 'events' },
      { name: 'CPU seconds per application, the four processes', value: cpuTotal, unit: 'CPU-s', target: '≤ 0.25 CPU-s', met: cpuTotal <= 0.25, note: `${count} applications, ${CONCURRENCY} at a time, ${round(driven.reads / count, 1)} reads of the applicant's view each while waiting for a stage; the bench's own clients not counted` },
      ...PROCESSES.map((c) => ({ name: `CPU seconds per application: ${c}`, value: cpu[c], unit: 'CPU-s' })),
      {
        name: "of the API's: the applicant's account (registering and signing in)",
        value: accountCpu,
        unit: 'CPU-s',
        note: `measured apart, ${count} accounts registered and signed in through the API, ${CONCURRENCY} at a time: two scrypt hashes each (api/passwords.ts, ~0.1 s by design)`,
      },
    ];
    return {
      id: 'actions',
      title: scenario.title,
      figures,
      details: {
        count,
        rules: ACTION_RULES,
        perApplication: { actionsByKind: byKind, eventsByType: Object.fromEntries(Object.entries(applications.eventsByType).map(([k, n]) => [k, round(perApp(n))])) },
        workflowsByType: Object.fromEntries(Object.entries(counts).map(([type, list]) => [type, { count: list.length, ...addCounts(list) }])),
        cpuPerApplication: cpu,
        apiCpuPerAccount: accountCpu,
        cpuSecondsTotal: Object.fromEntries(PROCESSES.map((c) => [c, after[c] - before[c]])),
      },
    };
  },
};

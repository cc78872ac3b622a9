// The Temporal Schedule `daily-reconciliation`, made sure of at every worker start (`npm start` and the production
// worker alike): created when missing, brought to the configured time and task queue when present. The worker
// is the one process of both modes that starts once the namespace exists and knows the task queue it polls.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { SETTLEMENT_TIME_ZONE } from '../db/settlements.js';
import { RECONCILIATION_SCHEDULE_ID, RECONCILIATION_WORKFLOW } from '../workflows/definitions.js';

/** The schedule for a time of day in WIB (`HH:MM`, RECONCILIATION_TIME) on a task queue. */
export function reconciliationSchedule(time: string, taskQueue: string) {
  const [hour, minute] = time.split(':').map(Number);
  return {
    scheduleId: RECONCILIATION_SCHEDULE_ID,
    spec: { calendars: [{ hour, minute }], timezone: SETTLEMENT_TIME_ZONE },
    action: {
      type: 'startWorkflow' as const,
      workflowType: RECONCILIATION_WORKFLOW,
      workflowId: RECONCILIATION_SCHEDULE_ID,
      taskQueue,
      args: [],
      // A run no worker takes (all of them down) gives way to the next day's.
      workflowExecutionTimeout: '23 hours',
      staticSummary: 'Daily reconciliation of the banks’ settlement reports',
    },
    // A run still going when the next is due: the next is skipped. A day missed while Temporal was down is run once, late.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    state: { note: `Runs the ${RECONCILIATION_WORKFLOW} workflow every day at ${time} WIB (RECONCILIATION_TIME); made at worker start` },
  } satisfies ScheduleOptions;
}

/** Creates the schedule, or updates it to these settings (keeping a pause an operator made); safe for many workers at once. */
export async function ensureReconciliationSchedule(client: Client, time: string, taskQueue: string): Promise<'created' | 'updated'> {
  const wanted = reconciliationSchedule(time, taskQueue);
  try {
    await client.schedule.create(wanted);
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await client.schedule.getHandle(wanted.scheduleId).update((current) => ({
    ...current,
    spec: wanted.spec,
    action: wanted.action,
    policies: { ...current.policies, ...wanted.policies },
    state: { ...current.state, note: current.state.paused ? current.state.note : wanted.state.note },
  }));
  return 'updated';
}

/**
 * Runs the daily reconciliation now (`npm run reconcile -- --run`): a run already going is waited for first (a
 * trigger meanwhile would be skipped, the schedule's overlap policy), then the schedule is triggered and its new
 * run awaited. Throws when the schedule is missing or the wait passes `timeoutMs`. Returns the run's id and result.
 */
export async function runReconciliationNow<T>(client: Client, timeoutMs: number, say: (line: string) => void = () => {}): Promise<{ workflowId: string; result: T }> {
  const deadline = Date.now() + timeoutMs;
  const schedule = client.schedule.getHandle(RECONCILIATION_SCHEDULE_ID);
  const within = <R>(what: string, work: Promise<R>): Promise<R> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not done within ${Math.round(timeoutMs / 1000)} s; it goes on in Temporal (see the schedule ${RECONCILIATION_SCHEDULE_ID} in the Web UI)`)), Math.max(0, deadline - Date.now()));
    });
    return Promise.race([work, late]).finally(() => clearTimeout(timer));
  };
  const describe = () =>
    schedule.describe().catch((error: unknown) => {
      if (error instanceof ScheduleNotFoundError) throw new Error(`no schedule ${RECONCILIATION_SCHEDULE_ID} in this namespace: the worker makes it when it starts (npm start, or the production worker)`);
      throw error;
    });
  const before = await describe();
  for (const running of before.info.runningActions) {
    say(`a run is going already (${running.workflow.workflowId}): waiting for it to finish first`);
    const handle = client.workflow.getHandle(running.workflow.workflowId, running.workflow.firstExecutionRunId);
    await within(`the run ${running.workflow.workflowId}`, handle.result().catch(() => undefined));
  }
  // By run: two runs triggered within a second share their workflow id (the schedule's id and the second).
  const seen = new Set([...before.info.recentActions.map((a) => a.action), ...before.info.runningActions].map((a) => a.workflow.firstExecutionRunId));
  await schedule.trigger();
  const started = await within('the triggered run to start', (async () => {
    while (Date.now() < deadline) {
      const { info } = await describe();
      const fresh = [...info.recentActions.map((a) => a.action), ...info.runningActions].find((a) => !seen.has(a.workflow.firstExecutionRunId));
      if (fresh) return fresh.workflow;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error('the triggered run did not start');
  })());
  say(`triggered ${RECONCILIATION_SCHEDULE_ID}: run ${started.workflowId}, waiting for it to finish`);
  const handle = client.workflow.getHandle(started.workflowId, started.firstExecutionRunId);
  return { workflowId: started.workflowId, result: await within(`the run ${started.workflowId}`, handle.result() as Promise<T>) };
}

// The Temporal Schedule `daily-reconciliation`, made sure of at every worker start (`npm start` and the production
// worker alike): created when missing, brought to the configured time and task queue when present. The worker
// is the one process of both modes that starts once the namespace exists and knows the task queue it polls.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
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

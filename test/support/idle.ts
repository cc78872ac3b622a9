// Ending a workflow on the time-skipping server without stopping its clock for the rest of the file.
import type { WorkflowHandle } from '@temporalio/client';
import { eventually } from './eventually.js';

/** Whether nothing of the workflow is in flight: its last workflow task completed and no activity is pending. */
export async function idle(handle: WorkflowHandle): Promise<boolean> {
  const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
  if (description.status.name !== 'RUNNING') return true;
  if ((description.raw.pendingActivities?.length ?? 0) > 0) return false;
  const lastTask = [...(history.events ?? [])]
    .reverse()
    .find((e) => e.workflowTaskScheduledEventAttributes ?? e.workflowTaskStartedEventAttributes ?? e.workflowTaskCompletedEventAttributes ?? e.workflowTaskFailedEventAttributes ?? e.workflowTaskTimedOutEventAttributes);
  return lastTask?.workflowTaskCompletedEventAttributes != null;
}

/**
 * Terminates a workflow once it is idle. The time-skipping server (sdk-java's test server) holds its clock while a
 * workflow task or an activity is outstanding and lets go when the worker completes it; terminated meanwhile, the
 * workflow never completes it, and every later skip of the file waits in real time (seen: a refund ended while its
 * first activity ran, then a skip of days hung the file's setup to its timeout). Outside a skip the clock is held, so
 * no timer makes an idle workflow busy again before the termination.
 */
export async function terminateWhenIdle(handle: WorkflowHandle, reason: string, timeoutMs = 15_000): Promise<void> {
  await eventually(() => idle(handle).catch(() => true), (done) => done, timeoutMs);
  await handle.terminate(reason).catch(() => undefined); // already ended: fine
}

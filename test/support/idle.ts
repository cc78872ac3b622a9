// Ending a workflow on the time-skipping server without stopping its clock for the rest of the file.
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * What of a workflow is in flight, from one read of its history: a workflow task not completed, or an activity
 * scheduled and not closed (one waiting to be retried included). Empty: idle.
 */
export function inFlight(events: readonly HistoryEvent[]): string[] {
  const busy: string[] = [];
  const lastTask = [...events]
    .reverse()
    .find((e) => e.workflowTaskScheduledEventAttributes ?? e.workflowTaskStartedEventAttributes ?? e.workflowTaskCompletedEventAttributes ?? e.workflowTaskFailedEventAttributes ?? e.workflowTaskTimedOutEventAttributes);
  if (lastTask && !lastTask.workflowTaskCompletedEventAttributes) busy.push(`workflow task (event ${lastTask.eventId})`);
  const open = new Map<string, string>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) open.set(String(e.eventId), `activity ${scheduled.activityType?.name ?? '?'} (event ${e.eventId})`);
    const closed = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
    if (closed) open.delete(String(closed.scheduledEventId));
  }
  return [...busy, ...open.values()];
}

const historyOf = async (handle: WorkflowHandle): Promise<HistoryEvent[] | undefined> => {
  try {
    return (await handle.fetchHistory()).events ?? [];
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
};

/**
 * Terminates a workflow once it is idle, while a worker still runs it. The time-skipping server (sdk-java's test
 * server) holds its clock while a workflow task or an activity is outstanding and lets go when the worker completes
 * it; a termination never lets go, and every later skip of the file waits in real time (seen: a refund ended while
 * its first activity ran, then a skip of days hung the file's setup to its timeout). Idle is read from one history,
 * and read again after the termination: busy by then (a message arrived in between), or never idle within
 * `timeoutMs`, it is terminated all the same and the error names what was in flight.
 */
export async function terminateWhenIdle(handle: WorkflowHandle, reason: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await historyOf(handle);
    if (events === undefined || events.some((e) => e.workflowExecutionTerminatedEventAttributes ?? e.workflowExecutionCompletedEventAttributes ?? e.workflowExecutionFailedEventAttributes)) return;
    const busy = inFlight(events);
    if (busy.length === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await handle.terminate(reason).catch((error: unknown) => {
    if (!(error instanceof WorkflowNotFoundError)) throw error; // ended meanwhile: fine
  });
  const events = (await historyOf(handle)) ?? [];
  const ended = events.findIndex((e) => e.workflowExecutionTerminatedEventAttributes);
  const busy = ended < 0 ? [] : inFlight(events.slice(0, ended));
  if (busy.length > 0) throw new Error(`${handle.workflowId} was terminated with ${busy.join(', ')} in flight: the time-skipping server's clock stays held for the rest of the file`);
}

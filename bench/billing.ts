// Temporal actions of a workflow history, counted as Temporal Cloud bills them (docs.temporal.io/cloud/actions),
// as far as a history shows them. The rules, one per kind (ACTION_RULES), are printed in the summary.
import proto from '@temporalio/proto';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const EventType = proto.temporal.api.enums.v1.EventType;

export type ActionKind =
  | 'workflow started'
  | 'signal'
  | 'update'
  | 'activity'
  | 'activity retry'
  | 'timer'
  | 'search attributes upsert'
  | 'marker'
  | 'local activities'
  | 'child workflow started'
  | 'signal to another workflow'
  | 'cancel request to another workflow';

export const ACTION_RULES: Record<ActionKind, string> = {
  'workflow started': 'WorkflowExecutionStarted, unless started as a child (counted at the parent); a continue-as-new run counts again',
  signal: 'WorkflowExecutionSignaled sent by a client, except the signal of a Signal-With-Start (the event right after the start: one action for both)',
  update: 'WorkflowExecutionUpdateAccepted (a rejected update is billed too but leaves no event: not counted here)',
  activity: 'ActivityTaskScheduled',
  'activity retry': 'each attempt after the first (ActivityTaskStarted attempt - 1)',
  timer: 'TimerStarted',
  'search attributes upsert': 'UpsertWorkflowSearchAttributes (and WorkflowPropertiesModified), except one that sets only TemporalChangeVersion (versioning: exempt)',
  marker: 'MarkerRecorded other than local activities (patched() versions, side effects): once per workflow task that records any',
  'local activities': 'local-activity markers: one per workflow task that records any',
  'child workflow started': 'StartChildWorkflowExecutionInitiated: two actions (the start and the child\'s run)',
  'signal to another workflow': 'SignalExternalWorkflowExecutionInitiated',
  'cancel request to another workflow': 'RequestCancelExternalWorkflowExecutionInitiated',
};

/** Billed but never in a history, so never counted by this file: queries, rejected updates, activity heartbeats. */
export const NOT_IN_HISTORY = 'queries, rejected updates and activity heartbeats are billed but leave no history event, so they are not counted';

/** The event type's name without its prefix (WORKFLOW_TASK_COMPLETED), whether the history holds numbers or names. */
export function eventTypeName(event: HistoryEvent): string {
  const type = event.eventType as unknown;
  const name = typeof type === 'string' ? type : (EventType[type as number] ?? String(type));
  return name.replace(/^EVENT_TYPE_/, '');
}

export interface ActionCount {
  actions: number;
  byKind: Partial<Record<ActionKind, number>>;
  events: number;
  eventsByType: Record<string, number>;
}

export function countActions(events: readonly HistoryEvent[]): ActionCount {
  const byKind: Partial<Record<ActionKind, number>> = {};
  const eventsByType: Record<string, number> = {};
  const add = (kind: ActionKind, n = 1) => {
    if (n > 0) byKind[kind] = (byKind[kind] ?? 0) + n;
  };
  /** Workflow tasks (by their completion event) that recorded a local-activity marker, or any other marker. */
  const localActivityTasks = new Set<string>();
  const markerTasks = new Set<string>();
  for (const [i, event] of events.entries()) {
    const type = eventTypeName(event);
    eventsByType[type] = (eventsByType[type] ?? 0) + 1;
    switch (type) {
      case 'WORKFLOW_EXECUTION_STARTED':
        if (!event.workflowExecutionStartedEventAttributes?.parentWorkflowExecution) add('workflow started');
        break;
      case 'WORKFLOW_EXECUTION_SIGNALED':
        // Signal-With-Start: the signal is the event right after the start, before any workflow task.
        if (!event.workflowExecutionSignaledEventAttributes?.externalWorkflowExecution && !(i === 1 && eventTypeName(events[0]!) === 'WORKFLOW_EXECUTION_STARTED')) add('signal');
        break;
      case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED':
        add('update');
        break;
      case 'ACTIVITY_TASK_SCHEDULED':
        add('activity');
        break;
      case 'ACTIVITY_TASK_STARTED':
        add('activity retry', (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
        break;
      case 'TIMER_STARTED':
        add('timer');
        break;
      case 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES': {
        const fields = Object.keys(event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {});
        if (!(fields.length > 0 && fields.every((f) => f === 'TemporalChangeVersion'))) add('search attributes upsert');
        break;
      }
      case 'WORKFLOW_PROPERTIES_MODIFIED':
        add('search attributes upsert');
        break;
      case 'MARKER_RECORDED': {
        const attributes = event.markerRecordedEventAttributes;
        if (attributes?.markerName === 'core_local_activity') localActivityTasks.add(String(attributes.workflowTaskCompletedEventId));
        else markerTasks.add(String(attributes?.workflowTaskCompletedEventId));
        break;
      }
      case 'START_CHILD_WORKFLOW_EXECUTION_INITIATED':
        add('child workflow started', 2);
        break;
      case 'SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED':
        add('signal to another workflow');
        break;
      case 'REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED':
        add('cancel request to another workflow');
        break;
    }
  }
  add('local activities', localActivityTasks.size);
  add('marker', markerTasks.size);
  const actions = Object.values(byKind).reduce((t, n) => t + n, 0);
  return { actions, byKind, events: events.length, eventsByType };
}

/** Sums counts (e.g. every workflow an application caused) into one. */
export function addCounts(counts: readonly ActionCount[]): ActionCount {
  const total: ActionCount = { actions: 0, byKind: {}, events: 0, eventsByType: {} };
  for (const c of counts) {
    total.actions += c.actions;
    total.events += c.events;
    for (const [k, n] of Object.entries(c.byKind) as Array<[ActionKind, number]>) total.byKind[k] = (total.byKind[k] ?? 0) + n;
    for (const [k, n] of Object.entries(c.eventsByType)) total.eventsByType[k] = (total.eventsByType[k] ?? 0) + n;
  }
  return total;
}

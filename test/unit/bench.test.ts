// The pure parts of `npm run bench`: percentiles, action counting, the no-op plan, the summary's rows, the
// /proc reader and the CPU-profile reader. No servers.
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { countActions } from '../../bench/billing.js';
import { topSelfTime } from '../../bench/cpuprofile.js';
import { parseStat } from '../../bench/cpu.js';
import { planCounts, planFromHistory } from '../../bench/noop-plan.js';
import { figureRow } from '../../bench/render.js';
import { percentile, pool } from '../../bench/stats.js';

const T = proto.temporal.api.enums.v1.EventType;
type Event = proto.temporal.api.history.v1.IHistoryEvent;
const ev = (eventType: proto.temporal.api.enums.v1.EventType, attributes: Partial<Event> = {}): Event => ({ eventType, ...attributes });
/** Event ids are Longs in a decoded history; the counting reads them as text, as a number reads. */
type EventId = NonNullable<proto.temporal.api.history.v1.IMarkerRecordedEventAttributes['workflowTaskCompletedEventId']>;
const task4 = 4 as unknown as EventId;

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('pool', () => {
  it('runs every item, never more than the concurrency at once', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await pool(10, 3, async (i) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 1));
      seen.push(i);
      running--;
    });
    expect(most).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('Temporal actions of a history', () => {
  const history = [
    ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, { workflowExecutionStartedEventAttributes: {} }),
    ev(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
    ev(T.EVENT_TYPE_WORKFLOW_TASK_STARTED),
    ev(T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    ev(T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
    ev(T.EVENT_TYPE_MARKER_RECORDED, { markerRecordedEventAttributes: { markerName: 'core_patch', workflowTaskCompletedEventId: task4 } }),
    ev(T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, { upsertWorkflowSearchAttributesEventAttributes: { searchAttributes: { indexedFields: { TemporalChangeVersion: {} } } } }),
    ev(T.EVENT_TYPE_MARKER_RECORDED, { markerRecordedEventAttributes: { markerName: 'core_patch', workflowTaskCompletedEventId: task4 } }),
    ev(T.EVENT_TYPE_MARKER_RECORDED, { markerRecordedEventAttributes: { markerName: 'core_local_activity', workflowTaskCompletedEventId: task4 } }),
    ev(T.EVENT_TYPE_MARKER_RECORDED, { markerRecordedEventAttributes: { markerName: 'core_local_activity', workflowTaskCompletedEventId: task4 } }),
    ev(T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    ev(T.EVENT_TYPE_TIMER_STARTED),
    ev(T.EVENT_TYPE_ACTIVITY_TASK_STARTED, { activityTaskStartedEventAttributes: { attempt: 3 } }),
    ev(T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED),
    ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, { workflowExecutionSignaledEventAttributes: { signalName: 'fromClient' } }),
    ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, { workflowExecutionSignaledEventAttributes: { signalName: 'fromWorkflow', externalWorkflowExecution: { workflowId: 'other' } } }),
    ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
    ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED),
    ev(T.EVENT_TYPE_TIMER_CANCELED),
    ev(T.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
    ev(T.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED),
    ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
  ];

  it('counts each billed kind, retries and client signals included, markers and local activities once per workflow task, no versioning upsert', () => {
    const count = countActions(history);
    expect(count.byKind).toEqual({
      'workflow started': 1,
      'search attributes upsert': 1,
      marker: 1,
      'local activities': 1,
      activity: 1,
      'activity retry': 2,
      timer: 1,
      signal: 1,
      update: 1,
      'child workflow started': 2,
      'signal to another workflow': 1,
    });
    expect(count.actions).toBe(13);
    expect(count.events).toBe(history.length);
    expect(count.eventsByType.MARKER_RECORDED).toBe(4);
  });

  it('counts a Signal-With-Start as one action: its signal comes right after the start', () => {
    const started = [
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, { workflowExecutionStartedEventAttributes: {} }),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, { workflowExecutionSignaledEventAttributes: { signalName: 'transactionSeen' } }),
      ev(T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
      ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, { workflowExecutionSignaledEventAttributes: { signalName: 'transactionSeen' } }),
    ];
    expect(countActions(started).byKind).toEqual({ 'workflow started': 1, signal: 1 });
  });

  it('does not count a child workflow\'s start again in its own history', () => {
    const child = [ev(T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, { workflowExecutionStartedEventAttributes: { parentWorkflowExecution: { workflowId: 'parent' } } })];
    expect(countActions(child).actions).toBe(0);
  });
});

describe('the no-op plan read from a history', () => {
  it('keeps the messages in order and each workflow task\'s commands', () => {
    const plan = planFromHistory([
      { type: 'WORKFLOW_EXECUTION_STARTED' },
      { type: 'WORKFLOW_TASK_COMPLETED' },
      { type: 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES' },
      { type: 'ACTIVITY_TASK_SCHEDULED' },
      { type: 'WORKFLOW_TASK_COMPLETED' },
      { type: 'TIMER_STARTED', timerMs: 5000 },
      { type: 'WORKFLOW_TASK_COMPLETED' },
      { type: 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED', updateName: 'bookSession' },
      { type: 'TIMER_CANCELED' },
      { type: 'ACTIVITY_TASK_SCHEDULED' },
      { type: 'WORKFLOW_TASK_COMPLETED' },
      { type: 'MARKER_RECORDED' },
      { type: 'WORKFLOW_TASK_COMPLETED' },
      { type: 'WORKFLOW_EXECUTION_SIGNALED', signalName: 'paid' },
    ]);
    expect(plan).toEqual([
      { trigger: { kind: 'start' }, tasks: [[{ kind: 'upsert' }, { kind: 'activity' }], [{ kind: 'timer', ms: 5000 }]] },
      { trigger: { kind: 'update', name: 'bookSession' }, tasks: [[{ kind: 'activity' }], [{ kind: 'marker' }]] },
      { trigger: { kind: 'signal', name: 'paid' }, tasks: [] },
    ]);
    expect(planCounts(plan)).toEqual({ tasks: 4, upsert: 1, activity: 2, timer: 1, update: 1, marker: 1, signal: 1 });
  });
});

describe('a figure in the summary', () => {
  it('states its baseline, the ratio, the target and met', () => {
    const row = figureRow({ name: 'applications per second', value: 3.77, unit: '/s', baseline: { name: 'no-op', value: 17.5, unit: '/s' }, target: '≥ 80 %', met: false, note: 'a | b' });
    expect(row).toBe('| applications per second | 3.77 /s | 17.5 /s (no-op) | 22 % | ≥ 80 % | **missed** | a \\| b |');
    expect(figureRow({ name: 'CPU', value: 0.2, unit: 'CPU-s', target: '≤ 0.25', met: true })).toBe('| CPU | 0.20 CPU-s |  |  | ≤ 0.25 | met |  |');
  });
});

describe('the /proc stat reader', () => {
  it('reads the times after a command name with spaces and parentheses', () => {
    const line = '4242 (postgres: a (b) c) S 4200 4242 4242 0 -1 4194560 500 0 0 0 123 45 6 7 20 0 1 0 100 1000 50 18446744073709551615';
    expect(parseStat(line)).toEqual({ pid: 4242, ppid: 4200, utime: 123, stime: 45, cutime: 6, cstime: 7 });
  });
});

describe('the CPU profile reader', () => {
  it('ranks functions by self time', () => {
    const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 9 });
    const top = topSelfTime({
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('parse', 'file:///x/node_modules/zod/index.js') },
        { id: 3, callFrame: frame('handler', 'file:///repo/api/app.ts') },
      ],
      samples: [2, 3, 2, 2],
      timeDeltas: [1000, 2000, 3000, 4000],
    });
    expect(top).toEqual([
      { fn: 'parse zod/index.js:10', selfMs: 8, share: 0.8 },
      { fn: 'handler api/app.ts:10', selfMs: 2, share: 0.2 },
    ]);
  });
});

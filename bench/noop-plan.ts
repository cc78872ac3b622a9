// The shape of a workflow, read from one of its histories, for the no-op workflow (noop-workflow.ts) to repeat:
// the same start, the same signals and updates in the same order, and after each the same commands (activities,
// timers, search-attribute upserts, markers) in the same workflow tasks. Pure: imported by the workflow bundle.

export type NoopCommand = { kind: 'activity' } | { kind: 'timer'; ms: number } | { kind: 'upsert' } | { kind: 'marker' };

export interface NoopPhase {
  /** What starts the phase: the workflow's start, or a signal or an update by its name. */
  trigger: { kind: 'start' } | { kind: 'signal' | 'update'; name: string };
  /** Commands per workflow task, in order: a task's activities run together, the next task waits for them. */
  tasks: NoopCommand[][];
}

export type NoopPlan = NoopPhase[];

/** A history event as the plan reads it (the client's decoded history, event types by name or number). */
export interface PlanEvent {
  type: string;
  signalName?: string;
  updateName?: string;
  timerMs?: number;
}

export function planFromHistory(events: readonly PlanEvent[]): NoopPlan {
  const plan: NoopPlan = [{ trigger: { kind: 'start' }, tasks: [] }];
  let newTask = true;
  const command = (c: NoopCommand) => {
    const phase = plan[plan.length - 1]!;
    if (newTask || phase.tasks.length === 0) phase.tasks.push([]);
    newTask = false;
    phase.tasks[phase.tasks.length - 1]!.push(c);
  };
  for (const e of events) {
    switch (e.type) {
      case 'WORKFLOW_TASK_COMPLETED':
        newTask = true;
        break;
      case 'WORKFLOW_EXECUTION_SIGNALED':
        plan.push({ trigger: { kind: 'signal', name: e.signalName ?? 'signal' }, tasks: [] });
        newTask = true;
        break;
      case 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED':
        plan.push({ trigger: { kind: 'update', name: e.updateName ?? 'update' }, tasks: [] });
        newTask = true;
        break;
      case 'ACTIVITY_TASK_SCHEDULED':
        command({ kind: 'activity' });
        break;
      case 'TIMER_STARTED':
        command({ kind: 'timer', ms: e.timerMs ?? 60_000 });
        break;
      case 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES':
        command({ kind: 'upsert' });
        break;
      case 'MARKER_RECORDED':
        command({ kind: 'marker' });
        break;
    }
  }
  return plan;
}

/** Commands of each kind in a plan, and its messages: to state in the summary that both shapes agree. */
export function planCounts(plan: NoopPlan): Record<string, number> {
  const counts: Record<string, number> = { tasks: 0 };
  for (const phase of plan) {
    if (phase.trigger.kind !== 'start') counts[phase.trigger.kind] = (counts[phase.trigger.kind] ?? 0) + 1;
    counts.tasks! += phase.tasks.length;
    for (const c of phase.tasks.flat()) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
  }
  return counts;
}

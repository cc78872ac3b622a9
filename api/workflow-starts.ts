// Starting an application's workflow, and starting again what did not start. A submission keeps the start it
// asks for with the application (workflow_start) and answers once the row is stored; a start that failed or
// timed out is tried again with the same workflow id, by the starter loop of every API process and by any
// bank callback or step that finds the workflow missing. Temporal starts a workflow id once (REJECT_DUPLICATE,
// even after it closed, for as long as the namespace keeps closed workflows), and "already started" counts as
// started: nothing is lost, nothing is doubled.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { DB, WorkflowStart } from '../db/schema.js';
import { ApplicationTypeKey, OfficeCode, PassportStage, TrackingCode, WORKFLOW_TYPE, workflowIdFor } from '../workflows/definitions.js';
import type { ApiDeps } from './router.js';

type StartDeps = Pick<ApiDeps, 'db' | 'temporal'>;

/** The workflow's static summary in the Web UI: the tracking code a manager is told, type, product and office. */
export const startSummary = (a: { trackingCode: string; applicationType: string; product: string; officeCode: string }) =>
  `${a.trackingCode}: ${a.applicationType} passport (${a.product}) at ${a.officeCode}`;

/**
 * A start stored before issue 16 lacks the tracking code: it gets the application's, in its input and summary,
 * so the workflow carries the TrackingCode search attribute however late it starts.
 */
export function withTrackingCode(start: WorkflowStart, trackingCode: string): WorkflowStart {
  if (start.input.trackingCode) return start;
  return { ...start, summary: `${trackingCode}: ${start.summary}`, input: { ...start.input, trackingCode } };
}

/** Starts the workflow, or finds it started already (by an earlier try that Temporal took late). */
export async function startWorkflow(temporal: Client, start: WorkflowStart): Promise<void> {
  const { input } = start;
  try {
    await temporal.workflow.start(WORKFLOW_TYPE, {
      workflowId: workflowIdFor(input.applicationId),
      taskQueue: start.taskQueue,
      args: [input],
      staticSummary: start.summary,
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: PassportStage, value: 'AWAITING_PAYMENT' },
        { key: OfficeCode, value: input.officeCode },
        { key: ApplicationTypeKey, value: input.applicationType },
        ...(input.trackingCode ? [{ key: TrackingCode, value: input.trackingCode }] : []),
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

export const confirmStarted = (db: Kysely<DB>, applicationId: string) =>
  db.updateTable('applications').set({ workflow_started_at: sql`now()` }).where('id', '=', applicationId).where('workflow_started_at', 'is', null).execute();

/** Starts the application's workflow if its start is not confirmed yet; false when there is nothing to start. */
export async function startIfPending(deps: StartDeps, applicationId: string): Promise<boolean> {
  const row = await deps.db.selectFrom('applications').select(['workflow_start', 'tracking_code']).where('id', '=', applicationId).where('workflow_started_at', 'is', null).executeTakeFirst();
  if (!row?.workflow_start) return false;
  await startWorkflow(deps.temporal, withTrackingCode(row.workflow_start, row.tracking_code));
  await confirmStarted(deps.db, applicationId);
  return true;
}

/**
 * `action` on the application's workflow (a signal, an update). A workflow not found is started if its start
 * is still pending, then asked once more: also when another API instance started it in between (its row is
 * no longer pending then). Not found again, it has closed (the caller's 409).
 */
export async function withStartedWorkflow<T>(deps: StartDeps, applicationId: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    await startIfPending(deps, applicationId);
    return action();
  }
}

/**
 * Claims up to `batch` starts not confirmed and not tried for `retryAfterSeconds` (the step deadline, so a try
 * still running is never doubled), marking them tried: several API instances share the work, none waits on another.
 */
const claimPending = (db: Kysely<DB>, taskQueue: string, batch: number, retryAfterSeconds: number) =>
  db
    .updateTable('applications')
    .set({ workflow_start_tried_at: sql`now()` })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('applications')
        .select('id')
        .where('workflow_started_at', 'is', null)
        .where(sql<boolean>`workflow_start->>'taskQueue' = ${taskQueue}`)
        .where((w) => w.or([w('workflow_start_tried_at', 'is', null), w('workflow_start_tried_at', '<', sql<Date>`now() - make_interval(secs => ${retryAfterSeconds})`)]))
        .orderBy('workflow_start_tried_at')
        .limit(batch)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'workflow_start', 'tracking_code'])
    .execute();

/**
 * One pass of the starter: tries each claimed start within the step deadline and stops at the first failure
 * (Temporal is down or hung: the rest wait for the next pass). Returns how many started, and the failure.
 */
export async function startPendingWorkflows(deps: ApiDeps, batch = 20): Promise<{ started: string[]; failure?: unknown }> {
  const claimed = await claimPending(deps.db, deps.taskQueue, batch, deps.config.WORKFLOW_STEP_TIMEOUT_SECONDS);
  const started: string[] = [];
  for (const { id, workflow_start: start, tracking_code: trackingCode } of claimed) {
    if (!start) continue;
    try {
      await deps.temporal.connection.withDeadline(Date.now() + deps.config.WORKFLOW_STEP_TIMEOUT_SECONDS * 1000, () => startWorkflow(deps.temporal, withTrackingCode(start, trackingCode)));
      await confirmStarted(deps.db, id);
      started.push(id);
    } catch (failure) {
      return { started, failure };
    }
  }
  return { started };
}

/**
 * The starter loop an API process runs: a pass every `intervalMs`, never two at once. `stop` ends it after
 * the pass under way.
 */
export function runWorkflowStarter(deps: ApiDeps, opts: { intervalMs?: number; batch?: number } = {}): { stop(): Promise<void> } {
  const intervalMs = opts.intervalMs ?? 5_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  const run = async () => {
    try {
      const { started, failure } = await startPendingWorkflows(deps, opts.batch);
      for (const applicationId of started) deps.log?.info({ applicationId }, 'workflow started after its submission (its first start failed or timed out)');
      if (failure) deps.log?.warn({ err: failure }, 'a pending workflow start failed; trying again shortly');
    } catch (error) {
      deps.log?.warn({ err: error }, 'pending workflow starts could not be read; trying again shortly');
    }
    if (!stopped) timer = setTimeout(() => void (pass = run()), intervalMs);
  };
  timer = setTimeout(() => void (pass = run()), intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}

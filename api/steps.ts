// A deadline on every request that waits for a workflow. An update (an applicant's or officer's step)
// runs in two parts: the workflow's validator accepts it (needs a worker), then its handler finishes.
// Not accepted in time: 503, the step has not happened yet, retry. Accepted but still running: 202, the
// step goes on and the application shows its outcome. Never an open-ended wait. (Temporal keeps a request
// it has not delivered and may deliver it later: the Idempotency-Key makes a retry join it, not repeat it.)
import { WorkflowUpdateRPCTimeoutOrCancelledError, WorkflowUpdateStage } from '@temporalio/client';
import { z } from '@hono/zod-openapi';
import type { UpdateDefinition } from '@temporalio/common';
import { workflowIdFor } from '../workflows/definitions.js';
import { HttpProblem, unavailableDependency } from './problems.js';
import { jsonResponse, type ApiDeps } from './router.js';
import { withStartedWorkflow } from './workflow-starts.js';

/** What a step moves: an application (applicants' and officers' steps) or a refund (finance officers' steps). */
export type StepSubject = 'application' | 'refund';

/** Thrown when a step was accepted but is still running at the deadline; answered as 202 (see app.ts). */
export class StepStillRunning extends Error {
  constructor(
    /** Where the outcome shows: the application's or the refund's own URL. */
    readonly location: string,
    readonly seconds: number,
    readonly subject: StepSubject = 'application',
  ) {
    super(`the step was accepted and is still running after ${seconds} s`);
  }
}

export const stepRunningSchema = z
  .object({
    status: z.literal('running'),
    detail: z.string(),
    application: z.string().openapi({ description: 'Where the outcome shows once the step finishes', example: '/applications/3f0c…' }),
  })
  .openapi('StepRunning');

export const refundStepRunningSchema = stepRunningSchema
  .omit({ application: true })
  .extend({ refund: z.string().openapi({ description: 'Where the outcome shows once the step finishes', example: '/finance/refunds/refund-BNI-…' }) })
  .openapi('RefundStepRunning');

/** The OpenAPI responses every step adds to its own: 202 still running. (503 is in `problems`.) */
export const stepResponses = {
  202: jsonResponse('Accepted and still running after WORKFLOW_STEP_TIMEOUT_SECONDS; the outcome shows on the application (or retry with the same Idempotency-Key)', stepRunningSchema),
};
export const refundStepResponses = {
  202: jsonResponse('Accepted and still running after WORKFLOW_STEP_TIMEOUT_SECONDS; the outcome shows on the refund (or retry with the same Idempotency-Key)', refundStepRunningSchema),
};

export const stepRunningBody = (error: StepStillRunning) => ({
  status: 'running' as const,
  detail: `${error.message}; it will complete without you: read the ${error.subject} for its outcome, or repeat the request with the same Idempotency-Key to get its answer`,
  [error.subject]: error.location,
});

const timedOut = (error: unknown) => error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || unavailableDependency(error) === 'Temporal';

/** Runs `work` (a signal, a start) against Temporal with the step deadline; past it, a 503 (see problems.ts). */
export const withStepDeadline = <T>(deps: { temporal: ApiDeps['temporal']; config: Pick<ApiDeps['config'], 'WORKFLOW_STEP_TIMEOUT_SECONDS'> }, work: () => Promise<T>): Promise<T> =>
  deps.temporal.connection.withDeadline(Date.now() + deps.config.WORKFLOW_STEP_TIMEOUT_SECONDS * 1000, work);

/**
 * An applicant's or officer's step: the update's result within WORKFLOW_STEP_TIMEOUT_SECONDS, else a
 * 503 (not accepted: no worker took it) or a 202 (accepted, still running).
 */
export const runStep = <Ret, Arg>(
  deps: Pick<ApiDeps, 'db' | 'temporal' | 'config'>,
  step: { applicationId: string; applicationUrl: string; update: UpdateDefinition<Ret, [Arg]>; args: [Arg]; retry: { updateId?: string } },
): Promise<Ret> =>
  runUpdate(deps, {
    workflowId: workflowIdFor(step.applicationId),
    subject: 'application',
    location: step.applicationUrl,
    update: step.update,
    args: step.args,
    retry: step.retry,
    // A workflow whose start is still pending (api/workflow-starts.ts) is started first.
    send: (action) => withStartedWorkflow(deps, step.applicationId, action),
  });

/** A step on any workflow (an application's, a refund's), with the step deadline's 503 and 202. */
export async function runUpdate<Ret, Arg>(
  deps: Pick<ApiDeps, 'temporal' | 'config'>,
  step: {
    workflowId: string;
    subject: StepSubject;
    location: string;
    update: UpdateDefinition<Ret, [Arg]>;
    args: [Arg];
    retry: { updateId?: string };
    send?: <T>(action: () => Promise<T>) => Promise<T>;
  },
): Promise<Ret> {
  const seconds = deps.config.WORKFLOW_STEP_TIMEOUT_SECONDS;
  const deadline = Date.now() + seconds * 1000;
  const handle = deps.temporal.workflow.getHandle(step.workflowId);
  const options = { args: step.args, waitForStage: WorkflowUpdateStage.ACCEPTED, updateId: step.retry.updateId } as const;
  const send = step.send ?? ((action) => action());
  let accepted;
  try {
    accepted = await deps.temporal.connection.withDeadline(deadline, () => send(() => handle.startUpdate(step.update, options)));
  } catch (error) {
    if (!timedOut(error)) throw error;
    const refused = new HttpProblem(
      'unavailable',
      `the ${step.subject}'s workflow did not take the step within ${seconds} s (it is not being processed right now). ` +
        'The step has not happened, but Temporal may still deliver it when processing resumes: repeat the request ' +
        `with the same Idempotency-Key to get its outcome (it happens at most once), or read the ${step.subject}`,
    );
    throw Object.assign(refused, { cause: error }); // logged with the 503 (api/metrics.ts)
  }
  try {
    return await deps.temporal.connection.withDeadline(deadline, () => accepted.result());
  } catch (error) {
    if (timedOut(error)) throw new StepStillRunning(step.location, seconds, step.subject);
    throw error;
  }
}

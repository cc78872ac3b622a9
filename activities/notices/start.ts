// Starts a recorded notice's delivery: one `noticeDelivery` workflow per notice, `notice-<source>-<id>`.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { NOTICE_DELIVERY_WORKFLOW, noticeDeliveryWorkflowId } from '../../workflows/definitions.js';
import type { StartDelivery } from './record.js';

/** A second start of the same notice (the recording activity's own retry) finds it delivering already: fine. */
export const noticeDeliveryStarter =
  (client: Client, taskQueue: string): StartDelivery =>
  async (source, id) => {
    const noticeId = String(id); // a bigint id may come from the pool as a number
    try {
      await client.workflow.start(NOTICE_DELIVERY_WORKFLOW, {
        workflowId: noticeDeliveryWorkflowId(source, noticeId),
        taskQueue,
        args: [{ source, noticeId }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        staticSummary: `deliver ${source} notice ${noticeId}`,
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  };

import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { queuedMailWorkflow } from '../workflows/mail-workflow';

/** The workflow id that sends the outbox row `key` (one per key: a second start is a no-op). */
export const queuedMailWorkflowId = (key: string) => `mail:${key}`;

/**
 * Hands an outbox row the caller has written to the worker, which sends it (workflows/mail-workflow.ts).
 * Starting twice for one key sends once.
 */
export async function sendQueuedMail(client: Client, taskQueue: string, key: string): Promise<void> {
  try {
    await client.workflow.start<typeof queuedMailWorkflow>('queuedMailWorkflow', {
      taskQueue,
      workflowId: queuedMailWorkflowId(key),
      args: [{ key }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

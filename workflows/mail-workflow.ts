/**
 * The worker's side of the one mail path for messages the API and the pages queue (a sign-in link,
 * a round's "remind now"): the row is already in the outbox; this sends it, retrying a transient
 * failure. One workflow per outbox key (its workflow id), so a second start sends nothing.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

type Activities = ReturnType<typeof createActivities>;

const { deliverQueuedMail } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 50 },
});

export async function queuedMailWorkflow(input: { key: string }): Promise<{ status: 'SENT' | 'FAILED' }> {
  const { status } = await deliverQueuedMail({ key: input.key });
  return { status };
}

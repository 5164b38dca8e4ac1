import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { DigestRun } from '../activities/digests';

type Activities = ReturnType<typeof createActivities>;

// A run reads the audit log and sends one message per recipient; retried without limit (the
// outbox keeps what was already sent, so a retry resumes where the last attempt stopped).
// The run heartbeats after each recipient: a worker that dies mid-run is noticed within the
// heartbeat timeout, not after the whole start-to-close timeout.
const { sendDailyDigests, sendWeeklyBottleneckDigest } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Started every weekday morning by a Temporal Schedule (temporal/digest-schedules.ts); holidays are skipped by the activity. */
export async function dailyDigestWorkflow(input: { nowMs?: number } = {}): Promise<DigestRun> {
  // Workflow time: the instant the schedule started this run, the same on every replay. An operator
  // may run a given day again by naming its instant (nothing already sent goes out twice).
  return sendDailyDigests({ nowMs: input.nowMs ?? Date.now() });
}

/** Started every Monday morning by a Temporal Schedule. */
export async function weeklyBottleneckDigestWorkflow(input: { nowMs?: number } = {}): Promise<DigestRun> {
  return sendWeeklyBottleneckDigest({ nowMs: input.nowMs ?? Date.now() });
}

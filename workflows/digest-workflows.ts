import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { DigestRun } from '../activities/digests';

type Activities = ReturnType<typeof createActivities>;

// A run reads the audit log and sends one message per recipient; retried without limit (the
// outbox keeps what was already sent, so a retry resumes where the last attempt stopped).
const { sendDailyDigests, sendWeeklyBottleneckDigest } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/** Started every weekday morning by a Temporal Schedule (temporal/digest-schedules.ts); holidays are skipped by the activity. */
export async function dailyDigestWorkflow(): Promise<DigestRun> {
  // Workflow time: the instant the schedule started this run, the same on every replay.
  return sendDailyDigests({ nowMs: Date.now() });
}

/** Started every Monday morning by a Temporal Schedule. */
export async function weeklyBottleneckDigestWorkflow(): Promise<DigestRun> {
  return sendWeeklyBottleneckDigest({ nowMs: Date.now() });
}

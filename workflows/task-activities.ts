/**
 * The activities the task workflow calls, with their timeouts and retries: what it stores, what it
 * sends. Proxies only; the activities themselves are in activities/.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

export type Activities = ReturnType<typeof createActivities>;

// Persisting must eventually succeed (the database may be down for a while), so it retries
// without limit; each attempt is idempotent on (task, seq). One transaction takes milliseconds,
// so a short timeout lets a retry take over quickly from a worker that died mid-attempt.
const persistRetry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
export const { persistEvent: persistEventRemote } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: persistRetry,
});
// Runs inside the workflow task on the same worker: no round trip through the task queue, so an
// update answers after one workflow task instead of three. Long outages back off with timers.
export const { persistEvent: persistEventLocal } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '10 seconds',
  retry: persistRetry,
});

// A permanent SMTP rejection comes back as a FAILED result, not an exception; transient
// failures throw and are retried with backoff. The outbox key keeps retries from sending twice.
const noticeRetry = { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' } as const;
export const { sendReminder: sendReminderRemote, sendEscalationStep: sendEscalationStepRemote } =
  proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: noticeRetry,
  });
// Inside the workflow task that the timer wakes: a deadline storm costs the server one workflow
// task per notice instead of an activity task and a second workflow task. A long SMTP outage backs
// off with timers (localRetryThreshold), as persistence does.
export const { sendReminder: sendReminderLocal, sendEscalationStep: sendEscalationStepLocal } =
  proxyLocalActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    localRetryThreshold: '10 seconds',
    retry: noticeRetry,
  });

// Marking a task stuck and clearing the mark are small writes that must land eventually.
export const { markTaskStuck, clearTaskStuck, storedSeqOf } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: persistRetry,
});
/** The ApplicationFailure type persistEvent throws when PostgreSQL refuses an event for good (db/errors.ts PERSIST_REFUSED). */
const PERSIST_REFUSED = 'PERSIST_REFUSED';

/** The failure (an activity's, possibly wrapping the ApplicationFailure it threw) says PostgreSQL refused the event for good. */
export function refusedForGood(err: unknown): ApplicationFailure | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof ApplicationFailure && e.type === PERSIST_REFUSED) return e;
    if (!(e instanceof ActivityFailure) && !(e instanceof ApplicationFailure)) return null;
  }
  return null;
}

// Closing the loop: the localities that reported an obstacle hear that the task is feasible.
// Retries until the database is back; its outbox keys keep every locality to one e-mail.
// A worker killed mid-send is noticed by its missing heartbeat (one after each e-mail), so the
// notices in flight go out again within seconds, not after the 5-minute start-to-close timeout.
// Timeouts are not part of the replay check (only the activity's type and id), so no patch is needed.
export const { notifyObstaclesResolved } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

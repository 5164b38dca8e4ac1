import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';

export const DIGEST_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** The schedules' ids: one pair per task queue, so deployments (and test runs) sharing a namespace do not collide. */
export function digestScheduleIds(taskQueue: string) {
  return { daily: `digest-daily-${taskQueue}`, weekly: `digest-weekly-${taskQueue}` };
}

/**
 * Creates the digest schedules, or brings existing ones to the wanted spec: the focal points' digest
 * on weekdays and Home Affairs' on Mondays, at `hour` o'clock Viet Nam time. Safe to call at every
 * worker or stack start. A run that is still going when the next is due is skipped, not doubled.
 */
export async function ensureDigestSchedules(
  client: Client,
  opts: { taskQueue: string; hour: number },
): Promise<string[]> {
  const ids = digestScheduleIds(opts.taskQueue);
  const wanted: ScheduleOptions[] = [
    {
      scheduleId: ids.daily,
      spec: {
        calendars: [{ hour: opts.hour, minute: 0, dayOfWeek: { start: 'MONDAY', end: 'FRIDAY' } }],
        timezone: DIGEST_TIME_ZONE,
      },
      action: { type: 'startWorkflow', workflowType: 'dailyDigestWorkflow', taskQueue: opts.taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    },
    {
      scheduleId: ids.weekly,
      spec: { calendars: [{ hour: opts.hour, minute: 0, dayOfWeek: 'MONDAY' }], timezone: DIGEST_TIME_ZONE },
      action: {
        type: 'startWorkflow',
        workflowType: 'weeklyBottleneckDigestWorkflow',
        taskQueue: opts.taskQueue,
        args: [],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    },
  ];
  for (const options of wanted) {
    try {
      await client.schedule.create(options);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(options.scheduleId).update((previous) => ({
        ...previous,
        spec: options.spec,
        action: options.action,
        policies: options.policies,
      }));
    }
  }
  return [ids.daily, ids.weekly];
}

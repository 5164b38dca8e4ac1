import { monthlyRoundId } from '../../domain/reporting-round';
import { getRound } from '../../db/reporting-rounds';
import { ensureMonthlyRoundSchedule } from '../../temporal/round-client';
import { closeRoundUpdate } from '../../workflows/round-messages';
import { eventually, startWorkflowStack, uid, vietnamTodayFor, type WorkflowStack } from '../support/harness';

let stack: WorkflowStack;

beforeAll(async () => {
  stack = await startWorkflowStack('sched-');
});

afterAll(async () => {
  await stack?.stop();
});

describe('the monthly round schedule', () => {
  it('when it is ensured twice, then one Temporal Schedule exists, and when it fires, a round opens for every locality', async () => {
    const { dev, db, taskQueue } = stack;
    const scheduleId = uid('round-schedule-');
    const policy = {
      reminderWorkingDaysBefore: [5, 2, 1],
      closeAfterWorkingDays: 3,
      dueInWorkingDays: 10,
      homeAffairsEmail: 'moha@tracker.test',
      publicBaseUrl: 'http://tracker.test',
    };
    expect(await ensureMonthlyRoundSchedule(dev.client, { taskQueue, policy, dayOfMonth: 1, scheduleId })).toBe(true);
    expect(await ensureMonthlyRoundSchedule(dev.client, { taskQueue, policy, dayOfMonth: 1, scheduleId })).toBe(false);
    const schedule = dev.client.schedule.getHandle(scheduleId);
    try {
      const d = await schedule.describe();
      expect(d.spec.timezone).toBe('Asia/Ho_Chi_Minh');
      expect(d.spec.calendars?.[0]).toMatchObject({
        dayOfMonth: [{ start: 1, end: 1, step: 1 }],
        hour: [{ start: 8, end: 8, step: 1 }],
      });
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'roundWorkflow', taskQueue });

      // Fire it now instead of waiting for the 1st: the round it starts is this month's (taken with a
      // half a minute to spare, so the workflow's today and ours are one day even on a month's last evening).
      const today = await vietnamTodayFor(30_000);
      await schedule.trigger();
      const id = monthlyRoundId(today);
      const round = await eventually(() => getRound(db, id), 20_000, 'the monthly round');
      expect(round).toMatchObject({ kind: 'MONTHLY', status: 'OPEN', total: 34, reported: 0 });
      const started = await eventually(
        async () => (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId,
        20_000,
        'the started workflow',
      );
      const outcome = await dev.client.workflow
        .getHandle(started)
        .executeUpdate(closeRoundUpdate, { args: [{ actor: { kind: 'home-affairs' }, reason: 'test over' }] });
      expect(outcome).toMatchObject({ id, reported: 0, total: 34, closedEarly: true });
    } finally {
      await schedule.delete();
    }
  });
});

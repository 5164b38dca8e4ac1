import { calendarVersion, loadConfig } from '../../config/env';
import { addDays, deadlineInstant, isoWeekday, vietnamDate } from '../../domain/dates';
import type { DeadlinePolicy } from '../../domain/task';
import { isWorkingDay, type WorkingCalendar } from '../../domain/working-days';
import { applyCalendarToTasks } from '../../temporal/calendar-updates';
import { calendarUpdate, stateQuery, taskWorkflowId } from '../../workflows/messages';
import type { taskWorkflow } from '../../workflows/task-workflow';
import type { LadderStep } from '../../domain/escalation-ladder';
import { TEST_POLICY, definition, eventually } from '../support/harness';
import { useTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping';

// The operator adds a day off to the calendar file while tasks run (npm run calendar:apply).
const HOUR = 3600_000;
const { calendar } = loadConfig({});
const ts = useTimeSkippingStack('cal-');
const { sleepUntil, taskQueue } = ts;
let testEnv: TimeSkippingStack['testEnv'];
let db: TimeSkippingStack['db'];
beforeAll(() => {
  ({ testEnv, db } = ts);
});

/** A Wednesday at least three weeks away whose Friday before, Monday, Tuesday and Thursday are working days too. */
function quietWednesday(nowMs: number): string {
  for (let d = addDays(vietnamDate(nowMs), 21); ; d = addDays(d, 1)) {
    if (
      isoWeekday(d) === 3 &&
      [addDays(d, -5), addDays(d, -2), addDays(d, -1), d, addDays(d, 1)].every((x) => isWorkingDay(calendar, x))
    )
      return d;
  }
}

/** The shipped calendar plus one more day off, as the operator's file would give it. */
function withDayOff(day: string): WorkingCalendar {
  const lists = {
    firstYear: calendar.firstYear,
    lastYear: calendar.lastYear,
    daysOff: [...calendar.daysOff, day].sort(),
    workingWeekendDays: calendar.workingWeekendDays,
  };
  return { ...lists, version: calendarVersion(lists) };
}

async function events(code: string) {
  return db.prisma.auditEvent.findMany({ where: { taskCode: code }, orderBy: { seq: 'asc' } });
}

async function startTask(def: ReturnType<typeof definition>, policy: DeadlinePolicy) {
  await testEnv.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
    taskQueue,
    workflowId: taskWorkflowId(def.code),
    args: [{ definition: def, policy, createdBy: { kind: 'home-affairs' } }],
  });
  await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }), 20_000, 'the task row');
}

/** The notices of a kind recorded on a task: what each was (its offset or ladder step) and the day it went out. */
async function sent(code: string, kind: 'REMINDER_SENT' | 'ESCALATION_STEP') {
  // A point fires the instant its day ends: an hour back is inside that day.
  return (await events(code))
    .filter((e) => e.kind === kind)
    .map((e) => {
      const details = e.details as { offsetDays?: number; step?: number; dueDate: string };
      return [details.offsetDays ?? details.step, details.dueDate, vietnamDate(e.at.getTime() - HOUR)];
    });
}

/** The e-mails (outbox rows) of a kind for a task. */
async function outbox(code: string, kind: string) {
  return (await db.prisma.notification.findMany({ where: { taskCode: code, kind }, orderBy: { id: 'asc' } })).map(
    (n) => n.offsetDays,
  );
}

describe('running tasks follow an updated calendar', () => {
  it('when a new day off is applied, then a pending reminder re-plans around it, a due date on it moves to the next working day with one event, and applying it again changes nothing', async () => {
    const now = await testEnv.currentTimeMs();
    const wednesday = quietWednesday(now);
    const tuesday = addDays(wednesday, -1);
    const policy: DeadlinePolicy = { ...TEST_POLICY, reminderOffsetsDays: [2], calendar, reminderDaysUnit: 'working' };
    const dueWednesday = definition({ dueDate: wednesday });
    const dueTuesday = definition({ dueDate: tuesday });
    const untold = definition({ dueDate: wednesday });
    for (const def of [dueWednesday, dueTuesday, untold]) {
      await testEnv.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
        taskQueue,
        workflowId: taskWorkflowId(def.code),
        args: [{ definition: def, policy, createdBy: { kind: 'home-affairs' } }],
      });
      await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }), 20_000, 'the task row');
    }

    // The government makes that Tuesday a day off; the operator applies the file to two of the tasks.
    const updated = withDayOff(tuesday);
    const first = await applyCalendarToTasks(testEnv.client, [dueWednesday.code, dueTuesday.code], updated, {
      concurrency: 2,
    });
    expect(first).toEqual({ tasks: 2, applied: 2, dueDatesMoved: 1, alreadyCurrent: 0, failed: [] });

    // The due date on the new day off moved to Wednesday: in the workflow, the read model and one audit event that says why.
    expect((await testEnv.client.workflow.getHandle(taskWorkflowId(dueTuesday.code)).query(stateQuery)).dueDate).toBe(
      wednesday,
    );
    await eventually(
      async () =>
        (await db.prisma.task.findUnique({ where: { code: dueTuesday.code } }))?.dueDate?.toISOString().slice(0, 10) ===
        wednesday,
      20_000,
      'the moved due date',
    );
    const moved = (await events(dueTuesday.code)).filter((e) => e.kind === 'DEADLINE');
    expect(moved.map((e) => [e.actor, e.details])).toEqual([
      [
        'system',
        {
          from: tuesday,
          to: wednesday,
          reason: `calendar updated: ${updated.version}`,
          extension: false,
          extensions: 0,
          calendarVersion: updated.version,
        },
      ],
    ]);
    expect((await events(dueWednesday.code)).map((e) => e.kind)).toEqual(['CREATED']);

    // Applying the same file again (a re-run after a crash) changes nothing and records nothing.
    const again = await applyCalendarToTasks(testEnv.client, [dueWednesday.code, dueTuesday.code], updated, {
      concurrency: 2,
    });
    expect(again).toEqual({ tasks: 2, applied: 0, dueDatesMoved: 0, alreadyCurrent: 2, failed: [] });
    expect(
      await testEnv.client.workflow
        .getHandle(taskWorkflowId(dueTuesday.code))
        .executeUpdate(calendarUpdate, { args: [updated] }),
    ).toEqual({ applied: false, dueDate: null });
    expect((await events(dueTuesday.code)).filter((e) => e.kind === 'DEADLINE')).toHaveLength(1);

    // Two working days before Wednesday: Friday on the new calendar (Tuesday is off), Monday on the old one.
    await sleepUntil(deadlineInstant(wednesday) - HOUR);
    const reminderDay = async (code: string) =>
      eventually(
        async () => {
          const sent = (await events(code)).filter((e) => e.kind === 'REMINDER_SENT');
          // A reminder "n days before" fires the instant that day ends: an hour back is inside it.
          return sent.length === 1 ? vietnamDate((sent[0]?.at.getTime() ?? 0) - HOUR) : null;
        },
        20_000,
        'the reminder',
      );
    expect(await reminderDay(dueWednesday.code)).toBe(addDays(wednesday, -5));
    expect(await reminderDay(dueTuesday.code)).toBe(addDays(wednesday, -5));
    expect(await reminderDay(untold.code)).toBe(addDays(wednesday, -2));
  });

  it('when a day off is removed after a reminder went out, moving that reminder later, then it is not sent again and the next one still comes once at its re-planned day', async () => {
    const now = await testEnv.currentTimeMs();
    const wednesday = quietWednesday(now);
    const [friday, monday, tuesday] = [addDays(wednesday, -5), addDays(wednesday, -2), addDays(wednesday, -1)];
    // The task starts on a calendar where that Monday is off: "2 working days before" is the Friday.
    const withMondayOff = withDayOff(monday);
    const policy: DeadlinePolicy = {
      ...TEST_POLICY,
      reminderOffsetsDays: [2, 1],
      calendar: withMondayOff,
      reminderDaysUnit: 'working',
    };
    const def = definition({ dueDate: wednesday });
    await startTask(def, policy);

    await sleepUntil(deadlineInstant(friday) + HOUR);
    await eventually(async () => (await sent(def.code, 'REMINDER_SENT')).length === 1, 20_000, "Friday's reminder");

    // The Monday is a working day after all: "2 working days before" is now the Monday, later than Friday's reminder.
    const applied = await applyCalendarToTasks(testEnv.client, [def.code], calendar, { concurrency: 1 });
    expect(applied).toEqual({ tasks: 1, applied: 1, dueDatesMoved: 0, alreadyCurrent: 0, failed: [] });

    await sleepUntil(deadlineInstant(wednesday) - HOUR);
    await eventually(async () => (await sent(def.code, 'REMINDER_SENT')).length >= 2, 20_000, "Tuesday's reminder");
    await new Promise((r) => setTimeout(r, 300));
    expect(await sent(def.code, 'REMINDER_SENT')).toEqual([
      [2, wednesday, friday],
      [1, wednesday, tuesday],
    ]);
    expect(await outbox(def.code, 'REMINDER')).toEqual([2, 1]);
  });

  it('when a day off is added behind a ladder step that went out, moving it later, then that step is not sent again and the next step comes once at its re-planned day', async () => {
    const now = await testEnv.currentTimeMs();
    const wednesday = quietWednesday(now);
    const [monday, tuesday, thursday] = [addDays(wednesday, -2), addDays(wednesday, -1), addDays(wednesday, 1)];
    const ladder: LadderStep[] = [
      { recipient: 'focal-point', afterWorkingDays: 0 },
      { recipient: 'ministry-leadership', afterWorkingDays: 1 },
      { recipient: 'home-affairs', afterWorkingDays: 2 },
    ];
    const policy: DeadlinePolicy = { ...TEST_POLICY, perTaskReminders: undefined, escalationLadder: ladder, calendar };
    const def = definition({ dueDate: monday });
    await startTask(def, policy);

    // Steps 0 and 1 go out at the end of Monday and of Tuesday.
    await sleepUntil(deadlineInstant(tuesday) + HOUR);
    await eventually(async () => (await sent(def.code, 'ESCALATION_STEP')).length === 2, 20_000, 'the first two steps');

    // A correction makes that Tuesday a day off: one working day after Monday is now Wednesday.
    const applied = await applyCalendarToTasks(testEnv.client, [def.code], withDayOff(tuesday), { concurrency: 1 });
    expect(applied).toEqual({ tasks: 1, applied: 1, dueDatesMoved: 0, alreadyCurrent: 0, failed: [] });

    await sleepUntil(deadlineInstant(thursday) + HOUR);
    await eventually(async () => (await sent(def.code, 'ESCALATION_STEP')).length >= 3, 20_000, 'the last step');
    await sleepUntil(deadlineInstant(thursday) + 10 * 24 * HOUR);
    await new Promise((r) => setTimeout(r, 300));
    expect(await sent(def.code, 'ESCALATION_STEP')).toEqual([
      [0, monday, monday],
      [1, monday, tuesday],
      [2, monday, thursday],
    ]);
    expect(await outbox(def.code, 'ESCALATION_STEP')).toHaveLength(3);
  });

  it('when a calendar without a version is sent, then the task refuses it and keeps its own', async () => {
    const now = await testEnv.currentTimeMs();
    const def = definition({ dueDate: addDays(vietnamDate(now), 30) });
    const handle = await testEnv.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
      taskQueue,
      workflowId: taskWorkflowId(def.code),
      args: [{ definition: def, policy: { ...TEST_POLICY, calendar }, createdBy: { kind: 'home-affairs' } }],
    });
    const { version: _version, ...unversioned } = calendar;
    await expect(handle.executeUpdate(calendarUpdate, { args: [unversioned] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/names its version/) },
    });
    expect((await handle.query(stateQuery)).policy.calendar?.version).toBe(calendar.version);
  });
});

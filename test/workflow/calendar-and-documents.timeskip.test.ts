import { loadConfig } from '../../config/env';
import { DAY_MS, addDays, deadlineInstant, vietnamDate, vietnamMidnight } from '../../domain/dates';
import type { DeadlinePolicy } from '../../domain/task';
import { statutoryHolidays } from '../../domain/vietnam-calendar';
import { isWorkingDay, nextWorkingDay } from '../../domain/working-days';
import { settleUpdate, stateQuery, taskWorkflowId, transitionUpdate } from '../../workflows/messages';
import type { taskWorkflow } from '../../workflows/task-workflow';
import { TEST_POLICY, definition, eventually } from '../support/harness';
import { useTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping';

// Months pass in seconds: the time-skipping server jumps over timers while the workflow waits.
const HOUR = 3600_000;
const { calendar } = loadConfig({});
const ts = useTimeSkippingStack('wd-');
const { sleepUntil, taskQueue } = ts;
let testEnv: TimeSkippingStack['testEnv'];
let db: TimeSkippingStack['db'];
beforeAll(() => {
  ({ testEnv, db } = ts);
});

/** The next Tết break at least three weeks after `nowMs`, as the holiday library dates it. */
function nextTetBreak(nowMs: number): { first: string; last: string } {
  const today = vietnamDate(nowMs);
  for (let year = Number(today.slice(0, 4)); ; year++) {
    const tet = statutoryHolidays(year)
      .filter((h) => h.name.includes('Tết Nguyên Đán'))
      .map((h) => h.date)
      .sort();
    const first = tet[0];
    const last = tet[tet.length - 1];
    if (first && last && first > addDays(today, 21)) return { first, last };
  }
}

async function reminderDates(code: string): Promise<string[]> {
  const events = await db.prisma.auditEvent.findMany({
    where: { taskCode: code, kind: 'REMINDER_SENT' },
    orderBy: { seq: 'asc' },
  });
  // A reminder "n days before" fires at the end of that day, the instant the next day starts, and is
  // recorded moments later (after the e-mail went out): an hour back is safely inside that day.
  return events.map((e) => vietnamDate(e.at.getTime() - HOUR));
}

describe('working-day reminders under time skipping', () => {
  it('when a task is due just after Tết, then the reminder two working days before it comes before the break, not during it', async () => {
    const now = await testEnv.currentTimeMs();
    const tet = nextTetBreak(now);
    const dueDate = nextWorkingDay(calendar, addDays(tet.last, 1));
    const working: DeadlinePolicy = { ...TEST_POLICY, reminderOffsetsDays: [2], calendar, reminderDaysUnit: 'working' };
    const byCalendar: DeadlinePolicy = { ...TEST_POLICY, reminderOffsetsDays: [2] };
    const tasks = [
      { def: definition({ dueDate }), policy: working },
      { def: definition({ dueDate }), policy: byCalendar },
    ];
    for (const t of tasks) {
      await testEnv.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
        taskQueue,
        workflowId: taskWorkflowId(t.def.code),
        args: [{ definition: t.def, policy: t.policy, createdBy: { kind: 'home-affairs' } }],
      });
      await eventually(() => db.prisma.task.findUnique({ where: { code: t.def.code } }), 20_000, 'the task row');
    }
    await sleepUntil(deadlineInstant(dueDate) - HOUR);
    const [inWorkingDays, inCalendarDays] = await Promise.all(
      tasks.map((t) =>
        eventually(
          async () => {
            const dates = await reminderDates(t.def.code);
            return dates.length === 1 ? dates : null;
          },
          20_000,
          'the reminder',
        ),
      ),
    );

    const sent = inWorkingDays?.[0] as string;
    expect(sent < tet.first).toBe(true);
    expect(isWorkingDay(calendar, sent)).toBe(true);
    // Between the reminder's day and the due date lies exactly one working day: the break does not count.
    const between: string[] = [];
    for (let d = addDays(sent, 1); d < dueDate; d = addDays(d, 1)) if (isWorkingDay(calendar, d)) between.push(d);
    expect(between).toHaveLength(1);
    // Counted in calendar days, the same reminder would fall inside the break, when offices are closed.
    expect(inCalendarDays).toEqual([addDays(dueDate, -2)]);
    expect(isWorkingDay(calendar, addDays(dueDate, -2))).toBe(false);
  });
});

describe('effective dates under time skipping', () => {
  async function startTask(dueInDays: number) {
    const now = await testEnv.currentTimeMs();
    const def = definition({ dueDate: vietnamDate(now + dueInDays * DAY_MS) });
    const handle = await testEnv.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
      taskQueue,
      workflowId: taskWorkflowId(def.code),
      args: [
        { definition: def, policy: { ...TEST_POLICY, reminderOffsetsDays: [3] }, createdBy: { kind: 'home-affairs' } },
      ],
    });
    await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }), 20_000, 'the task row');
    return { def, handle, today: vietnamDate(now) };
  }

  const kinds = async (code: string) =>
    (await db.prisma.auditEvent.findMany({ where: { taskCode: code }, orderBy: { seq: 'asc' } })).map(
      (e) => `${e.kind}:${e.actor}`,
    );

  it('when a settling document takes effect in 20 days, then the task records it at once, sends no reminders meanwhile and becomes FEASIBLE at the start of that day', async () => {
    const { def, handle, today } = await startTask(10);
    const effectiveOn = addDays(today, 20);
    const document = {
      number: `7/${today.slice(0, 4)}/TT-BGDDT`,
      kind: 'CIRCULAR',
      issuer: 'BGDDT',
      title: 'Hướng dẫn',
      issuedOn: today,
      effectiveOn,
    };
    const view = await handle.executeUpdate(settleUpdate, {
      args: [{ actor: { kind: 'ministry', code: 'BGDDT' }, document }],
    });
    expect(view).toMatchObject({ status: 'REQUIRES_GUIDANCE', feasibleFrom: effectiveOn });

    // Past the old due date (reminder and escalation would have come) and up to an hour before the day starts.
    await sleepUntil(vietnamMidnight(effectiveOn) - HOUR);
    expect((await handle.query(stateQuery)).status).toBe('REQUIRES_GUIDANCE');
    expect(await kinds(def.code)).toEqual(['CREATED:home-affairs', 'DOCUMENT_RECORDED:ministry:BGDDT']);

    await sleepUntil(vietnamMidnight(effectiveOn) + HOUR);
    await eventually(
      async () => (await db.prisma.task.findUnique({ where: { code: def.code } }))?.status === 'FEASIBLE',
      20_000,
      'FEASIBLE',
    );
    const state = await handle.query(stateQuery);
    expect(state).toMatchObject({ status: 'FEASIBLE', feasibleFrom: null, dueDate: null });
    expect(state.documents?.map((d) => d.number)).toEqual([document.number]);
    expect(await kinds(def.code)).toEqual([
      'CREATED:home-affairs',
      'DOCUMENT_RECORDED:ministry:BGDDT',
      'TRANSITION:system',
    ]);
    const transition = await db.prisma.auditEvent.findFirstOrThrow({
      where: { taskCode: def.code, kind: 'TRANSITION' },
    });
    expect(transition.at.getTime()).toBeGreaterThanOrEqual(vietnamMidnight(effectiveOn));
    // Settling again with the same document changes nothing.
    await handle.executeUpdate(settleUpdate, { args: [{ actor: { kind: 'home-affairs' }, document }] });
    expect((await kinds(def.code)).length).toBe(3);
  });

  it('when a transition to FEASIBLE carries a document effective later, then the task waits for that date (patched behaviour)', async () => {
    const { def, handle, today } = await startTask(60);
    const effectiveOn = addDays(today, 5);
    const view = await handle.executeUpdate(transitionUpdate, {
      args: [
        {
          actor: { kind: 'home-affairs' },
          to: 'FEASIBLE',
          document: { number: `8/${today.slice(0, 4)}/TT-BGDDT`, issuedOn: today, effectiveOn },
        },
      ],
    });
    expect(view).toMatchObject({ status: 'REQUIRES_GUIDANCE', feasibleFrom: effectiveOn });
    await sleepUntil(vietnamMidnight(effectiveOn) + HOUR);
    await eventually(
      async () => (await db.prisma.task.findUnique({ where: { code: def.code } }))?.status === 'FEASIBLE',
      20_000,
      'FEASIBLE',
    );
    expect(await kinds(def.code)).toEqual([
      'CREATED:home-affairs',
      'DOCUMENT_RECORDED:home-affairs',
      'TRANSITION:system',
    ]);
  });
});

describe('status since from the catalog', () => {
  it('when a task is registered with the date it has been in its status since, then its state and read model carry that day, not the import time', async () => {
    const def = definition({ dueDate: null, status: 'FEASIBLE', statusSince: '2025-09-15' });
    await testEnv.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
      taskQueue,
      workflowId: taskWorkflowId(def.code),
      args: [{ definition: def, policy: TEST_POLICY, createdBy: { kind: 'system' } }],
    });
    const row = await eventually(
      () => db.prisma.task.findUnique({ where: { code: def.code } }),
      20_000,
      'the task row',
    );
    expect(row?.statusSince.toISOString()).toBe('2025-09-14T17:00:00.000Z');
  });
});

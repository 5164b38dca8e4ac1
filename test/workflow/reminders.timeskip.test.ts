import { DAY_MS, deadlineInstant, vietnamDate } from '../../domain/dates';
import { verifyChain } from '../../db/audit-chain';
import {
  deadlineUpdate,
  milestoneUpdate,
  stateQuery,
  taskWorkflowId,
  transitionUpdate,
} from '../../workflows/messages';
import type { taskWorkflow } from '../../workflows/task-workflow';
import { TEST_POLICY, definition, eventually } from '../support/harness';
import { useTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping';

// Reminder timers span weeks; the time-skipping test server jumps over them whenever the workflow
// is idle, so these tests take seconds. Activities are real (PostgreSQL, SMTP on loopback).
const HOUR = 3600_000;
const ts = useTimeSkippingStack('ts-');
const { sleepUntil, taskQueue } = ts;
let testEnv: TimeSkippingStack['testEnv'];
let db: TimeSkippingStack['db'];
let smtp: TimeSkippingStack['smtp'];
beforeAll(() => {
  ({ testEnv, db, smtp } = ts);
});

/** Starts a task due `days` days after the test server's current time; returns its handle and deadline. */
async function startTask(days: number, extra: { continueAsNewAfterEvents?: number } = {}) {
  const now = await testEnv.currentTimeMs();
  const dueDate = vietnamDate(now + days * DAY_MS);
  const def = definition({ dueDate });
  const handle = await testEnv.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
    taskQueue,
    workflowId: taskWorkflowId(def.code),
    args: [{ definition: def, policy: TEST_POLICY, createdBy: { kind: 'home-affairs' }, ...extra }],
  });
  await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }), 20_000, 'the task row');
  return { def, handle, due: deadlineInstant(dueDate), dueDate };
}

async function notifications(code: string) {
  const rows = await db.prisma.notification.findMany({ where: { taskCode: code }, orderBy: { id: 'asc' } });
  return rows.map((r) => `${r.kind}:${r.offsetDays}:${r.status}`);
}

const mailsFor = (code: string) => smtp.received.filter((m) => m.subject.includes(`[${code}]`));

describe('deadline reminders under time skipping', () => {
  it('when time passes a task’s deadline, then reminders come at 14, 7 and 1 days, the escalation at the deadline and overdue reminders every 7 days', async () => {
    const { def, due } = await startTask(30);
    await sleepUntil(due - 14 * DAY_MS - HOUR);
    expect(await notifications(def.code)).toEqual([]);

    const expected = [
      'REMINDER:14:SENT',
      'REMINDER:7:SENT',
      'REMINDER:1:SENT',
      'ESCALATION:0:SENT',
      'OVERDUE:-7:SENT',
      'OVERDUE:-14:SENT',
    ];
    const points = [due - 14 * DAY_MS, due - 7 * DAY_MS, due - DAY_MS, due, due + 7 * DAY_MS, due + 14 * DAY_MS];
    for (const [i, at] of points.entries()) {
      await sleepUntil(at + HOUR);
      await eventually(async () => (await notifications(def.code)).length === i + 1, 20_000, `notification ${i + 1}`);
      expect(await notifications(def.code)).toEqual(expected.slice(0, i + 1));
    }
    const mails = mailsFor(def.code);
    expect(mails).toHaveLength(6);
    // Reminders go to the focal point; the escalation and overdue notices also to Home Affairs.
    expect(mails[0]?.to).toEqual(['focal@bgddt.test']);
    expect(mails[3]?.to.sort()).toEqual(['focal@bgddt.test', 'moha@tracker.test']);
    expect(mails[3]?.subject).toContain('escalated to Home Affairs');
    const kinds = (await db.prisma.auditEvent.findMany({ where: { taskCode: def.code }, orderBy: { seq: 'asc' } })).map(
      (e) => e.kind,
    );
    expect(kinds).toEqual([
      'CREATED',
      'REMINDER_SENT',
      'REMINDER_SENT',
      'REMINDER_SENT',
      'ESCALATED',
      'OVERDUE_REMINDER',
      'OVERDUE_REMINDER',
    ]);
    expect((await verifyChain(db, def.code)).valid).toBe(true);
  });

  it('when the deadline is extended, then the old reminders are dropped and the new ones follow the new date', async () => {
    const { def, handle, due } = await startTask(20);
    await sleepUntil(due - 14 * DAY_MS + HOUR);
    await eventually(async () => (await notifications(def.code)).length === 1, 20_000, 'the 14-day reminder');

    const newDueDate = vietnamDate(due + 30 * DAY_MS - HOUR);
    const newDue = deadlineInstant(newDueDate);
    const view = await handle.executeUpdate(deadlineUpdate, {
      args: [{ actor: { kind: 'home-affairs' }, dueDate: newDueDate, reason: 'consultation extended' }],
    });
    expect(view.deadlineExtensions).toBe(1);

    // The old 7-day and 1-day points pass without a message.
    await sleepUntil(due + HOUR);
    expect(await notifications(def.code)).toEqual(['REMINDER:14:SENT']);

    await sleepUntil(newDue - 14 * DAY_MS + HOUR);
    await eventually(async () => (await notifications(def.code)).length === 2, 20_000, 'the new 14-day reminder');
    const rows = await db.prisma.notification.findMany({ where: { taskCode: def.code }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.dueDate?.toISOString().slice(0, 10))).toEqual([vietnamDate(due - HOUR), newDueDate]);
  });

  it('when a task becomes FEASIBLE, then no reminder is sent afterwards', async () => {
    const { def, handle, due } = await startTask(10);
    // Issued today (the test server's clock): a document cannot be issued in the future.
    const issuedOn = vietnamDate(await testEnv.currentTimeMs());
    await handle.executeUpdate(transitionUpdate, {
      args: [
        {
          actor: { kind: 'home-affairs' },
          to: 'FEASIBLE',
          document: { number: `7/${issuedOn.slice(0, 4)}/TT-BGDDT`, issuedOn },
        },
      ],
    });
    await sleepUntil(due + 60 * DAY_MS);
    // Give a wrongly scheduled reminder the chance to show up before asserting none did.
    await new Promise((r) => setTimeout(r, 500));
    expect(await notifications(def.code)).toEqual([]);
    expect(mailsFor(def.code)).toEqual([]);
  });

  it('when the workflow continues as new, then state, sequence and reminders carry over', async () => {
    const { def, handle, due } = await startTask(40, { continueAsNewAfterEvents: 40 });
    const firstRun = (await handle.describe()).runId;
    for (const name of [
      'DRAFTING',
      'CONSULTATION',
      'SUBMITTED',
      'CONSULTATION',
      'CONSULTATION',
      'CONSULTATION',
      'CONSULTATION',
      'CONSULTATION',
    ] as const) {
      await handle.executeUpdate(milestoneUpdate, { args: [{ actor: { kind: 'ministry', code: 'BGDDT' }, name }] });
    }
    const latest = testEnv.client.workflow.getHandle(taskWorkflowId(def.code));
    await eventually(async () => (await latest.describe()).runId !== firstRun, 20_000, 'a new run');
    const state = await latest.query(stateQuery);
    expect(state.seq).toBe(9);
    expect(state.milestones).toHaveLength(8);
    expect(state.dueDate).toBe(vietnamDate(due - HOUR));

    const view = await latest.executeUpdate(milestoneUpdate, {
      args: [{ actor: { kind: 'home-affairs' }, name: 'CONSULTATION' }],
    });
    expect(view.seq).toBe(10);
    await sleepUntil(due - 14 * DAY_MS + HOUR);
    await eventually(
      async () => (await notifications(def.code)).length === 1,
      20_000,
      'the reminder after continue-as-new',
    );
    expect(await verifyChain(db, def.code)).toEqual({ valid: true, checked: 11 });
  });

  it('when a task stays overdue for a year, then it gets a weekly reminder each week and its history stays bounded', async () => {
    const { def, handle, due } = await startTask(1);
    await sleepUntil(due + 365 * DAY_MS + HOUR);
    // 1-day reminder, the escalation, then 52 weekly overdue reminders.
    await eventually(async () => (await notifications(def.code)).length === 54, 60_000, 'a year of reminders');
    const overdue = (await notifications(def.code)).filter((n) => n.startsWith('OVERDUE'));
    expect(overdue).toHaveLength(52);
    expect(new Set(overdue).size).toBe(52);
    const events = (await handle.fetchHistory()).events?.length ?? 0;
    console.log(
      `history of one task after a year overdue: ${events} events (${await db.prisma.auditEvent.count({ where: { taskCode: def.code } })} audit events)`,
    );
    expect(events).toBeLessThan(2000);
  }, 240_000);
});

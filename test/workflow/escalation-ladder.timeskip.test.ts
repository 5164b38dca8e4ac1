import { simpleParser } from 'mailparser';
import { DAY_MS, addDays, deadlineInstant, isoWeekday, vietnamDate } from '../../domain/dates';
import { WEEKENDS_ONLY, ladderSchedule, ladderStepDue, type LadderStep } from '../../domain/escalation-ladder';
import { verifyChain } from '../../db/audit-chain';
import { leadershipContactOf, setLeadershipContact } from '../../db/leadership-contacts';
import { calendarUpdate, deadlineUpdate, taskWorkflowId, transitionUpdate } from '../../workflows/messages';
import type { taskWorkflow } from '../../workflows/task-workflow';
import { TEST_POLICY, definition, eventually } from '../support/harness';
import { useTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping';

// The ladder's steps are days apart; the time-skipping server jumps over them. Real PostgreSQL and
// a real SMTP server on loopback receive what the activities write and send.
const HOUR = 3600_000;
const LADDER: LadderStep[] = [
  { recipient: 'focal-point', afterWorkingDays: 0 },
  { recipient: 'ministry-leadership', afterWorkingDays: 2 },
  { recipient: 'home-affairs', afterWorkingDays: 4 },
];
const LADDER_POLICY = { ...TEST_POLICY, perTaskReminders: undefined, escalationLadder: LADDER };
const ts = useTimeSkippingStack('ladder-', { activities: { leadershipEmails: { BGDDT: 'lanhdao@bgddt.test' } } });
const { sleepUntil, taskQueue } = ts;
let testEnv: TimeSkippingStack['testEnv'];
let db: TimeSkippingStack['db'];
let smtp: TimeSkippingStack['smtp'];
beforeAll(() => {
  ({ testEnv, db, smtp } = ts);
});

/** A task due `days` from the test clock's now (negative: overdue already), or on the first Saturday from then when `onSaturday`. */
async function startTask(
  days: number,
  { onSaturday = false, continueAsNewAfterEvents }: { onSaturday?: boolean; continueAsNewAfterEvents?: number } = {},
) {
  const now = await testEnv.currentTimeMs();
  let dueDate = vietnamDate(now + days * DAY_MS);
  while (onSaturday && isoWeekday(dueDate) !== 6) dueDate = addDays(dueDate, 1);
  const def = definition({ dueDate });
  const handle = await testEnv.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
    taskQueue,
    workflowId: taskWorkflowId(def.code),
    args: [
      {
        definition: def,
        policy: LADDER_POLICY,
        createdBy: { kind: 'home-affairs' },
        ...(continueAsNewAfterEvents ? { continueAsNewAfterEvents } : {}),
      },
    ],
  });
  await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }), 20_000, 'the task row');
  return { def, handle, dueDate, due: deadlineInstant(dueDate) };
}

const steps = async (code: string) =>
  (
    await db.prisma.auditEvent.findMany({ where: { taskCode: code, kind: 'ESCALATION_STEP' }, orderBy: { seq: 'asc' } })
  ).map((e) => e.details as Record<string, unknown>);
/** The messages about a task, decoded (subjects in Vietnamese travel MIME-encoded). */
async function mailsFor(code: string) {
  const decoded = await Promise.all(
    smtp.received.map(async (m) => ({ to: m.to, subject: (await simpleParser(m.raw)).subject ?? '' })),
  );
  return decoded.filter((m) => m.subject.includes(`[${code}]`));
}

describe('escalation ladder under time skipping', () => {
  it('when a task stays unresolved past its deadline, then each step goes out once at its working day, to its recipient, and is audited on the task; no per-task reminder is sent', async () => {
    const { def, dueDate, due } = await startTask(20);
    const plan = ladderSchedule(dueDate, LADDER, WEEKENDS_ONLY);
    await sleepUntil(due - HOUR);
    expect(await steps(def.code)).toEqual([]);
    for (const [i, point] of plan.entries()) {
      await sleepUntil(point.at + HOUR);
      await eventually(async () => (await steps(def.code)).length === i + 1, 20_000, `ladder step ${i}`);
    }
    await sleepUntil(plan[2]!.at + 30 * DAY_MS);
    await new Promise((r) => setTimeout(r, 300));
    const recorded = await steps(def.code);
    expect(recorded.map((d) => [d.step, d.recipient, d.delivery, d.dueDate])).toEqual([
      [0, 'focal-point', 'SENT', dueDate],
      [1, 'ministry-leadership', 'SENT', dueDate],
      [2, 'home-affairs', 'SENT', dueDate],
    ]);
    const mails = await mailsFor(def.code);
    expect(mails.map((m) => [...m.to].sort())).toEqual([
      ['focal@bgddt.test'],
      ['focal@bgddt.test', 'lanhdao@bgddt.test'],
      ['focal@bgddt.test', 'moha@tracker.test'],
    ]);
    expect(mails[0]!.subject).toContain('Đến hạn hôm nay');
    expect(mails[2]!.subject).toContain('4 working days overdue');
    const kinds = (await db.prisma.auditEvent.findMany({ where: { taskCode: def.code }, orderBy: { seq: 'asc' } })).map(
      (e) => e.kind,
    );
    expect(kinds).toEqual(['CREATED', 'ESCALATION_STEP', 'ESCALATION_STEP', 'ESCALATION_STEP']);
    expect((await db.prisma.notification.findMany({ where: { taskCode: def.code } })).map((n) => n.kind)).toEqual([
      'ESCALATION_STEP',
      'ESCALATION_STEP',
      'ESCALATION_STEP',
    ]);
    expect((await verifyChain(db, def.code)).valid).toBe(true);
  });

  // Due on a Saturday, so the first step waits for Monday: a test whose due date followed the real
  // date once waited at the end of a Saturday for a step that comes on Monday, and failed on that day only.
  it('when the task leaves its status after the first step, then the ladder stops', async () => {
    const { def, handle, dueDate, due } = await startTask(10, { onSaturday: true });
    const plan = ladderSchedule(dueDate, LADDER, WEEKENDS_ONLY);
    expect(isoWeekday(plan[0]!.date)).toBe(1);
    await sleepUntil(due + HOUR);
    await new Promise((r) => setTimeout(r, 300));
    expect(await steps(def.code)).toEqual([]);
    await sleepUntil(plan[0]!.at + HOUR);
    await eventually(async () => (await steps(def.code)).length === 1, 20_000, 'the first step');
    await handle.executeUpdate(transitionUpdate, {
      args: [
        {
          actor: { kind: 'home-affairs' },
          to: 'FEASIBLE',
          document: { number: `7/${dueDate.slice(0, 4)}/TT-BGDDT`, issuedOn: dueDate },
        },
      ],
    });
    await sleepUntil(due + 40 * DAY_MS);
    await new Promise((r) => setTimeout(r, 300));
    expect((await steps(def.code)).map((d) => d.step)).toEqual([0]);
    expect(await mailsFor(def.code)).toHaveLength(1);
  });

  it('when Home Affairs keeps a leadership contact for the ministry, then the leadership step goes to that person, by name; an illustrative seed is never used', async () => {
    // The reference data names no leadership: the seeded contact is illustrative, so the first test's step went to MINISTRY_LEADERSHIP_EMAILS.
    expect(await leadershipContactOf(db, 'BGDDT')).toMatchObject({ illustrative: true });
    await setLeadershipContact(
      db,
      'BGDDT',
      { name: 'Nguyễn Thị Lãnh', position: 'Thứ trưởng', email: 'thutruong@bgddt.test' },
      'home-affairs',
    );
    const { def, dueDate } = await startTask(10);
    const plan = ladderSchedule(dueDate, LADDER, WEEKENDS_ONLY);
    await sleepUntil(plan[1]!.at + HOUR);
    await eventually(async () => (await steps(def.code)).length === 2, 20_000, 'the leadership step');
    const mails = await mailsFor(def.code);
    expect([...mails[1]!.to].sort()).toEqual(['focal@bgddt.test', 'thutruong@bgddt.test']);
    const sent = smtp.received.find((m) => m.to.includes('thutruong@bgddt.test'));
    const body = (await simpleParser(sent!.raw)).text ?? '';
    expect(body).toContain('Kính gửi Nguyễn Thị Lãnh, Thứ trưởng,');
    expect(body).toContain('Dear Nguyễn Thị Lãnh, Thứ trưởng,');
    expect((await steps(def.code))[1]).toMatchObject({ recipient: 'ministry-leadership', delivery: 'SENT' });
  });

  it('when a task starts with every step of its ladder in the past, then only the step due now goes out, at once and once, and no later step follows', async () => {
    const { def, dueDate } = await startTask(-30);
    const now = await testEnv.currentTimeMs();
    const due = ladderStepDue(dueDate, LADDER, WEEKENDS_ONLY, 0, now);
    expect(due?.index).toBe(2);
    await eventually(async () => (await steps(def.code)).length === 1, 20_000, 'the step due now');
    await sleepUntil(now + 40 * DAY_MS);
    await new Promise((r) => setTimeout(r, 300));
    expect((await steps(def.code)).map((d) => [d.step, d.recipient, d.dueDate, d.delivery])).toEqual([
      [2, 'home-affairs', dueDate, 'SENT'],
    ]);
    const mails = await mailsFor(def.code);
    expect(mails.map((m) => [...m.to].sort())).toEqual([['focal@bgddt.test', 'moha@tracker.test']]);
  });

  it('when a task starts with only its first step past, then that step goes out at once and the later ones at their working days', async () => {
    // Due a few days ago, the latest such day whose first step only is past (the weekday decides; the domain's schedule says).
    const today = await testEnv.currentTimeMs();
    const back = [1, 2, 3, 4, 5, 6].find(
      (d) => ladderStepDue(vietnamDate(today - d * DAY_MS), LADDER, WEEKENDS_ONLY, 0, today)?.index === 0,
    );
    expect(back).toBeDefined();
    const { def, dueDate } = await startTask(-back!);
    const now = await testEnv.currentTimeMs();
    const plan = ladderSchedule(dueDate, LADDER, WEEKENDS_ONLY);
    const first = ladderStepDue(dueDate, LADDER, WEEKENDS_ONLY, 0, now);
    expect(first?.index).toBe(0);
    await eventually(async () => (await steps(def.code)).length === 1, 20_000, 'the step due now');
    await sleepUntil(plan[2]!.at + DAY_MS);
    await eventually(
      async () => (await steps(def.code)).length === plan.length - first!.index,
      20_000,
      'the later steps',
    );
    await sleepUntil(plan[2]!.at + 30 * DAY_MS);
    await new Promise((r) => setTimeout(r, 300));
    expect((await steps(def.code)).map((d) => d.step)).toEqual(plan.slice(first!.index).map((p) => p.index));
  });

  it('when Home Affairs moves the deadline into the past, then the step due now goes out at once, once, whatever follows (the same date again, an updated calendar, continue-as-new)', async () => {
    const { def, handle } = await startTask(60, { continueAsNewAfterEvents: 12 });
    const now = await testEnv.currentTimeMs();
    const past = vietnamDate(now - 20 * DAY_MS);
    const ha = { kind: 'home-affairs' as const };
    const after = await handle.executeUpdate(deadlineUpdate, {
      args: [{ actor: ha, dueDate: past, reason: 'the statutory date had passed' }],
    });
    const due = ladderStepDue(after.dueDate!, LADDER, WEEKENDS_ONLY, 0, now);
    expect(due?.index).toBe(2);
    await eventually(async () => (await steps(def.code)).length === 1, 20_000, 'the step due now');
    // The same date again resets the ladder; the step of that due date is in the audit log already.
    await handle.executeUpdate(deadlineUpdate, { args: [{ actor: ha, dueDate: past, reason: 'confirmed' }] });
    // A calendar that changes no due date re-plans the ladder, which has nothing left to send.
    await handle.executeUpdate(calendarUpdate, {
      args: [{ firstYear: 2000, lastYear: 2100, daysOff: [], workingWeekendDays: [], version: 'ladder-test-1' }],
    });
    // Enough events for continue-as-new: the next run carries the ladder's place.
    for (let i = 0; i < 4; i++)
      await handle.executeUpdate(deadlineUpdate, { args: [{ actor: ha, dueDate: past, reason: `confirmed ${i}` }] });
    await sleepUntil(now + 30 * DAY_MS);
    await new Promise((r) => setTimeout(r, 500));
    const runs = await eventually(
      async () => {
        const d = await testEnv.client.workflow.getHandle(taskWorkflowId(def.code)).describe();
        return d.runId !== handle.firstExecutionRunId ? d : null;
      },
      20_000,
      'a continued run',
    );
    expect(runs.status.name).toBe('RUNNING');
    expect((await steps(def.code)).map((d) => [d.step, d.dueDate])).toEqual([[2, after.dueDate]]);
    expect(await mailsFor(def.code)).toHaveLength(1);
    expect((await verifyChain(db, def.code)).valid).toBe(true);
  });
});

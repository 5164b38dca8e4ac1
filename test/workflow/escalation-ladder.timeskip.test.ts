import { simpleParser } from 'mailparser';
import { DAY_MS, addDays, deadlineInstant, isoWeekday, vietnamDate } from '../../domain/dates';
import { WEEKENDS_ONLY, ladderSchedule, type LadderStep } from '../../domain/escalation-ladder';
import { verifyChain } from '../../db/audit-chain';
import { leadershipContactOf, setLeadershipContact } from '../../db/leadership-contacts';
import { taskWorkflowId, transitionUpdate } from '../../workflows/messages';
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

/** A task due `days` from the test clock's now, or on the first Saturday from then when `onSaturday`. */
async function startTask(days: number, { onSaturday = false } = {}) {
  const now = await testEnv.currentTimeMs();
  let dueDate = vietnamDate(now + days * DAY_MS);
  while (onSaturday && isoWeekday(dueDate) !== 6) dueDate = addDays(dueDate, 1);
  const def = definition({ dueDate });
  const handle = await testEnv.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
    taskQueue,
    workflowId: taskWorkflowId(def.code),
    args: [{ definition: def, policy: LADDER_POLICY, createdBy: { kind: 'home-affairs' } }],
  });
  await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }), 20_000, 'the task row');
  return { def, handle, dueDate, due: deadlineInstant(dueDate) };
}

const steps = async (code: string) =>
  (await db.prisma.auditEvent.findMany({ where: { taskCode: code, kind: 'ESCALATION_STEP' }, orderBy: { seq: 'asc' } })).map((e) => e.details as Record<string, unknown>);
/** The messages about a task, decoded (subjects in Vietnamese travel MIME-encoded). */
async function mailsFor(code: string) {
  const decoded = await Promise.all(smtp.received.map(async (m) => ({ to: m.to, subject: (await simpleParser(m.raw)).subject ?? '' })));
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
    expect(mails.map((m) => [...m.to].sort())).toEqual([['focal@bgddt.test'], ['focal@bgddt.test', 'lanhdao@bgddt.test'], ['focal@bgddt.test', 'moha@tracker.test']]);
    expect(mails[0]!.subject).toContain('Đến hạn hôm nay');
    expect(mails[2]!.subject).toContain('4 working days overdue');
    const kinds = (await db.prisma.auditEvent.findMany({ where: { taskCode: def.code }, orderBy: { seq: 'asc' } })).map((e) => e.kind);
    expect(kinds).toEqual(['CREATED', 'ESCALATION_STEP', 'ESCALATION_STEP', 'ESCALATION_STEP']);
    expect((await db.prisma.notification.findMany({ where: { taskCode: def.code } })).map((n) => n.kind)).toEqual(['ESCALATION_STEP', 'ESCALATION_STEP', 'ESCALATION_STEP']);
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
      args: [{ actor: { kind: 'home-affairs' }, to: 'FEASIBLE', document: { number: `7/${dueDate.slice(0, 4)}/TT-BGDDT`, issuedOn: dueDate } }],
    });
    await sleepUntil(due + 40 * DAY_MS);
    await new Promise((r) => setTimeout(r, 300));
    expect((await steps(def.code)).map((d) => d.step)).toEqual([0]);
    expect(await mailsFor(def.code)).toHaveLength(1);
  });

  it('when Home Affairs keeps a leadership contact for the ministry, then the leadership step goes to that person, by name; an illustrative seed is never used', async () => {
    // The reference data names no leadership: the seeded contact is illustrative, so the first test's step went to MINISTRY_LEADERSHIP_EMAILS.
    expect(await leadershipContactOf(db, 'BGDDT')).toMatchObject({ illustrative: true });
    await setLeadershipContact(db, 'BGDDT', { name: 'Nguyễn Thị Lãnh', position: 'Thứ trưởng', email: 'thutruong@bgddt.test' }, 'home-affairs');
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
});

import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DAY_MS, deadlineInstant, vietnamDate } from '../../../domain/dates';
import { DEFAULT_LADDER, WEEKENDS_ONLY, ladderSchedule } from '../../../domain/escalation-ladder';
import type { Actor } from '../../../domain/task';
import {
  localityReportUpdate,
  milestoneUpdate,
  repairUpdate,
  stateQuery,
  transitionUpdate,
} from '../../../workflows/messages';
import { POLICY, definition, useFastEnv } from './fast-env';

// The fast tier: timers, the stuck path and its repair, continue-as-new, with in-memory activities
// on the time-skipping test server (weeks of timers pass in well under a second).
const fast = useFastEnv();
const HA: Actor = { kind: 'home-affairs' };
const LEAD: Actor = { kind: 'ministry', code: 'BGDDT' };
const HOUR = 3600_000;

async function dueIn(days: number): Promise<string> {
  return vietnamDate((await fast.testEnv.currentTimeMs()) + days * DAY_MS);
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
      return err.cause.type as string;
    throw err;
  }
  throw new Error('the update was accepted');
}

describe('task workflow timers, stuck path and continue-as-new with in-memory activities', () => {
  it('when time passes a task’s deadline, then its reminders go out 14, 7 and 1 days before, the escalation at it and an overdue reminder 7 days after', async () => {
    const dueDate = await dueIn(30);
    const def = definition({ dueDate });
    await fast.start(def);
    const due = deadlineInstant(dueDate);
    const sent = () =>
      fast.fakes.reminders.filter((r) => r.task.code === def.code).map((r) => `${r.point.kind}:${r.point.offsetDays}`);
    await fast.sleepUntil(due - 14 * DAY_MS - HOUR);
    expect(sent()).toEqual([]);
    const expected = ['REMINDER:14', 'REMINDER:7', 'REMINDER:1', 'ESCALATION:0', 'OVERDUE:-7'];
    const points = [due - 14 * DAY_MS, due - 7 * DAY_MS, due - DAY_MS, due, due + 7 * DAY_MS];
    for (const [i, at] of points.entries()) {
      await fast.sleepUntil(at + HOUR);
      await fast.until(() => fast.fakes.kindsOf(def.code).length === i + 2, `notice ${i + 1} recorded`);
      expect(sent()).toEqual(expected.slice(0, i + 1));
    }
    expect(fast.fakes.kindsOf(def.code)).toEqual([
      'CREATED',
      'REMINDER_SENT',
      'REMINDER_SENT',
      'REMINDER_SENT',
      'ESCALATED',
      'OVERDUE_REMINDER',
    ]);
    // Reminders to the focal point; the escalation to Home Affairs as well.
    const mine = fast.fakes.reminders.filter((r) => r.task.code === def.code);
    expect(mine[0]?.recipients).toEqual(['focal@bgddt.test']);
    expect(mine[3]?.recipients).toEqual(['focal@bgddt.test', 'moha@tracker.test']);
  });

  it('when a task on the escalation ladder passes its deadline, then each step goes out at its working day and not before', async () => {
    const dueDate = await dueIn(10);
    const def = definition({ dueDate });
    await fast.start(def, { policy: { ...POLICY, perTaskReminders: undefined, escalationLadder: DEFAULT_LADDER } });
    const schedule = ladderSchedule(dueDate, DEFAULT_LADDER, WEEKENDS_ONLY);
    const steps = () => fast.fakes.steps.filter((s) => s.task.code === def.code).map((s) => s.step.index);
    for (const point of schedule) {
      await fast.sleepUntil(point.at - HOUR);
      expect(steps()).toEqual(schedule.filter((p) => p.index < point.index).map((p) => p.index));
      await fast.sleepUntil(point.at + HOUR);
      await fast.until(() => steps().length === point.index + 1, `ladder step ${point.index}`);
    }
    expect(steps()).toEqual([0, 1, 2]);
    expect(fast.fakes.reminders.filter((r) => r.task.code === def.code)).toEqual([]);
    const recorded = fast.fakes.eventsOf(def.code).filter((e) => e.kind === 'ESCALATION_STEP');
    expect(recorded.map((e) => [e.details.step, e.details.recipient])).toEqual([
      [0, 'focal-point'],
      [1, 'ministry-leadership'],
      [2, 'home-affairs'],
    ]);
  });

  it('when PostgreSQL refuses an event for good, then the update hears TASK_STUCK, the task is marked and refuses changes; a repair stores the event and the task takes changes again', async () => {
    const def = definition();
    const h = await fast.start(def);
    fast.fakes.refuse.add(`${def.code}:2`);
    expect(await refusal(h.executeUpdate(milestoneUpdate, { args: [{ actor: LEAD, name: 'DRAFTING' }] }))).toBe(
      'TASK_STUCK',
    );
    await fast.until(() => fast.fakes.stuckMarks.some((m) => m.taskCode === def.code), 'the stuck mark');
    expect(
      await refusal(
        h.executeUpdate(transitionUpdate, { args: [{ actor: HA, to: 'AUTHORITY_ADJUSTMENT', reason: 'law change' }] }),
      ),
    ).toBe('TASK_STUCK');
    expect(fast.fakes.kindsOf(def.code)).toEqual(['CREATED']);

    fast.fakes.refuse.delete(`${def.code}:2`);
    const repaired = await h.executeUpdate(repairUpdate, { args: [] });
    expect(repaired).toMatchObject({ wasStuck: true, repaired: true, seq: 2 });
    expect(fast.fakes.kindsOf(def.code)).toEqual(['CREATED', 'MILESTONE']);
    expect(fast.fakes.stuckMarks.filter((m) => m.taskCode === def.code)).toEqual([
      { action: 'mark', taskCode: def.code, seq: 2 },
      { action: 'clear', taskCode: def.code, seq: 2 },
    ]);
    const moved = await h.executeUpdate(transitionUpdate, {
      args: [{ actor: HA, to: 'AUTHORITY_ADJUSTMENT', reason: 'law change' }],
    });
    expect(moved).toMatchObject({ status: 'AUTHORITY_ADJUSTMENT', seq: 3 });
    expect(fast.fakes.rows.get(def.code)?.seq).toBe(3);
  });

  it('when the audit log lost events the run holds (a restore), then a repair stores them again; a task with nothing lost or held is not repaired', async () => {
    const def = definition();
    const h = await fast.start(def);
    expect(await h.executeUpdate(repairUpdate, { args: [] })).toEqual({ wasStuck: false, repaired: false });
    await h.executeUpdate(milestoneUpdate, { args: [{ actor: LEAD, name: 'DRAFTING' }] });
    await h.executeUpdate(milestoneUpdate, { args: [{ actor: LEAD, name: 'CONSULTATION' }] });
    fast.fakes.loseTail(def.code, 1);
    const repaired = await h.executeUpdate(repairUpdate, { args: [] });
    expect(repaired).toMatchObject({ wasStuck: true, repaired: true, seq: 3, restored: 2 });
    expect(fast.fakes.eventsOf(def.code).map((e) => `${e.seq}:${e.kind}`)).toEqual([
      '1:CREATED',
      '2:MILESTONE',
      '3:MILESTONE',
    ]);
  });

  it('when a run’s history reaches its limit, then it continues as new carrying the state, and the next events follow in sequence', async () => {
    const def = definition();
    const h = await fast.start(def, { continueAsNewAfterEvents: 20 });
    const firstRun = (await h.describe()).runId;
    // Six recorded changes: the history passes 20 events and the run hands over.
    for (const locality of ['HNI', 'HCM', 'DNG', 'HPG', 'CTO', 'HUE']) {
      await h.executeUpdate(localityReportUpdate, {
        args: [{ actor: HA, locality, kind: 'WORKABLE', description: `ready in ${locality}` }],
      });
    }
    await fast.until(() => fast.fakes.kindsOf(def.code).length === 7, 'seven events');
    let runId = firstRun;
    const deadline = Date.now() + 20_000;
    while (runId === firstRun && Date.now() < deadline)
      runId = (await fast.testEnv.client.workflow.getHandle(h.workflowId).describe()).runId;
    expect(runId).not.toBe(firstRun);
    const carried = await fast.testEnv.client.workflow.getHandle(h.workflowId).query(stateQuery);
    expect(carried.seq).toBe(7);
    const next = await fast.testEnv.client.workflow
      .getHandle(h.workflowId)
      .executeUpdate(transitionUpdate, { args: [{ actor: HA, to: 'AUTHORITY_ADJUSTMENT', reason: 'law change' }] });
    expect(next.seq).toBe(8);
    // The new run's first event carries the reports the old run held (its snapshot is the carried state).
    expect(Object.keys(fast.fakes.rows.get(def.code)?.reports ?? {}).sort()).toEqual([
      'CTO',
      'DNG',
      'HCM',
      'HNI',
      'HPG',
      'HUE',
    ]);
    expect(fast.fakes.eventsOf(def.code).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

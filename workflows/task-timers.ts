/**
 * The timers of a task run: per-task reminders before, at and after the due date (policies without
 * a ladder), or the escalation ladder's steps; and, for a document that takes effect later, a timer
 * to the start of its effective day. Each wait is a durable timer that an update interrupts (the
 * "updatable timer" pattern: `scheduleVersion`), so a new deadline re-plans at once.
 */
import { condition } from '@temporalio/workflow';
import { nextReminder, type ReminderPoint } from '../domain/deadline-policy';
import {
  DEFAULT_LADDER,
  WEEKENDS_ONLY,
  ladderStepDue,
  nextLadderStep,
  type LadderPoint,
} from '../domain/escalation-ladder';
import { applyEffectiveDate } from '../domain/task-changes';
import { vietnamMidnight } from '../domain/dates';
import { isOpenStatus, isSettled } from '../domain/statuses';
import { DOCUMENTS_CLOSE_THE_LOOP, NOTICES_AS_LOCAL_ACTIVITIES } from './task-patches';
import {
  sendEscalationStepLocal,
  sendEscalationStepRemote,
  sendReminderLocal,
  sendReminderRemote,
} from './task-activities';
import { closeTheLoop, noChange, shouldContinueAsNew, view, type TaskRun } from './task-run';
import type { Persistence } from './task-persistence';

/** Waits for the run's timers, sending what falls due, until it is time to continue as new. */
export async function runTimers(run: TaskRun, persistence: Persistence): Promise<void> {
  const { applies } = run;
  const { commit } = persistence;

  /** The pending document's effective day has begun: the task becomes FEASIBLE, and the loop is closed as for any document. */
  async function takeEffect(): Promise<void> {
    const after = await commit(applyEffectiveDate(run.state, Date.now()), 'system');
    const document = after.lastDocument;
    if (isSettled(after.status) && document && applies(DOCUMENTS_CLOSE_THE_LOOP)) {
      const recorded = (after.documents ?? []).find((d) => d.number === document.number);
      closeTheLoop(
        run,
        after,
        {
          number: document.number,
          issuedOn: document.issuedOn,
          effectiveOn: recorded?.effectiveOn ?? document.effectiveOn ?? document.issuedOn,
        },
        'system',
      );
    }
  }

  async function fire(point: ReminderPoint): Promise<void> {
    run.state = { ...run.state, reminderCursor: point.at };
    const state = run.state;
    const focal = state.focalPoint.email ? [state.focalPoint.email] : [];
    const recipients =
      point.kind === 'REMINDER' && focal.length > 0 ? focal : [...focal, state.policy.homeAffairsEmail];
    const sendReminder = applies(NOTICES_AS_LOCAL_ACTIVITIES) ? sendReminderLocal : sendReminderRemote;
    const delivery = await sendReminder({ point, recipients, task: view(state) });
    const kind =
      point.kind === 'REMINDER' ? 'REMINDER_SENT' : point.kind === 'ESCALATION' ? 'ESCALATED' : 'OVERDUE_REMINDER';
    await commit(
      noChange(run.state, kind, {
        dueDate: point.dueDate,
        offsetDays: point.offsetDays,
        recipients,
        delivery: delivery.status,
        error: delivery.error ?? null,
      }),
      'system',
    );
  }

  /** The next ladder step of the current deadline; none in a status without a due date (leaving the status ends the ladder). */
  function nextStep(afterMs: number): LadderPoint | null {
    const { state } = run;
    if (!isOpenStatus(state.status) || !state.dueDate) return null;
    return nextLadderStep(
      state.dueDate,
      state.policy.escalationLadder ?? DEFAULT_LADDER,
      state.policy.calendar ?? WEEKENDS_ONLY,
      afterMs,
    );
  }

  /** The step of the current deadline whose time has come since `afterMs` (the last of them), if any. */
  function stepDueNow(afterMs: number): LadderPoint | null {
    const { state } = run;
    if (!isOpenStatus(state.status) || !state.dueDate) return null;
    return ladderStepDue(
      state.dueDate,
      state.policy.escalationLadder ?? DEFAULT_LADDER,
      state.policy.calendar ?? WEEKENDS_ONLY,
      afterMs,
      Date.now(),
    );
  }

  async function climb(step: LadderPoint): Promise<void> {
    run.state = { ...run.state, reminderCursor: step.at };
    const sendEscalationStep = applies(NOTICES_AS_LOCAL_ACTIVITIES)
      ? sendEscalationStepLocal
      : sendEscalationStepRemote;
    const sent = await sendEscalationStep({ step, task: view(run.state) });
    // Recorded by an earlier run (or before the ladder was reset on the same due date): nothing more to do.
    if (sent.alreadyRecorded) return;
    await commit(
      noChange(run.state, 'ESCALATION_STEP', {
        dueDate: run.state.dueDate,
        step: step.index,
        recipient: step.recipient,
        afterWorkingDays: step.afterWorkingDays,
        recipients: sent.recipients,
        delivery: sent.status,
        error: sent.error ?? null,
      }),
      'system',
    );
  }

  while (run.climbsLadder && !shouldContinueAsNew(run)) {
    const version = run.scheduleVersion;
    const calendars = run.calendarsApplied;
    const replan = () => run.scheduleVersion !== version || shouldContinueAsNew(run);
    if (run.state.feasibleFrom && applies(DOCUMENTS_CLOSE_THE_LOOP)) {
      // A document takes effect later: no more ladder steps; a durable timer to the start of its day.
      const wait = vietnamMidnight(run.state.feasibleFrom) - Date.now();
      const interrupted = wait > 0 ? await condition(replan, wait) : false;
      if (!interrupted && run.state.feasibleFrom) await takeEffect();
      continue;
    }
    const step = (run.catchUp ? stepDueNow(run.state.reminderCursor) : null) ?? nextStep(run.state.reminderCursor);
    if (!step) {
      await condition(replan);
      continue;
    }
    const wait = step.at - Date.now();
    const interrupted = wait > 0 ? await condition(replan, wait) : false;
    if (!interrupted && run.calendarsApplied === calendars) await climb(step);
  }

  while (!run.climbsLadder && !shouldContinueAsNew(run)) {
    const version = run.scheduleVersion;
    const calendars = run.calendarsApplied;
    const replan = () => run.scheduleVersion !== version || shouldContinueAsNew(run);
    if (run.state.feasibleFrom) {
      // The document is issued: no more reminders; a durable timer to the start of its effective day.
      const wait = vietnamMidnight(run.state.feasibleFrom) - Date.now();
      const interrupted = wait > 0 ? await condition(replan, wait) : false;
      if (!interrupted && run.state.feasibleFrom) await takeEffect();
      continue;
    }
    const point = nextReminder(run.state, run.state.reminderCursor);
    if (!point) {
      await condition(replan);
      continue;
    }
    const wait = point.at - Date.now();
    // condition(fn, timeout) resolves false when the timer fires first.
    const interrupted = wait > 0 ? await condition(replan, wait) : false;
    if (!interrupted && run.calendarsApplied === calendars) await fire(point);
  }
}

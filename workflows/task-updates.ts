/**
 * The updates of the task workflow, one row each: its definition (workflows/messages.ts), its check
 * (the validator: a refusal here records nothing) and how it applies (the change it commits). Every
 * row with a check is refused while the task is stuck (TASK_STUCK), before its own check is asked;
 * a row without one has no validator at all. The rows are registered in this order.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { condition, setHandler } from '@temporalio/workflow';
import { actorName, type CalendarChangeResult, type TaskView } from '../domain/task';
import type { Rejection } from '../domain/transition-rules';
import {
  applyAssignment,
  applyCalendarChange,
  applyDeadline,
  applyDefinitionUpdate,
  applyDeferredTransition,
  applyExtensionDecision,
  applyExtensionRequest,
  applyHoldUp,
  applyLocalityReport,
  applyMilestone,
  applySettle,
  applyTransition,
  checkAssignment,
  checkCalendarChange,
  checkDeadline,
  checkDefinitionUpdate,
  checkExtensionDecision,
  checkExtensionRequest,
  checkHoldUp,
  checkLocalityReport,
  checkMilestone,
  checkSettle,
  checkTransition,
  hasDocument,
  isRepeatedMilestone,
  keepsDueDate,
} from '../domain/task-changes';
import { vietnamDate } from '../domain/dates';
import { isSettled } from '../domain/statuses';
import {
  assignmentUpdate,
  calendarUpdate,
  createdUpdate,
  deadlineUpdate,
  definitionUpdate,
  extensionDecisionUpdate,
  extensionRequestUpdate,
  holdUpUpdate,
  localityReportUpdate,
  milestoneUpdate,
  repairUpdate,
  settleUpdate,
  transitionUpdate,
} from './messages';
import {
  CALENDAR_UPDATES,
  DEADLINE_KEPT_ACROSS_BOUNCE,
  DOCUMENTS_CLOSE_THE_LOOP,
  FEASIBLE_ON_EFFECTIVE_DATE,
  MILESTONES_IDEMPOTENT_BY_NAME,
  NOTIFY_LOCALITIES_WHEN_FEASIBLE,
} from './task-patches';
import { closeTheLoop, reject, view, type TaskRun } from './task-run';
import type { Persistence } from './task-persistence';

export interface UpdateRow<Ret, Args extends unknown[]> {
  definition: UpdateDefinition<Ret, Args>;
  /** The validator's domain check; null: no validator (accepted even while the task is stuck). */
  check: ((...args: Args) => Rejection | null) | null;
  apply: (...args: Args) => Promise<Ret>;
}

/** A row of the table, its argument types kept (the table itself holds rows of many types). */
export interface TaskUpdate {
  readonly name: string;
  register(persistence: Persistence): void;
}

function row<Ret, Args extends unknown[]>(r: UpdateRow<Ret, Args>): TaskUpdate {
  return {
    name: r.definition.name,
    register(persistence) {
      const { check } = r;
      if (check === null) setHandler(r.definition, r.apply);
      else
        setHandler(r.definition, r.apply, {
          validator: (...args: Args) => reject(persistence.stuckRefusal() ?? check(...args)),
        });
    },
  };
}

/** The task workflow's updates, in the order they are registered. */
export function taskUpdates(run: TaskRun, persistence: Persistence): TaskUpdate[] {
  const { applies } = run;
  const { commitUpdate } = persistence;
  const today = () => vietnamDate(Date.now());
  // Reads the state when called: every check and apply sees the task as it stands then.
  const s = () => run.state;
  const unchanged = () => Promise.resolve(view(run.state));

  return [
    // Answering adds no command to the history, so histories recorded before it existed replay unchanged.
    row({
      definition: createdUpdate,
      check: null,
      apply: async () => {
        await condition(() => run.created);
        return view(run.state);
      },
    }),
    row({
      definition: transitionUpdate,
      check: (i) => checkTransition(s(), i, today()),
      apply: async (i) => {
        const now = Date.now();
        const before = s().status;
        const later = isSettled(i.to) && !!i.document?.effectiveOn && i.document.effectiveOn > vietnamDate(now);
        // Asked only on the new path, so a history without the marker replays the old behaviour.
        // A bounce keeps the due date (deadlines are Home Affairs'); asked only on such an edge, so a
        // history recorded before, where the bounce took a fresh default, replays as recorded.
        const keepClock = keepsDueDate(s(), i) ? applies(DEADLINE_KEPT_ACROSS_BOUNCE) : true;
        const change =
          later && applies(FEASIBLE_ON_EFFECTIVE_DATE)
            ? applyDeferredTransition(s(), i, now)
            : applyTransition(s(), i, now, keepClock);
        const after = await commitUpdate(change, actorName(i.actor));
        if (!isSettled(before) && isSettled(after.status) && i.document && applies(NOTIFY_LOCALITIES_WHEN_FEASIBLE)) {
          closeTheLoop(run, after, i.document, actorName(i.actor));
        }
        return after;
      },
    }),
    row({
      definition: extensionRequestUpdate,
      check: (i) => checkExtensionRequest(s(), i, today()),
      apply: (i) => commitUpdate(applyExtensionRequest(s(), i, Date.now()), actorName(i.actor)),
    }),
    row({
      definition: extensionDecisionUpdate,
      check: (i) => checkExtensionDecision(s(), i, today()),
      apply: (i) => commitUpdate(applyExtensionDecision(s(), i), actorName(i.actor)),
    }),
    row({
      definition: holdUpUpdate,
      // The system's release (a registered document) is refused too while stuck: its activity retries until the repair.
      check: (i) => (i.actor.kind === 'system' && i.ministry === null ? null : checkHoldUp(s(), i)),
      // A release by a document that arrives after the task was released already changes nothing.
      apply: (i) =>
        i.ministry === null && !s().heldUp
          ? unchanged()
          : commitUpdate(applyHoldUp(s(), i, Date.now()), actorName(i.actor)),
    }),
    row({
      definition: settleUpdate,
      check: (i) => checkSettle(s(), i, today()),
      apply: (i) => {
        // Idempotent by document: a batch retried after a crash finds the task already settled.
        if (hasDocument(s(), i.document.number)) return unchanged();
        const before = s().status;
        const d = i.document;
        return commitUpdate(applySettle(s(), i, Date.now()), actorName(i.actor)).then((after) => {
          // The same close of the loop as a transition with this document (asked only when the task moved).
          if (!isSettled(before) && isSettled(after.status) && applies(DOCUMENTS_CLOSE_THE_LOOP)) {
            closeTheLoop(
              run,
              after,
              { number: d.number, issuedOn: d.issuedOn, effectiveOn: d.effectiveOn },
              actorName(i.actor),
            );
          }
          return after;
        });
      },
    }),
    row({
      definition: milestoneUpdate,
      check: (i) => checkMilestone(s(), i),
      // Idempotent by name; asked only on that path, so older histories replay as recorded.
      apply: (i) =>
        isRepeatedMilestone(s(), i) && applies(MILESTONES_IDEMPOTENT_BY_NAME)
          ? unchanged()
          : commitUpdate(applyMilestone(s(), i, Date.now()), actorName(i.actor)),
    }),
    row({
      definition: assignmentUpdate,
      check: (i) => checkAssignment(s(), i),
      apply: (i) => commitUpdate(applyAssignment(s(), i), actorName(i.actor)),
    }),
    row({
      definition: deadlineUpdate,
      check: (i) => checkDeadline(s(), i, today()),
      apply: (i) => commitUpdate(applyDeadline(s(), i), actorName(i.actor)),
    }),
    row({
      definition: localityReportUpdate,
      check: (i) => checkLocalityReport(s(), i),
      apply: (i) => commitUpdate(applyLocalityReport(s(), i, Date.now()), actorName(i.actor)),
    }),
    row({
      definition: definitionUpdate,
      check: (i) => checkDefinitionUpdate(s(), i),
      apply: (i) => {
        const change = applyDefinitionUpdate(s(), i);
        // A change of where the task applies that changes nothing (an import re-run after a crash) records nothing.
        // Asked only of inputs that name localities, which no recorded history holds.
        if (i.appliesTo !== undefined && Object.keys(change.details.changes as object).length === 0) return unchanged();
        return commitUpdate(change, actorName(i.actor));
      },
    }),
    row({
      definition: calendarUpdate,
      check: (calendar) => checkCalendarChange(calendar),
      apply: async (calendar): Promise<CalendarChangeResult> => {
        // Idempotent by version: a command re-run after a crash, or a retried update, changes nothing.
        if (s().policy.calendar?.version === calendar.version || !applies(CALENDAR_UPDATES))
          return { applied: false, dueDate: null };
        const from = s().dueDate;
        const { state: next, deadline } = applyCalendarChange(s(), calendar, run.climbsLadder);
        run.calendarsApplied++;
        if (deadline) {
          // The same path as any other new deadline: recorded, search attributes, timers re-planned;
          // the cursor is carried over (commit keeps it), so no reminder already sent goes out again.
          run.state = { ...s(), reminderCursor: next.reminderCursor };
          const after: TaskView = await commitUpdate(deadline, 'system');
          return { applied: true, dueDate: { from: from as string, to: after.dueDate as string } };
        }
        // Only the timers change: the pending reminder or ladder step is re-planned on the new days off
        // (the cursor carried over by what each point is, not by its time: none sent twice, none lost).
        run.state = next;
        run.scheduleVersion++;
        return { applied: true, dueDate: null };
      },
    }),
    // Operators only: asked of a stuck task, so it has no validator.
    row({ definition: repairUpdate, check: null, apply: () => persistence.repair() }),
  ];
}

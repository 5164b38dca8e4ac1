/**
 * One run of the task workflow: the state it holds and the few counters its parts share
 * (task-persistence.ts, task-timers.ts, task-updates.ts), decided once at the run's start.
 */
import { ApplicationFailure, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { type TaskDefinition, type TaskState, type TaskView, type TaskWorkflowInput } from '../domain/task';
import type { Rejection } from '../domain/transition-rules';
import type { Change } from '../domain/task-changes';
import { defaultDueDate, settleDueDate } from '../domain/deadline-policy';
import { deadlineInstant, vietnamMidnight } from '../domain/dates';
import type { DocumentRef } from '../domain/task';
import { DueDateKey, LeadMinistryKey, TaskStatusKey } from './search-attributes';
import { CLOCK_FROM_RUN_START, ESCALATION_CATCH_UP, ESCALATION_LADDER } from './task-patches';
import { notifyObstaclesResolved } from './task-activities';

export interface TaskRun {
  readonly input: TaskWorkflowInput;
  /** The task as it stands: replaced (never mutated) by every change. */
  state: TaskState;
  /** Whether the run takes a patch's new path (workflows/task-patches.ts). */
  readonly applies: (patchId: string) => boolean;
  /** Whether the run climbs the escalation ladder (else it sends per-task reminders). */
  readonly climbsLadder: boolean;
  /** Whether the ladder catches up (the step due now goes out at once). */
  readonly catchUp: boolean;
  /**
   * Bumped whenever the deadline, status or recipients change: the timer loop then re-plans
   * its timer at once instead of waiting for the old one (the "updatable timer" pattern).
   */
  scheduleVersion: number;
  /**
   * Calendars applied in this run. A timer that fires in the same workflow task as a calendar update
   * was planned on the old days off: its point is planned again rather than sent (counted apart
   * from scheduleVersion so runs that never take a calendar replay exactly as recorded).
   */
  calendarsApplied: number;
  /** Whether the CREATED event is stored (a carried state's was stored long ago). */
  created: boolean;
  /** Notices still being sent; continue-as-new waits for them so none is dropped. */
  readonly notices: Promise<unknown>[];
}

export function initialState(
  definition: TaskDefinition,
  policy: TaskWorkflowInput['policy'],
  nowMs: number,
): TaskState {
  return {
    ...definition,
    dueDate:
      definition.status === 'FEASIBLE'
        ? null
        : definition.dueDate
          ? settleDueDate(policy, definition.dueDate)
          : defaultDueDate(policy, definition.status, nowMs),
    // The catalog's date when it has one, so "oldest open" and time in status mean something.
    statusSince: new Date(definition.statusSince ? vietnamMidnight(definition.statusSince) : nowMs).toISOString(),
    deadlineExtensions: 0,
    milestones: [],
    reports: {},
    lastDocument: null,
    seq: 0,
    reminderCursor: nowMs,
    policy,
  };
}

/** The run's state and the patches it takes, from its input (a definition, or a carried state). */
export function startRun(input: TaskWorkflowInput): TaskRun {
  // A patch the run's starter named is taken without asking patched() (no marker, no upsert:
  // workflows/task-patches.ts); runs started without the list ask, so their histories replay.
  const patchedAtStart = new Set(input.patchesAtStart ?? []);
  const applies = (patchId: string): boolean => patchedAtStart.has(patchId) || patched(patchId);

  let state: TaskState;
  if (input.state) state = input.state;
  else if (input.definition) {
    state = initialState(input.definition, input.policy, Date.now());
    // Date.now() is the start of the first workflow task that completes, not of the run: if an
    // earlier attempt's completion was lost (the server restarted mid-task), the retry comes later
    // and a reminder that fell due in between would be skipped. Reminders count from the start
    // event (`startTime`; `runStartTime` is the first activation's), the same on every attempt.
    // The rest (status since, default due date) keeps the CREATED event's time, as the audit log has it.
    if (applies(CLOCK_FROM_RUN_START)) state = { ...state, reminderCursor: workflowInfo().startTime.getTime() };
  } else throw ApplicationFailure.nonRetryable('taskWorkflow needs a definition or a carried state', 'INVALID_INPUT');

  // Decided once per run, before any timer: a replayed history without the marker keeps the
  // reminders it recorded. A run climbs the ladder when its policy names one (policies written
  // before the ladder existed have none, so those tasks keep their reminders).
  const climbsLadder =
    applies(ESCALATION_LADDER) && state.policy.escalationLadder !== undefined && state.policy.perTaskReminders !== true;
  // A ladder that catches up: the step due now goes out at once, the missed ones before it not. A state
  // that has not caught up yet (a new task, one carried from a run before this) starts its ladder from
  // nothing, so an overdue task gets its step now; the activity keeps each step to once per (task, due date, step).
  const catchUp = climbsLadder && applies(ESCALATION_CATCH_UP);
  if (catchUp && !state.ladderCatchUp) state = { ...state, reminderCursor: 0, ladderCatchUp: true };
  return {
    input,
    state,
    applies,
    climbsLadder,
    catchUp,
    scheduleVersion: 0,
    calendarsApplied: 0,
    created: state.seq > 0,
    notices: [],
  };
}

/** The state as answered: without the first version's per-task locality reports (the cells are the record). */
export function view(state: TaskState): TaskView {
  const shown: Partial<TaskState> & TaskView = { ...state };
  delete shown.reports;
  return shown;
}

/** A change that records an event and leaves the task as it is (a notice sent, the task created). */
export function noChange(state: TaskState, kind: Change['kind'], details: Record<string, unknown>): Change {
  return { state, kind, details, reschedule: false, resetCursor: false };
}

/** Refuses an update (from its validator) with the domain's rejection, if there is one. */
export function reject(rejection: Rejection | null): void {
  if (rejection) {
    throw ApplicationFailure.create({
      type: rejection.code,
      message: rejection.message,
      details: [rejection],
      nonRetryable: true,
    });
  }
}

/** Whether the run's search attributes (from its start, or its last upsert) already say what the state says. */
export function searchAttributesCurrent(state: TaskState): boolean {
  const current = workflowInfo().typedSearchAttributes;
  const due = current.get(DueDateKey);
  const wantDue = state.dueDate ? deadlineInstant(state.dueDate) : null;
  return (
    current.get(TaskStatusKey) === state.status &&
    current.get(LeadMinistryKey) === state.leadMinistry &&
    (due === undefined ? wantDue === null : due.getTime() === wantDue)
  );
}

export function syncSearchAttributes(state: TaskState): void {
  upsertSearchAttributes([
    { key: TaskStatusKey, value: state.status },
    { key: LeadMinistryKey, value: state.leadMinistry },
    { key: DueDateKey, value: state.dueDate ? new Date(deadlineInstant(state.dueDate)) : null },
  ]);
}

/** The history is long enough (the server suggests it, or the input's limit is reached) to hand over to a new run. */
export function shouldContinueAsNew(run: TaskRun): boolean {
  const info = workflowInfo();
  return (
    info.continueAsNewSuggested ||
    (run.input.continueAsNewAfterEvents !== undefined && info.historyLength >= run.input.continueAsNewAfterEvents)
  );
}

/**
 * Closing the loop, one path for every way a document makes the task FEASIBLE (transition,
 * settlement, effective date): the localities' obstacle cells get the document (`resolvedBy`) and
 * each locality one e-mail. Not awaited: the caller's answer does not wait for the e-mails.
 */
export function closeTheLoop(run: TaskRun, after: TaskView, document: DocumentRef, actor: string): void {
  const notice = notifyObstaclesResolved({
    task: { code: after.code, title: after.title },
    taskSeq: after.seq,
    document,
    at: new Date(Date.now()).toISOString(),
    actor,
    publicBaseUrl: after.policy.publicBaseUrl,
  });
  run.notices.push(notice.catch(() => undefined));
}

import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import {
  actorName,
  reportCounts,
  type Actor,
  type TaskDefinition,
  type TaskState,
  type TaskView,
  type TaskWorkflowInput,
} from '../domain/task';
import type { Rejection } from '../domain/transition-rules';
import {
  applyAssignment,
  applyDeadline,
  applyDefinitionUpdate,
  applyLocalityReport,
  applyMilestone,
  applyTransition,
  checkAssignment,
  checkDeadline,
  checkDefinitionUpdate,
  checkLocalityReport,
  checkMilestone,
  checkTransition,
  type Change,
} from '../domain/task-commands';
import { defaultDueDate, nextReminder, settleDueDate, type ReminderPoint } from '../domain/deadline-policy';
import { DEFAULT_LADDER, WEEKENDS_ONLY, nextLadderStep, type LadderPoint } from '../domain/escalation-ladder';
import {
  assignmentUpdate,
  deadlineUpdate,
  definitionUpdate,
  localityReportUpdate,
  milestoneUpdate,
  stateQuery,
  transitionUpdate,
} from './messages';
import { DueDateKey, LeadMinistryKey, TaskStatusKey } from './search-attributes';
import { deadlineInstant } from '../domain/dates';

type Activities = ReturnType<typeof createActivities>;

// Persisting must eventually succeed (the database may be down for a while), so it retries
// without limit; each attempt is idempotent on (task, seq). One transaction takes milliseconds,
// so a short timeout lets a retry take over quickly from a worker that died mid-attempt.
const persistRetry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' } as const;
const { persistEvent: persistEventRemote } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: persistRetry,
});
// Runs inside the workflow task on the same worker: no round trip through the task queue, so an
// update answers after one workflow task instead of three. Long outages back off with timers.
const { persistEvent: persistEventLocal } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  localRetryThreshold: '10 seconds',
  retry: persistRetry,
});
/** Workflows started before this change keep the (remote) activity they recorded. */
const PERSIST_AS_LOCAL_ACTIVITY = 'persist-event-as-local-activity';

// A permanent SMTP rejection comes back as a FAILED result, not an exception; transient
// failures throw and are retried with backoff. The outbox key keeps retries from sending twice.
const { sendReminder, sendEscalationStep } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

/**
 * Workflows from this change on send no e-mail per task per reminder (the daily digest lists every
 * task instead) and escalate along the ladder: focal point at the deadline, then whoever the
 * policy's later steps name. Recorded histories from before keep their reminders on replay.
 */
const ESCALATION_LADDER = 'escalation-ladder-and-digests';

function reject(rejection: Rejection | null): void {
  if (rejection) {
    throw ApplicationFailure.create({ type: rejection.code, message: rejection.message, details: [rejection], nonRetryable: true });
  }
}

export function initialState(definition: TaskDefinition, policy: TaskWorkflowInput['policy'], nowMs: number): TaskState {
  return {
    ...definition,
    dueDate: definition.status === 'FEASIBLE' ? null : definition.dueDate ? settleDueDate(policy, definition.dueDate) : defaultDueDate(policy, definition.status, nowMs),
    statusSince: new Date(nowMs).toISOString(),
    deadlineExtensions: 0,
    milestones: [],
    reports: {},
    lastDocument: null,
    seq: 0,
    reminderCursor: nowMs,
    policy,
  };
}

function view(state: TaskState): TaskView {
  return { ...state, reportCounts: reportCounts(state) };
}

/**
 * One delegated task for its whole life. Updates change it (validators refuse bad requests before
 * anything is recorded); every accepted change is persisted, in sequence order, before the update
 * returns; durable timers send reminders before the due date, escalate at it and remind after it.
 */
export async function taskWorkflow(input: TaskWorkflowInput): Promise<void> {
  let state: TaskState;
  if (input.state) state = input.state;
  else if (input.definition) state = initialState(input.definition, input.policy, Date.now());
  else throw ApplicationFailure.nonRetryable('taskWorkflow needs a definition or a carried state', 'INVALID_INPUT');

  // Bumped whenever the deadline, status or recipients change: the reminder loop then re-plans
  // its timer at once instead of waiting for the old one (the "updatable timer" pattern).
  let scheduleVersion = 0;
  let persistTail: Promise<unknown> = Promise.resolve();
  // Decided once per run, before any timer: a replayed history without the marker keeps the
  // reminders it recorded. A run climbs the ladder when its policy names one (policies written
  // before the ladder existed have none, so those tasks keep their reminders).
  const climbsLadder = patched(ESCALATION_LADDER) && state.policy.escalationLadder !== undefined && state.policy.perTaskReminders !== true;

  function syncSearchAttributes(): void {
    upsertSearchAttributes([
      { key: TaskStatusKey, value: state.status },
      { key: LeadMinistryKey, value: state.leadMinistry },
      { key: DueDateKey, value: state.dueDate ? new Date(deadlineInstant(state.dueDate)) : null },
    ]);
  }

  /**
   * Records a change: the new state and its sequence number are taken synchronously (so concurrent
   * handlers get distinct, ordered numbers), then the event is persisted after every earlier one.
   */
  async function commit(change: Change, actor: string): Promise<TaskView> {
    const now = Date.now();
    const before = { status: state.status, leadMinistry: state.leadMinistry, dueDate: state.dueDate };
    state = { ...change.state, seq: state.seq + 1, reminderCursor: change.resetCursor ? now : state.reminderCursor };
    if (change.reschedule) scheduleVersion++;
    if (before.status !== state.status || before.leadMinistry !== state.leadMinistry || before.dueDate !== state.dueDate) {
      syncSearchAttributes();
    }
    const snapshot = state;
    const event = { taskCode: state.code, seq: state.seq, at: new Date(now).toISOString(), actor, kind: change.kind, details: change.details };
    const persistEvent = patched(PERSIST_AS_LOCAL_ACTIVITY) ? persistEventLocal : persistEventRemote;
    const persisted = persistTail.then(() => persistEvent({ event, snapshot }));
    persistTail = persisted.catch(() => undefined);
    await persisted;
    return view(snapshot);
  }

  const noChange = (kind: Change['kind'], details: Record<string, unknown>): Change => ({
    state,
    kind,
    details,
    reschedule: false,
    resetCursor: false,
  });

  setHandler(stateQuery, () => view(state));
  setHandler(transitionUpdate, (i) => commit(applyTransition(state, i, Date.now()), actorName(i.actor)), {
    validator: (i) => reject(checkTransition(state, i)),
  });
  setHandler(milestoneUpdate, (i) => commit(applyMilestone(state, i, Date.now()), actorName(i.actor)), {
    validator: (i) => reject(checkMilestone(state, i)),
  });
  setHandler(assignmentUpdate, (i) => commit(applyAssignment(state, i), actorName(i.actor)), {
    validator: (i) => reject(checkAssignment(state, i)),
  });
  setHandler(deadlineUpdate, (i) => commit(applyDeadline(state, i), actorName(i.actor)), {
    validator: (i) => reject(checkDeadline(state, i)),
  });
  setHandler(localityReportUpdate, (i) => commit(applyLocalityReport(state, i, Date.now()), actorName(i.actor)), {
    validator: (i) => reject(checkLocalityReport(state, i)),
  });
  setHandler(definitionUpdate, (i) => commit(applyDefinitionUpdate(state, i), actorName(i.actor)), {
    validator: (i) => reject(checkDefinitionUpdate(state, i)),
  });

  if (state.seq === 0) {
    syncSearchAttributes();
    const createdBy: Actor = input.createdBy ?? { kind: 'system' };
    const { code: _code, ...definition } = input.definition as TaskDefinition;
    await commit(noChange('CREATED', { ...definition, dueDate: state.dueDate }), actorName(createdBy));
  }

  const shouldContinueAsNew = (): boolean => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || (input.continueAsNewAfterEvents !== undefined && info.historyLength >= input.continueAsNewAfterEvents);
  };

  async function fire(point: ReminderPoint): Promise<void> {
    state = { ...state, reminderCursor: point.at };
    const focal = state.focalPoint.email ? [state.focalPoint.email] : [];
    const recipients = point.kind === 'REMINDER' && focal.length > 0 ? focal : [...focal, state.policy.homeAffairsEmail];
    const delivery = await sendReminder({ point, recipients, task: view(state) });
    const kind = point.kind === 'REMINDER' ? 'REMINDER_SENT' : point.kind === 'ESCALATION' ? 'ESCALATED' : 'OVERDUE_REMINDER';
    await commit(
      noChange(kind, { dueDate: point.dueDate, offsetDays: point.offsetDays, recipients, delivery: delivery.status, error: delivery.error ?? null }),
      'system',
    );
  }

  /** The next ladder step of the current deadline; none for a FEASIBLE task (leaving the status ends the ladder). */
  function nextStep(afterMs: number): LadderPoint | null {
    if (state.status === 'FEASIBLE' || !state.dueDate) return null;
    return nextLadderStep(state.dueDate, state.policy.escalationLadder ?? DEFAULT_LADDER, state.policy.calendar ?? WEEKENDS_ONLY, afterMs);
  }

  async function climb(step: LadderPoint): Promise<void> {
    state = { ...state, reminderCursor: step.at };
    const sent = await sendEscalationStep({ step, task: view(state) });
    await commit(
      noChange('ESCALATION_STEP', {
        dueDate: state.dueDate,
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

  while (climbsLadder && !shouldContinueAsNew()) {
    const version = scheduleVersion;
    const step = nextStep(state.reminderCursor);
    const replan = () => scheduleVersion !== version || shouldContinueAsNew();
    if (!step) {
      await condition(replan);
      continue;
    }
    const wait = step.at - Date.now();
    const interrupted = wait > 0 ? await condition(replan, wait) : false;
    if (!interrupted) await climb(step);
  }

  while (!climbsLadder && !shouldContinueAsNew()) {
    const version = scheduleVersion;
    const point = nextReminder(state, state.reminderCursor);
    const replan = () => scheduleVersion !== version || shouldContinueAsNew();
    if (!point) {
      await condition(replan);
      continue;
    }
    const wait = point.at - Date.now();
    // condition(fn, timeout) resolves false when the timer fires first.
    const interrupted = wait > 0 ? await condition(replan, wait) : false;
    if (!interrupted) await fire(point);
  }

  // Hand over only once every update has finished persisting, so no accepted change is lost.
  await condition(allHandlersFinished);
  await continueAsNew<typeof taskWorkflow>({
    state,
    policy: state.policy,
    continueAsNewAfterEvents: input.continueAsNewAfterEvents,
  });
}

import {
  ActivityFailure,
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
  type Actor,
  type TaskDefinition,
  type TaskState,
  type TaskView,
  type TaskWorkflowInput,
} from '../domain/task';
import type { Rejection } from '../domain/transition-rules';
import {
  applyAssignment,
  applyCalendarChange,
  applyDeadline,
  applyDefinitionUpdate,
  applyLocalityReport,
  applyMilestone,
  applyDeferredTransition,
  applyEffectiveDate,
  applyExtensionDecision,
  applyExtensionRequest,
  applyHoldUp,
  applySettle,
  applyTransition,
  checkAssignment,
  checkCalendarChange,
  checkExtensionDecision,
  checkExtensionRequest,
  checkHoldUp,
  checkSettle,
  hasDocument,
  isRepeatedMilestone,
  keepsDueDate,
  checkDeadline,
  checkDefinitionUpdate,
  checkLocalityReport,
  checkMilestone,
  checkTransition,
  type Change,
} from '../domain/task-changes';
import { defaultDueDate, nextReminder, settleDueDate, type ReminderPoint } from '../domain/deadline-policy';
import {
  DEFAULT_LADDER,
  WEEKENDS_ONLY,
  ladderStepDue,
  nextLadderStep,
  type LadderPoint,
} from '../domain/escalation-ladder';
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
  stateQuery,
  transitionUpdate,
} from './messages';
import { DueDateKey, LeadMinistryKey, TaskStatusKey } from './search-attributes';
import {
  CALENDAR_UPDATES,
  CLOCK_FROM_RUN_START,
  DEADLINE_KEPT_ACROSS_BOUNCE,
  ESCALATION_CATCH_UP,
  DOCUMENTS_CLOSE_THE_LOOP,
  ESCALATION_LADDER,
  FEASIBLE_ON_EFFECTIVE_DATE,
  LOST_TAIL_REPAIR,
  MILESTONES_IDEMPOTENT_BY_NAME,
  NOTICES_AS_LOCAL_ACTIVITIES,
  NOTIFY_LOCALITIES_WHEN_FEASIBLE,
  PERSIST_AS_LOCAL_ACTIVITY,
  STUCK_TASKS,
  TASK_WORKFLOW_PATCHES,
} from './task-patches';
import { deadlineInstant, vietnamDate, vietnamMidnight } from '../domain/dates';
import { storableValue } from '../domain/storable-text';
import type { CalendarChangeResult, DocumentRef, RepairResult, TaskEvent } from '../domain/task';

type Activities = ReturnType<typeof createActivities>;

/** How many of its latest events a run keeps to store again after a restore lost them (README, "Restoring PostgreSQL"). */
const RECENT_EVENTS_HELD = 1000;

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

// A permanent SMTP rejection comes back as a FAILED result, not an exception; transient
// failures throw and are retried with backoff. The outbox key keeps retries from sending twice.
const noticeRetry = { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' } as const;
const { sendReminder: sendReminderRemote, sendEscalationStep: sendEscalationStepRemote } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: noticeRetry,
});
// Inside the workflow task that the timer wakes: a deadline storm costs the server one workflow
// task per notice instead of an activity task and a second workflow task. A long SMTP outage backs
// off with timers (localRetryThreshold), as persistence does.
const { sendReminder: sendReminderLocal, sendEscalationStep: sendEscalationStepLocal } =
  proxyLocalActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    localRetryThreshold: '10 seconds',
    retry: noticeRetry,
  });

// Marking a task stuck and clearing the mark are small writes that must land eventually.
const { markTaskStuck, clearTaskStuck, storedSeqOf } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: persistRetry,
});
/** The ApplicationFailure type persistEvent throws when PostgreSQL refuses an event for good (db/errors.ts PERSIST_REFUSED). */
const PERSIST_REFUSED = 'PERSIST_REFUSED';

/** The failure (an activity's, possibly wrapping the ApplicationFailure it threw) says PostgreSQL refused the event for good. */
function refusedForGood(err: unknown): ApplicationFailure | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof ApplicationFailure && e.type === PERSIST_REFUSED) return e;
    if (!(e instanceof ActivityFailure) && !(e instanceof ApplicationFailure)) return null;
  }
  return null;
}

// Closing the loop: the localities that reported an obstacle hear that the task is feasible.
// Retries until the database is back; its outbox keys keep every locality to one e-mail.
// A worker killed mid-send is noticed by its missing heartbeat (one after each e-mail), so the
// notices in flight go out again within seconds, not after the 5-minute start-to-close timeout.
// Timeouts are not part of the replay check (only the activity's type and id), so no patch is needed.
const { notifyObstaclesResolved } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

function reject(rejection: Rejection | null): void {
  if (rejection) {
    throw ApplicationFailure.create({
      type: rejection.code,
      message: rejection.message,
      details: [rejection],
      nonRetryable: true,
    });
  }
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

/** The state as answered: without the first version's per-task locality reports (the cells are the record). */
function view(state: TaskState): TaskView {
  const shown: Partial<TaskState> & TaskView = { ...state };
  delete shown.reports;
  return shown;
}

/**
 * One delegated task for its whole life. Updates change it (validators refuse bad requests before
 * anything is recorded); every accepted change is persisted, in sequence order, before the update
 * returns; durable timers send reminders before the due date, escalate at it and remind after it.
 */
export async function taskWorkflow(input: TaskWorkflowInput): Promise<void> {
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

  // Bumped whenever the deadline, status or recipients change: the reminder loop then re-plans
  // its timer at once instead of waiting for the old one (the "updatable timer" pattern).
  let scheduleVersion = 0;
  // Calendars applied in this run. A timer that fires in the same workflow task as a calendar update
  // was planned on the old days off: its point is planned again rather than sent (counted apart
  // from scheduleVersion so runs that never take a calendar replay exactly as recorded).
  let calendarsApplied = 0;
  let persistTail: Promise<unknown> = Promise.resolve();
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
  let persisting = 0;
  /** The event PostgreSQL refused for good, held until an operator repairs the task. */
  let stuck: { seq: number; kind: string; error: string; attempt: number; recorded: boolean } | null = null;
  /** The updates waiting for their event to be stored, by its seq: told at once if it is refused for good. */
  const heldUpdates = new Map<number, (failure: ApplicationFailure) => void>();
  let repairsRequested = 0;
  /** After a repair every event is made storable before it is written (events queued meanwhile too). */
  let repaired = false;
  /**
   * The events of this run and the state after each, by seq (the latest RECENT_EVENTS_HELD): what a
   * repair stores again when the audit log lost them (a restore from an older backup). Rebuilt by
   * replay like the rest of the state, so it costs no history; a carried state starts it empty.
   */
  const recentEvents = new Map<number, { event: TaskEvent; snapshot: TaskState }>();
  /** The last event known stored (a carried state's events all are). */
  let lastStored = state.seq;

  /** Whether the run's search attributes (from its start, or its last upsert) already say what the state says. */
  function searchAttributesCurrent(): boolean {
    const current = workflowInfo().typedSearchAttributes;
    const due = current.get(DueDateKey);
    const wantDue = state.dueDate ? deadlineInstant(state.dueDate) : null;
    return (
      current.get(TaskStatusKey) === state.status &&
      current.get(LeadMinistryKey) === state.leadMinistry &&
      (due === undefined ? wantDue === null : due.getTime() === wantDue)
    );
  }

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
    // A new deadline starts a new ladder: when it catches up, from nothing (a due date already past gets its step now).
    const resetTo = catchUp ? 0 : now;
    state = {
      ...change.state,
      seq: state.seq + 1,
      reminderCursor: change.resetCursor ? resetTo : state.reminderCursor,
    };
    if (change.reschedule) scheduleVersion++;
    if (
      before.status !== state.status ||
      before.leadMinistry !== state.leadMinistry ||
      before.dueDate !== state.dueDate
    ) {
      syncSearchAttributes();
    }
    const snapshot = state;
    const event = {
      taskCode: state.code,
      seq: state.seq,
      at: new Date(now).toISOString(),
      actor,
      kind: change.kind,
      details: change.details,
    };
    recentEvents.set(event.seq, { event, snapshot });
    recentEvents.delete(event.seq - RECENT_EVENTS_HELD);
    const persistEvent = applies(PERSIST_AS_LOCAL_ACTIVITY) ? persistEventLocal : persistEventRemote;
    persisting++;
    const persisted = persistTail.then(() => persistUntilStored(persistEvent, event, snapshot));
    persistTail = persisted.catch(() => undefined);
    await persisted;
    return view(snapshot);
  }

  /**
   * An update's commit: as `commit`, but when its event is refused for good the caller hears so at
   * once (the event stays held, in order, until an operator repairs the task). The refusal is
   * passed on where it is noticed, not watched for with a condition: every promise a workflow makes
   * costs a stack capture in the SDK's promise hook, and a condition one more pass per activation.
   */
  function commitUpdate(change: Change, actor: string): Promise<TaskView> {
    const seq = state.seq + 1;
    return new Promise<TaskView>((resolve, reject) => {
      heldUpdates.set(seq, reject);
      commit(change, actor).then(
        (after) => {
          heldUpdates.delete(seq);
          resolve(after);
        },
        (err: unknown) => {
          heldUpdates.delete(seq);
          reject(err);
        },
      );
    });
  }

  function stuckMessage(): string {
    return `Task ${state.code} is stuck: event ${stuck?.seq} could not be stored (${stuck?.error ?? ''}). An operator must repair it (README, "Stuck tasks"); nothing more can change until then.`;
  }

  function stuckRejection(): Rejection {
    return { code: 'TASK_STUCK', message: stuckMessage() };
  }

  /** Persists one event, retrying until it is stored; a refusal for good holds it until a repair. Counted in `persisting`. */
  async function persistUntilStored(
    persistEvent: Activities['persistEvent'],
    event: TaskEvent,
    snapshot: TaskState,
  ): Promise<unknown> {
    try {
      for (let attempt = 1; ; attempt++) {
        const input = repaired
          ? { event: storableValue(event), snapshot: storableValue(snapshot) }
          : { event, snapshot };
        try {
          const result = await persistEvent(input);
          lastStored = Math.max(lastStored, event.seq);
          if (stuck !== null && stuck.seq === event.seq) {
            await clearTaskStuck({ taskCode: event.taskCode, seq: event.seq });
            stuck = null;
          }
          return result;
        } catch (err) {
          const refusal = refusedForGood(err);
          if (!refusal || !applies(STUCK_TASKS)) throw err;
          const error = refusal.message;
          stuck = { seq: event.seq, kind: event.kind, error, attempt, recorded: false };
          heldUpdates.get(event.seq)?.(
            ApplicationFailure.create({
              type: 'TASK_STUCK',
              message: stuckMessage(),
              details: [stuckRejection()],
              nonRetryable: true,
            }),
          );
          // Counted before the mark is written: a repair may arrive while it is being written.
          const asked = repairsRequested;
          await markTaskStuck({ taskCode: event.taskCode, seq: event.seq, kind: event.kind, error });
          stuck = { ...stuck, recorded: true };
          await condition(() => repairsRequested > asked);
        }
      }
    } finally {
      persisting--;
    }
  }

  const noChange = (kind: Change['kind'], details: Record<string, unknown>): Change => ({
    state,
    kind,
    details,
    reschedule: false,
    resetCursor: false,
  });

  // Notices still being sent; continue-as-new waits for them so none is dropped.
  const notices: Promise<unknown>[] = [];

  /**
   * Closing the loop, one path for every way a document makes the task FEASIBLE (transition,
   * settlement, effective date): the localities' obstacle cells get the document (`resolvedBy`) and
   * each locality one e-mail. Not awaited: the caller's answer does not wait for the e-mails.
   */
  function closeTheLoop(after: TaskView, document: DocumentRef, actor: string): void {
    const notice = notifyObstaclesResolved({
      task: { code: after.code, title: after.title },
      taskSeq: after.seq,
      document,
      at: new Date(Date.now()).toISOString(),
      actor,
      publicBaseUrl: after.policy.publicBaseUrl,
    });
    notices.push(notice.catch(() => undefined));
  }

  /** The pending document's effective day has begun: the task becomes FEASIBLE, and the loop is closed as for any document. */
  async function takeEffect(): Promise<void> {
    const after = await commit(applyEffectiveDate(state, Date.now()), 'system');
    const document = after.lastDocument;
    if (after.status === 'FEASIBLE' && document && applies(DOCUMENTS_CLOSE_THE_LOOP)) {
      const recorded = (after.documents ?? []).find((d) => d.number === document.number);
      closeTheLoop(
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

  // A carried state (continue-as-new) has its CREATED event stored long ago. Answering this update
  // adds no command to the history, so histories recorded before it existed replay unchanged.
  let created = state.seq > 0;
  setHandler(createdUpdate, async () => {
    await condition(() => created);
    return view(state);
  });
  setHandler(stateQuery, () => view(state));
  setHandler(
    transitionUpdate,
    async (i) => {
      const now = Date.now();
      const before = state.status;
      const later = i.to === 'FEASIBLE' && !!i.document?.effectiveOn && i.document.effectiveOn > vietnamDate(now);
      // Asked only on the new path, so a history without the marker replays the old behaviour.
      // A bounce keeps the due date (deadlines are Home Affairs'); asked only on such an edge, so a
      // history recorded before, where the bounce took a fresh default, replays as recorded.
      const keepClock = keepsDueDate(state, i) ? applies(DEADLINE_KEPT_ACROSS_BOUNCE) : true;
      const change =
        later && applies(FEASIBLE_ON_EFFECTIVE_DATE)
          ? applyDeferredTransition(state, i, now)
          : applyTransition(state, i, now, keepClock);
      const after = await commitUpdate(change, actorName(i.actor));
      if (
        before !== 'FEASIBLE' &&
        after.status === 'FEASIBLE' &&
        i.document &&
        applies(NOTIFY_LOCALITIES_WHEN_FEASIBLE)
      ) {
        closeTheLoop(after, i.document, actorName(i.actor));
      }
      return after;
    },
    { validator: (i) => reject(stuck ? stuckRejection() : checkTransition(state, i, vietnamDate(Date.now()))) },
  );
  // Every update refuses a stuck task at once (TASK_STUCK), and an accepted one whose event is then
  // refused for good hears so at once (commitUpdate): nothing is queued behind a held event.
  // Validators add no command to the history, and commitUpdate only wraps commit's promise, so
  // recorded histories replay unchanged.
  setHandler(
    extensionRequestUpdate,
    (i) => commitUpdate(applyExtensionRequest(state, i, Date.now()), actorName(i.actor)),
    {
      validator: (i) => reject(stuck ? stuckRejection() : checkExtensionRequest(state, i, vietnamDate(Date.now()))),
    },
  );
  setHandler(extensionDecisionUpdate, (i) => commitUpdate(applyExtensionDecision(state, i), actorName(i.actor)), {
    validator: (i) => reject(stuck ? stuckRejection() : checkExtensionDecision(state, i, vietnamDate(Date.now()))),
  });
  setHandler(
    holdUpUpdate,
    (i) => {
      // A release by a document that arrives after the task was released already changes nothing.
      if (i.ministry === null && !state.heldUp) return Promise.resolve(view(state));
      return commitUpdate(applyHoldUp(state, i, Date.now()), actorName(i.actor));
    },
    // The system's release (a registered document) is refused too while stuck: its activity retries until the repair.
    {
      validator: (i) =>
        reject(
          stuck ? stuckRejection() : i.actor.kind === 'system' && i.ministry === null ? null : checkHoldUp(state, i),
        ),
    },
  );
  setHandler(
    settleUpdate,
    (i) => {
      // Idempotent by document: a batch retried after a crash finds the task already settled.
      if (hasDocument(state, i.document.number)) return Promise.resolve(view(state));
      const before = state.status;
      const d = i.document;
      return commitUpdate(applySettle(state, i, Date.now()), actorName(i.actor)).then((after) => {
        // The same close of the loop as a transition with this document (asked only when the task moved).
        if (before !== 'FEASIBLE' && after.status === 'FEASIBLE' && applies(DOCUMENTS_CLOSE_THE_LOOP)) {
          closeTheLoop(
            after,
            { number: d.number, issuedOn: d.issuedOn, effectiveOn: d.effectiveOn },
            actorName(i.actor),
          );
        }
        return after;
      });
    },
    { validator: (i) => reject(stuck ? stuckRejection() : checkSettle(state, i, vietnamDate(Date.now()))) },
  );
  setHandler(
    milestoneUpdate,
    (i) => {
      // Idempotent by name; asked only on that path, so older histories replay as recorded.
      if (isRepeatedMilestone(state, i) && applies(MILESTONES_IDEMPOTENT_BY_NAME)) return Promise.resolve(view(state));
      return commitUpdate(applyMilestone(state, i, Date.now()), actorName(i.actor));
    },
    { validator: (i) => reject(stuck ? stuckRejection() : checkMilestone(state, i)) },
  );
  setHandler(assignmentUpdate, (i) => commitUpdate(applyAssignment(state, i), actorName(i.actor)), {
    validator: (i) => reject(stuck ? stuckRejection() : checkAssignment(state, i)),
  });
  setHandler(deadlineUpdate, (i) => commitUpdate(applyDeadline(state, i), actorName(i.actor)), {
    validator: (i) => reject(stuck ? stuckRejection() : checkDeadline(state, i, vietnamDate(Date.now()))),
  });
  setHandler(localityReportUpdate, (i) => commitUpdate(applyLocalityReport(state, i, Date.now()), actorName(i.actor)), {
    validator: (i) => reject(stuck ? stuckRejection() : checkLocalityReport(state, i)),
  });
  setHandler(
    definitionUpdate,
    (i) => {
      const change = applyDefinitionUpdate(state, i);
      // A change of where the task applies that changes nothing (an import re-run after a crash) records nothing.
      // Asked only of inputs that name localities, which no recorded history holds.
      if (i.appliesTo !== undefined && Object.keys(change.details.changes as object).length === 0)
        return Promise.resolve(view(state));
      return commitUpdate(change, actorName(i.actor));
    },
    { validator: (i) => reject(stuck ? stuckRejection() : checkDefinitionUpdate(state, i)) },
  );

  setHandler(
    calendarUpdate,
    async (calendar): Promise<CalendarChangeResult> => {
      // Idempotent by version: a command re-run after a crash, or a retried update, changes nothing.
      if (state.policy.calendar?.version === calendar.version || !applies(CALENDAR_UPDATES))
        return { applied: false, dueDate: null };
      const from = state.dueDate;
      const { state: next, deadline } = applyCalendarChange(state, calendar, climbsLadder);
      calendarsApplied++;
      if (deadline) {
        // The same path as any other new deadline: recorded, search attributes, timers re-planned;
        // the cursor is carried over (commit keeps it), so no reminder already sent goes out again.
        state = { ...state, reminderCursor: next.reminderCursor };
        const after = await commitUpdate(deadline, 'system');
        return { applied: true, dueDate: { from: from as string, to: after.dueDate as string } };
      }
      // Only the timers change: the pending reminder or ladder step is re-planned on the new days off
      // (the cursor carried over by what each point is, not by its time: none sent twice, none lost).
      state = next;
      scheduleVersion++;
      return { applied: true, dueDate: null };
    },
    { validator: (calendar) => reject(stuck ? stuckRejection() : checkCalendarChange(calendar)) },
  );

  /**
   * Stores again the events the audit log lost after they were stored (up to the held event, or the
   * last one stored), from what this run holds. Nothing is written unless all of them are held.
   */
  async function restoreLostTail(): Promise<{ restored: number; upTo: number; error?: string }> {
    const upTo = stuck ? stuck.seq - 1 : lastStored;
    const { seq: inLog } = await storedSeqOf({ taskCode: state.code });
    if (inLog >= upTo) return { restored: 0, upTo };
    for (let seq = inLog + 1; seq <= upTo; seq++) {
      if (!recentEvents.has(seq)) {
        return {
          restored: 0,
          upTo,
          error: `events ${inLog + 1}-${upTo} are missing from the audit log and this run no longer holds event ${seq} (it predates the run's last continue-as-new, or the ${RECENT_EVENTS_HELD} it keeps): restore them from a newer backup`,
        };
      }
    }
    const persistEvent = applies(PERSIST_AS_LOCAL_ACTIVITY) ? persistEventLocal : persistEventRemote;
    for (let seq = inLog + 1; seq <= upTo; seq++) {
      const held = recentEvents.get(seq) as { event: TaskEvent; snapshot: TaskState };
      try {
        await persistEvent(held);
      } catch (err) {
        return {
          restored: seq - inLog - 1,
          upTo,
          error: `event ${seq} could not be stored again: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
    }
    return { restored: upTo - inLog, upTo };
  }

  setHandler(repairUpdate, async (): Promise<RepairResult> => {
    let restored = 0;
    if (applies(LOST_TAIL_REPAIR)) {
      const tail = await restoreLostTail();
      restored = tail.restored;
      if (tail.error) return { wasStuck: true, repaired: false, seq: tail.upTo, error: tail.error };
      if (!stuck && tail.restored > 0) {
        // Clears a mark `npm run audit:verify -- --against-workflows` set on finding the gap.
        await clearTaskStuck({ taskCode: state.code, seq: tail.upTo });
        return { wasStuck: true, repaired: true, seq: tail.upTo, restored: tail.restored };
      }
    }
    if (!stuck) return { wasStuck: false, repaired: false };
    const { seq, attempt } = stuck;
    repaired = true;
    // Text nobody can store is made storable: in the held event and in what later events carry.
    state = storableValue(state);
    repairsRequested++;
    await condition(() => stuck === null || (stuck.attempt > attempt && stuck.recorded));
    const also = restored > 0 ? { restored } : {};
    return stuck === null
      ? { wasStuck: true, repaired: true, seq, ...also }
      : { wasStuck: true, repaired: false, seq, error: stuck.error, ...also };
  });

  if (state.seq === 0) {
    // Each upsert is a history event; a start that carried the attributes needs none. The input
    // flag (recorded in the start event) keeps this deterministic for runs started before it.
    if (!input.searchAttributesAtStart || !searchAttributesCurrent()) syncSearchAttributes();
    const createdBy: Actor = input.createdBy ?? { kind: 'system' };
    const { code: _code, ...definition } = input.definition as TaskDefinition;
    // The baseline as assessed: `effectiveAt` says since when it has been true (the catalog's status
    // date), `at` when it was recorded; as-of, the trend and the forecast read the first (README, "The catalog").
    const effectiveAt = definition.statusSince ? { effectiveAt: state.statusSince } : {};
    await commit(noChange('CREATED', { ...definition, dueDate: state.dueDate, ...effectiveAt }), actorName(createdBy));
    created = true;
  }

  const shouldContinueAsNew = (): boolean => {
    const info = workflowInfo();
    return (
      info.continueAsNewSuggested ||
      (input.continueAsNewAfterEvents !== undefined && info.historyLength >= input.continueAsNewAfterEvents)
    );
  };

  async function fire(point: ReminderPoint): Promise<void> {
    state = { ...state, reminderCursor: point.at };
    const focal = state.focalPoint.email ? [state.focalPoint.email] : [];
    const recipients =
      point.kind === 'REMINDER' && focal.length > 0 ? focal : [...focal, state.policy.homeAffairsEmail];
    const sendReminder = applies(NOTICES_AS_LOCAL_ACTIVITIES) ? sendReminderLocal : sendReminderRemote;
    const delivery = await sendReminder({ point, recipients, task: view(state) });
    const kind =
      point.kind === 'REMINDER' ? 'REMINDER_SENT' : point.kind === 'ESCALATION' ? 'ESCALATED' : 'OVERDUE_REMINDER';
    await commit(
      noChange(kind, {
        dueDate: point.dueDate,
        offsetDays: point.offsetDays,
        recipients,
        delivery: delivery.status,
        error: delivery.error ?? null,
      }),
      'system',
    );
  }

  /** The next ladder step of the current deadline; none for a FEASIBLE task (leaving the status ends the ladder). */
  function nextStep(afterMs: number): LadderPoint | null {
    if (state.status === 'FEASIBLE' || !state.dueDate) return null;
    return nextLadderStep(
      state.dueDate,
      state.policy.escalationLadder ?? DEFAULT_LADDER,
      state.policy.calendar ?? WEEKENDS_ONLY,
      afterMs,
    );
  }

  /** The step of the current deadline whose time has come since `afterMs` (the last of them), if any. */
  function stepDueNow(afterMs: number): LadderPoint | null {
    if (state.status === 'FEASIBLE' || !state.dueDate) return null;
    return ladderStepDue(
      state.dueDate,
      state.policy.escalationLadder ?? DEFAULT_LADDER,
      state.policy.calendar ?? WEEKENDS_ONLY,
      afterMs,
      Date.now(),
    );
  }

  async function climb(step: LadderPoint): Promise<void> {
    state = { ...state, reminderCursor: step.at };
    const sendEscalationStep = applies(NOTICES_AS_LOCAL_ACTIVITIES)
      ? sendEscalationStepLocal
      : sendEscalationStepRemote;
    const sent = await sendEscalationStep({ step, task: view(state) });
    // Recorded by an earlier run (or before the ladder was reset on the same due date): nothing more to do.
    if (sent.alreadyRecorded) return;
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
    const calendars = calendarsApplied;
    const replan = () => scheduleVersion !== version || shouldContinueAsNew();
    if (state.feasibleFrom && applies(DOCUMENTS_CLOSE_THE_LOOP)) {
      // A document takes effect later: no more ladder steps; a durable timer to the start of its day.
      const wait = vietnamMidnight(state.feasibleFrom) - Date.now();
      const interrupted = wait > 0 ? await condition(replan, wait) : false;
      if (!interrupted && state.feasibleFrom) await takeEffect();
      continue;
    }
    const step = (catchUp ? stepDueNow(state.reminderCursor) : null) ?? nextStep(state.reminderCursor);
    if (!step) {
      await condition(replan);
      continue;
    }
    const wait = step.at - Date.now();
    const interrupted = wait > 0 ? await condition(replan, wait) : false;
    if (!interrupted && calendarsApplied === calendars) await climb(step);
  }

  while (!climbsLadder && !shouldContinueAsNew()) {
    const version = scheduleVersion;
    const calendars = calendarsApplied;
    const replan = () => scheduleVersion !== version || shouldContinueAsNew();
    if (state.feasibleFrom) {
      // The document is issued: no more reminders; a durable timer to the start of its effective day.
      const wait = vietnamMidnight(state.feasibleFrom) - Date.now();
      const interrupted = wait > 0 ? await condition(replan, wait) : false;
      if (!interrupted && state.feasibleFrom) await takeEffect();
      continue;
    }
    const point = nextReminder(state, state.reminderCursor);
    if (!point) {
      await condition(replan);
      continue;
    }
    const wait = point.at - Date.now();
    // condition(fn, timeout) resolves false when the timer fires first.
    const interrupted = wait > 0 ? await condition(replan, wait) : false;
    if (!interrupted && calendarsApplied === calendars) await fire(point);
  }

  // Hand over only once every update has finished persisting, so no accepted change is lost.
  await condition(() => allHandlersFinished() && persisting === 0);
  await Promise.all(notices);
  await continueAsNew<typeof taskWorkflow>({
    state,
    policy: state.policy,
    continueAsNewAfterEvents: input.continueAsNewAfterEvents,
    // The next run runs this code: it takes every patch without asking.
    patchesAtStart: [...TASK_WORKFLOW_PATCHES],
  });
}

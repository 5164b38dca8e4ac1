/**
 * The persistence pipeline of a task run: every accepted change is recorded as an event and stored,
 * in sequence order, before the update that made it returns. An event PostgreSQL refuses for good
 * makes the task stuck (the event is held, updates are refused) until an operator repairs it
 * (README, "Stuck tasks"); a repair also stores again the events a restore lost.
 */
import { ApplicationFailure, condition } from '@temporalio/workflow';
import type { RepairResult, TaskEvent, TaskState, TaskView } from '../domain/task';
import type { Rejection } from '../domain/transition-rules';
import type { Change } from '../domain/task-changes';
import { storableValue } from '../domain/storable-text';
import { LOST_TAIL_REPAIR, PERSIST_AS_LOCAL_ACTIVITY, STUCK_TASKS } from './task-patches';
import {
  clearTaskStuck,
  markTaskStuck,
  persistEventLocal,
  persistEventRemote,
  refusedForGood,
  storedSeqOf,
  type Activities,
} from './task-activities';
import { syncSearchAttributes, view, type TaskRun } from './task-run';

/** How many of its latest events a run keeps to store again after a restore lost them (README, "Restoring PostgreSQL"). */
const RECENT_EVENTS_HELD = 1000;

export interface Persistence {
  /**
   * Records a change: the new state and its sequence number are taken synchronously (so concurrent
   * handlers get distinct, ordered numbers), then the event is persisted after every earlier one.
   */
  commit(change: Change, actor: string): Promise<TaskView>;
  /** As `commit`, for an update: told at once (TASK_STUCK) when its event is refused for good. */
  commitUpdate(change: Change, actor: string): Promise<TaskView>;
  /** TASK_STUCK while an event is held, else null: every update's validator asks it first. */
  stuckRefusal(): Rejection | null;
  /** The operators' repair (`repairPersistence`). */
  repair(): Promise<RepairResult>;
  /** Whether no event is waiting to be stored. */
  idle(): boolean;
}

export function persistencePipeline(run: TaskRun): Persistence {
  const { applies } = run;
  let persistTail: Promise<unknown> = Promise.resolve();
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
  let lastStored = run.state.seq;

  async function commit(change: Change, actor: string): Promise<TaskView> {
    const now = Date.now();
    const prior = run.state;
    const before = { status: prior.status, leadMinistry: prior.leadMinistry, dueDate: prior.dueDate };
    // A new deadline starts a new ladder: when it catches up, from nothing (a due date already past gets its step now).
    const resetTo = run.catchUp ? 0 : now;
    const state: TaskState = {
      ...change.state,
      seq: prior.seq + 1,
      reminderCursor: change.resetCursor ? resetTo : prior.reminderCursor,
    };
    run.state = state;
    if (change.reschedule) run.scheduleVersion++;
    if (
      before.status !== state.status ||
      before.leadMinistry !== state.leadMinistry ||
      before.dueDate !== state.dueDate
    ) {
      syncSearchAttributes(state);
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
   * The refusal is passed on where it is noticed, not watched for with a condition: every promise a
   * workflow makes costs a stack capture in the SDK's promise hook, and a condition one more pass per activation.
   */
  function commitUpdate(change: Change, actor: string): Promise<TaskView> {
    const seq = run.state.seq + 1;
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
    return `Task ${run.state.code} is stuck: event ${stuck?.seq} could not be stored (${stuck?.error ?? ''}). An operator must repair it (README, "Stuck tasks"); nothing more can change until then.`;
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

  /**
   * Stores again the events the audit log lost after they were stored (up to the held event, or the
   * last one stored), from what this run holds. Nothing is written unless all of them are held.
   */
  async function restoreLostTail(): Promise<{ restored: number; upTo: number; error?: string }> {
    const upTo = stuck ? stuck.seq - 1 : lastStored;
    const { seq: inLog } = await storedSeqOf({ taskCode: run.state.code });
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

  async function repair(): Promise<RepairResult> {
    let restored = 0;
    if (applies(LOST_TAIL_REPAIR)) {
      const tail = await restoreLostTail();
      restored = tail.restored;
      if (tail.error) return { wasStuck: true, repaired: false, seq: tail.upTo, error: tail.error };
      if (!stuck && tail.restored > 0) {
        // Clears a mark `npm run audit:verify -- --against-workflows` set on finding the gap.
        await clearTaskStuck({ taskCode: run.state.code, seq: tail.upTo });
        return { wasStuck: true, repaired: true, seq: tail.upTo, restored: tail.restored };
      }
    }
    if (!stuck) return { wasStuck: false, repaired: false };
    const { seq, attempt } = stuck;
    repaired = true;
    // Text nobody can store is made storable: in the held event and in what later events carry.
    run.state = storableValue(run.state);
    repairsRequested++;
    await condition(() => stuck === null || (stuck.attempt > attempt && stuck.recorded));
    const also = restored > 0 ? { restored } : {};
    return stuck === null
      ? { wasStuck: true, repaired: true, seq, ...also }
      : { wasStuck: true, repaired: false, seq, error: stuck.error, ...also };
  }

  return {
    commit,
    commitUpdate,
    stuckRefusal: () => (stuck ? stuckRejection() : null),
    repair,
    idle: () => persisting === 0,
  };
}

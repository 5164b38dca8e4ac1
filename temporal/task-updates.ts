import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import crypto from 'node:crypto';
import type { Rejection } from '../domain/transition-rules';
import type { TaskView } from '../domain/task';
import type { SettleInput } from '../domain/task';
import { holdUpUpdate, settleUpdate, stateQuery, taskWorkflowId } from '../workflows/messages';
import { conflict, forbidden, invalid, isUnavailable, notFound, unavailable, type Refusal } from '../domain/refusal';
import { retryTransient } from './transient-retry';

/** A refusal from the workflow's validator, as the application's refusal. */
export function rejectionRefusal(r: Rejection): Refusal {
  const details = { code: r.code, ...(r.allowed ? { allowed: r.allowed } : {}) };
  const errors = r.field
    ? [
        {
          // The validator's bare field name (`dueDate`, `document.number`): each adapter places it.
          location: { field: r.field },
          message: r.message,
          ...(r.rule ? { extra: { rule: r.rule, params: r.params ?? {} } } : {}),
        },
      ]
    : [];
  switch (r.code) {
    case 'FORBIDDEN':
      return forbidden(r.message, details, errors);
    case 'ILLEGAL_TRANSITION':
    case 'STALE_STATUS':
    case 'STATE_CONFLICT':
      return conflict(r.message, details, errors);
    case 'TASK_STUCK':
      return unavailable(r.message, details, errors);
    default:
      return invalid(r.message, details, errors);
  }
}

/**
 * How long a caller waits for a task's answer. A task answers in milliseconds, refuses a stuck task
 * at once and tells an accepted change refused for good at once; what is left (the database away
 * while an accepted event retries, no worker polling) is answered 503 after this bound instead of
 * holding the request open.
 */
export const UPDATE_ANSWER_BOUND_MS = 30_000;

/** The task did not answer within the bound: the change may still be applied once it can be. */
function noAnswer(code: string, boundMs: number): Refusal {
  return unavailable(
    `Task ${code} did not answer within ${Math.round(boundMs / 1000)} s; the change may still be applied. Read the task before trying again, or retry with the same Idempotency-Key.`,
    { code: 'TASK_NOT_ANSWERING' },
  );
}

function isDeadlineExceeded(err: unknown): boolean {
  // gRPC status 4 is DEADLINE_EXCEEDED.
  return err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || (err as { code?: unknown })?.code === 4;
}

/**
 * Sends one Update to a task's workflow and returns the new state. The update id makes a retried
 * request (same Idempotency-Key) one event: Temporal answers a repeated id with the first result.
 * The caller waits at most `boundMs` (gRPC deadline on every call the update makes). Within that
 * bound, what the SDK gives up on (a cluster service down longer than its own retries) is sent again
 * with the same update id (one is drawn when the request brought none), so it is applied once.
 */
export async function runTaskUpdate<Arg>(
  temporal: Client,
  code: string,
  update: UpdateDefinition<TaskView, [Arg]>,
  arg: Arg,
  updateId?: string,
  boundMs = UPDATE_ANSWER_BOUND_MS,
): Promise<TaskView> {
  const handle = temporal.workflow.getHandle(taskWorkflowId(code));
  const deadline = Date.now() + boundMs;
  const id = updateId ?? crypto.randomUUID();
  try {
    return await retryTransient(
      () => temporal.withDeadline(deadline, () => handle.executeUpdate(update, { args: [arg], updateId: id })),
      deadline,
    );
  } catch (err) {
    if (isDeadlineExceeded(err)) throw noAnswer(code, boundMs);
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const rejection = err.cause.details?.[0] as Rejection | undefined;
      if (rejection?.code) throw rejectionRefusal(rejection);
      throw invalid(err.cause.message);
    }
    if (err instanceof WorkflowNotFoundError) throw notFound(`Task ${code} has no running workflow.`);
    if (isUnavailable(err))
      throw unavailable('Temporal is unreachable; nothing was changed.', { dependency: 'temporal' });
    throw err;
  }
}

/**
 * Whether the task's workflow already has an Update with this id (taken, or refused by its
 * validator after acceptance): a retried request whose first try was applied while its answer was
 * lost (the API's bound, a cluster service down) must get that first answer, not a check of its
 * own against a read model the first try has already moved. Waits at most `boundMs`; an unknown id,
 * or no answer within the bound, is "no".
 */
export async function updateAlreadyTaken(
  temporal: Client,
  code: string,
  updateId: string,
  boundMs = 5_000,
): Promise<boolean> {
  const handle = temporal.workflow.getHandle(taskWorkflowId(code)).getUpdateHandle<TaskView>(updateId);
  try {
    await temporal.withDeadline(Date.now() + boundMs, () => handle.result());
    return true;
  } catch (err) {
    // Completed with a failure: the workflow took it and answered; the retry gets that answer too.
    return err instanceof WorkflowUpdateFailedError;
  }
}

/**
 * The Updates and the Query the activities send to task workflows (activities/index.ts
 * TaskMessenger), with the client `clientOf` gives (the worker's: `Context.current().client`).
 */
export function taskMessenger(clientOf: () => Client) {
  const handle = (task: string) => clientOf().workflow.getHandle(taskWorkflowId(task));
  return {
    async settle(
      task: string,
      input: SettleInput,
      updateId: string,
    ): Promise<{ view: TaskView } | { refused: string }> {
      try {
        return { view: await handle(task).executeUpdate(settleUpdate, { args: [input], updateId }) };
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
          return { refused: err.cause.message };
        throw err;
      }
    },
    state: (task: string): Promise<TaskView> => handle(task).query(stateQuery),
    releaseHoldUp: (task: string, documentNumber: string, updateId: string): Promise<TaskView> =>
      handle(task).executeUpdate(holdUpUpdate, {
        args: [{ actor: { kind: 'system' }, ministry: null, releasedBy: documentNumber }],
        updateId,
      }),
  };
}

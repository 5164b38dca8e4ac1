import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import type { Rejection } from '../domain/transition-rules';
import type { TaskView } from '../domain/task';
import { taskWorkflowId } from '../workflows/messages';
import { conflict, forbidden, invalid, isUnavailable, locationOf, notFound, unavailable, type Refusal } from '../domain/refusal';

/** A refusal from the workflow's validator, as the application's refusal. */
export function rejectionRefusal(r: Rejection): Refusal {
  const details = { code: r.code, ...(r.allowed ? { allowed: r.allowed } : {}) };
  const errors = r.field ? [{ location: locationOf(r.field), message: r.message, ...(r.rule ? { extra: { rule: r.rule, params: r.params ?? {} } } : {}) }] : [];
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
 * Sends one Update to a task's workflow and returns the new state. The update id makes a retried
 * request (same Idempotency-Key) one event: Temporal answers a repeated id with the first result.
 */
export async function runTaskUpdate<Arg>(
  temporal: Client,
  code: string,
  update: UpdateDefinition<TaskView, [Arg]>,
  arg: Arg,
  updateId?: string,
): Promise<TaskView> {
  const handle = temporal.workflow.getHandle(taskWorkflowId(code));
  try {
    return await handle.executeUpdate(update, { args: [arg], ...(updateId ? { updateId } : {}) });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const rejection = err.cause.details?.[0] as Rejection | undefined;
      if (rejection?.code) throw rejectionRefusal(rejection);
      throw invalid(err.cause.message);
    }
    if (err instanceof WorkflowNotFoundError) throw notFound(`Task ${code} has no running workflow.`);
    if (isUnavailable(err)) throw unavailable('Temporal is unreachable; nothing was changed.', { dependency: 'temporal' });
    throw err;
  }
}

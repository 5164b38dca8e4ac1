import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import type { Rejection } from '../domain/transition-rules';
import type { TaskView } from '../domain/task';
import { taskWorkflowId } from '../workflows/messages';
import { conflict, HttpProblem, notFound, unavailable, unprocessable } from './problem';

/** Maps a refusal from the workflow's validator to the HTTP answer. */
export function rejectionProblem(r: Rejection): HttpProblem {
  const error = { field: r.field, message: r.message, ...(r.rule ? { rule: r.rule, params: r.params ?? {} } : {}) };
  const extra = { code: r.code, ...(r.field ? { errors: [error] } : {}), ...(r.allowed ? { allowed: r.allowed } : {}) };
  switch (r.code) {
    case 'FORBIDDEN':
      return new HttpProblem(403, 'Forbidden', r.message, extra);
    case 'ILLEGAL_TRANSITION':
    case 'STALE_STATUS':
    case 'STATE_CONFLICT':
      return conflict(r.message, extra);
    case 'TASK_STUCK':
      return unavailable(r.message, extra);
    default:
      return unprocessable(r.message, extra);
  }
}

export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; name?: string; message?: string };
  const msg = String(e?.message ?? '');
  return (
    e?.name === 'ServiceError' ||
    e?.name === 'PrismaClientInitializationError' ||
    e?.code === 'ECONNREFUSED' ||
    e?.code === 'P1001' ||
    /ECONNREFUSED|Connection terminated|connect ETIMEDOUT|Can't reach database|UNAVAILABLE|DEADLINE_EXCEEDED|timeout exceeded when trying to connect/i.test(msg)
  );
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
      if (rejection?.code) throw rejectionProblem(rejection);
      throw unprocessable(err.cause.message);
    }
    if (err instanceof WorkflowNotFoundError) throw notFound(`Task ${code} has no running workflow.`);
    if (isUnavailable(err)) throw unavailable('Temporal is unreachable; nothing was changed.', { dependency: 'temporal' });
    throw err;
  }
}

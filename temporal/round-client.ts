import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import type { Config } from '../config/env';
import { conflict, fieldRefusal, forbidden, isUnavailable, unavailable } from '../domain/refusal';
import { roundWorkflowId, type RoundPolicy, type RoundRefusal } from '../domain/reporting-round';
import type { RoundWorkflowInput, roundWorkflow } from '../workflows/round-workflow';

export const MONTHLY_ROUND_SCHEDULE_ID = 'reporting-round-monthly';

export function roundPolicyFromConfig(cfg: Config): RoundPolicy {
  return {
    reminderWorkingDaysBefore: cfg.ROUND_REMINDER_WORKING_DAYS,
    closeAfterWorkingDays: cfg.ROUND_CLOSE_AFTER_WORKING_DAYS,
    dueInWorkingDays: cfg.ROUND_DUE_WORKING_DAYS,
    homeAffairsEmail: cfg.HOME_AFFAIRS_EMAIL,
    publicBaseUrl: cfg.publicBaseUrl,
    calendar: cfg.calendar,
  };
}

/**
 * The Temporal Schedule that opens the monthly reporting round (08:00 Viet Nam time on
 * `dayOfMonth`). Created if missing, so every worker and stack start may call it; an existing
 * schedule is left as it is (an operator may have paused or edited it). Returns whether it was created.
 */
export async function ensureMonthlyRoundSchedule(
  client: Client,
  opts: { taskQueue: string; policy: RoundPolicy; dayOfMonth: number; scheduleId?: string },
): Promise<boolean> {
  const args: [RoundWorkflowInput] = [{ kind: 'MONTHLY', policy: opts.policy }];
  try {
    await client.schedule.create({
      scheduleId: opts.scheduleId ?? MONTHLY_ROUND_SCHEDULE_ID,
      spec: { calendars: [{ dayOfMonth: opts.dayOfMonth, hour: 8, minute: 0 }], timezone: 'Asia/Ho_Chi_Minh' },
      action: {
        type: 'startWorkflow',
        workflowType: 'roundWorkflow',
        workflowId: 'round-monthly',
        taskQueue: opts.taskQueue,
        args,
      },
      // A round lasts about two weeks; if one is somehow still open, the next waits rather than doubling up.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { about: 'Opens the monthly reporting round (issue 13); workflow roundWorkflow.' },
    });
    return true;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return false;
    throw err;
  }
}

/** Starts an extra round named `id`; false when a round with that id already exists. */
export async function startRound(
  client: Client,
  opts: { taskQueue: string; input: RoundWorkflowInput & { id: string } },
): Promise<boolean> {
  try {
    await client.workflow.start<typeof roundWorkflow>('roundWorkflow', {
      taskQueue: opts.taskQueue,
      workflowId: roundWorkflowId(opts.input.id),
      args: [opts.input],
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/** An Update on a round's workflow; the validator's refusal becomes the application's refusal. */
export async function runRoundUpdate<R, A>(
  temporal: Client,
  id: string,
  def: UpdateDefinition<R, [A]>,
  arg: A,
  updateId?: string,
): Promise<R> {
  try {
    return await temporal.workflow
      .getHandle(roundWorkflowId(id))
      .executeUpdate(def, { args: [arg], ...(updateId ? { updateId } : {}) });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      const r = err.cause.details?.[0] as RoundRefusal | undefined;
      if (r?.code === 'FORBIDDEN') throw forbidden(r.message);
      if (r?.code === 'ROUND_CLOSED') throw conflict(r.message, { code: r.code });
      // A refusal of the round's own rules depends on its state (its due date, whether it is open): 409.
      throw conflict(err.cause.message, {}, r?.field ? [fieldRefusal(r.field, r.message)] : []);
    }
    if (err instanceof WorkflowNotFoundError)
      throw conflict(`Round ${id} has no running workflow (it is closed or was recorded, not run).`, {
        code: 'ROUND_CLOSED',
      });
    if (isUnavailable(err))
      throw unavailable('Temporal is unreachable; nothing was changed.', { dependency: 'temporal' });
    throw err;
  }
}

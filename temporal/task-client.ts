import {
  WithStartWorkflowOperation,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Config } from '../config/env';
import { deadlineInstant } from '../domain/dates';
import { defaultDueDate, settleDueDate } from '../domain/deadline-policy';
import { isOpenStatus } from '../domain/statuses';
import type { Actor, DeadlinePolicy, TaskDefinition, TaskView } from '../domain/task';
import { createdUpdate, stateQuery, taskWorkflowId } from '../workflows/messages';
import { DueDateKey, LeadMinistryKey, TaskStatusKey } from '../workflows/search-attributes';
import { TASK_WORKFLOW_PATCHES } from '../workflows/task-patches';
import type { taskWorkflow } from '../workflows/task-workflow';
import { retryTransient } from './transient-retry';

export function policyFromConfig(cfg: Config): DeadlinePolicy {
  return {
    reminderOffsetsDays: cfg.REMINDER_OFFSETS_DAYS,
    overdueIntervalDays: cfg.OVERDUE_INTERVAL_DAYS,
    defaultDueDays: cfg.defaultDueDays,
    homeAffairsEmail: cfg.HOME_AFFAIRS_EMAIL,
    publicBaseUrl: cfg.publicBaseUrl,
    calendar: cfg.calendar,
    dueDaysUnit: cfg.DUE_DAYS_UNIT,
    reminderDaysUnit: cfg.REMINDER_DAYS_UNIT,
    escalationLadder: cfg.ESCALATION_LADDER,
    ...(cfg.PER_TASK_REMINDERS ? { perTaskReminders: true } : {}),
  };
}

export interface TaskStart {
  taskQueue: string;
  definition: TaskDefinition;
  policy: DeadlinePolicy;
  createdBy: Actor;
  continueAsNewAfterEvents?: number;
}

/** Start options of the workflow `task-<code>`: a second start of the same code is refused by Temporal itself. */
function startOptions(
  opts: TaskStart,
): WorkflowStartOptions<typeof taskWorkflow> & { workflowIdConflictPolicy: WorkflowIdConflictPolicy } {
  const d = opts.definition;
  // The due date the workflow will hold (its initialState): a start that carries it needs no
  // search-attribute upsert in the first workflow task (a default or a day off moved otherwise cost one).
  const due = !isOpenStatus(d.status)
    ? null
    : d.dueDate
      ? settleDueDate(opts.policy, d.dueDate)
      : defaultDueDate(opts.policy, d.status, Date.now());
  return {
    taskQueue: opts.taskQueue,
    workflowId: taskWorkflowId(d.code),
    args: [
      {
        definition: d,
        policy: opts.policy,
        createdBy: opts.createdBy,
        continueAsNewAfterEvents: opts.continueAsNewAfterEvents,
        searchAttributesAtStart: true,
        patchesAtStart: [...TASK_WORKFLOW_PATCHES],
      },
    ],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    typedSearchAttributes: [
      { key: TaskStatusKey, value: d.status },
      { key: LeadMinistryKey, value: d.leadMinistry },
      ...(due ? [{ key: DueDateKey, value: new Date(deadlineInstant(due)) }] : []),
    ],
  };
}

/** The task was registered (its workflow runs) but its first event was not stored in time. */
export class TaskNotPersistedError extends Error {}

/**
 * Registers a task: starts its workflow and, in the same call (Update-with-Start), waits for the
 * workflow to answer that its CREATED event is stored, so the task can be read at once (no polling).
 * Returns null when the task's workflow already exists. Throws `TaskNotPersistedError` when the
 * workflow started but did not store its first event within `timeoutMs` (no worker running?).
 */
export async function createTask(client: Client, opts: TaskStart & { timeoutMs: number }): Promise<TaskView | null> {
  const deadline = Date.now() + opts.timeoutMs;
  const workflowId = taskWorkflowId(opts.definition.code);
  // What the SDK gives up on (a cluster service down for longer than its retries) is tried again until
  // the deadline. A try after one whose answer was lost may find the workflow already started by it:
  // that is this task (the code is the workflow id), answered with its state, not a duplicate.
  let retried = false;
  try {
    return await retryTransient(
      async () => {
        const start = new WithStartWorkflowOperation<typeof taskWorkflow>('taskWorkflow', startOptions(opts));
        try {
          return await client.withDeadline(deadline, () =>
            client.workflow.executeUpdateWithStart(createdUpdate, { startWorkflowOperation: start }),
          );
        } catch (err) {
          if (retried && err instanceof WorkflowExecutionAlreadyStartedError)
            return await client.withDeadline(deadline, () => client.workflow.getHandle(workflowId).query(stateQuery));
          throw err;
        }
      },
      deadline,
      () => (retried = true),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return null;
    // The server answers the start only once the update is accepted, so a call cut short by its
    // deadline does not say whether the workflow started: ask.
    const started = await client.workflow
      .getHandle(workflowId)
      .describe()
      .then(
        () => true,
        () => false,
      );
    if (started)
      throw new TaskNotPersistedError(
        `Task ${opts.definition.code} was registered but its first event was not stored within ${opts.timeoutMs} ms; is the worker running?`,
      );
    throw err;
  }
}

/**
 * Starts the workflow `task-<code>` without waiting for its first event (tests and benchmarks that
 * start many and watch them). Returns false when the task's workflow already exists.
 */
export async function startTaskWorkflow(
  client: Client,
  opts: TaskStart & {
    /** Ask the server to hand the first workflow task straight to this process's worker (the client must share the worker's NativeConnection). */
    eager?: boolean;
  },
): Promise<boolean> {
  try {
    await client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
      ...startOptions(opts),
      ...(opts.eager ? { requestEagerStart: true } : {}),
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/**
 * The last event a task's workflow has recorded, or undefined when the workflow cannot answer now
 * (no worker, Temporal down): what audit verification compares the log with.
 */
export async function recordedSeq(client: Client, code: string): Promise<number | undefined> {
  try {
    return (await client.workflow.getHandle(taskWorkflowId(code)).query(stateQuery)).seq;
  } catch {
    return undefined;
  }
}

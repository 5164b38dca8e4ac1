import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Config } from '../config/env';
import { deadlineInstant } from '../domain/dates';
import { defaultDueDate, settleDueDate } from '../domain/deadline-policy';
import type { Actor, DeadlinePolicy, TaskDefinition } from '../domain/task';
import { taskWorkflowId } from '../workflows/messages';
import { DueDateKey, LeadMinistryKey, TaskStatusKey } from '../workflows/search-attributes';
import { TASK_WORKFLOW_PATCHES } from '../workflows/task-patches';
import type { taskWorkflow } from '../workflows/task-workflow';

export function policyFromConfig(cfg: Config): DeadlinePolicy {
  return {
    reminderOffsetsDays: cfg.REMINDER_OFFSETS_DAYS,
    overdueIntervalDays: cfg.OVERDUE_INTERVAL_DAYS,
    defaultDueDays: {
      REQUIRES_GUIDANCE: cfg.DEFAULT_DUE_DAYS_REQUIRES_GUIDANCE,
      AUTHORITY_ADJUSTMENT: cfg.DEFAULT_DUE_DAYS_AUTHORITY_ADJUSTMENT,
    },
    homeAffairsEmail: cfg.HOME_AFFAIRS_EMAIL,
    publicBaseUrl: cfg.publicBaseUrl,
    calendar: cfg.calendar,
    dueDaysUnit: cfg.DUE_DAYS_UNIT,
    reminderDaysUnit: cfg.REMINDER_DAYS_UNIT,
    escalationLadder: cfg.ESCALATION_LADDER,
    ...(cfg.PER_TASK_REMINDERS ? { perTaskReminders: true } : {}),
  };
}

/**
 * Starts the workflow `task-<code>`. The business id is the workflow id and a second start of the
 * same code is refused by Temporal itself, so a task can never get two workflows.
 * Returns false when the task's workflow already exists.
 */
export async function startTaskWorkflow(
  client: Client,
  opts: {
    taskQueue: string;
    definition: TaskDefinition;
    policy: DeadlinePolicy;
    createdBy: Actor;
    continueAsNewAfterEvents?: number;
    /** Ask the server to hand the first workflow task straight to this process's worker (the client must share the worker's NativeConnection). */
    eager?: boolean;
  },
): Promise<boolean> {
  const d = opts.definition;
  // The due date the workflow will hold (its initialState): a start that carries it needs no
  // search-attribute upsert in the first workflow task (a default or a day off moved otherwise cost one).
  const due = d.status === 'FEASIBLE' ? null : d.dueDate ? settleDueDate(opts.policy, d.dueDate) : defaultDueDate(opts.policy, d.status, Date.now());
  try {
    await client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
      taskQueue: opts.taskQueue,
      workflowId: taskWorkflowId(d.code),
      args: [{ definition: d, policy: opts.policy, createdBy: opts.createdBy, continueAsNewAfterEvents: opts.continueAsNewAfterEvents, searchAttributesAtStart: true, patchesAtStart: [...TASK_WORKFLOW_PATCHES] }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      ...(opts.eager ? { requestEagerStart: true } : {}),
      typedSearchAttributes: [
        { key: TaskStatusKey, value: d.status },
        { key: LeadMinistryKey, value: d.leadMinistry },
        ...(due ? [{ key: DueDateKey, value: new Date(deadlineInstant(due)) }] : []),
      ],
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

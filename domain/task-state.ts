/** A new task's state, the same for the workflow (a run's start) and the audit log's replay (as-of). */
import { defaultDueDate, settleDueDate } from './deadline-policy';
import { vietnamMidnight } from './dates';
import { hasDueDate } from './statuses';
import type { TaskDefinition, TaskState, TaskWorkflowInput } from './task';

export function initialState(
  definition: TaskDefinition,
  policy: TaskWorkflowInput['policy'],
  nowMs: number,
): TaskState {
  return {
    ...definition,
    dueDate: !hasDueDate(definition.status)
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

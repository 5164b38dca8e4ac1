import type { DeadlinePolicy, TaskState, TaskStatus } from './task';
import { DAY_MS, addDays, deadlineInstant, vietnamDate } from './dates';

/** The due date a task gets on entering `status` at `nowMs`, unless the caller names one. */
export function defaultDueDate(policy: DeadlinePolicy, status: TaskStatus, nowMs: number): string | null {
  if (status === 'FEASIBLE') return null;
  return addDays(vietnamDate(nowMs), policy.defaultDueDays[status]);
}

export type ReminderKind = 'REMINDER' | 'ESCALATION' | 'OVERDUE';

export interface ReminderPoint {
  kind: ReminderKind;
  /** Instant (ms) it is due. */
  at: number;
  /** Days before the deadline (positive), 0 at the deadline, negative days after it. */
  offsetDays: number;
  dueDate: string;
}

/**
 * The first reminder point strictly after `afterMs`: reminders at the configured offsets before
 * the deadline, the escalation at it, then an overdue reminder every `overdueIntervalDays`.
 * A FEASIBLE task, or one with no due date, has none.
 */
export function nextReminder(state: Pick<TaskState, 'status' | 'dueDate' | 'policy'>, afterMs: number): ReminderPoint | null {
  if (state.status === 'FEASIBLE' || !state.dueDate) return null;
  const due = deadlineInstant(state.dueDate);
  const dueDate = state.dueDate;
  const before = [...state.policy.reminderOffsetsDays].filter((d) => d > 0).sort((a, b) => b - a);
  for (const days of before) {
    const at = due - days * DAY_MS;
    if (at > afterMs) return { kind: 'REMINDER', at, offsetDays: days, dueDate };
  }
  if (due > afterMs) return { kind: 'ESCALATION', at: due, offsetDays: 0, dueDate };
  const interval = state.policy.overdueIntervalDays * DAY_MS;
  const k = Math.floor((afterMs - due) / interval) + 1;
  return { kind: 'OVERDUE', at: due + k * interval, offsetDays: -k * state.policy.overdueIntervalDays, dueDate };
}

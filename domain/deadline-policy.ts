import type { DeadlinePolicy, TaskState, TaskStatus } from './task';
import { isOpenStatus } from './statuses';
import { DAY_MS, addDays, daysOverdue, deadlineInstant, vietnamDate } from './dates';
import { addWorkingDays, nextWorkingDay, subtractWorkingDays, workingDaysBetween } from './working-days';

type CalendarRules = Pick<DeadlinePolicy, 'calendar' | 'dueDaysUnit' | 'reminderDaysUnit'>;

/** A due date as it stands: on a day off it moves to the next working day (when the policy has a calendar). */
export function settleDueDate(policy: CalendarRules, date: string): string;
export function settleDueDate(policy: CalendarRules, date: string | null): string | null;
export function settleDueDate(policy: CalendarRules, date: string | null): string | null {
  return date && policy.calendar ? nextWorkingDay(policy.calendar, date) : date;
}

/** The due date a task gets on entering `status` at `nowMs`, unless the caller names one. */
export function defaultDueDate(policy: DeadlinePolicy, status: TaskStatus, nowMs: number): string | null {
  if (!isOpenStatus(status)) return null;
  const today = vietnamDate(nowMs);
  const days = policy.defaultDueDays[status];
  if (policy.calendar && policy.dueDaysUnit === 'working') return addWorkingDays(policy.calendar, today, days);
  return settleDueDate(policy, addDays(today, days));
}

/**
 * The due date a task has after an edge, by the edge's `deadline` rule (the edge table, transition-rules.ts).
 * Deadlines belong to Home Affairs: a date it names (`named`; checkTransition refuses one from anyone
 * else) is taken, settled on a working day. Otherwise a `kept` edge (a bounce between the two open
 * statuses) keeps the due date, so no sequence of a ministry's edges moves its own deadline later (the
 * clock keeps running; more time is an extension request that Home Affairs approves); a `fresh` edge
 * (only Home Affairs' reopen of a FEASIBLE task) starts the status's default span, as does a task that
 * had no due date. `keepClock` false is the rule before this one (every entry a fresh default), for
 * histories recorded under it.
 */
export function dueDateAfterEdge(
  policy: DeadlinePolicy,
  edge: { rule: 'kept' | 'fresh' | 'none'; to: TaskStatus; current: string | null; named?: string },
  nowMs: number,
  keepClock = true,
): string | null {
  if (edge.rule === 'none' || !isOpenStatus(edge.to)) return null;
  if (edge.named) return settleDueDate(policy, edge.named);
  if (keepClock && edge.rule === 'kept' && edge.current) return edge.current;
  return defaultDueDate(policy, edge.to, nowMs);
}

/**
 * Days past the deadline at `nowMs`: working days after the due date up to today when the policy
 * counts due days in working days, else whole calendar days (0 when not overdue or no due date).
 */
export function overdueDays(policy: CalendarRules | undefined, dueDate: string | null, nowMs: number): number {
  if (!dueDate) return 0;
  if (!policy?.calendar || policy.dueDaysUnit !== 'working') return daysOverdue(dueDate, nowMs);
  if (nowMs < deadlineInstant(dueDate)) return 0;
  return workingDaysBetween(policy.calendar, dueDate, vietnamDate(nowMs));
}

export type ReminderKind = 'REMINDER' | 'ESCALATION' | 'OVERDUE';

export interface ReminderPoint {
  kind: ReminderKind;
  /** Instant (ms) it is due. */
  at: number;
  /** Days before the deadline (positive; working days when the policy counts them so), 0 at the deadline, negative calendar days after it. */
  offsetDays: number;
  dueDate: string;
}

/** When the reminder `days` before the deadline of `dueDate` is due: the end of the day that many (working) days earlier. */
function reminderInstant(policy: DeadlinePolicy, dueDate: string, days: number): number {
  if (policy.calendar && policy.reminderDaysUnit === 'working')
    return deadlineInstant(subtractWorkingDays(policy.calendar, dueDate, days));
  return deadlineInstant(dueDate) - days * DAY_MS;
}

/**
 * The first reminder point strictly after `afterMs`: reminders at the configured offsets before
 * the deadline, the escalation at it, then an overdue reminder every `overdueIntervalDays`.
 * A FEASIBLE task, or one with no due date, has none.
 */
export function nextReminder(
  state: Pick<TaskState, 'status' | 'dueDate' | 'policy'>,
  afterMs: number,
): ReminderPoint | null {
  if (!isOpenStatus(state.status) || !state.dueDate) return null;
  const due = deadlineInstant(state.dueDate);
  const dueDate = state.dueDate;
  const before = [...state.policy.reminderOffsetsDays].filter((d) => d > 0).sort((a, b) => b - a);
  for (const days of before) {
    const at = reminderInstant(state.policy, dueDate, days);
    if (at > afterMs) return { kind: 'REMINDER', at, offsetDays: days, dueDate };
  }
  if (due > afterMs) return { kind: 'ESCALATION', at: due, offsetDays: 0, dueDate };
  const interval = state.policy.overdueIntervalDays * DAY_MS;
  const k = Math.floor((afterMs - due) / interval) + 1;
  return { kind: 'OVERDUE', at: due + k * interval, offsetDays: -k * state.policy.overdueIntervalDays, dueDate };
}

/** The instant of the point of this kind and offset on `state`'s due date and calendar. */
function pointInstant(
  state: Pick<TaskState, 'policy'> & { dueDate: string },
  kind: ReminderKind,
  offsetDays: number,
): number {
  if (kind === 'REMINDER') return reminderInstant(state.policy, state.dueDate, offsetDays);
  // The escalation is at the deadline (offset 0), overdue reminders whole calendar days after it.
  return deadlineInstant(state.dueDate) - offsetDays * DAY_MS;
}

/**
 * The reminder cursor once the schedule of `before` is re-planned as `after` (another calendar, and
 * the due date it may have moved). A point is known by what it is (its kind and offset), not by its
 * time: the cursor lands just before the new time of the first point `before` had not reached, so a
 * point already sent is not sent again when it moves later than the old cursor, and the next one is
 * not lost when it moves earlier (already past, it goes out at once). Points keep their order on any
 * calendar (a larger offset is an earlier day), so everything before that point stays done.
 */
export function replannedReminderCursor(
  before: Pick<TaskState, 'status' | 'dueDate' | 'policy' | 'reminderCursor'>,
  after: Pick<TaskState, 'status' | 'dueDate' | 'policy'>,
): number {
  const next = nextReminder(before, before.reminderCursor);
  if (!next || !isOpenStatus(after.status) || !after.dueDate) return before.reminderCursor;
  return pointInstant({ policy: after.policy, dueDate: after.dueDate }, next.kind, next.offsetDays) - 1;
}

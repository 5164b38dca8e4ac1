/**
 * The escalation ladder: who is told, and when, once a task reaches its deadline still in the same
 * status. Each step names a recipient role and how many working days after the due date it fires
 * (step 0 usually at the deadline itself). The workflow runs the steps with durable timers and
 * records each one on the task; leaving the status ends the ladder.
 */
import { deadlineInstant } from './dates';
import { addWorkingDays, type WorkingCalendar } from './working-days';

/** Saturdays and Sundays off, no holidays: for policies that carry no calendar. */
export const WEEKENDS_ONLY: WorkingCalendar = { firstYear: 0, lastYear: 0, daysOff: [], workingWeekendDays: [] };

export const LADDER_RECIPIENTS = ['focal-point', 'ministry-leadership', 'home-affairs'] as const;
export type LadderRecipient = (typeof LADDER_RECIPIENTS)[number];

export interface LadderStep {
  recipient: LadderRecipient;
  /** Working days after the due date (0: at the deadline). */
  afterWorkingDays: number;
}

/** Focal point at the deadline, the ministry's leadership 5 working days later, Home Affairs after 10. */
export const DEFAULT_LADDER: LadderStep[] = [
  { recipient: 'focal-point', afterWorkingDays: 0 },
  { recipient: 'ministry-leadership', afterWorkingDays: 5 },
  { recipient: 'home-affairs', afterWorkingDays: 10 },
];

/** Parses "focal-point:0,ministry-leadership:5,home-affairs:10"; throws naming the bad part. */
export function parseLadder(text: string): LadderStep[] {
  const steps = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((part) => {
      const m = /^([a-z-]+):(\d{1,3})$/.exec(part);
      if (!m || !(LADDER_RECIPIENTS as readonly string[]).includes(m[1] ?? '')) {
        throw new Error(`"${part}" is not <${LADDER_RECIPIENTS.join('|')}>:<working days>`);
      }
      return { recipient: m[1] as LadderRecipient, afterWorkingDays: Number(m[2]) };
    });
  if (steps.length === 0) throw new Error('the ladder needs at least one step');
  for (let i = 1; i < steps.length; i++) {
    if ((steps[i]?.afterWorkingDays ?? 0) < (steps[i - 1]?.afterWorkingDays ?? 0))
      throw new Error('steps must be in order of working days');
  }
  return steps;
}

export interface LadderPoint extends LadderStep {
  /** Position in the ladder, from 0. */
  index: number;
  /** The day the step is due (YYYY-MM-DD) and the instant it fires: the end of that day, Viet Nam time. */
  date: string;
  at: number;
}

/** When each step of the ladder fires for a task due on `dueDate`. */
export function ladderSchedule(dueDate: string, steps: LadderStep[], calendar: WorkingCalendar): LadderPoint[] {
  return steps.map((step, index) => {
    const date = addWorkingDays(calendar, dueDate, step.afterWorkingDays);
    return { ...step, index, date, at: deadlineInstant(date) };
  });
}

/** The first step strictly after `afterMs`, or null when the ladder is done. */
export function nextLadderStep(
  dueDate: string,
  steps: LadderStep[],
  calendar: WorkingCalendar,
  afterMs: number,
): LadderPoint | null {
  return ladderSchedule(dueDate, steps, calendar).find((p) => p.at > afterMs) ?? null;
}

/**
 * The step due now: of the steps after `afterMs` whose time has come by `nowMs`, the last one (the
 * ladder is where it is now; the missed ones before it are not sent), or null when none has come.
 */
export function ladderStepDue(
  dueDate: string,
  steps: LadderStep[],
  calendar: WorkingCalendar,
  afterMs: number,
  nowMs: number,
): LadderPoint | null {
  const due = ladderSchedule(dueDate, steps, calendar).filter((p) => p.at > afterMs && p.at <= nowMs);
  return due[due.length - 1] ?? null;
}

/**
 * The ladder's cursor once the steps of `before` are re-planned on `after` (another calendar, and the
 * due date it may have moved). A step is known by its place in the ladder, not by its time: the cursor
 * lands just before the new time of the first step not yet reached (none sent twice when a sent step
 * moves later, none lost when the next moves earlier), or past every step when the ladder was done.
 */
export function replannedLadderCursor(
  steps: LadderStep[],
  before: { dueDate: string; calendar: WorkingCalendar },
  after: { dueDate: string; calendar: WorkingCalendar },
  cursor: number,
): number {
  const next = nextLadderStep(before.dueDate, steps, before.calendar, cursor);
  const schedule = ladderSchedule(after.dueDate, steps, after.calendar);
  const replanned = next ? schedule[next.index] : undefined;
  if (replanned) return replanned.at - 1;
  return Math.max(cursor, ...schedule.map((p) => p.at));
}

/**
 * A reporting round: Home Affairs asks every locality for its report by a due date, reminds the
 * ones that have not sent it (in working days before the due date), escalates at the due date and
 * closes, freezing who reported. Pure rules and types shared by the round workflow and the API.
 */
import { deadlineInstant, isCalendarDate } from './dates';
import type { Actor } from './task';
import type { WorkingDayCalendar } from './round-days';
import type { WorkingCalendar } from './working-days';

export const ROUND_KINDS = ['SEED', 'MONTHLY', 'EXTRA'] as const;
export type RoundKind = (typeof ROUND_KINDS)[number];
export const ROUND_STATUSES = ['OPEN', 'CLOSED'] as const;
/**
 * Who reports in a round: the 34 provinces (every round before issue 26, the default) or the 3,321
 * commune-level units, chased province by province.
 */
export const ROUND_LEVELS = ['province', 'commune'] as const;
export type RoundLevel = (typeof ROUND_LEVELS)[number];
export type RoundStatus = (typeof ROUND_STATUSES)[number];

export interface RoundPolicy {
  /** Reminders to localities that have not reported, this many working days before the due date. */
  reminderWorkingDaysBefore: number[];
  /** The round closes (and freezes who reported) this many working days after the due date; late reports count until then. */
  closeAfterWorkingDays: number;
  /** A scheduled round is due this many working days after it opens. */
  dueInWorkingDays: number;
  homeAffairsEmail: string;
  publicBaseUrl: string;
  /** Viet Nam's working days (holidays, swaps); absent: every day counts. */
  calendar?: WorkingCalendar;
}

export interface RoundState {
  id: string;
  kind: RoundKind;
  /** YYYY-MM-DD, Viet Nam date the round opened. */
  openedOn: string;
  dueDate: string;
  /** YYYY-MM-DD: the round closes at the end of this day unless closed early. */
  closesOn: string;
  status: RoundStatus;
  extensions: number;
  closedEarly: boolean;
  /** Keys of the reminder points already fired. */
  done: string[];
  /** Points at or before this instant (ms) are not sent: they were past when the round was (re)planned. */
  plannedFrom: number;
  policy: RoundPolicy;
}

export type RoundPointKind = 'REMINDER' | 'ESCALATION' | 'CLOSE';

export interface RoundPoint {
  kind: RoundPointKind;
  /** Instant (ms). */
  at: number;
  /** Working days before the due date (0 at it, negative after it). */
  offsetWorkingDays: number;
  dueDate: string;
  key: string;
}

/** Reminders go out at 08:00 Viet Nam time (01:00 UTC) on their day. */
const MORNING_UTC_MS = 1 * 60 * 60 * 1000;

export function morningOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) + MORNING_UTC_MS;
}

export function closesOnFor(dueDate: string, policy: RoundPolicy, calendar: WorkingDayCalendar): string {
  return calendar.addWorkingDays(dueDate, policy.closeAfterWorkingDays);
}

/** Every point of the round's timeline for its current due date, in the order they fire. */
export function roundPoints(
  round: Pick<RoundState, 'dueDate' | 'closesOn' | 'policy'>,
  calendar: WorkingDayCalendar,
): RoundPoint[] {
  const { dueDate } = round;
  const before = [...new Set(round.policy.reminderWorkingDaysBefore.filter((d) => d > 0))].sort((a, b) => b - a);
  const points: RoundPoint[] = before.map((n) => ({
    kind: 'REMINDER',
    at: morningOf(calendar.addWorkingDays(dueDate, -n)),
    offsetWorkingDays: n,
    dueDate,
    key: `REMINDER:${dueDate}:${n}`,
  }));
  points.push({
    kind: 'ESCALATION',
    at: deadlineInstant(dueDate),
    offsetWorkingDays: 0,
    dueDate,
    key: `ESCALATION:${dueDate}:0`,
  });
  points.push({
    kind: 'CLOSE',
    at: deadlineInstant(round.closesOn),
    offsetWorkingDays: -round.policy.closeAfterWorkingDays,
    dueDate,
    key: `CLOSE:${round.closesOn}`,
  });
  return points;
}

/** The next point to act on: not yet done and after the round was (re)planned. */
export function nextRoundPoint(round: RoundState, calendar: WorkingDayCalendar): RoundPoint | null {
  if (round.status === 'CLOSED') return null;
  return (
    roundPoints(round, calendar).find(
      (p) => !round.done.includes(p.key) && (p.kind === 'CLOSE' || p.at > round.plannedFrom),
    ) ?? null
  );
}

export function initialRoundState(
  input: { id: string; kind: RoundKind; dueDate: string; policy: RoundPolicy },
  nowMs: number,
  today: string,
  calendar: WorkingDayCalendar,
): RoundState {
  return {
    id: input.id,
    kind: input.kind,
    openedOn: today,
    dueDate: input.dueDate,
    closesOn: closesOnFor(input.dueDate, input.policy, calendar),
    status: 'OPEN',
    extensions: 0,
    closedEarly: false,
    done: [],
    plannedFrom: nowMs,
    policy: input.policy,
  };
}

// ---- Home Affairs' updates ----

export interface ExtendRoundInput {
  actor: Actor;
  /** YYYY-MM-DD, later than the current due date. */
  dueDate: string;
  reason: string;
}

export interface CloseRoundInput {
  actor: Actor;
  reason: string;
}

export interface RoundRefusal {
  code: 'FORBIDDEN' | 'ROUND_CLOSED' | 'INVALID_INPUT';
  field?: string;
  message: string;
}

function common(round: RoundState, actor: Actor, reason: unknown): RoundRefusal | null {
  if (actor.kind !== 'home-affairs')
    return { code: 'FORBIDDEN', message: 'Only Home Affairs extends or closes a reporting round.' };
  if (round.status === 'CLOSED') return { code: 'ROUND_CLOSED', message: `Round ${round.id} is already closed.` };
  if (typeof reason !== 'string' || reason.trim() === '')
    return { code: 'INVALID_INPUT', field: 'reason', message: 'reason is required' };
  if (reason.length > 2000)
    return { code: 'INVALID_INPUT', field: 'reason', message: 'reason must be at most 2000 characters' };
  return null;
}

export function checkExtendRound(round: RoundState, input: ExtendRoundInput, today: string): RoundRefusal | null {
  const refusal = common(round, input.actor, input.reason);
  if (refusal) return refusal;
  if (typeof input.dueDate !== 'string' || !isCalendarDate(input.dueDate))
    return { code: 'INVALID_INPUT', field: 'dueDate', message: 'dueDate must be a calendar date YYYY-MM-DD' };
  if (input.dueDate <= round.dueDate)
    return {
      code: 'INVALID_INPUT',
      field: 'dueDate',
      message: `dueDate must be after the current due date ${round.dueDate}`,
    };
  if (input.dueDate < today)
    return { code: 'INVALID_INPUT', field: 'dueDate', message: 'dueDate must not be in the past' };
  return null;
}

export function applyExtendRound(
  round: RoundState,
  input: ExtendRoundInput,
  nowMs: number,
  calendar: WorkingDayCalendar,
): RoundState {
  return {
    ...round,
    dueDate: input.dueDate,
    closesOn: closesOnFor(input.dueDate, round.policy, calendar),
    extensions: round.extensions + 1,
    plannedFrom: nowMs,
  };
}

export function checkCloseRound(round: RoundState, input: CloseRoundInput): RoundRefusal | null {
  return common(round, input.actor, input.reason);
}

/**
 * When a scheduled round fired on `scheduledOn` opens: that day if it is a working day, else 08:00 on
 * the next working day (the Schedule knows days of the month, not Viet Nam's days off). Its id names
 * the month it was scheduled for, so a month still has one round.
 */
export function scheduledRoundOpening(
  scheduledOn: string,
  calendar: WorkingDayCalendar,
): { id: string; openOn: string; opensAt: number | null } {
  const openOn = calendar.addWorkingDays(scheduledOn, 0);
  return { id: monthlyRoundId(scheduledOn), openOn, opensAt: openOn === scheduledOn ? null : morningOf(openOn) };
}

/** Id of a scheduled monthly round opened on `today` (one per month). */
export function monthlyRoundId(today: string): string {
  return `monthly-${today.slice(0, 7)}`;
}

export function roundWorkflowId(roundId: string): string {
  return `round-${roundId}`;
}

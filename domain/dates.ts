/**
 * Calendar dates are plain YYYY-MM-DD strings. Deadlines fall at the end of the due date in
 * Viet Nam (UTC+7, no daylight saving), i.e. 17:00 UTC on that date.
 */
export const DAY_MS = 24 * 60 * 60 * 1000;
const VN_OFFSET_MS = 7 * 60 * 60 * 1000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && Number(m[1]) >= 1900 && Number(m[1]) <= 2200;
}

/** The instant a task due on `date` becomes overdue: midnight at the end of that day, Viet Nam time. */
export function deadlineInstant(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) + DAY_MS - VN_OFFSET_MS;
}

/** Today's date in Viet Nam at instant `nowMs`. */
export function vietnamDate(nowMs: number): string {
  return new Date(nowMs + VN_OFFSET_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days past the deadline at `nowMs` (0 when not overdue or no due date). */
export function daysOverdue(dueDate: string | null, nowMs: number): number {
  if (!dueDate) return 0;
  const late = nowMs - deadlineInstant(dueDate);
  return late < 0 ? 0 : Math.floor(late / DAY_MS) + 1;
}

/**
 * Working-day arithmetic over a calendar given as data. Pure and deterministic: workflows use it
 * with the calendar their policy carries, so a replay sees the same days off as the first run.
 * Saturdays and Sundays are rest days unless the calendar lists them as working days (a swap);
 * a weekday is a working day unless the calendar lists it as a day off (a holiday, a substitute
 * day or the other half of a swap).
 */
import { addDays, isoWeekday } from './dates';

export interface WorkingCalendar {
  /** Years the lists cover; outside them only weekends are rest days. */
  firstYear: number;
  lastYear: number;
  /** Weekdays that are days off, YYYY-MM-DD, sorted. */
  daysOff: string[];
  /** Saturdays and Sundays that are working days (made up for a swapped day off), sorted. */
  workingWeekendDays: string[];
  /**
   * Identifies these lists (a hash the configuration computes): a running task told of a calendar
   * with the version it already has changes nothing. Absent in calendars carried before it existed.
   */
  version?: string;
}

interface CalendarIndex {
  off: Set<string>;
  work: Set<string>;
}

const indexes = new WeakMap<WorkingCalendar, CalendarIndex>();

function indexOf(calendar: WorkingCalendar): CalendarIndex {
  let index = indexes.get(calendar);
  if (!index) {
    index = { off: new Set(calendar.daysOff), work: new Set(calendar.workingWeekendDays) };
    indexes.set(calendar, index);
  }
  return index;
}

export function isWorkingDay(calendar: WorkingCalendar, date: string): boolean {
  const index = indexOf(calendar);
  if (isoWeekday(date) >= 6) return index.work.has(date);
  return !index.off.has(date);
}

/** `date` itself if it is a working day, else the first working day after it. */
export function nextWorkingDay(calendar: WorkingCalendar, date: string): string {
  let d = date;
  // Tết is the longest break (9 days with its weekends); 60 bounds a corrupt calendar.
  for (let i = 0; i < 60 && !isWorkingDay(calendar, d); i++) d = addDays(d, 1);
  return d;
}

/** The `n`-th working day after `date` (n ≥ 0; n = 0 gives `date` moved to a working day). */
export function addWorkingDays(calendar: WorkingCalendar, date: string, n: number): string {
  if (n <= 0) return nextWorkingDay(calendar, date);
  let d = date;
  for (let left = n; left > 0;) {
    d = addDays(d, 1);
    if (isWorkingDay(calendar, d)) left--;
  }
  return d;
}

/** The `n`-th working day before `date` (n ≥ 1). */
export function subtractWorkingDays(calendar: WorkingCalendar, date: string, n: number): string {
  let d = date;
  for (let left = n; left > 0;) {
    d = addDays(d, -1);
    if (isWorkingDay(calendar, d)) left--;
  }
  return d;
}

/** Working days in the interval (from, to]: 0 when `to` is not after `from`. */
export function workingDaysBetween(calendar: WorkingCalendar, from: string, to: string): number {
  let count = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(calendar, d)) count++;
  return count;
}

import { addDays } from './dates';
import { addWorkingDays, subtractWorkingDays, type WorkingCalendar } from './working-days';

/**
 * The one question a reporting round asks of a calendar: the date `n` working days after `date`
 * (before it when `n` is negative). Pure, so workflow code may use it.
 */
export interface WorkingDayCalendar {
  addWorkingDays(date: string, n: number): string;
}

/** Every day counts (rounds whose policy carries no calendar). */
export const CALENDAR_DAYS: WorkingDayCalendar = {
  addWorkingDays: (date, n) => addDays(date, n),
};

/** Viet Nam's working days, from the calendar the round's policy carries (domain/working-days.ts). */
export function workingDaysOf(calendar: WorkingCalendar): WorkingDayCalendar {
  return {
    addWorkingDays: (date, n) => (n >= 0 ? addWorkingDays(calendar, date, n) : subtractWorkingDays(calendar, date, -n)),
  };
}

/**
 * Viet Nam's working-day calendar, built once per process and handed to workflows as data
 * (`WorkingCalendar`), so workflow code never loads the holiday library.
 *
 * - Public holidays under the Labour Code (2019, art. 112): New Year (1/1), Tết (lunar, five days
 *   around the lunar new year), Hùng Kings' day (10th of the 3rd lunar month), 30/4 and 1/5,
 *   National Day 2/9 and the day next to it. The lunar dates come from `date-holidays` (its
 *   "public" holidays for VN), computed once for 2000 to 2100 into statutory-holidays.json by
 *   `npm run generate:holidays`: the library's astronomy (about 0.2 s of CPU at every process start,
 *   1.6 s in a jest file) is not run at start-up, and test/unit/working-days.test.ts checks the
 *   table against the library, year by year.
 * - A holiday that falls on a Saturday or Sunday gives a substitute day off on the next working
 *   day (art. 112(3)).
 * - The government's yearly decisions (which day next to 2/9, day swaps, a substitute day moved
 *   elsewhere) come from the operator's adjustments file, which wins over the rules above.
 */
import { addDays, isCalendarDate, isoWeekday } from './dates';
import table from './statutory-holidays.json';
import type { WorkingCalendar } from './working-days';

export const CALENDAR_ADJUSTMENT_KINDS = ['off', 'work', 'national-day-adjacent'] as const;
export type CalendarAdjustmentKind = (typeof CALENDAR_ADJUSTMENT_KINDS)[number];

export interface CalendarAdjustment {
  date: string;
  kind: CalendarAdjustmentKind;
  note: string;
  /** Line in the file it came from (1-based), for messages. */
  line: number;
}

export class CalendarFileError extends Error {}

/**
 * Plausible years for a calendar adjustment, and the years of the statutory-holiday table: the
 * tracker's own lifetime, with room either side.
 */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

/**
 * Parses the adjustments file: one `date,kind,note` per line (`#` comments and blank lines
 * skipped, an optional `date,kind,note` header). Any bad line throws, naming the file and line.
 */
export function parseCalendarAdjustments(text: string, fileName: string): CalendarAdjustment[] {
  const out: CalendarAdjustment[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || /^date\s*,\s*kind\b/i.test(trimmed)) return;
    const fail = (message: string): never => {
      throw new CalendarFileError(`${fileName} line ${line}: ${message}`);
    };
    const [dateField = '', kindField = '', ...rest] = trimmed.split(',');
    const date = dateField.trim();
    const kind = kindField.trim();
    if (!isCalendarDate(date)) fail(`"${date}" is not a date (YYYY-MM-DD)`);
    const year = Number(date.slice(0, 4));
    if (year < MIN_YEAR || year > MAX_YEAR) fail(`${date} is outside the years ${MIN_YEAR}–${MAX_YEAR}`);
    if (!(CALENDAR_ADJUSTMENT_KINDS as readonly string[]).includes(kind)) {
      fail(`kind "${kind}" is not one of ${CALENDAR_ADJUSTMENT_KINDS.join(', ')}`);
    }
    if (kind === 'national-day-adjacent' && !date.endsWith('-09-01') && !date.endsWith('-09-03')) {
      fail(`the day next to National Day is 1 or 3 September, not ${date}`);
    }
    const earlier = seen.get(date);
    if (earlier !== undefined) fail(`${date} is already given on line ${earlier}`);
    seen.set(date, line);
    out.push({ date, kind: kind as CalendarAdjustmentKind, note: rest.join(',').trim(), line });
  });
  return out;
}

/** Year → its days as [date, name] pairs. */
const TABLE: Record<string, string[][]> = table.years;

/** The Labour Code's public holidays of `year` (MIN_YEAR to MAX_YEAR), one entry per day, from the table. */
export function statutoryHolidays(year: number): { date: string; name: string }[] {
  const days = TABLE[String(year)];
  if (!days)
    throw new RangeError(
      `no statutory holidays for ${year}: domain/statutory-holidays.json covers ${MIN_YEAR} to ${MAX_YEAR}`,
    );
  return days.map(([date = '', name = '']) => ({ date, name }));
}

const isWeekend = (date: string) => isoWeekday(date) >= 6;

export function buildVietnamCalendar(opts: {
  firstYear: number;
  lastYear: number;
  adjustments: CalendarAdjustment[];
}): WorkingCalendar {
  const off = new Set<string>();
  for (let year = opts.firstYear; year <= opts.lastYear; year++) {
    const holidays = new Set(statutoryHolidays(year).map((h) => h.date));
    const adjacent = opts.adjustments.find((a) => a.kind === 'national-day-adjacent' && a.date.startsWith(`${year}-`));
    // Without the year's decision, the day before National Day (the most common choice).
    holidays.add(adjacent?.date ?? `${year}-09-01`);
    const substitutes = new Set<string>();
    for (const day of [...holidays].sort()) {
      if (!isWeekend(day)) continue;
      let d = addDays(day, 1);
      while (isWeekend(d) || holidays.has(d) || substitutes.has(d)) d = addDays(d, 1);
      substitutes.add(d);
    }
    for (const d of [...holidays, ...substitutes]) off.add(d);
  }
  const work = new Set<string>();
  for (const a of opts.adjustments) {
    if (a.kind === 'work') {
      off.delete(a.date);
      if (isWeekend(a.date)) work.add(a.date);
    } else if (a.kind === 'off') {
      off.add(a.date);
      work.delete(a.date);
    }
  }
  const inRange = (d: string) => Number(d.slice(0, 4)) >= opts.firstYear && Number(d.slice(0, 4)) <= opts.lastYear;
  return {
    firstYear: opts.firstYear,
    lastYear: opts.lastYear,
    daysOff: [...off].filter((d) => !isWeekend(d) && inRange(d)).sort(),
    workingWeekendDays: [...work].filter(inRange).sort(),
  };
}

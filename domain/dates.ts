/**
 * Calendar dates are plain YYYY-MM-DD strings. Deadlines fall at the end of the due date in
 * Viet Nam: the instant the next day starts in the time zone Asia/Ho_Chi_Minh, read from the tz
 * database that ships with the runtime (Intl), so a change of the zone's rules needs no code change.
 */
export const DAY_MS = 24 * 60 * 60 * 1000;
export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

// One formatter for the process (or the workflow sandbox): building one costs far more than using it.
const vietnamClock = new Intl.DateTimeFormat('en-CA', {
  timeZone: VIETNAM_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(atMs: number): WallClock {
  const out: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of vietnamClock.formatToParts(new Date(atMs))) {
    if (part.type in out) out[part.type as keyof WallClock] = Number(part.value);
  }
  return out;
}

/** Viet Nam's offset from UTC at `atMs`, in ms (the tz database's answer, +7 h since 1975). */
export function vietnamOffsetMs(atMs: number): number {
  const c = wallClock(atMs);
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - Math.floor(atMs / 1000) * 1000;
}

export function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return (
    !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && Number(m[1]) >= 1900 && Number(m[1]) <= 2200
  );
}

/**
 * The instants days start, by date: each costs two rounds of formatting, and the same few dates
 * (due dates, today, tomorrow) are asked about on every transition and every search-attribute check.
 * Bounded: emptied when full, so it stays small in a long-lived worker or API process.
 */
const midnights = new Map<string, number>();
const MIDNIGHTS_KEPT = 4096;

/** The instant `date` starts in Viet Nam. */
export function vietnamMidnight(date: string): number {
  const known = midnights.get(date);
  if (known !== undefined) return known;
  const wall = Date.parse(`${date}T00:00:00Z`);
  // Two rounds settle the offset even across a change of the zone's rules.
  const guess = wall - vietnamOffsetMs(wall);
  const instant = wall - vietnamOffsetMs(guess);
  if (midnights.size >= MIDNIGHTS_KEPT) midnights.clear();
  midnights.set(date, instant);
  return instant;
}

/** The instant a task due on `date` becomes overdue: midnight at the end of that day, Viet Nam time. */
export function deadlineInstant(date: string): number {
  return vietnamMidnight(addDays(date, 1));
}

/**
 * The last day asked about, with the instants it starts and ends: nearly every call asks about
 * today (each API request, each list page's cache key), and formatting costs microseconds a call.
 */
let lastDay: { date: string; fromMs: number; untilMs: number } | null = null;

/** Today's date in Viet Nam at instant `nowMs`. */
export function vietnamDate(nowMs: number): string {
  if (lastDay && nowMs >= lastDay.fromMs && nowMs < lastDay.untilMs) return lastDay.date;
  const c = wallClock(nowMs);
  const date = `${String(c.year).padStart(4, '0')}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
  lastDay = { date, fromMs: vietnamMidnight(date), untilMs: vietnamMidnight(addDays(date, 1)) };
  return date;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/** dd/mm/yyyy, the way dates are written in Vietnamese documents. */
export function vietnameseDate(date: string): string {
  return `${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
}

/** A dd/mm/yyyy date inside a text, as a RegExp source with one group (the way vietnameseDate writes it). */
export const VIETNAMESE_DATE_PATTERN = '(\\d{2}/\\d{2}/\\d{4})';

/** The calendar date (YYYY-MM-DD) a dd/mm/yyyy date names: vietnameseDate's inverse; null if it names none. */
export function parseVietnameseDate(s: string): string | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s.trim());
  if (!m) return null;
  const date = `${m[3]}-${m[2]}-${m[1]}`;
  return isCalendarDate(date) ? date : null;
}

/** Whole days past the deadline at `nowMs` (0 when not overdue or no due date). */
export function daysOverdue(dueDate: string | null, nowMs: number): number {
  if (!dueDate) return 0;
  const late = nowMs - deadlineInstant(dueDate);
  return late < 0 ? 0 : Math.floor(late / DAY_MS) + 1;
}

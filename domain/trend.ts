/**
 * Weekly trend: how many tasks stood in each status at the end of every week, overall and per lead
 * ministry, from the week the first event became true (the baseline's first assessed week; each
 * event's effective time, domain/as-of.ts `effectiveAt`) to the week holding `nowMs`. Weeks run Monday
 * to Sunday, Viet Nam time; the current week is measured at `nowMs`.
 */
import { addDays, vietnamDate, vietnamMidnight } from './dates';
import {
  applyRecordedEvent,
  isOverdue,
  onEffectiveTime,
  taskFromCreated,
  type RecordedEvent,
  type TaskAsOf,
} from './as-of';
import { toCsv } from './csv';
import { TASK_STATUSES, type TaskStatus } from './task';

export interface TrendPoint {
  /** Monday of the week, YYYY-MM-DD. */
  weekStart: string;
  /** The instant measured: the end of the week, or now for the current week (ISO). */
  asOf: string;
  total: number;
  byStatus: Record<TaskStatus, number>;
  open: number;
  overdue: number;
}

export interface Trend {
  overall: TrendPoint[];
  byMinistry: Record<string, TrendPoint[]>;
}

/** Monday (YYYY-MM-DD) of the Viet Nam week holding `ms`. */
export function weekStartOf(ms: number): string {
  const date = vietnamDate(ms);
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

/** The last instant of the week starting on `monday` (Sunday 23:59:59.999, Viet Nam time). */
function weekEnd(monday: string): number {
  return vietnamMidnight(addDays(monday, 7)) - 1;
}

function point(weekStart: string, asOfMs: number, tasks: Iterable<TaskAsOf>): TrendPoint {
  const byStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  let total = 0;
  let overdue = 0;
  for (const t of tasks) {
    total++;
    byStatus[t.status]++;
    if (isOverdue(t, asOfMs)) overdue++;
  }
  return { weekStart, asOf: new Date(asOfMs).toISOString(), total, byStatus, open: total - byStatus.FEASIBLE, overdue };
}

/** Folds the events once, in time order, taking a measure at each week's end. */
export function weeklyTrend(events: RecordedEvent[], nowMs: number, ministry?: string): Trend {
  const ordered = onEffectiveTime(events)
    .filter((e) => Date.parse(e.at) <= nowMs)
    .sort(
      (a, b) =>
        Date.parse(a.at) - Date.parse(b.at) ||
        (a.taskCode < b.taskCode ? -1 : a.taskCode > b.taskCode ? 1 : a.seq - b.seq),
    );
  const overall: TrendPoint[] = [];
  const byMinistry: Record<string, TrendPoint[]> = {};
  const first = ordered[0];
  if (!first) return { overall, byMinistry };

  const tasks = new Map<string, TaskAsOf>();
  const lastWeek = weekStartOf(nowMs);
  let i = 0;
  for (let week = weekStartOf(Date.parse(first.at)); week <= lastWeek; week = addDays(week, 7)) {
    const at = Math.min(weekEnd(week), nowMs);
    for (let e = ordered[i]; e && Date.parse(e.at) <= at; e = ordered[++i]) {
      const t = tasks.get(e.taskCode);
      if (e.kind === 'CREATED' || !t) {
        if (e.kind === 'CREATED') tasks.set(e.taskCode, taskFromCreated(e));
        continue;
      }
      tasks.set(e.taskCode, applyRecordedEvent(t, e));
    }
    const all = [...tasks.values()].filter((t) => !ministry || t.leadMinistry === ministry);
    overall.push(point(week, at, all));
    const groups = new Map<string, TaskAsOf[]>();
    for (const t of all) {
      let g = groups.get(t.leadMinistry);
      if (!g) groups.set(t.leadMinistry, (g = []));
      g.push(t);
    }
    for (const code of new Set([...Object.keys(byMinistry), ...groups.keys()])) {
      const series = (byMinistry[code] ??= []);
      // A ministry that appears later gets zero rows for the weeks before, so every series lines up.
      for (const earlier of overall.slice(series.length, -1))
        series.push(point(earlier.weekStart, Date.parse(earlier.asOf), []));
      series.push(point(week, at, groups.get(code) ?? []));
    }
  }
  return { overall, byMinistry };
}

const CSV_HEADER = ['weekStart', 'asOf', 'ministry', 'total', ...TASK_STATUSES, 'open', 'overdue'];

/** The trend as CSV: one row per week for all ministries ("*"), then one per week and ministry. */
export function trendCsv(trend: Trend): string {
  const row = (p: TrendPoint, ministry: string) => [
    p.weekStart,
    p.asOf,
    ministry,
    p.total,
    ...TASK_STATUSES.map((s) => p.byStatus[s]),
    p.open,
    p.overdue,
  ];
  const rows = trend.overall.map((p) => row(p, '*'));
  for (const code of Object.keys(trend.byMinistry).sort())
    for (const p of trend.byMinistry[code] ?? []) rows.push(row(p, code));
  return toCsv(CSV_HEADER, rows);
}

/**
 * The at-risk forecast: for each open task not yet overdue, how likely it is to miss its deadline
 * and when it is expected to be resolved, with the reasons. Overdue tasks are not forecast (they have
 * missed it): they are a list of their own, most overdue first (`overdueTasks`). Deliberately simple,
 * so every figure can be explained to the ministry concerned:
 *
 * - the pace: the day it entered its status + the lead ministry's median time to leave that status
 *   (from the tasks it already resolved; the overall median, or the default deadline span, when it has
 *   fewer than MIN_SAMPLES);
 * - each warning sign adds days to that date (time already spent beyond the median, notices ignored,
 *   obstacles reported by localities): the expected resolution;
 * - the probability of being late is a logistic curve of how far the expected resolution falls after
 *   the due date. So the figure and the reasons always agree: above 50 % exactly when the expected
 *   resolution is after the due date, and every reason names the days it adds.
 */
import { DAY_MS, daysOverdue, deadlineInstant, vietnamDate, vietnameseDate } from './dates';
import { isOverdue, type ResolvedSpell, type TaskAsOf } from './as-of';
import { reportCounts, type TaskStatus } from './task';
import { STATUS_RULES, isOpenStatus } from './statuses';

export const MIN_SAMPLES = 3;

/**
 * Days each warning sign adds to the expected resolution, and how steeply lateness turns into risk.
 * Tuned by hand on the simulated backtest; kept few and round.
 */
export const WEIGHTS = {
  /** Log-odds per 30 days the expected resolution falls after the due date (negative when before). */
  logOddsPer30DaysLate: 1.2,
  /** Days added per 30 days already spent in the status beyond the ministry's median. */
  daysPer30DaysBeyondMedian: 12.5,
  /** Days added per notice (reminder, escalation) received since the owners last acted. */
  daysPerNoticeIgnored: 9,
  /** Days added per locality reporting an obstacle. */
  daysPerObstacle: 6,
} as const;

export type ReasonCode =
  'ALREADY_OVERDUE' | 'EXPECTED_LATENESS' | 'TIME_IN_STATUS' | 'NOTICES_IGNORED' | 'LOCALITY_OBSTACLES';

export interface Reason {
  code: ReasonCode;
  /** Contribution to the log-odds (positive raises the risk); null when decisive on its own. */
  weight: number | null;
  en: string;
  vi: string;
}

export interface Forecast {
  code: string;
  /** In Vietnamese: as the audit log holds it here; app/insight.ts names the task from its row (one record). */
  title: string;
  /** Both languages, from the task row (app/insight.ts). */
  titles?: { vi: string; en: string | null };
  leadMinistry: string;
  status: TaskStatus;
  dueDate: string | null;
  /** Probability (0..1) that the task leaves its status after its deadline. */
  probabilityLate: number;
  risk: 'high' | 'medium' | 'low';
  /** YYYY-MM-DD the task is expected to leave its status. */
  expectedResolution: string;
  daysInStatus: number;
  /** The median days this ministry (or all, see basis) took to leave this status. */
  typicalDays: number;
  typicalBasis: 'ministry' | 'all ministries' | 'default deadline';
  reasons: Reason[];
}

/**
 * Durations in each status, by ministry and overall: the stays that ended (resolved) and the ones
 * still running (censored: they have lasted at least this long). Counting the running ones matters:
 * early on, only the fastest tasks have been resolved, and their median alone would flatter.
 */
export interface Stays {
  resolved: number[];
  running: number[];
}
export interface TypicalDurations {
  byMinistry: Map<string, Map<TaskStatus, Stays>>;
  overall: Map<TaskStatus, Stays>;
}

function staysOf(map: Map<TaskStatus, Stays>, status: TaskStatus): Stays {
  let s = map.get(status);
  if (!s) map.set(status, (s = { resolved: [], running: [] }));
  return s;
}

export function typicalDurations(spells: ResolvedSpell[], open: Iterable<TaskAsOf> = [], asOfMs = 0): TypicalDurations {
  const byMinistry = new Map<string, Map<TaskStatus, Stays>>();
  const overall = new Map<TaskStatus, Stays>();
  const add = (ministry: string, status: TaskStatus, days: number, resolved: boolean) => {
    let m = byMinistry.get(ministry);
    if (!m) byMinistry.set(ministry, (m = new Map()));
    for (const stays of [staysOf(m, status), staysOf(overall, status)])
      (resolved ? stays.resolved : stays.running).push(days);
  };
  for (const s of spells)
    if (isOpenStatus(s.status)) add(s.ministry, s.status, (s.leftAt - s.enteredAt) / DAY_MS, true);
  for (const t of open)
    if (isOpenStatus(t.status)) add(t.leadMinistry, t.status, (asOfMs - Date.parse(t.statusSince)) / DAY_MS, false);
  return { byMinistry, overall };
}

/**
 * The median stay (Kaplan-Meier: the first duration by which half the stays, running ones
 * included, have ended), or null when fewer than half have ended so far.
 */
export function medianStay(stays: Stays): number | null {
  const points = [
    ...stays.resolved.map((d) => ({ d, ended: true })),
    ...stays.running.map((d) => ({ d, ended: false })),
  ].sort((a, b) => a.d - b.d || (a.ended === b.ended ? 0 : a.ended ? -1 : 1));
  let atRisk = points.length;
  let surviving = 1;
  for (const p of points) {
    if (p.ended) {
      surviving *= 1 - 1 / atRisk;
      if (surviving <= 0.5) return p.d;
    }
    atRisk--;
  }
  return null;
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const fmt = (n: number) => round(n).toString();

const logOdds = (days: number) => (WEIGHTS.logOddsPer30DaysLate * days) / 30;

/** The forecast of an open task not yet overdue; null for a FEASIBLE or an overdue task. */
export function forecastTask(t: TaskAsOf, typical: TypicalDurations, asOfMs: number): Forecast | null {
  if (!isOpenStatus(t.status) || isOverdue(t, asOfMs)) return null;
  const sinceMs = Date.parse(t.statusSince);
  const daysInStatus = Math.max(0, (asOfMs - sinceMs) / DAY_MS);
  const usable = (stays: Stays | undefined) =>
    stays && stays.resolved.length >= MIN_SAMPLES ? medianStay(stays) : null;
  const mine = usable(typical.byMinistry.get(t.leadMinistry)?.get(t.status));
  const all = usable(typical.overall.get(t.status));
  const [typicalDays, typicalBasis]: [number, Forecast['typicalBasis']] =
    mine !== null
      ? [mine, 'ministry']
      : all !== null
        ? [all, 'all ministries']
        : [STATUS_RULES[t.status].due.days, 'default deadline'];
  // At the pace of the median; a task already past it is not expected before today.
  const paceMs = Math.max(sinceMs + typicalDays * DAY_MS, asOfMs);
  const whose =
    typicalBasis === 'ministry'
      ? `${t.leadMinistry}'s`
      : typicalBasis === 'all ministries'
        ? 'the all-ministry'
        : 'the default';
  const whoseVi =
    typicalBasis === 'ministry'
      ? `của ${t.leadMinistry}`
      : typicalBasis === 'all ministries'
        ? 'chung của các bộ'
        : 'mặc định';

  // Each warning sign: the days it adds to the expected resolution.
  const signs: { code: ReasonCode; days: number; en: string; vi: string }[] = [];
  if (daysInStatus > typicalDays) {
    const beyond = daysInStatus - typicalDays;
    const days = (WEIGHTS.daysPer30DaysBeyondMedian * beyond) / 30;
    signs.push({
      code: 'TIME_IN_STATUS',
      days,
      en: `${fmt(daysInStatus)} days in ${t.status}, ${fmt(beyond)} more than ${whose} median: about ${fmt(days)} day(s) later`,
      vi: `đã ${fmt(daysInStatus)} ngày ở trạng thái hiện tại, hơn trung vị ${whoseVi} ${fmt(beyond)} ngày: chậm thêm khoảng ${fmt(days)} ngày`,
    });
  }
  if (t.noticesSinceAction > 0) {
    const days = WEIGHTS.daysPerNoticeIgnored * t.noticesSinceAction;
    signs.push({
      code: 'NOTICES_IGNORED',
      days,
      en: `${t.noticesSinceAction} reminder(s) or escalation(s) with no milestone or transition since: about ${fmt(days)} day(s) later`,
      vi: `${t.noticesSinceAction} lần nhắc/cảnh báo chưa có tiến độ hay chuyển trạng thái nào sau đó: chậm thêm khoảng ${fmt(days)} ngày`,
    });
  }
  const { obstacle } = reportCounts(t);
  if (obstacle > 0) {
    const days = WEIGHTS.daysPerObstacle * obstacle;
    signs.push({
      code: 'LOCALITY_OBSTACLES',
      days,
      en: `${obstacle} localit${obstacle === 1 ? 'y reports' : 'ies report'} obstacles: about ${fmt(days)} day(s) later`,
      vi: `${obstacle} địa phương báo cáo vướng mắc: chậm thêm khoảng ${fmt(days)} ngày`,
    });
  }
  const addedDays = signs.reduce((sum, x) => sum + x.days, 0);
  const expectedMs = paceMs + addedDays * DAY_MS;
  const expectedResolution = vietnamDate(expectedMs);
  const base = {
    code: t.code,
    title: t.title,
    leadMinistry: t.leadMinistry,
    status: t.status,
    dueDate: t.dueDate,
    expectedResolution,
    daysInStatus: round(daysInStatus, 1),
    typicalDays: round(typicalDays, 1),
    typicalBasis,
  };
  const reasons: Reason[] = [];
  let z: number;
  if (t.dueDate) {
    const deadline = deadlineInstant(t.dueDate);
    // Whole Viet Nam days between the expected day and the due date, as a person counts them.
    const latenessDays = Math.round((deadlineInstant(expectedResolution) - deadline) / DAY_MS);
    const paceDays = (paceMs - deadline) / DAY_MS;
    z = logOdds(latenessDays);
    const pace = `at ${whose} pace (median ${fmt(typicalDays)} days)`;
    const paceVi = `theo tiến độ ${whoseVi} (trung vị ${fmt(typicalDays)} ngày)`;
    // Dates as people read them (dd/mm/yyyy), on the pages and in the weekly digest alike.
    const expectedOn = vietnameseDate(expectedResolution);
    const dueOn = vietnameseDate(t.dueDate);
    reasons.push({
      code: 'EXPECTED_LATENESS',
      weight: round(logOdds(paceDays), 2),
      en:
        latenessDays > 0
          ? `expected resolution ${expectedOn} is ${fmt(latenessDays)} day(s) after the due date ${dueOn} (${pace}${addedDays > 0 ? `, plus ${fmt(addedDays)} day(s) for the signs below` : ''})`
          : latenessDays < 0
            ? `expected resolution ${expectedOn} is ${fmt(-latenessDays)} day(s) before the due date ${dueOn} (${pace}${addedDays > 0 ? `, plus ${fmt(addedDays)} day(s) for the signs below` : ''})`
            : `expected resolution ${expectedOn} is the due date itself (${pace}${addedDays > 0 ? `, plus ${fmt(addedDays)} day(s) for the signs below` : ''})`,
      vi:
        latenessDays > 0
          ? `dự kiến giải quyết ngày ${expectedOn}, chậm ${fmt(latenessDays)} ngày so với hạn ${dueOn} (${paceVi}${addedDays > 0 ? `, cộng ${fmt(addedDays)} ngày do các dấu hiệu dưới đây` : ''})`
          : latenessDays < 0
            ? `dự kiến giải quyết ngày ${expectedOn}, sớm ${fmt(-latenessDays)} ngày so với hạn ${dueOn} (${paceVi}${addedDays > 0 ? `, cộng ${fmt(addedDays)} ngày do các dấu hiệu dưới đây` : ''})`
            : `dự kiến giải quyết đúng ngày hạn ${dueOn} (${paceVi}${addedDays > 0 ? `, cộng ${fmt(addedDays)} ngày do các dấu hiệu dưới đây` : ''})`,
    });
  } else {
    // No due date: nothing to be late against but the signs themselves.
    z = logOdds(addedDays) - 2;
  }
  for (const x of signs.sort((a, b) => b.days - a.days))
    reasons.push({ code: x.code, weight: round(logOdds(x.days), 2), en: x.en, vi: x.vi });
  const probabilityLate = round(1 / (1 + Math.exp(-z)), 3);
  return {
    ...base,
    probabilityLate,
    risk: probabilityLate >= 0.6 ? 'high' : probabilityLate >= 0.3 ? 'medium' : 'low',
    reasons,
  };
}

/** An overdue task: it has missed its deadline, by this many days. */
export interface OverdueTask {
  code: string;
  /** In Vietnamese: as the audit log holds it here; app/insight.ts names the task from its row (one record). */
  title: string;
  /** Both languages, from the task row (app/insight.ts). */
  titles?: { vi: string; en: string | null };
  leadMinistry: string;
  status: TaskStatus;
  dueDate: string;
  daysOverdue: number;
}

/** Every overdue open task, most overdue first (then by code). */
export function overdueTasks(tasks: Iterable<TaskAsOf>, asOfMs: number): OverdueTask[] {
  const out: OverdueTask[] = [];
  for (const t of tasks) {
    if (!isOverdue(t, asOfMs) || t.dueDate === null) continue;
    out.push({
      code: t.code,
      title: t.title,
      leadMinistry: t.leadMinistry,
      status: t.status,
      dueDate: t.dueDate,
      daysOverdue: daysOverdue(t.dueDate, asOfMs),
    });
  }
  return out.sort((a, b) => b.daysOverdue - a.daysOverdue || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** The forecast of every open task not yet overdue, riskiest first (the overdue ones: `overdueTasks`). */
export function forecastAll(tasks: Iterable<TaskAsOf>, spells: ResolvedSpell[], asOfMs: number): Forecast[] {
  const all = [...tasks];
  const typical = typicalDurations(
    spells.filter((s) => s.leftAt <= asOfMs),
    all,
    asOfMs,
  );
  const out: Forecast[] = [];
  for (const t of all) {
    const f = forecastTask(t, typical, asOfMs);
    if (f) out.push(f);
  }
  return out.sort((a, b) => b.probabilityLate - a.probabilityLate || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/**
 * The at-risk forecast: for each open task, how likely it is to miss its deadline and when it is
 * expected to be resolved, with the reasons. Deliberately simple, so every figure can be explained
 * to the ministry concerned:
 *
 * - expected resolution = the day it entered its status + the lead ministry's median time to leave
 *   that status (from the tasks it already resolved; the overall median, or the default deadline
 *   span, when it has fewer than MIN_SAMPLES);
 * - a score adds up named contributions (expected lateness, time already spent beyond the median,
 *   notices ignored, obstacles reported by localities) and a logistic curve turns it into a
 *   probability. A task already overdue has missed its deadline: probability 1.
 */
import { DAY_MS, deadlineInstant, vietnamDate } from './dates';
import { isOverdue, reportCountsAsOf, type ResolvedSpell, type TaskAsOf } from './as-of';
import type { TaskStatus } from './task';

export const MIN_SAMPLES = 3;

/** Weights of the score (log-odds). Tuned by hand on the simulated backtest; kept few and round. */
export const WEIGHTS = {
  bias: 0,
  /** Per 30 days the expected resolution falls after the due date (negative when before). */
  expectedLatenessPer30Days: 1.2,
  /** Per 30 days already spent in the status beyond the ministry's median. */
  beyondMedianPer30Days: 0.5,
  /** Per notice (reminder, escalation) received since the owners last acted. */
  noticeIgnored: 0.35,
  /** Per locality reporting an obstacle. */
  obstacle: 0.25,
} as const;

export type ReasonCode = 'ALREADY_OVERDUE' | 'EXPECTED_LATENESS' | 'TIME_IN_STATUS' | 'NOTICES_IGNORED' | 'LOCALITY_OBSTACLES';

export interface Reason {
  code: ReasonCode;
  /** Contribution to the log-odds (positive raises the risk); null when decisive on its own. */
  weight: number | null;
  en: string;
  vi: string;
}

export interface Forecast {
  code: string;
  /** In Vietnamese, as the audit log holds it. */
  title: string;
  /** Both languages; the English rendering is the catalog's, added where the read model is at hand (app/insight.ts). */
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
    for (const stays of [staysOf(m, status), staysOf(overall, status)]) (resolved ? stays.resolved : stays.running).push(days);
  };
  for (const s of spells) if (s.status !== 'FEASIBLE') add(s.ministry, s.status, (s.leftAt - s.enteredAt) / DAY_MS, true);
  for (const t of open) if (t.status !== 'FEASIBLE') add(t.leadMinistry, t.status, (asOfMs - Date.parse(t.statusSince)) / DAY_MS, false);
  return { byMinistry, overall };
}

/**
 * The median stay (Kaplan-Meier: the first duration by which half the stays, running ones
 * included, have ended), or null when fewer than half have ended so far.
 */
export function medianStay(stays: Stays): number | null {
  const points = [...stays.resolved.map((d) => ({ d, ended: true })), ...stays.running.map((d) => ({ d, ended: false }))].sort(
    (a, b) => a.d - b.d || (a.ended === b.ended ? 0 : a.ended ? -1 : 1),
  );
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

const DEFAULT_SPAN_DAYS: Record<Exclude<TaskStatus, 'FEASIBLE'>, number> = { REQUIRES_GUIDANCE: 90, AUTHORITY_ADJUSTMENT: 180 };
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const fmt = (n: number) => round(n).toString();

export function forecastTask(t: TaskAsOf, typical: TypicalDurations, asOfMs: number): Forecast | null {
  if (t.status === 'FEASIBLE') return null;
  const sinceMs = Date.parse(t.statusSince);
  const daysInStatus = Math.max(0, (asOfMs - sinceMs) / DAY_MS);
  const usable = (stays: Stays | undefined) => (stays && stays.resolved.length >= MIN_SAMPLES ? medianStay(stays) : null);
  const mine = usable(typical.byMinistry.get(t.leadMinistry)?.get(t.status));
  const all = usable(typical.overall.get(t.status));
  const [typicalDays, typicalBasis]: [number, Forecast['typicalBasis']] =
    mine !== null ? [mine, 'ministry'] : all !== null ? [all, 'all ministries'] : [DEFAULT_SPAN_DAYS[t.status], 'default deadline'];
  // Past its median the task is expected to take, from now, as long again as the median's tail:
  // a quarter of the median, and never less than a week.
  const expectedMs = daysInStatus <= typicalDays ? sinceMs + typicalDays * DAY_MS : asOfMs + Math.max(7, typicalDays / 4) * DAY_MS;
  const expectedResolution = vietnamDate(expectedMs);
  const { obstacle } = reportCountsAsOf(t);
  const reasons: Reason[] = [];
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
  const whose = typicalBasis === 'ministry' ? `${t.leadMinistry}'s` : typicalBasis === 'all ministries' ? 'the all-ministry' : 'the default';
  const whoseVi = typicalBasis === 'ministry' ? `của ${t.leadMinistry}` : typicalBasis === 'all ministries' ? 'chung của các bộ' : 'mặc định';

  if (isOverdue(t, asOfMs)) {
    const late = Math.floor((asOfMs - deadlineInstant(t.dueDate as string)) / DAY_MS) + 1;
    reasons.push({ code: 'ALREADY_OVERDUE', weight: null, en: `already ${late} day(s) past its due date ${t.dueDate}`, vi: `đã quá hạn ${late} ngày (hạn ${t.dueDate})` });
    return { ...base, probabilityLate: 1, risk: 'high', reasons };
  }

  let z = WEIGHTS.bias;
  if (t.dueDate) {
    const latenessDays = (expectedMs - deadlineInstant(t.dueDate)) / DAY_MS;
    const w = (WEIGHTS.expectedLatenessPer30Days * latenessDays) / 30;
    z += w;
    reasons.push({
      code: 'EXPECTED_LATENESS',
      weight: round(w, 2),
      en:
        latenessDays > 0
          ? `expected resolution ${expectedResolution} is ${fmt(latenessDays)} day(s) after the due date ${t.dueDate} (${whose} median is ${fmt(typicalDays)} days)`
          : `expected resolution ${expectedResolution} is ${fmt(-latenessDays)} day(s) before the due date ${t.dueDate} (${whose} median is ${fmt(typicalDays)} days)`,
      vi:
        latenessDays > 0
          ? `dự kiến giải quyết ngày ${expectedResolution}, chậm ${fmt(latenessDays)} ngày so với hạn ${t.dueDate} (trung vị ${whoseVi}: ${fmt(typicalDays)} ngày)`
          : `dự kiến giải quyết ngày ${expectedResolution}, sớm ${fmt(-latenessDays)} ngày so với hạn ${t.dueDate} (trung vị ${whoseVi}: ${fmt(typicalDays)} ngày)`,
    });
  }
  if (daysInStatus > typicalDays) {
    const beyond = daysInStatus - typicalDays;
    const w = (WEIGHTS.beyondMedianPer30Days * beyond) / 30;
    z += w;
    reasons.push({
      code: 'TIME_IN_STATUS',
      weight: round(w, 2),
      en: `${fmt(daysInStatus)} days in ${t.status}, ${fmt(beyond)} more than ${whose} median`,
      vi: `đã ${fmt(daysInStatus)} ngày ở trạng thái hiện tại, hơn trung vị ${whoseVi} ${fmt(beyond)} ngày`,
    });
  }
  if (t.noticesSinceAction > 0) {
    const w = WEIGHTS.noticeIgnored * t.noticesSinceAction;
    z += w;
    reasons.push({
      code: 'NOTICES_IGNORED',
      weight: round(w, 2),
      en: `${t.noticesSinceAction} reminder(s) or escalation(s) with no milestone or transition since`,
      vi: `${t.noticesSinceAction} lần nhắc/cảnh báo chưa có tiến độ hay chuyển trạng thái nào sau đó`,
    });
  }
  if (obstacle > 0) {
    const w = WEIGHTS.obstacle * obstacle;
    z += w;
    reasons.push({
      code: 'LOCALITY_OBSTACLES',
      weight: round(w, 2),
      en: `${obstacle} localit${obstacle === 1 ? 'y reports' : 'ies report'} obstacles`,
      vi: `${obstacle} địa phương báo cáo vướng mắc`,
    });
  }
  const probabilityLate = round(1 / (1 + Math.exp(-z)), 3);
  reasons.sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0));
  return { ...base, probabilityLate, risk: probabilityLate >= 0.6 ? 'high' : probabilityLate >= 0.3 ? 'medium' : 'low', reasons };
}

/** Every open task's forecast, riskiest first. */
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

/**
 * Backtest of the at-risk forecast: forecast from the log as it stood at a cutoff, then look at what
 * the log says happened next. Scored on the tasks that were open, not yet overdue, and whose due
 * date (as known at the cutoff) had passed by the end of the log, so each outcome is known. Beside
 * the Brier score: the share of actually-late tasks among the forecast's top 20 (what the dashboard
 * lists), against the naive rule a person would use without it (nearest due date first).
 */
import { deadlineInstant } from './dates';
import { replayAsOf, type RecordedEvent } from './as-of';
import { forecastAll } from './at-risk';

export interface BacktestResult {
  cutoff: string;
  end: string;
  /** Tasks scored. */
  scored: number;
  /** Share of them that did miss their deadline. */
  baseRate: number;
  /** Share predicted right at probability 0.5. */
  accuracy: number;
  precision: number;
  recall: number;
  /** Mean squared error of the probabilities (0 is perfect; 0.25 is a coin). */
  brier: number;
  /** Accuracy of always predicting the more common outcome, for comparison. */
  majorityAccuracy: number;
  /** Brier score of always forecasting the base rate (what a forecast must beat to say anything). */
  baseRateBrier: number;
  /** Share of the forecast's top TOP_N (riskiest first) that did miss their deadline. */
  topLateShare: number;
  /** The same share for the naive rule: nearest due date first. */
  naiveTopLateShare: number;
  /** How many were in each top list (TOP_N, or fewer when fewer were scored). */
  topN: number;
}

/** The at-risk list shows this many. */
export const TOP_N = 20;

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export function backtest(events: RecordedEvent[], cutoffMs: number, endMs: number): BacktestResult {
  const atCutoff = replayAsOf(events, cutoffMs);
  const atEnd = replayAsOf(events, endMs);
  const forecasts = forecastAll(atCutoff.tasks.values(), atCutoff.spells, cutoffMs);
  let scored = 0;
  let missed = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let correct = 0;
  let squared = 0;
  const ranked: { code: string; p: number; due: number; late: boolean }[] = [];
  for (const f of forecasts) {
    const t = atCutoff.tasks.get(f.code);
    if (!t || !f.dueDate) continue;
    const deadline = deadlineInstant(f.dueDate);
    if (deadline > endMs) continue;
    const since = Date.parse(t.statusSince);
    const resolvedInTime = atEnd.spells.some(
      (s) => s.taskCode === f.code && s.enteredAt === since && s.leftAt <= deadline,
    );
    const late = !resolvedInTime;
    const predicted = f.probabilityLate >= 0.5;
    scored++;
    if (late) missed++;
    if (predicted === late) correct++;
    if (predicted && late) tp++;
    if (predicted && !late) fp++;
    if (!predicted && late) fn++;
    squared += (f.probabilityLate - (late ? 1 : 0)) ** 2;
    ranked.push({ code: f.code, p: f.probabilityLate, due: deadline, late });
  }
  const baseRate = scored === 0 ? 0 : missed / scored;
  const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  const lateShare = (list: typeof ranked) => {
    const top = list.slice(0, TOP_N);
    return top.length === 0 ? 0 : top.filter((r) => r.late).length / top.length;
  };
  const topLateShare = lateShare([...ranked].sort((a, b) => b.p - a.p || byCode(a, b)));
  const naiveTopLateShare = lateShare([...ranked].sort((a, b) => a.due - b.due || byCode(a, b)));
  const baseRateBrier = ranked.reduce((sum, r) => sum + (baseRate - (r.late ? 1 : 0)) ** 2, 0);
  return {
    cutoff: new Date(cutoffMs).toISOString(),
    end: new Date(endMs).toISOString(),
    scored,
    baseRate: round3(baseRate),
    accuracy: round3(scored === 0 ? 0 : correct / scored),
    precision: round3(tp + fp === 0 ? 0 : tp / (tp + fp)),
    recall: round3(tp + fn === 0 ? 0 : tp / (tp + fn)),
    brier: round3(scored === 0 ? 0 : squared / scored),
    majorityAccuracy: round3(Math.max(baseRate, 1 - baseRate)),
    baseRateBrier: round3(scored === 0 ? 0 : baseRateBrier / scored),
    topLateShare: round3(topLateShare),
    naiveTopLateShare: round3(naiveTopLateShare),
    topN: Math.min(TOP_N, scored),
  };
}

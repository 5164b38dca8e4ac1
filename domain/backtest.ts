/**
 * Backtest of the at-risk forecast: forecast from the log as it stood at a cutoff, then look at what
 * the log says happened next. Scored on the tasks that were open, not yet overdue, and whose due
 * date (as known at the cutoff) had passed by the end of the log, so each outcome is known.
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
}

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
  for (const f of forecasts) {
    const t = atCutoff.tasks.get(f.code);
    if (!t || !f.dueDate || f.probabilityLate === 1) continue;
    const deadline = deadlineInstant(f.dueDate);
    if (deadline > endMs) continue;
    const since = Date.parse(t.statusSince);
    const resolvedInTime = atEnd.spells.some((s) => s.taskCode === f.code && s.enteredAt === since && s.leftAt <= deadline);
    const late = !resolvedInTime;
    const predicted = f.probabilityLate >= 0.5;
    scored++;
    if (late) missed++;
    if (predicted === late) correct++;
    if (predicted && late) tp++;
    if (predicted && !late) fp++;
    if (!predicted && late) fn++;
    squared += (f.probabilityLate - (late ? 1 : 0)) ** 2;
  }
  const baseRate = scored === 0 ? 0 : missed / scored;
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
  };
}

/**
 * Insight for Home Affairs, from the audit log: any figure as of a past instant, the weekly trend
 * and the at-risk forecast. The events are loaded here; what they mean is decided in domain/.
 */
import type { Db } from '../db/client';
import { recordedEvents } from '../db/audit-events';
import { listLocalities, listMinistries } from '../db/reference-data';
import { bottlenecksAsOf, listAsOf, replayAsOf, summaryAsOf, taskView, type TaskFilter } from '../domain/as-of';
import { forecastAll, type Forecast } from '../domain/at-risk';
import { weeklyTrend, type Trend } from '../domain/trend';

export async function summaryAt(db: Db, asOfMs: number) {
  const [events, ministries, localities] = await Promise.all([recordedEvents(db, asOfMs, { withNotices: false }), listMinistries(db), listLocalities(db)]);
  const { tasks } = replayAsOf(events, asOfMs);
  return summaryAsOf(
    tasks.values(),
    ministries,
    localities.map((l) => ({ code: l.code, reportedAt: l.reportedAt ? l.reportedAt.toISOString().slice(0, 10) : null })),
    asOfMs,
  );
}

export async function bottlenecksAt(db: Db, asOfMs: number) {
  const { tasks } = replayAsOf(await recordedEvents(db, asOfMs, { withNotices: false }), asOfMs);
  return bottlenecksAsOf(tasks.values(), asOfMs);
}

export async function taskListAt(db: Db, filter: TaskFilter, asOfMs: number) {
  const { tasks } = replayAsOf(await recordedEvents(db, asOfMs, { withNotices: false }), asOfMs);
  return listAsOf(tasks.values(), filter, asOfMs);
}

/** One task as it stood, or null when it did not exist yet. */
export async function taskAt(db: Db, code: string, asOfMs: number) {
  const t = replayAsOf(await recordedEvents(db, asOfMs, { taskCode: code, withNotices: false }), asOfMs).tasks.get(code);
  return t ? taskView(t, asOfMs) : null;
}

export async function trend(db: Db, nowMs: number, ministry?: string): Promise<Trend> {
  return weeklyTrend(await recordedEvents(db, nowMs, { withNotices: false }), nowMs, ministry);
}

export async function atRisk(db: Db, asOfMs: number): Promise<Forecast[]> {
  const { tasks, spells } = replayAsOf(await recordedEvents(db, asOfMs), asOfMs);
  return forecastAll(tasks.values(), spells, asOfMs);
}

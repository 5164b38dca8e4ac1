import type { Db } from './client';
import { taskQuery, type ApiTask } from './tasks';

/**
 * Reads the pages need beyond the API's list and dashboards: a ministry's worklist, a locality's
 * reports, a task's documents and reminders. Occasional reads of a few rows (Prisma model API),
 * except the worklist, which is a task list rendered to JSON like the API's.
 */

/** Tasks a ministry leads or coordinates, soonest due first (open tasks before feasible ones). */
export async function ministryWorklist(db: Db, ministry: string, nowMs = Date.now()): Promise<ApiTask[]> {
  return taskQuery(
    db,
    {
      where: 'WHERE t.lead_ministry_code = $2 OR $2 = ANY (t.coordinating_ministries)',
      orderBy: `t.due_date ASC NULLS LAST, t.code ASC`,
      limit: 2000,
    },
    [nowMs, ministry],
  );
}

export interface LocalityReportRow {
  taskCode: string;
  locality: string;
  kind: string;
  description: string;
  at: string;
}

/** Each locality's latest report on a task. */
export async function latestReportsOnTask(db: Db, taskCode: string): Promise<LocalityReportRow[]> {
  const rows = await db.prisma.localityReport.findMany({ where: { taskCode }, orderBy: { seq: 'desc' } });
  const seen = new Set<string>();
  const out: LocalityReportRow[] = [];
  for (const r of rows) {
    if (seen.has(r.localityCode)) continue;
    seen.add(r.localityCode);
    out.push({ taskCode: r.taskCode, locality: r.localityCode, kind: r.kind, description: r.description, at: r.at.toISOString() });
  }
  return out.sort((a, b) => a.locality.localeCompare(b.locality));
}

/** The most recent obstacle reports of every locality (the dashboard's list). */
export async function recentObstacleReports(db: Db, limit = 20): Promise<LocalityReportRow[]> {
  const rows = await db.prisma.localityReport.findMany({ where: { kind: 'OBSTACLE' }, orderBy: { at: 'desc' }, take: limit });
  return rows.map((r) => ({ taskCode: r.taskCode, locality: r.localityCode, kind: r.kind, description: r.description, at: r.at.toISOString() }));
}

/** Localities with whether they have reported (the assessment, or any report since). */
export async function localitiesReporting(db: Db): Promise<{ code: string; reported: boolean }[]> {
  const [localities, reporters] = await Promise.all([
    db.prisma.locality.findMany({ orderBy: { code: 'asc' }, select: { code: true, reportedAt: true } }),
    db.prisma.localityReport.findMany({ distinct: ['localityCode'], select: { localityCode: true } }),
  ]);
  const reported = new Set(reporters.map((r) => r.localityCode));
  return localities.map((l) => ({ code: l.code, reported: l.reportedAt !== null || reported.has(l.code) }));
}

export interface ReminderRow {
  kind: string;
  dueDate: string | null;
  offsetDays: number;
  status: string;
  sentAt: string | null;
}

/** The reminders, escalations and overdue notices of a task (the outbox rows), newest first. */
export async function remindersOfTask(db: Db, taskCode: string): Promise<ReminderRow[]> {
  const rows = await db.prisma.notification.findMany({ where: { taskCode }, orderBy: { createdAt: 'desc' }, take: 100 });
  return rows.map((r) => ({
    kind: r.kind,
    dueDate: r.dueDate ? r.dueDate.toISOString().slice(0, 10) : null,
    offsetDays: r.offsetDays,
    status: r.status,
    sentAt: r.sentAt ? r.sentAt.toISOString() : null,
  }));
}

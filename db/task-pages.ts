import type { Db } from './client';
import { localityStatuses } from './matrix';
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
  /** The cell's state: WORKABLE or OBSTACLE (cells not reported on, or only IMPLEMENTING, are not reports). */
  kind: 'WORKABLE' | 'OBSTACLE';
  category: string | null;
  description: string;
  at: string;
}

const REPORT_ROW = `c.task_code AS "taskCode", c.locality_code AS locality, c.state AS kind, c.category, c.text AS description,
  to_char(c.changed_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`;

/**
 * What each locality reports on a task: its matrix cell (the one store of what localities report;
 * the task's `reports` counts are the same cells, counted by PostgreSQL).
 */
export async function latestReportsOnTask(db: Db, taskCode: string): Promise<LocalityReportRow[]> {
  const { rows } = await db.pool.query<LocalityReportRow>(
    `SELECT ${REPORT_ROW} FROM locality_cells c WHERE c.task_code = $1 AND c.state IN ('WORKABLE', 'OBSTACLE') ORDER BY c.locality_code`,
    [taskCode],
  );
  return rows;
}

/**
 * The most recent obstacles in the matrix (the dashboard's list), newest first: now, the cells; as of
 * a past instant, each cell as its history had it then (its latest event up to the instant that set
 * its content), so the dashboard of a past day lists what was reported by that day.
 */
export async function recentObstacleReports(
  db: Db,
  limit = 20,
  asOfMs: number | null = null,
): Promise<LocalityReportRow[]> {
  if (asOfMs === null) {
    const { rows } = await db.pool.query<LocalityReportRow>(
      `SELECT ${REPORT_ROW} FROM locality_cells c WHERE c.state = 'OBSTACLE' ORDER BY c.changed_at DESC, c.task_code, c.locality_code LIMIT $1`,
      [limit],
    );
    return rows;
  }
  const { rows } = await db.pool.query<LocalityReportRow>(
    `SELECT "taskCode", locality, kind, category, description, at FROM (
       SELECT DISTINCT ON (e.task_code, e.locality_code) e.task_code AS "taskCode", e.locality_code AS locality,
              e.details ->> 'state' AS kind, e.details ->> 'category' AS category,
              coalesce(e.details ->> 'text', '') AS description,
              to_char(e.at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.at AS sort_at
         FROM cell_events e
        WHERE e.at <= ($1::timestamptz AT TIME ZONE 'UTC') AND e.details ? 'state'
        ORDER BY e.task_code, e.locality_code, e.seq DESC) latest
      WHERE kind = 'OBSTACLE'
      ORDER BY sort_at DESC, "taskCode", locality
      LIMIT $2`,
    [new Date(asOfMs).toISOString(), limit],
  );
  return rows;
}

/** Localities with whether they reported in the current round: the rows GET /api/localities and /rounds read. */
export async function localitiesReporting(db: Db): Promise<{ code: string; reported: boolean }[]> {
  return (await localityStatuses(db)).map((l) => ({ code: l.code, reported: l.reportedAt !== null }));
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
  const rows = await db.prisma.notification.findMany({
    where: { taskCode },
    orderBy: { createdAt: 'desc' },
    take: 100,
  });
  return rows.map((r) => ({
    kind: r.kind,
    dueDate: r.dueDate ? r.dueDate.toISOString().slice(0, 10) : null,
    offsetDays: r.offsetDays,
    status: r.status,
    sentAt: r.sentAt ? r.sentAt.toISOString() : null,
  }));
}

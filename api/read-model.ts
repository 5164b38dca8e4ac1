import crypto from 'node:crypto';
import type { PrismaClient } from '@prisma/client';
import type pg from 'pg';
import { DAY_MS, addDays, vietnamDate } from '../domain/dates';
import { TASK_STATUSES, type TaskStatus } from '../domain/task';
import { sqlPool } from '../infra/db';
import type { TaskListQuery, taskResponse } from './schemas';
import type { z } from 'zod';

/** The task as clients see it (names kept stable: see the API issue's "Shapes clients can rely on"). */
export type ApiTask = z.infer<typeof taskResponse>;

/**
 * A `tasks` row (alias t) rendered as the API's task JSON by PostgreSQL, so a page of tasks leaves
 * the database as one string that is sent as it is. `$1` is the instant of the request in epoch
 * milliseconds; a task is overdue from the end of its due date, Viet Nam time (domain/dates.ts).
 * The workflow's answers are built by `viewToApiTask`; a test holds the two to the same shape.
 */
const TASK_JSON = `json_build_object(
  'code', t.code, 'title', t.title, 'sector', t.sector, 'legalBasis', t.legal_basis, 'level', t.level,
  'status', t.status, 'statusSince', to_char(t.status_since, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'leadMinistry', t.lead_ministry_code, 'coordinatingMinistries', coalesce(t.coordinating_ministries, '{}'),
  'focalPoint', json_build_object('name', t.focal_point_name, 'email', t.focal_point_email),
  'dueDate', to_char(t.due_date, 'YYYY-MM-DD'),
  'daysOverdue', CASE WHEN t.status = 'FEASIBLE' OR t.due_date IS NULL
                        OR $1::bigint < (t.due_date - date '1970-01-01')::bigint * ${DAY_MS} + ${DAY_MS - 7 * 3600_000} THEN 0
                      ELSE ($1::bigint - ((t.due_date - date '1970-01-01')::bigint * ${DAY_MS} + ${DAY_MS - 7 * 3600_000})) / ${DAY_MS} + 1 END,
  'deadlineExtensions', t.deadline_extensions, 'milestones', t.milestones,
  'reports', json_build_object('workable', t.reports_workable, 'obstacle', t.reports_obstacle),
  'lastSeq', t.last_seq)`;

/** ORDER BY clauses by sort key: a fixed list, so no client text reaches the SQL. */
const ORDER_BY: Record<TaskListQuery['sort'], string> = {
  code: 't.code ASC',
  '-code': 't.code DESC',
  dueDate: 't.due_date ASC NULLS LAST, t.code ASC',
  '-dueDate': 't.due_date DESC NULLS LAST, t.code ASC',
  statusSince: 't.status_since ASC, t.code ASC',
  '-statusSince': 't.status_since DESC, t.code ASC',
  title: 't.title ASC, t.code ASC',
  '-title': 't.title DESC, t.code ASC',
  updatedAt: 't.updated_at ASC, t.code ASC',
  '-updatedAt': 't.updated_at DESC, t.code ASC',
};

/** Today's date in Viet Nam as a Date at 00:00 UTC (how `due_date` is stored). */
function today(nowMs: number): Date {
  return new Date(`${vietnamDate(nowMs)}T00:00:00Z`);
}

/** WHERE for the list filters; their values are appended to `params` and numbered after what it holds. */
function taskConditions(q: Pick<TaskListQuery, 'status' | 'ministry' | 'overdue' | 'dueBefore' | 'q'>, nowMs: number, params: unknown[]): string {
  const p = (v: unknown) => `$${params.push(v)}`;
  const conds: string[] = [];
  if (q.status) conds.push(`t.status = ${p(q.status)}::"TaskStatus"`);
  if (q.ministry) conds.push(`t.lead_ministry_code = ${p(q.ministry)}`);
  if (q.overdue !== undefined) {
    const day = p(vietnamDate(nowMs));
    conds.push(q.overdue ? `t.status <> 'FEASIBLE' AND t.due_date < ${day}::date` : `(t.status = 'FEASIBLE' OR t.due_date IS NULL OR t.due_date >= ${day}::date)`);
  }
  if (q.dueBefore) conds.push(`t.due_date < ${p(q.dueBefore)}::date`);
  if (q.q) conds.push(`t.title ILIKE ${p(`%${q.q.replace(/[\\%_]/g, '\\$&')}%`)}`);
  return conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '';
}

/**
 * A named (prepared) statement: PostgreSQL parses and plans it once per connection. The name comes
 * from the text, and the texts are few (filters and sort keys are a fixed set; values are parameters).
 */
function prepared(text: string, values: unknown[]): pg.QueryConfig {
  return { name: `rm-${crypto.createHash('sha1').update(text).digest('hex').slice(0, 16)}`, text, values };
}

export interface TaskPage {
  /** The page's tasks as a JSON array, rendered by PostgreSQL. */
  itemsJson: string;
  total: number;
  page: number;
  limit: number;
}

/**
 * One page of tasks and the total, in one statement (the list is the hottest read: a window
 * count saves a second round trip, and the page is rendered to JSON where the rows are).
 */
export async function listTasks(prisma: PrismaClient, q: TaskListQuery, nowMs = Date.now()): Promise<TaskPage> {
  const pool = sqlPool(prisma);
  const params: unknown[] = [nowMs];
  const where = taskConditions(q, nowMs, params);
  const order = ORDER_BY[q.sort];
  const limit = `$${params.push(q.limit)}`;
  const offset = `$${params.push((q.page - 1) * q.limit)}`;
  const { rows } = await pool.query<{ items: string; total: string | null }>(
    prepared(
      `WITH page AS (
         SELECT ${TASK_JSON} AS j, row_number() OVER (ORDER BY ${order}) AS n, count(*) OVER () AS total
           FROM tasks t ${where} ORDER BY ${order} LIMIT ${limit}::int OFFSET ${offset}::int)
       SELECT coalesce(json_agg(j ORDER BY n), '[]')::text AS items, max(total) AS total FROM page`,
      params,
    ),
  );
  let total = Number(rows[0]?.total ?? 0);
  // A page past the end has no row to carry the total.
  if (rows[0]?.total == null) {
    const countParams: unknown[] = [];
    const countWhere = taskConditions(q, nowMs, countParams);
    total = Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM tasks t ${countWhere}`, countParams)).rows[0]?.n ?? 0);
  }
  return { itemsJson: rows[0]?.items ?? '[]', total, page: q.page, limit: q.limit };
}

/** The page as the API's JSON body, without parsing and re-serialising the tasks. */
export function taskPageJson(p: TaskPage): string {
  return `{"items":${p.itemsJson},"total":${p.total},"page":${p.page},"limit":${p.limit}}`;
}

/** One task as the API shows it, or null. */
export async function getTask(prisma: PrismaClient, code: string, nowMs = Date.now()): Promise<ApiTask | null> {
  const { rows } = await sqlPool(prisma).query<{ j: ApiTask }>(prepared(`SELECT ${TASK_JSON} AS j FROM tasks t WHERE t.code = $2`, [nowMs, code]));
  return rows[0]?.j ?? null;
}

/** Tasks matching a WHERE (over alias t, with `$1` the instant and `$2`... in `params`) as API tasks. */
async function taskQuery(prisma: PrismaClient, sql: { where: string; orderBy: string; limit: number }, params: unknown[]): Promise<ApiTask[]> {
  const { rows } = await sqlPool(prisma).query<{ j: ApiTask }>(
    prepared(`SELECT ${TASK_JSON} AS j FROM tasks t ${sql.where} ORDER BY ${sql.orderBy} LIMIT ${sql.limit}`, params),
  );
  return rows.map((r) => r.j);
}

export async function history(prisma: PrismaClient, code: string, page: number, limit: number) {
  const [rows, total] = await Promise.all([
    prisma.auditEvent.findMany({ where: { taskCode: code }, orderBy: { seq: 'asc' }, skip: (page - 1) * limit, take: limit }),
    prisma.auditEvent.count({ where: { taskCode: code } }),
  ]);
  return {
    items: rows.map((r) => ({ seq: r.seq, at: r.at.toISOString(), actor: r.actor, kind: r.kind, details: r.details, hash: r.hash, prevHash: r.prevHash })),
    total,
    page,
    limit,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export async function summary(prisma: PrismaClient, nowMs = Date.now()) {
  const todayDate = today(nowMs);
  const [byStatusRows, byMinistryRows, localityRows] = await Promise.all([
    prisma.$queryRaw<{ status: TaskStatus; count: bigint }[]>`SELECT status, count(*) AS count FROM tasks GROUP BY status`,
    prisma.$queryRaw<{ ministry: string; name: string; total: bigint; open: bigint; overdue: bigint }[]>`
      SELECT m.code AS ministry, m.name,
             count(t.code) AS total,
             count(t.code) FILTER (WHERE t.status <> 'FEASIBLE') AS open,
             count(t.code) FILTER (WHERE t.status <> 'FEASIBLE' AND t.due_date < ${todayDate}) AS overdue
        FROM ministries m LEFT JOIN tasks t ON t.lead_ministry_code = m.code
       GROUP BY m.code, m.name
      HAVING count(t.code) > 0 OR bool_or(m.delegates)
       ORDER BY overdue DESC, open DESC, m.code`,
    prisma.$queryRaw<{ reported: bigint; total: bigint }[]>`
      SELECT count(*) FILTER (WHERE reported_at IS NOT NULL OR EXISTS (SELECT 1 FROM locality_reports r WHERE r.locality_code = l.code)) AS reported,
             count(*) AS total FROM localities l`,
  ]);
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const r of byStatusRows) counts[r.status] = Number(r.count);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const byStatus = Object.fromEntries(
    TASK_STATUSES.map((s) => [s, { count: counts[s], percent: total === 0 ? 0 : round2((counts[s] * 100) / total) }]),
  ) as Record<TaskStatus, { count: number; percent: number }>;
  return {
    total,
    byStatus,
    byMinistry: byMinistryRows.map((r) => ({ ministry: r.ministry, name: r.name, total: Number(r.total), open: Number(r.open), overdue: Number(r.overdue) })),
    localities: { reported: Number(localityRows[0]?.reported ?? 0), total: Number(localityRows[0]?.total ?? 0) },
  };
}

export async function bottlenecks(prisma: PrismaClient, nowMs = Date.now(), limit = 10) {
  const todayDate = today(nowMs);
  const [overdueRows, oldestOpen, mostObstacles, dueSoon] = await Promise.all([
    prisma.$queryRaw<{ ministry: string; overdue: bigint; oldest_due: Date }[]>`
      SELECT lead_ministry_code AS ministry, count(*) AS overdue, min(due_date) AS oldest_due
        FROM tasks WHERE status <> 'FEASIBLE' AND due_date < ${todayDate}
       GROUP BY lead_ministry_code ORDER BY overdue DESC, oldest_due ASC`,
    taskQuery(prisma, { where: `WHERE t.status <> 'FEASIBLE'`, orderBy: 't.status_since ASC, t.code ASC', limit }, [nowMs]),
    taskQuery(prisma, { where: 'WHERE t.reports_obstacle > 0', orderBy: 't.reports_obstacle DESC, t.code ASC', limit }, [nowMs]),
    taskQuery(
      prisma,
      { where: `WHERE t.status <> 'FEASIBLE' AND t.due_date BETWEEN $2::date AND $3::date`, orderBy: 't.due_date ASC, t.code ASC', limit: 50 },
      [nowMs, vietnamDate(nowMs), addDays(vietnamDate(nowMs), 14)],
    ),
  ]);
  return {
    overdueByMinistry: overdueRows.map((r) => ({
      ministry: r.ministry,
      overdue: Number(r.overdue),
      maxDaysOverdue: Math.max(0, Math.floor((nowMs - (r.oldest_due.getTime() + DAY_MS - 7 * 3600_000)) / DAY_MS) + 1),
    })),
    oldestOpen,
    mostObstacles,
    dueSoon,
  };
}

const CSV_COLUMNS = ['code', 'title', 'sector', 'status', 'leadMinistry', 'coordinatingMinistries', 'focalPointName', 'focalPointEmail', 'dueDate', 'daysOverdue', 'workableReports', 'obstacleReports'] as const;

function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  // Keep spreadsheets from evaluating text as a formula.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function tasksCsv(items: ApiTask[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const t of items) {
    lines.push(
      [t.code, t.title, t.sector, t.status, t.leadMinistry, t.coordinatingMinistries.join(';'), t.focalPoint.name, t.focalPoint.email, t.dueDate, t.daysOverdue, t.reports.workable, t.reports.obstacle]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

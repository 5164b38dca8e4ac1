import crypto from 'node:crypto';
import type pg from 'pg';
import type { z } from 'zod';
import type { TaskListQuery, taskResponse } from '../api/schemas';
import { DAY_MS, vietnamDate } from '../domain/dates';
import type { Db } from './client';

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
  'daysOverdue', CASE WHEN t.status = 'FEASIBLE' OR t.due_date IS NULL OR t.feasible_from IS NOT NULL
                        OR $1::bigint < (t.due_date - date '1970-01-01')::bigint * ${DAY_MS} + ${DAY_MS - 7 * 3600_000} THEN 0
                      ELSE ($1::bigint - ((t.due_date - date '1970-01-01')::bigint * ${DAY_MS} + ${DAY_MS - 7 * 3600_000})) / ${DAY_MS} + 1 END,
  'deadlineExtensions', t.deadline_extensions, 'milestones', t.milestones,
  'reports', json_build_object('workable', t.reports_workable, 'obstacle', t.reports_obstacle),
  'lastSeq', t.last_seq, 'documents', t.documents, 'feasibleFrom', to_char(t.feasible_from, 'YYYY-MM-DD'),
  'extensionRequest', t.extension_request, 'heldUp', t.held_up)`;

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
export function prepared(text: string, values: unknown[]): pg.QueryConfig {
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
export async function listTasks(db: Db, q: TaskListQuery, nowMs = Date.now()): Promise<TaskPage> {
  const { pool } = db;
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
export async function getTask(db: Db, code: string, nowMs = Date.now()): Promise<ApiTask | null> {
  const { rows } = await db.pool.query<{ j: ApiTask }>(prepared(`SELECT ${TASK_JSON} AS j FROM tasks t WHERE t.code = $2`, [nowMs, code]));
  return rows[0]?.j ?? null;
}

/** Tasks matching a WHERE (over alias t, with `$1` the instant and `$2`... in `params`) as API tasks. */
export async function taskQuery(db: Db, sql: { where: string; orderBy: string; limit: number }, params: unknown[]): Promise<ApiTask[]> {
  const { rows } = await db.pool.query<{ j: ApiTask }>(
    prepared(`SELECT ${TASK_JSON} AS j FROM tasks t ${sql.where} ORDER BY ${sql.orderBy} LIMIT ${sql.limit}`, params),
  );
  return rows.map((r) => r.j);
}

/** Every task's code, in order. */
export async function allTaskCodes(db: Db): Promise<string[]> {
  return (await db.prisma.task.findMany({ select: { code: true }, orderBy: { code: 'asc' } })).map((t) => t.code);
}

/** The catalog fields of the tasks among `codes` that exist (the importer compares them). */
export async function catalogFieldsOf(db: Db, codes: string[]) {
  return db.prisma.task.findMany({ where: { code: { in: codes } }, select: { code: true, title: true, sector: true, legalBasis: true, level: true } });
}

/** How many of `codes` have a task row. */
export async function countPersisted(db: Db, codes: string[]): Promise<number> {
  return Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM tasks WHERE code = ANY($1::text[])', [codes])).rows[0]?.n);
}

/** Whether any task exists (the embedded stack seeds the catalog into an empty database). */
export async function hasTasks(db: Db): Promise<boolean> {
  return (await db.prisma.task.count()) > 0;
}

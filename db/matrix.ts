import { FORMULA_LEAD_CLASS, QUOTED_CLASS } from '../domain/csv';
import { OBSTACLE_CATEGORIES } from '../domain/locality-cells';
import type { Db } from './client';
import { prepared } from './tasks';

/**
 * Reads of the localities × tasks matrix. A cell exists for every (task, locality) the task applies
 * to (tasks.applies_to null: all localities); a cell nobody has written reads as NOT_STARTED.
 * Rendered to JSON or CSV by PostgreSQL, so 32,266 cells leave the database as one string.
 */

export interface MatrixFilter {
  locality?: string;
  /** Lead ministry of the task. */
  ministry?: string;
  task?: string;
  state?: string;
  category?: string;
  /** province: tasks at province level or both; commune likewise; both: only tasks at both. */
  level?: 'province' | 'commune' | 'both';
  sector?: string;
  /** Access scope of a ministry: tasks it leads or coordinates. */
  visibleToMinistry?: string;
}

/**
 * Over aliases t (task), l (locality), c (the province's own cell) and r (the roll-up of its communes'
 * cells, `commune_rollups`, kept by the commune cells' trigger: present where the task has commune cells
 * in that province, that is a commune-level task whose province's communes are seeded).
 */
const CELLS_FROM = `
  FROM tasks t
  JOIN localities l ON (t.applies_to IS NULL OR l.code = ANY(t.applies_to))
  LEFT JOIN locality_cells c ON c.locality_code = l.code AND c.task_code = t.code
  LEFT JOIN commune_rollups r ON r.locality_code = l.code AND r.task_code = t.code`;

/**
 * The province cell of a commune-level task as its communes' roll-up (JSON, or NULL where it has no commune
 * cells): how many communes, their cells by state, their obstacles by category. Read from the same
 * `commune_rollups` row as GET /api/communes/rollup sums, so the two cannot disagree.
 */
const ROLLUP_JSON = `CASE WHEN r.task_code IS NULL THEN NULL ELSE json_build_object('communes', r.communes,
  'byState', json_build_object('NOT_STARTED', r.not_started, 'IMPLEMENTING', r.implementing, 'WORKABLE', r.workable, 'OBSTACLE', r.obstacle),
  'obstaclesByCategory', json_build_object(${OBSTACLE_CATEGORIES.map((c, i) => `'${c}', r.by_category[${i + 1}]`).join(', ')})) END`;

/** WHERE over aliases t (task), l (locality), c (cell); values numbered after what `params` holds. */
export function matrixConditions(f: MatrixFilter, params: unknown[]): string {
  const p = (v: unknown) => `$${params.push(v)}`;
  const conds: string[] = [];
  if (f.locality) conds.push(`l.code = ${p(f.locality)}`);
  if (f.ministry) conds.push(`t.lead_ministry_code = ${p(f.ministry)}`);
  if (f.task) conds.push(`t.code = ${p(f.task)}`);
  if (f.state) conds.push(`coalesce(c.state, 'NOT_STARTED') = ${p(f.state)}`);
  if (f.category) conds.push(`c.category = ${p(f.category)}`);
  if (f.level) conds.push(f.level === 'both' ? `t.level = 'both'` : `t.level IN (${p(f.level)}, 'both')`);
  if (f.sector) conds.push(`lower(t.sector) = lower(${p(f.sector)})`);
  if (f.visibleToMinistry) {
    const m = p(f.visibleToMinistry);
    conds.push(`(t.lead_ministry_code = ${m} OR ${m} = ANY(t.coordinating_ministries))`);
  }
  return conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '';
}

/** A cell nobody has written, as JSON text (task and locality codes are plain A-Z, 0-9, ".", "_", "-"). */
const NOT_STARTED_JSON = `'{"task":"' || t.code || '","locality":"' || l.code || '","state":"NOT_STARTED","category":null,"text":"","changedAt":null,"changedBy":null,"resolvedBy":null}'`;

/**
 * The matching cells as a JSON array (text) and their count; each written cell's JSON is stored with it,
 * and gets `communes`: the roll-up of the province's communes for a commune-level task (null elsewhere).
 */
export async function matrixJson(db: Db, f: MatrixFilter): Promise<{ itemsJson: string; total: number }> {
  const params: unknown[] = [];
  const where = matrixConditions(f, params);
  const { rows } = await db.pool.query<{ items: string | null; total: number }>(
    prepared(
      `SELECT string_agg(left(coalesce(c.rendered, ${NOT_STARTED_JSON}), -1) || ',"communes":' || coalesce((${ROLLUP_JSON})::text, 'null') || '}', ',' ORDER BY t.code, l.code) AS items,
              count(*)::int AS total ${CELLS_FROM} ${where}`,
      params,
    ),
  );
  return { itemsJson: `[${rows[0]?.items ?? ''}]`, total: rows[0]?.total ?? 0 };
}

/**
 * The province's own cell, then (for a commune-level task whose communes are seeded; empty elsewhere) the
 * roll-up of its communes' cells: how many communes, their cells by state, their obstacles by category.
 */
export const MATRIX_CSV_HEADER = [
  'task,locality,state,category,text,changedAt,changedBy,resolvedByDocument',
  'communes,communesNotStarted,communesImplementing,communesWorkable,communesObstacle',
  ...OBSTACLE_CATEGORIES.map((c) => `communesObstacle_${c}`),
].join(',');

/** Text a spreadsheet would run as a formula gets a leading quote: the guard of domain/csv.ts, in SQL. */
const defused = (e: string) =>
  `(CASE WHEN ${e} ~ '^${FORMULA_LEAD_CLASS}' THEN '''' || ${e} ELSE coalesce(${e}, '') END)`;
/** A CSV field, quoted when it holds a quote or what domain/csv.ts quotes (either separator, a line break). */
const quoted = (e: string) =>
  `(CASE WHEN ${e} ~ '"|${QUOTED_CLASS}' THEN '"' || replace(${e}, '"', '""') || '"' ELSE ${e} END)`;

/** The matching cells as CSV (header included), built by PostgreSQL. */
export async function matrixCsv(db: Db, f: MatrixFilter): Promise<string> {
  const params: unknown[] = [];
  const where = matrixConditions(f, params);
  const line = [
    't.code',
    'l.code',
    `coalesce(c.state, 'NOT_STARTED')`,
    `coalesce(c.category, '')`,
    quoted('z.text'),
    `coalesce(to_char(c.changed_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), '')`,
    `coalesce(c.changed_by, '')`,
    quoted('z.doc'),
    ...['r.communes', 'r.not_started', 'r.implementing', 'r.workable', 'r.obstacle'].map(
      (e) => `coalesce(${e}::text, '')`,
    ),
    ...OBSTACLE_CATEGORIES.map((_c, i) => `coalesce(r.by_category[${i + 1}]::text, '')`),
  ].join(` || ',' || `);
  const { rows } = await db.pool.query<{ body: string | null }>(
    prepared(
      `SELECT string_agg(${line}, E'\\r\\n' ORDER BY t.code, l.code) AS body ${CELLS_FROM}
         CROSS JOIN LATERAL (SELECT ${defused('c.text')} AS text, ${defused("(c.resolved_by ->> 'number')")} AS doc) z ${where}`,
      params,
    ),
  );
  const body = rows[0]?.body;
  return `${MATRIX_CSV_HEADER}\r\n${body ? `${body}\r\n` : ''}`;
}

export interface CountByState {
  NOT_STARTED: number;
  IMPLEMENTING: number;
  WORKABLE: number;
  OBSTACLE: number;
}

/** Aggregates only (what the public may read): cells by state, and obstacles by category, locality and ministry. */
export async function matrixBottlenecks(db: Db, f: MatrixFilter = {}) {
  const params: unknown[] = [];
  const where = matrixConditions(f, params);
  const { rows } = await db.pool.query<{ j: unknown }>(
    prepared(
      `WITH m AS (SELECT t.code AS task, t.lead_ministry_code AS ministry, l.code AS locality, coalesce(c.state, 'NOT_STARTED') AS state, c.category ${CELLS_FROM} ${where}),
            o AS (SELECT * FROM m WHERE state = 'OBSTACLE')
       SELECT json_build_object(
         'cells', (SELECT count(*) FROM m),
         'byState', (SELECT json_build_object(
             'NOT_STARTED', count(*) FILTER (WHERE state = 'NOT_STARTED'), 'IMPLEMENTING', count(*) FILTER (WHERE state = 'IMPLEMENTING'),
             'WORKABLE', count(*) FILTER (WHERE state = 'WORKABLE'), 'OBSTACLE', count(*) FILTER (WHERE state = 'OBSTACLE')) FROM m),
         'byCategory', (SELECT coalesce(json_agg(x ORDER BY x.obstacles DESC, x.category), '[]') FROM (
             SELECT category, count(*)::int AS obstacles, count(DISTINCT task)::int AS tasks, count(DISTINCT locality)::int AS localities
               FROM o GROUP BY category) x),
         'byLocality', (SELECT coalesce(json_agg(x ORDER BY x.obstacles DESC, x.locality), '[]') FROM (
             SELECT locality, sum(n)::int AS obstacles, json_object_agg(category, n) AS "byCategory"
               FROM (SELECT locality, category, count(*)::int AS n FROM o GROUP BY locality, category) y GROUP BY locality) x),
         'byMinistry', (SELECT coalesce(json_agg(x ORDER BY x.obstacles DESC, x.ministry), '[]') FROM (
             SELECT ministry, count(*)::int AS obstacles, count(DISTINCT task)::int AS tasks, count(DISTINCT locality)::int AS localities
               FROM o GROUP BY ministry) x)
       ) AS j`,
      params,
    ),
  );
  return rows[0]?.j as {
    cells: number;
    byState: CountByState;
    byCategory: { category: string; obstacles: number; tasks: number; localities: number }[];
    byLocality: { locality: string; obstacles: number; byCategory: Record<string, number> }[];
    byMinistry: { ministry: string; obstacles: number; tasks: number; localities: number }[];
  };
}

/** One (province, task)'s roll-up of its communes' cells (null: the task has no commune cells there). */
/** The titles of `codes` (Vietnamese, and English where written), for pages that list tasks by code. */
export async function taskTitles(
  db: Db,
  codes: readonly string[],
): Promise<Map<string, { title: string; titles: { vi: string; en: string | null } }>> {
  if (codes.length === 0) return new Map();
  const { rows } = await db.pool.query<{ code: string; title: string; title_en: string | null }>({
    name: 'task-titles',
    text: 'SELECT code, title, title_en FROM tasks WHERE code = ANY($1::text[])',
    values: [[...new Set(codes)]],
  });
  return new Map(rows.map((r) => [r.code, { title: r.title, titles: { vi: r.title, en: r.title_en || null } }]));
}

export async function communeRollupOf(db: Db, locality: string, task: string): Promise<CommuneRollupCell | null> {
  const { rows } = await db.pool.query<{ j: CommuneRollupCell | null }>(
    prepared(`SELECT ${ROLLUP_JSON} AS j FROM commune_rollups r WHERE r.locality_code = $1 AND r.task_code = $2`, [
      locality,
      task,
    ]),
  );
  return rows[0]?.j ?? null;
}

export interface LocalityTaskRow {
  code: string;
  title: string;
  titles: { vi: string; en: string | null };
  sector: string;
  sectors: { vi: string; en: string | null };
  level: string;
  status: string;
  leadMinistry: string;
  coordinatingMinistries: string[];
  dueDate: string | null;
  cell: {
    state: string;
    category: string | null;
    text: string;
    changedAt: string | null;
    changedBy: string | null;
    resolvedBy: unknown;
  } | null;
  /** A commune-level task's province cell as its communes' roll-up (null: no commune cells here). */
  communes: CommuneRollupCell | null;
}

/** The roll-up of one (province, task)'s commune cells, as ROLLUP_JSON renders it. */
export interface CommuneRollupCell {
  communes: number;
  byState: CountByState;
  obstaclesByCategory: Record<string, number>;
}

/**
 * The tasks that apply to one locality, each with its cell when the caller may see it
 * (`cellsOf`: all, none, or the tasks a ministry leads or coordinates).
 */
export async function localityTasks(
  db: Db,
  locality: string,
  cellsOf: 'all' | 'none' | { ministry: string },
): Promise<LocalityTaskRow[]> {
  const visible =
    cellsOf === 'all'
      ? 'true'
      : cellsOf === 'none'
        ? 'false'
        : `(t.lead_ministry_code = $2 OR $2 = ANY(t.coordinating_ministries))`;
  const params: unknown[] = [locality];
  if (typeof cellsOf === 'object') params.push(cellsOf.ministry);
  const { rows } = await db.pool.query<{ items: string }>(
    prepared(
      `SELECT coalesce(json_agg(json_build_object(
         'code', t.code, 'title', t.title, 'titles', json_build_object('vi', t.title, 'en', nullif(t.title_en, '')),
         'sector', t.sector, 'sectors', json_build_object('vi', t.sector, 'en', nullif(t.sector_en, '')), 'level', t.level, 'status', t.status,
         'leadMinistry', t.lead_ministry_code, 'coordinatingMinistries', coalesce(t.coordinating_ministries, '{}'), 'dueDate', to_char(t.due_date, 'YYYY-MM-DD'),
         'cell', CASE WHEN ${visible} THEN json_build_object('state', coalesce(c.state, 'NOT_STARTED'), 'category', c.category, 'text', coalesce(c.text, ''),
           'changedAt', to_char(c.changed_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'changedBy', c.changed_by, 'resolvedBy', c.resolved_by - 'taskSeq') END,
         'communes', ${ROLLUP_JSON}
       ) ORDER BY t.code), '[]')::text AS items
       ${CELLS_FROM} WHERE l.code = $1`,
      params,
    ),
  );
  return JSON.parse(rows[0]?.items ?? '[]') as LocalityTaskRow[];
}

/** A locality with when it last reported and whether it reported in the current round. */
export interface LocalityStatus {
  code: string;
  name: string;
  kind: string;
  /** When it reported in the current round (null: not in it). The dashboard counts the same rows. */
  reportedAt: string | null;
  /** Its latest report, in any round or outside one. */
  lastReportedAt: string | null;
  currentRound: string | null;
}

/**
 * Every locality's reporting status against the current round (the latest opened province-level one). GET /api/localities
 * and the dashboard's "N of 34 reported" both read this, so they cannot disagree.
 */
export async function localityStatuses(db: Db): Promise<LocalityStatus[]> {
  const { rows } = await db.pool.query<LocalityStatus>(
    prepared(
      `WITH cur AS (SELECT id FROM reporting_rounds WHERE level = 'province' ORDER BY opened_on DESC, created_at DESC, id DESC LIMIT 1)
       SELECT l.code, l.name, l.kind,
              to_char(rl.reported_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "reportedAt",
              to_char((SELECT max(coalesce(x.last_report_at, x.reported_at)) FROM round_localities x WHERE x.locality_code = l.code), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastReportedAt",
              (SELECT id FROM cur) AS "currentRound"
         FROM localities l LEFT JOIN round_localities rl ON rl.locality_code = l.code AND rl.round_id = (SELECT id FROM cur)
        ORDER BY l.code`,
      [],
    ),
  );
  return rows;
}

/**
 * Changes whenever what the matrix shows may have changed: every cell write appends a cell event,
 * every write of commune cells a `commune_reports` row (the roll-ups move with it), a seed a
 * `commune_seeds` row, and task changes (lead ministry, status) move `tasks.updated_at`. Index-or-tiny reads.
 */
export async function matrixGeneration(db: Db): Promise<string> {
  const { rows } = await db.pool.query<{ g: string }>(
    prepared(
      `SELECT (SELECT coalesce(max(id), 0) FROM cell_events)::text || ':' || (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '') FROM tasks)
              || ':' || (SELECT coalesce(max(id), 0) FROM commune_reports)::text || ':' || (SELECT coalesce(sum(cells), 0) || ':' || coalesce(max(seeded_at)::text, '') FROM commune_seeds) AS g`,
      [],
    ),
  );
  return rows[0]?.g ?? '';
}

/**
 * Each locality's report in the round that was current at `asOfMs` (the latest opened by then), as
 * of that instant: what the live "N of 34 reported" counted at the time (YYYY-MM-DD, Viet Nam).
 */
export async function localityReportsAsOf(
  db: Db,
  asOfMs: number,
): Promise<{ code: string; reportedAt: string | null }[]> {
  const { rows } = await db.pool.query<{ code: string; reportedAt: string | null }>(
    `WITH cur AS (SELECT id FROM reporting_rounds WHERE level = 'province' AND (created_at <= ($1::timestamptz AT TIME ZONE 'UTC') OR kind = 'SEED')
                   ORDER BY opened_on DESC, created_at DESC, id DESC LIMIT 1)
     SELECT l.code, to_char((rl.reported_at AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') AS "reportedAt"
       FROM localities l
       LEFT JOIN round_localities rl ON rl.locality_code = l.code AND rl.round_id = (SELECT id FROM cur) AND rl.reported_at <= ($1::timestamptz AT TIME ZONE 'UTC')
      ORDER BY l.code`,
    [new Date(asOfMs).toISOString()],
  );
  return rows;
}

/**
 * What each locality's cell said at an instant (null: now), for the cells that held a report: the
 * matrix as the as-of figures and the at-risk forecast read it. Now reads the cells; a past instant
 * each cell's latest event up to it that set a state.
 */
export async function cellReportsAt(
  db: Db,
  asOfMs: number | null,
): Promise<{ task: string; locality: string; state: string; at: string }[]> {
  if (asOfMs === null) {
    const { rows } = await db.pool.query<{ task: string; locality: string; state: string; at: string }>(
      prepared(
        `SELECT task_code AS task, locality_code AS locality, state, to_char(changed_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
           FROM locality_cells WHERE state IN ('WORKABLE', 'OBSTACLE')`,
        [],
      ),
    );
    return rows;
  }
  const { rows } = await db.pool.query<{ task: string; locality: string; state: string; at: string }>(
    `SELECT task, locality, state, at FROM (
       SELECT DISTINCT ON (e.task_code, e.locality_code) e.task_code AS task, e.locality_code AS locality, e.details ->> 'state' AS state,
              to_char(e.at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
         FROM cell_events e
        WHERE e.at <= ($1::timestamptz AT TIME ZONE 'UTC') AND e.details ? 'state'
        ORDER BY e.task_code, e.locality_code, e.seq DESC) latest
      WHERE state IN ('WORKABLE', 'OBSTACLE')`,
    [new Date(asOfMs).toISOString()],
  );
  return rows;
}

/** The newest cell event's id: changes whenever any cell changes (what figures derived from the cells are cached under). */
export async function cellGeneration(db: Db): Promise<number> {
  const { rows } = await db.pool.query<{ g: string }>(
    prepared(`SELECT coalesce(max(id), 0)::text AS g FROM cell_events`, []),
  );
  return Number(rows[0]?.g ?? 0);
}

/**
 * The cells' reports written in [fromMs, toMs), in the shape of the task events a digest describes
 * (`LOCALITY_REPORT`, locality and kind): what the daily digest lists among a task's changes.
 */
export async function cellReportChanges(
  db: Db,
  fromMs: number,
  toMs: number,
): Promise<
  { taskCode: string; seq: number; at: string; actor: string; kind: string; details: Record<string, unknown> }[]
> {
  const { rows } = await db.pool.query<{
    taskCode: string;
    seq: number;
    at: string;
    actor: string;
    locality: string;
    state: string;
  }>(
    `SELECT e.task_code AS "taskCode", e.seq, to_char(e.at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.actor, e.locality_code AS locality, e.details ->> 'state' AS state
       FROM cell_events e
      WHERE e.at >= ($1::timestamptz AT TIME ZONE 'UTC') AND e.at < ($2::timestamptz AT TIME ZONE 'UTC') AND e.details ->> 'state' IN ('WORKABLE', 'OBSTACLE')
      ORDER BY e.at, e.id`,
    [new Date(fromMs).toISOString(), new Date(toMs).toISOString()],
  );
  return rows.map((r) => ({
    taskCode: r.taskCode,
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    kind: 'LOCALITY_REPORT',
    details: { locality: r.locality, kind: r.state },
  }));
}

import crypto from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { DAY_MS, VIETNAM_TIME_ZONE, vietnamDate } from '../domain/dates';
import {
  DELEGATION_LEVELS,
  RECORDED_MILESTONE_NAMES,
  TASK_STATUSES,
  type DelegationLevel,
  type TaskFilter,
} from '../domain/task';
import { searchWords } from '../domain/vietnamese-text';
import type { WorkingCalendar } from '../domain/working-days';
import type { Db } from './client';
import { closedStatusSql, openStatusSql } from './status-sql';
import { TASK_JSON_FIELDS } from './task-columns';

/**
 * The task as clients see it (names kept stable: see the API issue's "Shapes clients can rely on").
 * Every answer that carries a task is `taskJson` below, rendered by PostgreSQL (the answers to writes
 * are read back through it); this schema documents it in /openapi.json and gives its TypeScript type.
 */
const bilingual = (what: string) =>
  z
    .object({
      vi: z.string(),
      en: z.string().nullable().meta({ description: `the English rendering; null when the catalog gives none` }),
    })
    .meta({
      description: `the ${what} in Vietnamese and in English (\`${what === 'legal basis' ? 'legalBasis' : what}\` above is the Vietnamese)`,
    });

export const taskResponse = z.object({
  code: z.string(),
  title: z.string().meta({ description: 'in Vietnamese (titles.en: in English)' }),
  titles: bilingual('title'),
  sector: z.string().meta({ description: 'in Vietnamese (sectors.en: in English)' }),
  sectors: bilingual('sector'),
  legalBasis: z.string().meta({
    description: 'in the Vietnamese citation form, e.g. "Điều 20 Nghị định 58/2025/NĐ-CP" (legalBases.en: in English)',
  }),
  legalBases: bilingual('legal basis'),
  level: z.enum(DELEGATION_LEVELS),
  status: z.enum(TASK_STATUSES),
  statusSince: z.string(),
  leadMinistry: z.string(),
  coordinatingMinistries: z.array(z.string()),
  focalPoint: z
    .object({ name: z.string(), email: z.string() })
    .optional()
    .meta({ description: 'absent for the public token (personal data)' }),
  dueDate: z.string().nullable(),
  daysOverdue: z.number().int(),
  deadlineExtensions: z.number().int(),
  milestones: z.array(
    z.object({
      track: z.enum(['GUIDANCE', 'ADJUSTMENT']),
      name: z
        .enum(RECORDED_MILESTONE_NAMES)
        .meta({ description: 'ISSUED only in histories recorded before the document itself made the transition' }),
      at: z.string(),
      actor: z.string().optional().meta({ description: 'absent for the public token' }),
      note: z.string().optional().meta({ description: 'absent for the public token' }),
    }),
  ),
  reports: z.object({ workable: z.number().int(), obstacle: z.number().int() }),
  lastSeq: z.number().int(),
  documents: z.array(
    z.object({
      number: z.string(),
      kind: z.string().nullable(),
      issuer: z.string().nullable(),
      title: z.string().nullable(),
      issuedOn: z.string(),
      effectiveOn: z.string().nullable(),
      recordedAt: z.string(),
      via: z.enum(['TRANSITION', 'SETTLEMENT']),
    }),
  ),
  /** A recorded document takes effect on this date; the task becomes FEASIBLE then ("feasible from dd/mm/yyyy"). */
  feasibleFrom: z.string().nullable(),
  /** The lead ministry's request for a later due date, waiting for Home Affairs. */
  extensionRequest: z
    .object({
      dueDate: z.string(),
      reason: z.string().optional().meta({ description: 'absent for the public token' }),
      requestedBy: z.string().optional().meta({ description: 'absent for the public token' }),
      requestedAt: z.string(),
    })
    .nullable(),
  /** Another ministry's document the task waits for. */
  heldUp: z
    .object({
      ministry: z.string(),
      description: z.string(),
      documentNumber: z.string().nullable(),
      since: z.string(),
      recordedBy: z.string().optional().meta({ description: 'absent for the public token' }),
    })
    .nullable(),
});
export type ApiTask = z.infer<typeof taskResponse>;

/**
 * A `tasks` row (alias t) rendered as the API's task JSON by PostgreSQL, so a page of tasks leaves
 * the database as one string that is sent as it is. `$1` is the instant of the request in epoch
 * milliseconds. The one builder of the task's shape (`taskResponse` documents and types it).
 */
const taskJson = (overdue: string) =>
  `json_build_object(${TASK_JSON_FIELDS(overdue)
    .map(([key, sql]) => `'${key}', ${sql}`)
    .join(', ')})`;

/**
 * `daysOverdue` as SQL over a `tasks` row (alias t) at the instant `$1` (epoch milliseconds): the
 * rule of domain/dates.ts `daysOverdue` (calendar days) or domain/deadline-policy.ts `overdueDays`
 * (working days of `calendar`). 0 for a task with no due date by its status (FEASIBLE), one waiting for its document to take effect,
 * or no due date; 0 until the end of the due date in Viet Nam (the next day's midnight in
 * VIETNAM_TIME_ZONE, from PostgreSQL's own tz database); then the days after the due date, the first
 * late day counting 1. Tests hold it equal to the domain rule at every boundary.
 */
export function daysOverdueSql(calendar: WorkingCalendar | null): string {
  const deadline = `(extract(epoch FROM ((t.due_date + 1)::timestamp AT TIME ZONE '${VIETNAM_TIME_ZONE}')) * 1000)::bigint`;
  const notYet = `${closedStatusSql('t.status')} OR t.due_date IS NULL OR t.feasible_from IS NOT NULL OR $1::bigint < ${deadline}`;
  if (!calendar) return `CASE WHEN ${notYet} THEN 0 ELSE ($1::bigint - ${deadline}) / ${DAY_MS} + 1 END`;
  // The calendar's dates are validated YYYY-MM-DD strings, written into the statement as constants.
  const list = (dates: string[]) => `'{${dates.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).join(',')}}'::date[]`;
  return `CASE WHEN ${notYet} THEN 0
               ELSE (SELECT count(*)::int FROM generate_series(t.due_date + 1, (to_timestamp($1::bigint / 1000.0) AT TIME ZONE '${VIETNAM_TIME_ZONE}')::date, interval '1 day') AS g(d)
                      WHERE (extract(isodow FROM g.d) < 6 AND NOT (g.d::date = ANY(${list(calendar.daysOff)}))) OR g.d::date = ANY(${list(calendar.workingWeekendDays)})) END`;
}

const CALENDAR_DAYS_JSON = taskJson(daysOverdueSql(null));
const WORKING_DAYS_JSON = new WeakMap<WorkingCalendar, string>();

/** The task JSON expression for this handle: `daysOverdue` counted as its `overdueCalendar` says. */
function taskJsonOf(db: Pick<Db, 'overdueCalendar'>): string {
  const calendar = db.overdueCalendar;
  if (!calendar) return CALENDAR_DAYS_JSON;
  let sql = WORKING_DAYS_JSON.get(calendar);
  if (!sql) WORKING_DAYS_JSON.set(calendar, (sql = taskJson(daysOverdueSql(calendar))));
  return sql;
}

/** The same connection, reading `daysOverdue` in working days of `calendar` (null: calendar days). */
export function withOverdueCalendar(db: Db, calendar: WorkingCalendar | null): Db {
  return { ...db, overdueCalendar: calendar };
}

/** The read model's list filters: the domain's, and which tasks apply where. */
export interface TaskListFilter extends TaskFilter {
  /** Tasks that apply to this locality. */
  locality?: string;
  level?: DelegationLevel;
  /** Exact sector name (Vietnamese or English), case-insensitive. */
  sector?: string;
}

/** ORDER BY clauses by sort key: a fixed list, so no client text reaches the SQL. */
const ORDER_BY: Record<TaskListFilter['sort'], string> = {
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
function taskConditions(
  q: Pick<TaskListFilter, 'status' | 'ministry' | 'overdue' | 'dueBefore' | 'q' | 'locality' | 'level' | 'sector'>,
  nowMs: number,
  params: unknown[],
): string {
  const p = (v: unknown) => `$${params.push(v)}`;
  const conds: string[] = [];
  if (q.status) conds.push(`t.status = ${p(q.status)}::"TaskStatus"`);
  if (q.ministry) conds.push(`t.lead_ministry_code = ${p(q.ministry)}`);
  if (q.overdue !== undefined) {
    const day = p(vietnamDate(nowMs));
    conds.push(
      q.overdue
        ? `${openStatusSql('t.status')} AND t.due_date < ${day}::date`
        : `(${closedStatusSql('t.status')} OR t.due_date IS NULL OR t.due_date >= ${day}::date)`,
    );
  }
  if (q.dueBefore) conds.push(`t.due_date < ${p(q.dueBefore)}::date`);
  if (q.locality) conds.push(`(t.applies_to IS NULL OR ${p(q.locality)} = ANY(t.applies_to))`);
  if (q.level) conds.push(q.level === 'both' ? `t.level = 'both'` : `t.level IN (${p(q.level)}, 'both')`);
  if (q.sector) {
    const sector = p(q.sector);
    conds.push(`(lower(t.sector) = lower(${sector}) OR lower(t.sector_en) = lower(${sector}))`);
  }
  // Every word of the search, folded (no tone marks, lower case), somewhere in the task's folded code,
  // titles, sectors and legal bases: one LIKE per word over the indexed expression (migration 0080).
  // A word starting with a digit starts a number: "58/2025" is not found inside "158/2025" (a regular
  // expression, which the trigram index serves as well).
  for (const word of searchWords(q.q ?? '')) {
    conds.push(
      /^\d/.test(word)
        ? `${SEARCH_TEXT} ~ ${p(`(^|[^0-9])${regexEscaped(word)}`)}`
        : `${SEARCH_TEXT} LIKE ${p(`%${likeEscaped(word)}%`)}`,
    );
  }
  return conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '';
}

/** The expression the trigram index of migration 0080 is built on: the query must name it exactly so. */
const SEARCH_TEXT =
  'task_search_text(t.code, t.title, t.title_en, t.sector, t.sector_en, t.legal_basis, t.legal_basis_en)';

const likeEscaped = (s: string) => s.replace(/[\\%_]/g, '\\$&');
const regexEscaped = (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/**
 * With a search, the best matches come first, then the list's own order: the code itself, a code that
 * starts with the search, a title (either language) holding the whole search, then the rest.
 */
function searchRank(q: string | undefined, params: unknown[]): string {
  const words = searchWords(q ?? '');
  if (words.length === 0) return '';
  const whole = words.join(' ');
  const p = (v: unknown) => `$${params.push(v)}`;
  const title = p(`%${likeEscaped(whole)}%`);
  return `CASE WHEN lower(t.code) = ${p(whole)} THEN 0 WHEN lower(t.code) LIKE ${p(`${likeEscaped(whole)}%`)} THEN 1
               WHEN vi_fold(t.title) LIKE ${title} OR vi_fold(t.title_en) LIKE ${title} THEN 2 ELSE 3 END, `;
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
export async function listTasks(db: Db, q: TaskListFilter, nowMs = Date.now()): Promise<TaskPage> {
  const { pool } = db;
  const params: unknown[] = [nowMs];
  const where = taskConditions(q, nowMs, params);
  const order = `${searchRank(q.q, params)}${ORDER_BY[q.sort]}`;
  const limit = `$${params.push(q.limit)}`;
  const offset = `$${params.push((q.page - 1) * q.limit)}`;
  const { rows } = await pool.query<{ items: string; total: string | null }>(
    prepared(
      `WITH page AS (
         SELECT ${taskJsonOf(db)} AS j, row_number() OVER (ORDER BY ${order}) AS n, count(*) OVER () AS total
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
    total = Number(
      (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM tasks t ${countWhere}`, countParams)).rows[0]?.n ?? 0,
    );
  }
  return { itemsJson: rows[0]?.items ?? '[]', total, page: q.page, limit: q.limit };
}

/** The page as the API's JSON body, without parsing and re-serialising the tasks. */
export function taskPageJson(p: TaskPage): string {
  return `{"items":${p.itemsJson},"total":${p.total},"page":${p.page},"limit":${p.limit}}`;
}

/** One task as the API shows it, or null. */
export async function getTask(db: Db, code: string, nowMs = Date.now()): Promise<ApiTask | null> {
  const { rows } = await db.pool.query<{ j: ApiTask }>(
    prepared(`SELECT ${taskJsonOf(db)} AS j FROM tasks t WHERE t.code = $2`, [nowMs, code]),
  );
  return rows[0]?.j ?? null;
}

/** Tasks matching a WHERE (over alias t, with `$1` the instant and `$2`... in `params`) as API tasks. */
export async function taskQuery(
  db: Db,
  sql: { where: string; orderBy: string; limit: number },
  params: unknown[],
): Promise<ApiTask[]> {
  const { rows } = await db.pool.query<{ j: ApiTask }>(
    prepared(
      `SELECT ${taskJsonOf(db)} AS j FROM tasks t ${sql.where} ORDER BY ${sql.orderBy} LIMIT ${sql.limit}`,
      params,
    ),
  );
  return rows.map((r) => r.j);
}

/** Every task's code, in order. */
export async function allTaskCodes(db: Db): Promise<string[]> {
  return (await db.prisma.task.findMany({ select: { code: true }, orderBy: { code: 'asc' } })).map((t) => t.code);
}

/** The catalog fields of the tasks among `codes` that exist (the importer compares them). */
export async function catalogFieldsOf(db: Db, codes: string[]) {
  return db.prisma.task.findMany({
    where: { code: { in: codes } },
    select: {
      code: true,
      title: true,
      sector: true,
      legalBasis: true,
      titleEn: true,
      sectorEn: true,
      legalBasisEn: true,
      level: true,
      appliesTo: true,
    },
  });
}

/** A catalog text in both languages, as the task row holds it (en: null when the catalog gives none). */
export interface CatalogText {
  vi: string;
  en: string | null;
}

/**
 * The catalog texts (title, sector, legal basis) of the tasks among `codes`, in both languages, from
 * the task row: the one record every page reads a task's name from. The audit log keeps the text a
 * task was registered with, which may predate the Vietnamese catalog; lists built from its replay
 * (as-of, overdue, at-risk) name their tasks from here.
 */
export async function catalogTextsOf(
  db: Db,
  codes: string[],
): Promise<Map<string, { titles: CatalogText; sectors: CatalogText; legalBases: CatalogText }>> {
  if (codes.length === 0) return new Map();
  const { rows } = await db.pool.query<{
    code: string;
    title: string;
    title_en: string;
    sector: string;
    sector_en: string;
    legal_basis: string;
    legal_basis_en: string;
  }>(
    'SELECT code, title, title_en, sector, sector_en, legal_basis, legal_basis_en FROM tasks WHERE code = ANY($1::text[])',
    [codes],
  );
  const or = (s: string | null) => (s ? s : null);
  return new Map(
    rows.map((r) => [
      r.code,
      {
        titles: { vi: r.title, en: or(r.title_en) },
        sectors: { vi: r.sector, en: or(r.sector_en) },
        legalBases: { vi: r.legal_basis, en: or(r.legal_basis_en) },
      },
    ]),
  );
}

/** The English renderings of tasks' catalog text (read-model columns, not audited); only rows that change are written. */
export async function setEnglishTexts(
  db: Db,
  rows: { code: string; titleEn: string; sectorEn: string; legalBasisEn: string }[],
): Promise<number> {
  const { rowCount } = await db.pool.query(
    `UPDATE tasks t SET title_en = r.title_en, sector_en = r.sector_en, legal_basis_en = r.legal_basis_en, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS r(code text, title_en text, sector_en text, legal_basis_en text)
      WHERE t.code = r.code AND (t.title_en, t.sector_en, t.legal_basis_en) IS DISTINCT FROM (r.title_en, r.sector_en, r.legal_basis_en)`,
    [
      JSON.stringify(
        rows.map((r) => ({ code: r.code, title_en: r.titleEn, sector_en: r.sectorEn, legal_basis_en: r.legalBasisEn })),
      ),
    ],
  );
  return rowCount ?? 0;
}

/** The codes of the tasks that do not apply to `locality` (the catalog restricted them elsewhere). */
export async function tasksNotApplyingTo(db: Db, locality: string): Promise<Set<string>> {
  const { rows } = await db.pool.query<{ code: string }>(
    'SELECT code FROM tasks WHERE applies_to IS NOT NULL AND NOT ($1 = ANY(applies_to))',
    [locality],
  );
  return new Set(rows.map((r) => r.code));
}

/**
 * Where tasks apply (null: every locality), from the catalog. Moves `updated_at` of the tasks it
 * changes, so the matrix's cached answers are dropped (db/matrix.ts matrixGeneration).
 */
export async function setApplicability(db: Db, rows: { code: string; appliesTo: string[] | null }[]): Promise<number> {
  const { rowCount } = await db.pool.query(
    `UPDATE tasks t SET applies_to = r.applies_to, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS r(code text, applies_to text[])
      WHERE t.code = r.code AND t.applies_to IS DISTINCT FROM r.applies_to`,
    [JSON.stringify(rows.map((r) => ({ code: r.code, applies_to: r.appliesTo })))],
  );
  return rowCount ?? 0;
}

/** Whether any task exists (the embedded stack seeds the catalog into an empty database). */
export async function hasTasks(db: Db): Promise<boolean> {
  return (await db.prisma.task.count()) > 0;
}

/** A task's catalog texts in both languages (English empty when the catalog gives none), for e-mails. */
export async function taskTexts(
  db: Db,
  code: string,
): Promise<{ title: { vi: string; en: string }; sector: { vi: string; en: string } } | null> {
  const { rows } = await db.pool.query<{ title: string; title_en: string; sector: string; sector_en: string }>(
    'SELECT title, title_en, sector, sector_en FROM tasks WHERE code = $1',
    [code],
  );
  const r = rows[0];
  return r ? { title: { vi: r.title, en: r.title_en }, sector: { vi: r.sector, en: r.sector_en } } : null;
}

/** How many tasks the read model holds. */
export async function taskCount(db: Db): Promise<number> {
  return db.prisma.task.count();
}

import { Prisma, type PrismaClient, type Task } from '@prisma/client';
import { DAY_MS, addDays, daysOverdue, vietnamDate } from '../domain/dates';
import { TASK_STATUSES, type TaskStatus } from '../domain/task';
import type { TaskListQuery } from './schemas';

/** The task as clients see it (names kept stable: see the API issue's "Shapes clients can rely on"). */
export function toApiTask(row: Task, nowMs = Date.now()) {
  const dueDate = row.dueDate ? row.dueDate.toISOString().slice(0, 10) : null;
  return {
    code: row.code,
    title: row.title,
    sector: row.sector,
    legalBasis: row.legalBasis,
    level: row.level,
    status: row.status,
    statusSince: row.statusSince.toISOString(),
    leadMinistry: row.leadMinistryCode,
    coordinatingMinistries: row.coordinatingMinistries,
    focalPoint: { name: row.focalPointName, email: row.focalPointEmail },
    dueDate,
    daysOverdue: row.status === 'FEASIBLE' ? 0 : daysOverdue(dueDate, nowMs),
    deadlineExtensions: row.deadlineExtensions,
    milestones: row.milestones as unknown[],
    reports: { workable: row.reportsWorkable, obstacle: row.reportsObstacle },
    lastSeq: row.lastSeq,
  };
}
export type ApiTask = ReturnType<typeof toApiTask>;

/** ORDER BY clauses by sort key: a fixed list, so no client text reaches the SQL. */
const ORDER_BY: Record<TaskListQuery['sort'], string> = {
  code: 'code ASC',
  '-code': 'code DESC',
  dueDate: 'due_date ASC NULLS LAST, code ASC',
  '-dueDate': 'due_date DESC NULLS LAST, code ASC',
  statusSince: 'status_since ASC, code ASC',
  '-statusSince': 'status_since DESC, code ASC',
  title: 'title ASC, code ASC',
  '-title': 'title DESC, code ASC',
  updatedAt: 'updated_at ASC, code ASC',
  '-updatedAt': 'updated_at DESC, code ASC',
};

/** Today's date in Viet Nam as a Date at 00:00 UTC (how `due_date` is stored). */
function today(nowMs: number): Date {
  return new Date(`${vietnamDate(nowMs)}T00:00:00Z`);
}

function taskConditions(q: Pick<TaskListQuery, 'status' | 'ministry' | 'overdue' | 'dueBefore' | 'q'>, nowMs: number): Prisma.Sql {
  const day = vietnamDate(nowMs);
  const conds: Prisma.Sql[] = [];
  if (q.status) conds.push(Prisma.sql`status = ${q.status}::"TaskStatus"`);
  if (q.ministry) conds.push(Prisma.sql`lead_ministry_code = ${q.ministry}`);
  if (q.overdue === true) conds.push(Prisma.sql`status <> 'FEASIBLE' AND due_date < ${day}::date`);
  if (q.overdue === false) conds.push(Prisma.sql`(status = 'FEASIBLE' OR due_date IS NULL OR due_date >= ${day}::date)`);
  if (q.dueBefore) conds.push(Prisma.sql`due_date < ${q.dueBefore}::date`);
  if (q.q) conds.push(Prisma.sql`title ILIKE ${`%${q.q.replace(/[\\%_]/g, '\\$&')}%`}`);
  return conds.length > 0 ? Prisma.sql`WHERE ${Prisma.join(conds, ' AND ')}` : Prisma.empty;
}

interface TaskSqlRow {
  code: string;
  title: string;
  sector: string;
  legal_basis: string;
  level: string;
  status: Task['status'];
  status_since: Date;
  lead_ministry_code: string;
  coordinating_ministries: string[];
  focal_point_name: string;
  focal_point_email: string;
  due_date: Date | null;
  deadline_extensions: number;
  milestones: Prisma.JsonValue;
  reports_workable: number;
  reports_obstacle: number;
  last_seq: number;
  created_at: Date;
  updated_at: Date;
  total: bigint;
}

function fromSql(r: TaskSqlRow): Task {
  return {
    code: r.code,
    title: r.title,
    sector: r.sector,
    legalBasis: r.legal_basis,
    level: r.level,
    status: r.status,
    statusSince: r.status_since,
    leadMinistryCode: r.lead_ministry_code,
    coordinatingMinistries: r.coordinating_ministries,
    focalPointName: r.focal_point_name,
    focalPointEmail: r.focal_point_email,
    dueDate: r.due_date,
    deadlineExtensions: r.deadline_extensions,
    milestones: r.milestones,
    reportsWorkable: r.reports_workable,
    reportsObstacle: r.reports_obstacle,
    lastSeq: r.last_seq,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * One page of tasks and the total, in one statement (the list is the hottest read: a window
 * count saves a second round trip and a second query plan).
 */
export async function listTasks(prisma: PrismaClient, q: TaskListQuery, nowMs = Date.now()) {
  const where = taskConditions(q, nowMs);
  const rows = await prisma.$queryRaw<TaskSqlRow[]>`
    SELECT *, count(*) OVER () AS total FROM tasks ${where}
     ORDER BY ${Prisma.raw(ORDER_BY[q.sort])} LIMIT ${q.limit} OFFSET ${(q.page - 1) * q.limit}`;
  // A page past the end has no row to carry the total.
  const total =
    rows.length > 0 ? Number(rows[0]?.total) : Number((await prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM tasks ${where}`)[0]?.n ?? 0);
  return { items: rows.map((r) => toApiTask(fromSql(r), nowMs)), total, page: q.page, limit: q.limit };
}

export async function getTaskRow(prisma: PrismaClient, code: string): Promise<Task | null> {
  return prisma.task.findUnique({ where: { code } });
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
  const soon = new Date(`${addDays(vietnamDate(nowMs), 14)}T00:00:00Z`);
  const open = { status: { not: 'FEASIBLE' as const } };
  const [overdueRows, oldest, obstacles, dueSoon] = await Promise.all([
    prisma.$queryRaw<{ ministry: string; overdue: bigint; oldest_due: Date }[]>`
      SELECT lead_ministry_code AS ministry, count(*) AS overdue, min(due_date) AS oldest_due
        FROM tasks WHERE status <> 'FEASIBLE' AND due_date < ${todayDate}
       GROUP BY lead_ministry_code ORDER BY overdue DESC, oldest_due ASC`,
    prisma.task.findMany({ where: open, orderBy: [{ statusSince: 'asc' }, { code: 'asc' }], take: limit }),
    prisma.task.findMany({ where: { reportsObstacle: { gt: 0 } }, orderBy: [{ reportsObstacle: 'desc' }, { code: 'asc' }], take: limit }),
    prisma.task.findMany({ where: { ...open, dueDate: { gte: todayDate, lte: soon } }, orderBy: [{ dueDate: 'asc' }, { code: 'asc' }], take: 50 }),
  ]);
  return {
    overdueByMinistry: overdueRows.map((r) => ({
      ministry: r.ministry,
      overdue: Number(r.overdue),
      maxDaysOverdue: Math.max(0, Math.floor((nowMs - (r.oldest_due.getTime() + DAY_MS - 7 * 3600_000)) / DAY_MS) + 1),
    })),
    oldestOpen: oldest.map((r) => toApiTask(r, nowMs)),
    mostObstacles: obstacles.map((r) => toApiTask(r, nowMs)),
    dueSoon: dueSoon.map((r) => toApiTask(r, nowMs)),
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

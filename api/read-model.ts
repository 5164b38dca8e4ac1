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

const SORT_COLUMNS = {
  code: 'code',
  dueDate: 'dueDate',
  statusSince: 'statusSince',
  title: 'title',
  updatedAt: 'updatedAt',
} as const;

/** Today's date in Viet Nam as a Date at 00:00 UTC (how `due_date` is stored). */
function today(nowMs: number): Date {
  return new Date(`${vietnamDate(nowMs)}T00:00:00Z`);
}

export function taskWhere(q: Pick<TaskListQuery, 'status' | 'ministry' | 'overdue' | 'dueBefore' | 'q'>, nowMs = Date.now()): Prisma.TaskWhereInput {
  const and: Prisma.TaskWhereInput[] = [];
  if (q.status) and.push({ status: q.status });
  if (q.ministry) and.push({ leadMinistryCode: q.ministry });
  if (q.overdue === true) and.push({ status: { not: 'FEASIBLE' }, dueDate: { lt: today(nowMs) } });
  if (q.overdue === false) and.push({ OR: [{ status: 'FEASIBLE' }, { dueDate: null }, { dueDate: { gte: today(nowMs) } }] });
  if (q.dueBefore) and.push({ dueDate: { lt: new Date(`${q.dueBefore}T00:00:00Z`) } });
  if (q.q) and.push({ title: { contains: q.q, mode: 'insensitive' } });
  return { AND: and };
}

export async function listTasks(prisma: PrismaClient, q: TaskListQuery, nowMs = Date.now()) {
  const where = taskWhere(q, nowMs);
  const desc = q.sort.startsWith('-');
  const column = SORT_COLUMNS[q.sort.replace(/^-/, '') as keyof typeof SORT_COLUMNS];
  const direction = desc ? ('desc' as const) : ('asc' as const);
  // Only the nullable column takes { sort, nulls }; the others take a plain direction.
  const orderBy: Prisma.TaskOrderByWithRelationInput[] = [column === 'dueDate' ? { dueDate: { sort: direction, nulls: 'last' } } : { [column]: direction }];
  if (column !== 'code') orderBy.push({ code: 'asc' });
  const [rows, total] = await Promise.all([
    prisma.task.findMany({ where, orderBy, skip: (q.page - 1) * q.limit, take: q.limit }),
    prisma.task.count({ where }),
  ]);
  return { items: rows.map((r) => toApiTask(r, nowMs)), total, page: q.page, limit: q.limit };
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

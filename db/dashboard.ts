import { addDays, daysOverdue, vietnamDate } from '../domain/dates';
import { TASK_STATUSES, type TaskStatus } from '../domain/task';
import { Prisma } from '@prisma/client';
import type { Db } from './client';
import { openStatusSql } from './status-sql';
import { localityStatuses } from './matrix';
import { taskQuery } from './tasks';

/** Today's date in Viet Nam as a Date at 00:00 UTC (how `due_date` is stored). */
function today(nowMs: number): Date {
  return new Date(`${vietnamDate(nowMs)}T00:00:00Z`);
}

/** Open tasks (their status has a due date), as SQL fragments for the tagged queries below. */
const OPEN_T = Prisma.raw(openStatusSql('t.status'));
const OPEN = Prisma.raw(openStatusSql('status'));

const round2 = (n: number) => Math.round(n * 100) / 100;

export async function summary(db: Db, nowMs = Date.now()) {
  const todayDate = today(nowMs);
  const [byStatusRows, byMinistryRows, localityRows, stuck] = await Promise.all([
    db.prisma.$queryRaw<
      { status: TaskStatus; count: bigint }[]
    >`SELECT status, count(*) AS count FROM tasks GROUP BY status`,
    db.prisma.$queryRaw<{ ministry: string; name: string; total: bigint; open: bigint; overdue: bigint }[]>`
      SELECT m.code AS ministry, m.name,
             count(t.code) AS total,
             count(t.code) FILTER (WHERE ${OPEN_T}) AS open,
             count(t.code) FILTER (WHERE ${OPEN_T} AND t.due_date < ${todayDate}) AS overdue
        FROM ministries m LEFT JOIN tasks t ON t.lead_ministry_code = m.code
       GROUP BY m.code, m.name
      HAVING count(t.code) > 0 OR bool_or(m.delegates)
       ORDER BY overdue DESC, open DESC, m.code`,
    // Who reported: the one reading of the current round's rows that GET /api/localities, /rounds and the pages use.
    localityStatuses(db),
    db.prisma.stuckTask.count(),
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
    byMinistry: byMinistryRows.map((r) => ({
      ministry: r.ministry,
      name: r.name,
      total: Number(r.total),
      open: Number(r.open),
      overdue: Number(r.overdue),
    })),
    localities: { reported: localityRows.filter((l) => l.reportedAt !== null).length, total: localityRows.length },
    // Tasks waiting for an operator's repair (README, "Stuck tasks"): their figures above may lag.
    stuckTasks: stuck,
  };
}

export async function bottlenecks(db: Db, nowMs = Date.now(), limit = 10) {
  const todayDate = today(nowMs);
  const [overdueRows, oldestOpen, mostObstacles, dueSoon] = await Promise.all([
    db.prisma.$queryRaw<{ ministry: string; overdue: bigint; oldest_due: Date }[]>`
      SELECT lead_ministry_code AS ministry, count(*) AS overdue, min(due_date) AS oldest_due
        FROM tasks WHERE ${OPEN} AND due_date < ${todayDate}
       GROUP BY lead_ministry_code ORDER BY overdue DESC, oldest_due ASC`,
    taskQuery(db, { where: `WHERE ${openStatusSql('t.status')}`, orderBy: 't.status_since ASC, t.code ASC', limit }, [
      nowMs,
    ]),
    taskQuery(db, { where: 'WHERE t.reports_obstacle > 0', orderBy: 't.reports_obstacle DESC, t.code ASC', limit }, [
      nowMs,
    ]),
    taskQuery(
      db,
      {
        where: `WHERE ${openStatusSql('t.status')} AND t.due_date BETWEEN $2::date AND $3::date`,
        orderBy: 't.due_date ASC, t.code ASC',
        limit: 50,
      },
      [nowMs, vietnamDate(nowMs), addDays(vietnamDate(nowMs), 14)],
    ),
  ]);
  return {
    overdueByMinistry: overdueRows.map((r) => ({
      ministry: r.ministry,
      overdue: Number(r.overdue),
      maxDaysOverdue: daysOverdue(r.oldest_due.toISOString().slice(0, 10), nowMs),
    })),
    oldestOpen,
    mostObstacles,
    dueSoon,
  };
}

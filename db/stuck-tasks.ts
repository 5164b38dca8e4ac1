import type { Db } from './client';

export interface StuckTask {
  code: string;
  seq: number;
  kind: string;
  error: string;
  since: string;
}

/** Marks a task stuck on its event `seq` (README, "Stuck tasks"); a repeat counts another attempt. */
export async function markStuck(
  db: Db,
  t: { taskCode: string; seq: number; kind: string; error: string },
): Promise<void> {
  await db.prisma.stuckTask.upsert({
    where: { taskCode: t.taskCode },
    create: { taskCode: t.taskCode, seq: t.seq, eventKind: t.kind, error: t.error },
    update: { seq: t.seq, eventKind: t.kind, error: t.error, attempts: { increment: 1 } },
  });
}

export async function clearStuck(db: Db, taskCode: string): Promise<void> {
  await db.prisma.stuckTask.deleteMany({ where: { taskCode } });
}

/** How many tasks are stuck, and the oldest `limit` of them. */
export async function stuckTasks(db: Db, limit = 20): Promise<{ count: number; tasks: StuckTask[] }> {
  const [count, rows] = await Promise.all([
    db.prisma.stuckTask.count(),
    db.prisma.stuckTask.findMany({ orderBy: { since: 'asc' }, take: limit }),
  ]);
  return {
    count,
    tasks: rows.map((r) => ({
      code: r.taskCode,
      seq: r.seq,
      kind: r.eventKind,
      error: r.error,
      since: r.since.toISOString(),
    })),
  };
}

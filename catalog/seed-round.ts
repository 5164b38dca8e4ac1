import type { Db } from '../db/client';
import { seedLocalityCells } from '../db/locality-cells';
import type { CellContent } from '../domain/locality-cells';
import type { TaskStatus } from '../domain/task';
import { SEED_ROUND_ID, reference, reportedLocalities } from './reference-data';

const REPORTED_AT = `${reference.assessment.reportedAt}T00:00:00.000Z`;

/**
 * What each reporting locality said about a task, following the report's own reading: a task the
 * report found feasible is workable; one waiting for guidance meets a legal-basis obstacle; one
 * waiting for authority to be adjusted meets an authority obstacle. Illustrative, like the catalog.
 */
export function seedCell(status: TaskStatus, leadMinistry: string): CellContent {
  if (status === 'FEASIBLE') return { state: 'WORKABLE', category: null, text: '' };
  if (status === 'REQUIRES_GUIDANCE') return { state: 'OBSTACLE', category: 'LEGAL_BASIS', text: `Chờ văn bản hướng dẫn của ${leadMinistry} / awaiting guidance from ${leadMinistry}` };
  return { state: 'OBSTACLE', category: 'AUTHORITY', text: 'Chờ điều chỉnh thẩm quyền / awaiting the adjustment of authority' };
}

/** The cells the 30 reporting localities sent in the seed round, for the tasks given (their status at seeding). */
export async function seedRoundCells(db: Db, tasks: { code: string; status: TaskStatus; leadMinistry: string }[]): Promise<number> {
  let seeded = 0;
  for (const locality of reportedLocalities()) {
    const done = await seedLocalityCells(db, {
      locality,
      at: REPORTED_AT,
      actor: `locality:${locality}`,
      round: SEED_ROUND_ID,
      cells: tasks.map((t) => ({ task: t.code, content: seedCell(t.status, t.leadMinistry) })),
    });
    if (done) seeded++;
  }
  return seeded;
}

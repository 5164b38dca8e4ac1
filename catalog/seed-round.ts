import type { Db } from '../db/client';
import { adoptLegacyReports, seedLocalityCells, taskStatuses } from '../db/locality-cells';
import type { CellContent } from '../domain/locality-cells';
import type { TaskStatus } from '../domain/task';
import { SEED_ROUND_ID, reference, reportedLocalities } from './reference-data';

const REPORTED_AT = `${reference.assessment.reportedAt}T00:00:00.000Z`;

/** Marks seeded cell text as illustrative, as the catalog's rows and the leadership contacts are. */
export const ILLUSTRATIVE = '(minh hoạ / illustrative)';

function ministryNameVi(code: string): string {
  return reference.ministries.find((m) => m.code === code)?.nameVi ?? code;
}

/**
 * What each reporting locality said about a task, following the report's own reading and the
 * obstacle themes it published (legal documents or guidance not yet issued; authority still to be
 * adjusted): a task the report found feasible is workable; one waiting for guidance meets a
 * legal-basis obstacle naming the lead ministry; one waiting for authority to be adjusted meets an
 * authority obstacle. Illustrative, like the catalog, and its text says so.
 */
export function seedCell(status: TaskStatus, leadMinistry: string): CellContent {
  switch (status) {
    case 'FEASIBLE':
      return {
        state: 'WORKABLE',
        category: null,
        text: `${ILLUSTRATIVE} Đủ điều kiện thực hiện tại địa phương / workable locally`,
      };
    case 'REQUIRES_GUIDANCE':
      return {
        state: 'OBSTACLE',
        category: 'LEGAL_BASIS',
        text: `${ILLUSTRATIVE} Chờ văn bản, hướng dẫn thực hiện của ${ministryNameVi(leadMinistry)} / awaiting the legal document or guidance of ${leadMinistry}`,
      };
    case 'AUTHORITY_ADJUSTMENT':
      return {
        state: 'OBSTACLE',
        category: 'AUTHORITY',
        text: `${ILLUSTRATIVE} Chờ điều chỉnh thẩm quyền giữa trung ương và địa phương / awaiting the adjustment of authority`,
      };
  }
}

/** The cells the 30 reporting localities sent in the seed round, for the tasks given (their status at seeding). */
export async function seedRoundCells(
  db: Db,
  tasks: { code: string; status: TaskStatus; leadMinistry: string }[],
): Promise<number> {
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

/**
 * What both ways of starting the stack (`npm start`, stack/supervised-stack.ts, and the one-process
 * stack/stack.ts) do once the catalog is in: the first version's per-task reports are adopted into
 * the matrix (always: the cells are the one store), and, when seeding, the closed round of 6 December
 * 2025 gets the 30 reporters' cells. Both are idempotent: a second start writes nothing.
 */
export async function prepareLocalityStore(
  db: Db,
  opts: { seed: boolean; log: (line: string) => void },
): Promise<{ adopted: number; seededLocalities: number }> {
  const adopted = await adoptLegacyReports(db);
  if (adopted > 0) opts.log(`one store: ${adopted} per-task locality reports adopted into matrix cells`);
  const seededLocalities = opts.seed ? await seedRoundCells(db, await taskStatuses(db)) : 0;
  if (seededLocalities > 0)
    opts.log(`seed: cells of ${seededLocalities} localities from the round of ${reference.assessment.reportedAt}`);
  return { adopted, seededLocalities };
}

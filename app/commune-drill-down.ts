import type { Db } from '../db/client';
import { provinceTaskCells } from '../db/communes';
import { communeRollupOf, type CommuneRollupCell } from '../db/matrix';
import { getTask } from '../db/tasks';
import type { CellState, ObstacleCategory } from '../domain/locality-cells';
import type { Principal } from '../domain/principal';
import { Refusal } from '../domain/refusal';
import { cellScopeOf, scopeReadsTask } from './cell-visibility';

/** One task's cell in one commune, as the drill-down lists it. */
export interface CommuneTaskCell {
  state: CellState;
  category: ObstacleCategory | null;
}

export interface TaskDrillDown {
  task: string;
  /** The province cell of the task: the roll-up of its communes' cells (the row the matrix shows). */
  communes: CommuneRollupCell;
  /** Each commune's cell of the task, by commune code; null when the caller reads aggregates only. */
  cells: Map<string, CommuneTaskCell> | null;
}

/**
 * The drill-down from a province's cell of a commune-level task (its roll-up) to that task's cell in
 * each of its communes, for the API (`GET /api/localities/{code}/communes?task=`) and the page
 * (`/localities/{code}/communes?task=`). The cells only for those who read them (Home Affairs, the
 * province, a ministry for its tasks); everyone reads the roll-up. A task that does not exist is 404;
 * one without commune cells in the province (a province-level task, or the communes not yet seeded) 422.
 */
export async function taskDrillDown(
  db: Db,
  p: Principal | null,
  locality: string,
  taskCode: string,
): Promise<TaskDrillDown> {
  const task = await getTask(db, taskCode);
  if (!task)
    throw new Refusal('not-found', `There is no task ${taskCode}.`, {}, [
      { location: { in: 'query', field: 'task' }, message: 'unknown task' },
    ]);
  const communes = await communeRollupOf(db, locality, taskCode);
  if (!communes)
    throw new Refusal('invalid', `Task ${taskCode} has no commune cells in ${locality}.`, {}, [
      {
        location: { in: 'query', field: 'task' },
        message: `not a commune-level task of ${locality} (or its communes are not seeded yet)`,
      },
    ]);
  const reads = scopeReadsTask(cellScopeOf(p, { locality }), task);
  return { task: taskCode, communes, cells: reads ? await provinceTaskCells(db, locality, taskCode) : null };
}

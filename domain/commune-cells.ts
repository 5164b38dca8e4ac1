import { CELL_STATES, OBSTACLE_CATEGORIES, type CellReportEntry, type CellState } from './locality-cells';

/**
 * The task × commune matrix: one cell per (commune-level task, commune of a province where the task
 * applies). Pure rules shared by the API, the pages and the seed. A cell is stored compactly: its state
 * and obstacle category are small integers, in the order of CELL_STATES and OBSTACLE_CATEGORIES.
 */

/** `commune:<5-digit official code>`: a commune's focal point. */
export const COMMUNE_CODE = /^[0-9]{5}$/;

/** The state's number as stored (0 NOT_STARTED ... 3 OBSTACLE). */
export function stateNumber(state: CellState): number {
  return CELL_STATES.indexOf(state);
}

/** The obstacle category's number as stored (0 LEGAL_BASIS ... 6 OTHER), null for none. */
export function categoryNumber(category: string | null | undefined): number | null {
  if (!category) return null;
  const i = (OBSTACLE_CATEGORIES as readonly string[]).indexOf(category);
  return i < 0 ? null : i;
}

/** A task is carried out by communes at level `commune` or `both`. */
export function isCommuneLevel(level: string): boolean {
  return level === 'commune' || level === 'both';
}

/** How a report on a commune's cells arrived: from the commune, from its province for it, in its province's file. */
export type CommuneReportChannel = 'COMMUNE' | 'ON_BEHALF' | 'UPLOAD';

export type CommuneReporter =
  { kind: 'commune'; code: string } | { kind: 'locality'; code: string } | { kind: 'home-affairs' } | { kind: 'other' };

/**
 * Who may write a commune's cells: the commune itself, its own province (on its behalf), Home Affairs
 * (on its behalf). Returns the channel, or the reason it is refused.
 */
export function reportChannel(
  who: CommuneReporter,
  commune: { code: string; locality: string },
): { ok: true; channel: CommuneReportChannel } | { ok: false; message: string } {
  if (who.kind === 'commune') {
    return who.code === commune.code
      ? { ok: true, channel: 'COMMUNE' }
      : {
          ok: false,
          message: `Commune ${who.code} may change only its own cells, not those of commune ${commune.code}.`,
        };
  }
  if (who.kind === 'locality') {
    return who.code === commune.locality
      ? { ok: true, channel: 'ON_BEHALF' }
      : {
          ok: false,
          message: `Province ${who.code} reports only for its own communes; commune ${commune.code} belongs to ${commune.locality}.`,
        };
  }
  if (who.kind === 'home-affairs') return { ok: true, channel: 'ON_BEHALF' };
  return { ok: false, message: 'Only the commune, its province or Home Affairs reports on a commune’s cells.' };
}

/** What is wrong with one entry; where it is, the caller's `at` says. */
export interface CommuneCellError {
  cell: { task: string; commune: string };
  message: string;
}

/**
 * Checks each entry of a commune's report against the tasks whose cells the commune has (`communeTasks`)
 * and the other known tasks with their level (`taskLevels`): an unknown task, a province-level task, a
 * task that does not apply to its province, a task twice. Every bad cell is listed; nothing is written
 * unless the list is empty. `at(i, column)` says where entry i is, as the caller places it (a request's
 * structured location, a file's row).
 */
export function checkCommuneEntries<Where extends object>(
  commune: string,
  entries: ReadonlyArray<CellReportEntry>,
  communeTasks: ReadonlySet<string>,
  taskLevels: ReadonlyMap<string, string>,
  at: (i: number, column: string) => Where,
): (Where & CommuneCellError)[] {
  const errors: (Where & CommuneCellError)[] = [];
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const cell = { task: e.task, commune };
    if (!communeTasks.has(e.task)) {
      const level = taskLevels.get(e.task);
      const message =
        level === undefined
          ? `unknown task ${e.task}`
          : isCommuneLevel(level)
            ? `task ${e.task} does not apply to the province of commune ${commune}`
            : `task ${e.task} is carried out at province level: communes do not report on it`;
      errors.push({ ...at(i, 'task'), cell, message });
    }
    const first = seen.get(e.task);
    if (first !== undefined) errors.push({ ...at(i, 'task'), cell, message: `task ${e.task} appears twice` });
    else seen.set(e.task, i);
  });
  return errors;
}

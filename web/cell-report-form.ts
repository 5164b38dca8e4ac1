import type { ZodError } from 'zod';
import { locationOfPath, type Refusal, type FieldLocation } from '../domain/refusal';
import type { CellInput } from './components/cell-report-inputs';
import type { FieldError } from './layout';
import type { LocalityMessages } from './messages/localities';

// Reading back a posted cell report (a province's page or a commune's): the rows' inputs by task, the
// rows with a new state as the report's cells, and each error (schema or application) beside its row.

/** The rows of one row's inputs in a posted report form, by task, in the order they came. */
export function postedCells(body: unknown): Map<string, CellInput> {
  const b = (body ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
  const out = new Map<string, CellInput>();
  for (const key of Object.keys(b)) {
    if (!key.startsWith('state-')) continue;
    const task = key.slice('state-'.length);
    out.set(task, { state: str(key), category: str(`category-${task}`), text: str(`text-${task}`) });
  }
  return out;
}

/** The rows sent with a new state, in the order they came (the report's `cells`, by index). */
type Chosen = { task: string; input: CellInput }[];

/** An error about `cells.<i>.<key>` (schema or application) beside that row's field, in the page's words. */
export function cellError(m: LocalityMessages, chosen: Chosen, at: FieldLocation, message: string): FieldError | null {
  const row = at.list === 'cells' && at.index !== undefined ? chosen[at.index] : undefined;
  if (!row) return null;
  const key = at.field || (message.includes('category') ? 'category' : message.includes('text') ? 'text' : 'state');
  const obstacle = row.input.state === 'OBSTACLE';
  const text =
    key === 'category'
      ? obstacle
        ? m.errObstacleCategory
        : m.errCategoryOnlyObstacle
      : key === 'text'
        ? obstacle && row.input.text.trim() !== ''
          ? m.errTooLong
          : m.errObstacleText
        : key === 'task'
          ? m.errTaskNotHere
          : message;
  return { field: `${key === 'task' ? 'state' : key}-${row.task}`, message: text };
}

export function dedupe(errors: FieldError[]): FieldError[] {
  return errors.filter((e, i) => errors.findIndex((x) => x.field === e.field) === i);
}

/** The rows with a new state, in the order they came, and the report body they make (blank fields left out). */
export function chosenCells(values: Map<string, CellInput>) {
  const chosen = [...values].filter(([, v]) => v.state !== '').map(([task, input]) => ({ task, input }));
  const body = {
    cells: chosen.map(({ task, input }) => ({
      task,
      state: input.state,
      ...(input.category ? { category: input.category } : {}),
      ...(input.text.trim() ? { text: input.text } : {}),
    })),
  };
  return { chosen, body };
}

/** The report schema's refusals, each beside its row's field (or on the report as a whole). */
export function schemaCellErrors(m: LocalityMessages, chosen: Chosen, error: ZodError): FieldError[] {
  return error.issues.map(
    (i) =>
      cellError(m, chosen, locationOfPath(i.path), i.code === 'unrecognized_keys' ? i.keys.join(',') : i.message) ?? {
        field: 'report',
        message: i.message,
      },
  );
}

/** The application's refusal of a report (bad cells, a closed round), each beside its row's field. */
export function refusalCellErrors(m: LocalityMessages, chosen: Chosen, err: Refusal): FieldError[] {
  const errors = err.errors.map(
    (e) =>
      cellError(m, chosen, e.location, e.message) ?? {
        field: 'report',
        message: err.code === 'ROUND_CLOSED' ? m.errRoundClosed : e.message,
      },
  );
  return errors.length > 0 ? errors : [{ field: 'report', message: err.message }];
}

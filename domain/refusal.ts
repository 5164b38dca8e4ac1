/**
 * Why the application refuses a request, with no HTTP in it. The use cases (`app/`) and the Update
 * helpers (`temporal/`) throw these; each adapter says them its way: the API as problem+json
 * (`api/problem.ts refusalProblem`), the pages as messages beside the form's fields (`web/forms.ts`).
 */

/** What kind of refusal: the API answers 400, 403, 404, 409, 422 and 503 for these. */
export type RefusalKind = 'bad-request' | 'forbidden' | 'not-found' | 'conflict' | 'invalid' | 'unavailable';

/**
 * Where a refused value sits in the request: `in` the path parameters or the body, optionally an
 * item (`index`) of a list (`list`), and the field's name (empty for the item as a whole). Without
 * `in`, the field of the input as the task workflow's validators name it (`from`, `dueDate`): the
 * API answers it so, by its bare name; a page looks for it in its form's body.
 */
export interface FieldLocation {
  in?: 'params' | 'body' | 'query';
  list?: string;
  index?: number;
  field: string;
}

export interface FieldRefusal {
  location: FieldLocation;
  message: string;
  /** What else names the refused item (a matrix cell's task and locality). */
  extra?: Record<string, unknown>;
}

/** Anything else the answer carries besides its field errors (`code`, `allowed`, `dependency`, ...). */
export type RefusalDetails = Record<string, unknown> & { code?: string };

export class Refusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    readonly details: RefusalDetails = {},
    readonly errors: FieldRefusal[] = [],
  ) {
    super(message);
    this.name = 'Refusal';
  }

  get code(): string | undefined {
    return this.details.code;
  }
}

/**
 * A location from a path given as its segments (a zod issue's `path`: `['cells', 3, 'text']`): the
 * first number is the item's index, what comes before it the list, after it the field. No text is parsed.
 */
export function locationOfPath(path: readonly PropertyKey[], where?: FieldLocation['in']): FieldLocation {
  const at: Pick<FieldLocation, 'in'> = where ? { in: where } : {};
  const i = path.findIndex((s) => typeof s === 'number');
  const names = (segments: readonly PropertyKey[]) => segments.map(String).join('.');
  if (i > 0) return { ...at, list: names(path.slice(0, i)), index: path[i] as number, field: names(path.slice(i + 1)) };
  return { ...at, field: names(path) };
}

/** The dotted path of a location, as the API names fields (`body.cells.3.text`). */
export function pathOf(l: FieldLocation): string {
  return [
    ...(l.in ? [l.in] : []),
    ...(l.list !== undefined ? [l.list] : []),
    ...(l.index !== undefined ? [String(l.index)] : []),
    ...(l.field ? [l.field] : []),
  ].join('.');
}

/** One field error, located in the body unless said otherwise. */
export function fieldRefusal(field: string, message: string, where: FieldLocation['in'] = 'body'): FieldRefusal {
  return { location: { in: where, field }, message };
}

export const badRequest = (message: string, details?: RefusalDetails, errors?: FieldRefusal[]) =>
  new Refusal('bad-request', message, details, errors);
export const forbidden = (message: string, details?: RefusalDetails, errors?: FieldRefusal[]) =>
  new Refusal('forbidden', message, details, errors);
export const notFound = (message: string, details?: RefusalDetails, errors?: FieldRefusal[]) =>
  new Refusal('not-found', message, details, errors);
export const conflict = (message: string, details?: RefusalDetails, errors?: FieldRefusal[]) =>
  new Refusal('conflict', message, details, errors);
export const invalid = (message: string, details?: RefusalDetails, errors?: FieldRefusal[]) =>
  new Refusal('invalid', message, details, errors);
export const unavailable = (message: string, details?: RefusalDetails, errors?: FieldRefusal[]) =>
  new Refusal('unavailable', message, details, errors);

/** Whether an error says a dependency (PostgreSQL, Temporal) is unreachable: nothing was changed. */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; name?: string; message?: string };
  const msg = String(e?.message ?? '');
  return (
    e?.name === 'ServiceError' ||
    e?.name === 'PrismaClientInitializationError' ||
    e?.code === 'ECONNREFUSED' ||
    e?.code === 'P1001' ||
    /ECONNREFUSED|Connection terminated|connect ETIMEDOUT|Can't reach database|UNAVAILABLE|DEADLINE_EXCEEDED|timeout exceeded when trying to connect/i.test(
      msg,
    )
  );
}

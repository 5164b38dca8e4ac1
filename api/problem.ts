import { pathOf, type Refusal, type RefusalKind } from '../domain/refusal';

/** An error the API answers with `application/problem+json` (RFC 9457). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly type = `https://delegated-tasks.example/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, extra?: Record<string, unknown>) =>
  new HttpProblem(400, 'Bad Request', detail, extra);
export const unauthorized = (detail: string) => new HttpProblem(401, 'Unauthorized', detail);
export const forbidden = (detail: string) => new HttpProblem(403, 'Forbidden', detail);
export const notFound = (detail: string) => new HttpProblem(404, 'Not Found', detail);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new HttpProblem(409, 'Conflict', detail, extra);
export const unprocessable = (detail: string, extra?: Record<string, unknown>) =>
  new HttpProblem(422, 'Unprocessable Content', detail, extra);
export const unavailable = (detail: string, extra?: Record<string, unknown>) =>
  new HttpProblem(503, 'Service Unavailable', detail, extra);

/** The status and title the API answers each kind of refusal with. */
const ANSWERS: Record<RefusalKind, [number, string]> = {
  'bad-request': [400, 'Bad Request'],
  forbidden: [403, 'Forbidden'],
  'not-found': [404, 'Not Found'],
  conflict: [409, 'Conflict'],
  invalid: [422, 'Unprocessable Content'],
  unavailable: [503, 'Service Unavailable'],
};

/** The application's refusal as problem+json: each field error named by its path in the request. */
export function refusalProblem(r: Refusal): HttpProblem {
  const [status, title] = ANSWERS[r.kind];
  const errors = r.errors.map((e) => ({ field: pathOf(e.location), ...e.extra, message: e.message }));
  return new HttpProblem(status, title, r.message, { ...r.details, ...(errors.length > 0 ? { errors } : {}) });
}

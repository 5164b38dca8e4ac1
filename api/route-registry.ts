import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { takesIdempotencyKey } from './idempotency';
import { problemResponse } from '../app/schemas';
import { badRequest, HttpProblem } from './problem';

type Method = 'get' | 'post' | 'put';

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Express path, e.g. /api/tasks/:code */
  path: string;
  summary: string;
  tags: string[];
  /** Who may call it, for the document; enforcement is in the handler. */
  access: string;
  /** Kept for old clients; the text says what to use instead (OpenAPI `deprecated: true`). */
  deprecated?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** A file body instead of JSON: its accepted media types (OpenAPI `requestBody`), read by a `before` parser. */
  upload?: Record<string, Record<string, unknown>>;
  responses: Record<
    number,
    {
      description: string;
      schema?: z.ZodType;
      contentType?: string;
      alternatives?: Record<string, Record<string, unknown>>;
      /** Response headers as OpenAPI header objects (e.g. Content-Disposition of a file). */
      headers?: Record<string, Record<string, unknown>>;
    }
  >;
  handler: (
    input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> },
    req: Request,
    res: Response,
  ) => Promise<void> | void;
}

/** One problem answer (application/problem+json) as a `responses` entry, saying when a route gives it. */
export const problem = (description: string) => ({
  description,
  schema: problemResponse,
  contentType: 'application/problem+json',
});

/** The problem answers a route may give, by status, as its `responses` entries. */
export const problems = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, problem('problem')]));

/** Every route the app serves through `register`, kept so /openapi.json is built from the same definitions. */
export class RouteRegistry {
  readonly routes: RouteSpec<z.ZodType, z.ZodType, z.ZodType>[] = [];

  /**
   * `keyed` (the Idempotency-Key middleware) runs on exactly the routes that take the header
   * (takesIdempotencyKey, which /openapi.json declares it on): a wrong method or path never reserves a key.
   */
  constructor(private readonly opts: { keyed?: RequestHandler } = {}) {}

  /** Each registered Express path with the methods it serves (upper case), for 405 answers. */
  methodsByPath(): Map<string, string[]> {
    const byPath = new Map<string, string[]>();
    for (const r of this.routes) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.method.toUpperCase()]);
    return byPath;
  }

  register<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType>(
    router: Router,
    spec: RouteSpec<P, Q, B>,
    ...before: RequestHandler[]
  ): void {
    this.routes.push(spec as unknown as RouteSpec<z.ZodType, z.ZodType, z.ZodType>);
    const run = async (req: Request, res: Response, next: NextFunction) => {
      try {
        const errors: { field: string; message: string }[] = [];
        const parse = <S extends z.ZodType>(schema: S | undefined, value: unknown, where: string) => {
          if (!schema) return undefined;
          const r = schema.safeParse(value);
          if (r.success) return r.data;
          for (const issue of r.error.issues) {
            const keys =
              issue.code === 'unrecognized_keys'
                ? issue.keys.map((k) => [...issue.path, k].join('.'))
                : [issue.path.join('.')];
            for (const k of keys) {
              errors.push({
                field: [where, k].filter(Boolean).join('.'),
                message: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message,
              });
            }
          }
          return undefined;
        };
        const params = parse(spec.params, req.params, 'params');
        const query = parse(spec.query, req.query, 'query');
        let body: unknown;
        if (spec.body) {
          const sent = req.headers['content-length'] !== '0' && req.body === undefined;
          if (sent && req.headers['content-type'] !== undefined && !req.is('application/json')) {
            // A body in another media type (text/plain, a form) is not read as JSON: 415, as RFC 9110 says.
            throw new HttpProblem(
              415,
              'Unsupported Media Type',
              `The body must be JSON (Content-Type: application/json), not ${req.headers['content-type']}.`,
              { errors: [{ field: 'body', message: 'must be a JSON document (Content-Type: application/json)' }] },
            );
          }
          if (!req.is('application/json') && sent) {
            errors.push({ field: 'body', message: 'must be a JSON document (Content-Type: application/json)' });
          } else {
            body = parse(spec.body, req.body ?? {}, 'body');
          }
        }
        if (errors.length > 0) {
          throw badRequest(`The request is invalid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, {
            errors,
          });
        }
        await spec.handler({ params, query, body } as never, req, res);
      } catch (err) {
        next(err);
      }
    };
    const keyed = this.opts.keyed && takesIdempotencyKey(spec) ? [this.opts.keyed] : [];
    router[spec.method](spec.path, ...before, ...keyed, run);
  }
}

/** Express path params (`:code`) as OpenAPI ones (`{code}`). */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

import type { NextFunction, Request, Response } from 'express';
import { badRequest } from './problem';

/** Deeper than any request body the API takes (the deepest, a task with its focal point, is 3). */
export const MAX_BODY_DEPTH = 32;

/**
 * Whether a parsed JSON value nests deeper than `max`, found without recursion (a hostile body
 * nested thousands of levels deep must not reach recursive code such as the request hash).
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** Refuses a body nested deeper than MAX_BODY_DEPTH with 400, before anything else reads it. */
export function boundedBodyDepth() {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.body !== undefined && nestsDeeperThan(req.body, MAX_BODY_DEPTH)) {
      next(
        badRequest(`The body nests deeper than ${MAX_BODY_DEPTH} levels.`, {
          errors: [{ field: 'body', message: `nested deeper than ${MAX_BODY_DEPTH} levels` }],
        }),
      );
      return;
    }
    next();
  };
}

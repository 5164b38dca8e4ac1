import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/**
 * helmet's security headers (its defaults), worked out once when the app is built: with no nonce
 * or per-request directive they are the same on every answer, so a request only sets them, instead
 * of passing through helmet's dozen nested middlewares. Headers helmet removes are removed too.
 */
export function securityHeaders() {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const probe = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.push([name, String(value)]);
      return probe;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let failure: unknown;
  helmet()({} as IncomingMessage, probe as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure;
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

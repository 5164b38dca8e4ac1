import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '../domain/principal';
import type { Logger } from '../logging/logger';

declare module 'http' {
  interface IncomingMessage {
    /** The request's id (X-Request-Id), set by `requestLogging`. */
    id: string;
    /** A logger whose lines carry the request's id, set by `requestLogging`. */
    log: Logger;
  }
}

/** An X-Request-Id a client may choose (anything else is replaced by a generated one). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id, as set by `requestLogging` (also in the X-Request-Id response header). */
export function requestIdOf(req: Request): string {
  return String(req.id);
}

/** What each request line says: who, which route, the outcome and how long it took. */
function requestLine(req: Request, res: Response, ms: number) {
  const locals = res.locals as { principal?: Principal } | undefined;
  return {
    requestId: req.id,
    method: req.method,
    route: (req.route as { path?: string } | undefined)?.path ?? req.path,
    path: req.originalUrl,
    status: res.statusCode,
    ms,
    principal: locals?.principal?.name ?? null,
  };
}

/**
 * Request logging and request ids. The id is taken from X-Request-Id when it is well-formed,
 * generated otherwise, echoed in the response header and bound to `req.log`, so every line logged
 * for the request carries it. With `lineEachRequest` each request also leaves one line when it ends
 * (when it finishes, or when the client goes away first): info, or error for a 5xx.
 *
 * This replaced pino-http, which made two child loggers for every request (pino turns each child's
 * bindings into JSON at once) and kept per-request arrays of them, about a tenth of the API's CPU
 * under the list benchmark with its garbage; here `req.log` is made only when something logs for
 * the request besides its one line, which is written from the base logger with the id as a field.
 */
export function requestLogging(logger: Logger, lineEachRequest: boolean) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : crypto.randomUUID();
    res.setHeader('X-Request-Id', id);
    req.id = id;
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: false,
      get: () => (child ??= logger.child({ requestId: id })),
    });
    if (lineEachRequest) {
      const startedAt = Date.now();
      const done = (err?: Error) => {
        res.removeListener('finish', done);
        res.removeListener('close', done);
        res.removeListener('error', done);
        const line = requestLine(req, res, Date.now() - startedAt);
        const msg = `${req.method} ${req.originalUrl} ${res.statusCode}`;
        if (err || res.statusCode >= 500) logger.error({ ...line, err: err ?? new Error(`failed with status code ${res.statusCode}`) }, msg);
        else logger.info(line, msg);
      };
      res.on('finish', done);
      res.on('close', done);
      res.on('error', done);
    }
    next();
  };
}

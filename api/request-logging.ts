import crypto from 'node:crypto';
import { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '../domain/principal';
import type { Logger } from '../logging/logger';
import { loggablePath } from '../logging/redact';

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
  // 'close' also comes when nothing was ever sent (the client or a server timeout closed the
  // connection first): then there is no status to log, whatever res.statusCode still says.
  const answered = res.headersSent;
  return {
    requestId: req.id,
    method: req.method,
    route: (req.route as { path?: string } | undefined)?.path ?? req.path,
    path: loggablePath(req.originalUrl),
    status: answered ? res.statusCode : null,
    ...(answered && res.writableFinished ? {} : { unfinished: true }),
    ms,
    principal: locals?.principal?.name ?? null,
  };
}

/**
 * Request logging and request ids. The id is taken from X-Request-Id when it is well-formed,
 * generated otherwise, echoed in the response header and bound to `req.log`, so every line logged
 * for the request carries it. With `lineEachRequest` each request also leaves one line when it ends
 * (when it is sent, or when the client goes away first): info, or error for a 5xx.
 *
 * This replaced pino-http, which made two child loggers for every request (pino turns each child's
 * bindings into JSON at once), kept per-request arrays of them and three listeners: garbage the API
 * collected on every request of the list benchmark. Here `req.log` is made only when something logs
 * for the request besides its one line, which is written from the base logger with the id as a field.
 */
export function requestLogging(logger: Logger, lineEachRequest: boolean) {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : crypto.randomUUID();
    res.setHeader('X-Request-Id', id);
    req.id = id;
    (req as LoggedRequest)[BASE_LOGGER] = logger;
    if (lineEachRequest) {
      const startedAt = Date.now();
      // 'close' comes once for every response: after it is sent, or when the client goes away first.
      res.once('close', () => {
        const line = requestLine(req, res, Date.now() - startedAt);
        const msg = `${req.method} ${line.path} ${line.status ?? 'never answered'}`;
        if (line.status === null) logger.warn(line, msg);
        else if (res.statusCode >= 500)
          logger.error({ ...line, err: new Error(`failed with status code ${res.statusCode}`) }, msg);
        else logger.info(line, msg);
      });
    }
    next();
  };
}

const BASE_LOGGER = Symbol('base logger');
const REQUEST_LOGGER = Symbol('request logger');
type LoggedRequest = IncomingMessage & { [BASE_LOGGER]?: Logger; [REQUEST_LOGGER]?: Logger };

// `req.log`: a child of the logger `requestLogging` was given, bound to the request's id, made on
// first use (defined once here rather than on every request).
Object.defineProperty(IncomingMessage.prototype, 'log', {
  configurable: true,
  enumerable: false,
  get(this: LoggedRequest): Logger | undefined {
    const base = this[BASE_LOGGER];
    if (!base) return undefined;
    return (this[REQUEST_LOGGER] ??= base.child({ requestId: this.id }));
  },
});

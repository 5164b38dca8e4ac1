import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { Principal } from '../domain/principal';
import type { Logger } from '../logging/logger';

/** An X-Request-Id a client may choose (anything else is replaced by a generated one). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id, as set by `requestLogging` (also in the X-Request-Id response header). */
export function requestIdOf(req: Request): string {
  return String(req.id);
}

/** What each request line says: who, which route, the outcome and how long it took. */
function requestLine(req: IncomingMessage, res: ServerResponse, ms: number) {
  const r = req as Request;
  const locals = (res as Response).locals as { principal?: Principal } | undefined;
  return { method: r.method, route: r.route?.path ?? r.path, path: r.originalUrl, status: res.statusCode, ms, principal: locals?.principal?.name ?? null };
}

/**
 * Request logging and request ids. The id is taken from X-Request-Id when it is well-formed,
 * generated otherwise, echoed in the response header and bound to `req.log`, so every line logged
 * for the request carries it. With `lineEachRequest` each request also leaves one line when it ends.
 */
export function requestLogging(logger: Logger, lineEachRequest: boolean) {
  return pinoHttp({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    autoLogging: lineEachRequest,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'ms' },
    // pino-http binds the serialized request to a child logger for every request, and pino turns
    // bindings into JSON at once; with quiet request/response loggers no line ever prints it (each
    // line carries requestLine's fields instead), so the request is bound as its id alone.
    serializers: { req: (req: { id?: unknown }) => ({ id: req.id }) },
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : crypto.randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${(req as Request).originalUrl} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${(req as Request).originalUrl} ${res.statusCode}`,
    customSuccessObject: (req, res, val: { ms: number }) => requestLine(req, res, val.ms),
    customErrorObject: (req, res, err: Error, val: { ms: number }) => ({ ...requestLine(req, res, val.ms), err }),
  });
}

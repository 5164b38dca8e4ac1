import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../db/client';
import { findStoredAnswer, storeAnswer } from '../db/idempotency';
import { canonicalJson } from '../domain/canonical-json';
import type { Principal } from '../domain/principal';
import { badRequest, unprocessable } from './problem';

interface PendingKey {
  principal: string;
  key: string;
  requestHash: string;
}

export function requestHash(req: Request): string {
  return crypto
    .createHash('sha256')
    .update(`${req.method} ${req.baseUrl}${req.path}\n${canonicalJson(req.body ?? null)}`)
    .digest('hex');
}

/** Temporal update id for a keyed request: the same key from the same principal is the same update. */
export function updateIdFor(res: Response): string | undefined {
  return res.locals.updateId as string | undefined;
}

/**
 * `Idempotency-Key` on POST/PUT: a repeat with the same key and body gets the stored answer and
 * changes nothing; the same key with another body is 422. Answers are stored in PostgreSQL, so
 * this holds across restarts. Requests without the header pass through.
 */
export function idempotency(db: Db) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const key = req.header('idempotency-key');
      if (key === undefined || (req.method !== 'POST' && req.method !== 'PUT')) return next();
      if (!/^[A-Za-z0-9._:-]{1,200}$/.test(key)) {
        throw badRequest('Idempotency-Key must be 1-200 characters of A-Z, a-z, 0-9, ".", "_", ":", "-".', {
          errors: [{ field: 'header.Idempotency-Key', message: 'invalid format' }],
        });
      }
      const principal = (res.locals.principal as Principal).name;
      const hash = requestHash(req);
      const stored = await findStoredAnswer(db, principal, key);
      if (stored) {
        if (stored.requestHash !== hash) {
          throw unprocessable('This Idempotency-Key was used with a different request.', {
            errors: [{ field: 'header.Idempotency-Key', message: 'reused with a different request' }],
          });
        }
        res.setHeader('Idempotent-Replayed', 'true');
        res.status(stored.status).type(stored.status >= 400 ? 'application/problem+json' : 'application/json').send(JSON.stringify(stored.body));
        return;
      }
      res.locals.updateId = `idem-${crypto.createHash('sha256').update(`${principal}\n${key}`).digest('hex').slice(0, 40)}`;
      res.locals.idempotency = { principal, key, requestHash: hash } satisfies PendingKey;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Sends a JSON answer, first storing it under the request's Idempotency-Key (if any) so a retry
 * gets exactly this answer. 5xx answers are not stored: the client should retry those.
 */
export async function respond(db: Db, res: Response, status: number, body: unknown, contentType = 'application/json'): Promise<void> {
  const pending = res.locals.idempotency as PendingKey | undefined;
  if (pending && status < 500) {
    // A concurrent request with the same key may have stored first; then its answer stands.
    await storeAnswer(db, pending.principal, pending.key, { requestHash: pending.requestHash, status, body });
    res.locals.idempotency = undefined;
  }
  res.status(status).type(contentType).send(JSON.stringify(body));
}

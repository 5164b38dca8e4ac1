import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/client';
import { completeReservation, releaseReservation, reserveKey } from '../db/idempotency';
import { canonicalJson } from '../domain/canonical-json';
import type { Principal } from '../domain/principal';
import { badRequest, conflict, unprocessable } from './problem';

/** The one rule for the header's value: the middleware below checks it, /openapi.json states it. */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:-]+$/)
  .describe(
    'Makes a retry safe: the first answer is kept for this key (per token) and a repeat of the same request gets it again (header Idempotent-Replayed: true) and changes nothing; the same key with another request gets 422, and while the first is still in progress 409 (code IDEMPOTENCY_KEY_IN_USE, Retry-After).',
  );

/**
 * The routes that take the header: every POST and PUT under /api behind the token check (the
 * registry runs the middleware below on them, api/route-registry.ts). The routes anyone may call
 * (digest preferences, reached by the token in their link) have no principal to key by.
 */
export function takesIdempotencyKey(route: { method: string; path: string; access: string }): boolean {
  return (
    (route.method === 'post' || route.method === 'put') && route.path.startsWith('/api/') && route.access !== 'anyone'
  );
}

interface HeldKey {
  principal: string;
  key: string;
  requestHash: string;
}

/** How long a reservation holds before a retry with the same request may take it over (its holder died). */
const RESERVATION_LEASE_MS = 60_000;

/** Hash of what a keyed request asks; the body is bounded in depth before this runs (api/json-depth.ts). */
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

const reusedKey = () =>
  unprocessable('This Idempotency-Key was used with a different request.', {
    errors: [{ field: 'header.Idempotency-Key', message: 'reused with a different request' }],
  });

/**
 * `Idempotency-Key` on the routes that take it (takesIdempotencyKey). The key is reserved, with a hash of the request, before anything
 * is sent (one atomic insert in PostgreSQL), so of concurrent requests sharing a key exactly one
 * goes through: the others get 409 (same request, still in progress) or 422 (another request).
 * A repeat after the answer gets that answer and changes nothing. 5xx answers are not kept: the
 * key is released and the client may retry. Requests without the header pass through.
 */
export function idempotency(db: Db) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const key = req.header('idempotency-key');
      if (key === undefined) return next();
      if (!idempotencyKeySchema.safeParse(key).success) {
        throw badRequest('Idempotency-Key must be 1-200 characters of A-Z, a-z, 0-9, ".", "_", ":", "-".', {
          errors: [{ field: 'header.Idempotency-Key', message: 'invalid format' }],
        });
      }
      const principal = (res.locals.principal as Principal).name;
      const hash = requestHash(req);
      const found = await reserveKey(db, principal, key, hash, RESERVATION_LEASE_MS);
      if (found.outcome !== 'reserved' && found.requestHash !== hash) throw reusedKey();
      if (found.outcome === 'in-flight') {
        res.setHeader('Retry-After', '1');
        throw conflict(
          'A request with this Idempotency-Key is still in progress; retry it in a moment to get its answer.',
          {
            code: 'IDEMPOTENCY_KEY_IN_USE',
            errors: [{ field: 'header.Idempotency-Key', message: 'in use by a request in progress' }],
          },
        );
      }
      if (found.outcome === 'answered') {
        res.setHeader('Idempotent-Replayed', 'true');
        res
          .status(found.status)
          .type(found.status >= 400 ? 'application/problem+json' : 'application/json')
          .send(JSON.stringify(found.body));
        return;
      }
      const held: HeldKey = { principal, key, requestHash: hash };
      res.locals.updateId = `idem-${crypto.createHash('sha256').update(`${principal}\n${key}`).digest('hex').slice(0, 40)}`;
      res.locals.idempotency = held;
      // Whatever ends this response without an answer to keep (a 5xx, a crash in a handler) gives the key back.
      res.on('finish', () => {
        if (res.locals.idempotency === held) void releaseReservation(db, principal, key, hash).catch(() => undefined);
      });
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Sends a JSON answer, first storing it under the request's Idempotency-Key (if any) so a retry
 * gets exactly this answer. 5xx answers are not stored: the key is released for a retry.
 */
export async function respond(
  db: Db,
  res: Response,
  status: number,
  body: unknown,
  contentType = 'application/json',
): Promise<void> {
  const held = res.locals.idempotency as HeldKey | undefined;
  if (held) {
    res.locals.idempotency = undefined;
    if (status >= 500) await releaseReservation(db, held.principal, held.key, held.requestHash);
    else {
      try {
        await completeReservation(db, held.principal, held.key, held.requestHash, { status, body });
      } catch (err) {
        // An answer PostgreSQL cannot keep (a 400 naming a JSON key with a lone surrogate) is not kept:
        // the key is given back, so a retry is answered afresh (the same 400), not 409 for the lease.
        await releaseReservation(db, held.principal, held.key, held.requestHash).catch(() => undefined);
        throw err;
      }
    }
  }
  res.status(status).type(contentType).send(JSON.stringify(body));
}

import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../db/client';
import { countHit, forgetOldHits } from '../db/rate-limits';
import { HttpProblem } from './problem';

const WINDOW_MS = 60_000;
const FORGET_AFTER_MS = 60 * 60_000;

/**
 * A per-minute request limit, counted in PostgreSQL so that it holds across every API process
 * behind a load balancer. `keyOf` names what is limited (a client address, a token); null skips.
 * If PostgreSQL cannot count, the request goes on: the limit protects the service, it must not
 * become the reason it fails.
 */
export function rateLimit(db: Db, opts: { perMinute: number; keyOf: (req: Request, res: Response) => string | null; tooMany: string }) {
  let lastForget = 0;
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = opts.keyOf(req, res);
    if (key === null) return next();
    let counted: { hits: number; resetAtMs: number };
    try {
      counted = await countHit(db, key, WINDOW_MS);
    } catch {
      return next();
    }
    if (Date.now() - lastForget > FORGET_AFTER_MS) {
      lastForget = Date.now();
      void forgetOldHits(db, FORGET_AFTER_MS).catch(() => undefined);
    }
    const resetSeconds = Math.max(0, Math.ceil((counted.resetAtMs - Date.now()) / 1000));
    res.setHeader('RateLimit-Policy', `${opts.perMinute};w=60`);
    res.setHeader('RateLimit', `limit=${opts.perMinute}, remaining=${Math.max(0, opts.perMinute - counted.hits)}, reset=${resetSeconds}`);
    if (counted.hits > opts.perMinute) {
      res.setHeader('Retry-After', String(Math.max(1, resetSeconds)));
      return next(new HttpProblem(429, 'Too Many Requests', opts.tooMany));
    }
    next();
  };
}

/** The client's address (behind a trusted proxy, the one it reports). */
export const addressKey = (req: Request): string => `addr:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;

/** The bearer token, hashed (the token itself is never stored). */
export function tokenKey(req: Request): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? `token:${crypto.createHash('sha256').update(m[1] as string).digest('hex')}` : null;
}

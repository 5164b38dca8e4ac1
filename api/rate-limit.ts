import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../db/client';
import { countHits, forgetOldHits, type CountedHits } from '../db/rate-limits';
import { hashToken } from '../db/tokens';
import { tokenHashOf } from './auth';
import { HttpProblem } from './problem';

const WINDOW_MS = 60_000;
const FORGET_AFTER_MS = 60 * 60_000;
/** How often, at most, a process adds the hits it counted in memory to the shared rows. */
const FLUSH_MS = 100;
/** Limits below this many requests a minute count every request in PostgreSQL (a small limit must hold exactly). */
const COUNT_IN_MEMORY_FROM = 100;
/** Share of the limit below which a process counts in memory. */
const IN_MEMORY_SHARE = 0.5;
/** Keys a process keeps counts of; a client beyond them is counted in PostgreSQL request by request. */
const MAX_KEYS = 10_000;

/** What this process knows of one key's window: the shared count when it last asked, plus its own hits not yet added. */
interface KeyCount {
  shared: number;
  pending: number;
  resetAtMs: number;
}

/**
 * A per-minute request limit, counted in PostgreSQL so that it holds across every API process
 * behind a load balancer. `keyOf` names what is limited (a client address, a token); null skips.
 * If PostgreSQL cannot count, the request goes on: the limit protects the service, it must not
 * become the reason it fails.
 *
 * Counting every request in PostgreSQL cost two round trips and two row writes per API request
 * (address and token), a fifth of the API's CPU under the list benchmark. So while a key's count is
 * below half its limit a process counts it in memory and adds its hits to the shared row in one
 * statement at most every 100 ms (for all its keys at once); from half the limit on, and for every
 * limit under 100 a minute, each request is counted in PostgreSQL as it comes, exactly as before.
 * The cost: a window can run past the limit by the hits other processes had counted in memory and
 * not yet added (at most half the limit each, in practice what they took in their last 100 ms).
 */
export function rateLimit(
  db: Db,
  opts: {
    perMinute: number;
    keyOf: (req: Request, res: Response) => string | null;
    /** The 429 problem's detail, or (pages) what answers a request over the limit. */
    tooMany: string | ((req: Request, res: Response) => void);
  },
) {
  let lastForget = 0;
  const counts = new Map<string, KeyCount>();
  const inMemoryBelow = opts.perMinute >= COUNT_IN_MEMORY_FROM ? Math.floor(opts.perMinute * IN_MEMORY_SHARE) : 0;
  let flushing = false;
  let lastFlush = 0;

  /** Takes a count PostgreSQL returned (counts may come back out of order: the newest window and the highest count win). */
  function absorb(c: KeyCount, counted: CountedHits): void {
    if (counted.resetAtMs > c.resetAtMs) {
      c.resetAtMs = counted.resetAtMs;
      c.shared = counted.hits;
    } else if (counted.resetAtMs === c.resetAtMs) c.shared = Math.max(c.shared, counted.hits);
  }

  /** Adds the hits counted in memory to the shared rows, in one statement, at most every FLUSH_MS. */
  function flushSoon(now: number): void {
    if (flushing || now - lastFlush < FLUSH_MS) return;
    lastFlush = now;
    const adds: { key: string; n: number }[] = [];
    for (const [key, c] of counts) {
      if (c.resetAtMs <= now)
        counts.delete(key); // its window is over; hits not added belonged to it
      else if (c.pending > 0) {
        adds.push({ key, n: c.pending });
        c.pending = 0;
      }
    }
    if (adds.length === 0) return;
    flushing = true;
    countHits(db, adds, WINDOW_MS)
      .then((rows) => {
        for (const r of rows) {
          const c = counts.get(r.key);
          if (c) absorb(c, r);
        }
      })
      .catch(() => {
        for (const a of adds) {
          const c = counts.get(a.key);
          if (c) c.pending += a.n;
        }
      })
      .finally(() => {
        flushing = false;
      });
  }

  /** Sets the headers and lets the request on, or refuses it once the window's count passes the limit. */
  function answer(req: Request, res: Response, next: NextFunction, hits: number, resetAtMs: number): void {
    if (Date.now() - lastForget > FORGET_AFTER_MS) {
      lastForget = Date.now();
      void forgetOldHits(db, FORGET_AFTER_MS).catch(() => undefined);
    }
    const resetSeconds = Math.max(0, Math.ceil((resetAtMs - Date.now()) / 1000));
    res.setHeader('RateLimit-Policy', policy);
    res.setHeader(
      'RateLimit',
      `limit=${opts.perMinute}, remaining=${Math.max(0, opts.perMinute - hits)}, reset=${resetSeconds}`,
    );
    if (hits > opts.perMinute) {
      res.setHeader('Retry-After', String(Math.max(1, resetSeconds)));
      if (typeof opts.tooMany === 'function') return opts.tooMany(req, res);
      return next(new HttpProblem(429, 'Too Many Requests', opts.tooMany));
    }
    next();
  }
  const policy = `${opts.perMinute};w=60`;

  // Not an async function: a request counted in memory goes on at once, without a promise.
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = opts.keyOf(req, res);
    if (key === null) return next();
    const now = Date.now();
    let c = counts.get(key);
    if (c && c.resetAtMs <= now) {
      counts.delete(key);
      c = undefined;
    }
    if (c && c.shared + c.pending + 1 <= inMemoryBelow) {
      c.pending++;
      // Taken before flushSoon, which moves the pending hits to the shared count only once PostgreSQL answers.
      const hits = c.shared + c.pending;
      flushSoon(now);
      return answer(req, res, next, hits, c.resetAtMs);
    }
    // Counted in PostgreSQL now, with whatever this process still held in memory for the key.
    const held = c?.pending ?? 0;
    if (c) c.pending = 0;
    countHits(db, [{ key, n: 1 + held }], WINDOW_MS)
      .then(
        (rows) => {
          const counted = rows[0] as CountedHits;
          if (inMemoryBelow > 0) {
            const known = counts.get(key);
            if (known) absorb(known, counted);
            else if (counts.size < MAX_KEYS)
              counts.set(key, { shared: counted.hits, pending: 0, resetAtMs: counted.resetAtMs });
          }
          answer(req, res, next, counted.hits, counted.resetAtMs);
        },
        () => {
          if (c) c.pending += held;
          next();
        },
      )
      .catch(next);
  };
}

/** The client's address (behind a trusted proxy, the one it reports). */
export const addressKey = (req: Request): string => `addr:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;

/** The bearer token, hashed (the token itself is never stored); the hash `authenticate` took, when it ran first. */
export function tokenKey(req: Request, res: Response): string | null {
  const hashed = tokenHashOf(res);
  if (hashed) return `token:${hashed}`;
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? `token:${hashToken(m[1] as string)}` : null;
}

import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../db/client';
import { hashToken, principalForTokenHash, trustedPrincipal } from '../db/tokens';
import type { Principal } from '../domain/principal';
import { unauthorized } from './problem';

/**
 * Resolves `Authorization: Bearer <token>` to a principal in res.locals.principal, or answers 401.
 * The token's hash is kept in res.locals.tokenHash (the per-token rate limit keys on it). A token
 * trusted from the last TOKEN_CACHE_SECONDS is taken without a round trip, or even a promise.
 */
export function authenticate(db: Db, tokenCacheMs = 0) {
  return (req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return next(unauthorized('Send Authorization: Bearer <token>.'));
    const hash = hashToken(m[1] as string);
    res.locals.tokenHash = hash;
    const trusted = trustedPrincipal(hash);
    if (trusted) {
      res.locals.principal = trusted;
      return next();
    }
    principalForTokenHash(db, hash, tokenCacheMs)
      .then((principal) => {
        if (!principal) return next(unauthorized('The token is unknown or revoked.'));
        res.locals.principal = principal;
        next();
      })
      .catch(next);
  };
}

/** The hash of the request's bearer token, once `authenticate` has taken it. */
export function tokenHashOf(res: Response): string | undefined {
  return typeof res.locals.tokenHash === 'string' ? res.locals.tokenHash : undefined;
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

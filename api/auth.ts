import type { NextFunction, Request, Response } from 'express';
import type { Actor } from '../domain/task';
import type { Db } from '../db/client';
import { principalForToken } from '../db/tokens';
import type { Principal } from '../domain/principal';
import { forbidden, unauthorized } from './problem';

/** Resolves `Authorization: Bearer <token>` to a principal in res.locals.principal, or answers 401. */
export function authenticate(db: Db, tokenCacheMs = 0) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const header = req.headers.authorization ?? '';
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw unauthorized('Send Authorization: Bearer <token>.');
      const principal = await principalForToken(db, m[1] as string, tokenCacheMs);
      if (!principal) throw unauthorized('The token is unknown or revoked.');
      res.locals.principal = principal;
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

/** The workflow's view of the caller; public callers never reach a write. */
export function actorOf(principal: Principal): Actor {
  switch (principal.kind) {
    case 'home-affairs':
      return { kind: 'home-affairs' };
    case 'ministry':
      return { kind: 'ministry', code: principal.code };
    case 'locality':
      return { kind: 'locality', code: principal.code };
    default:
      throw forbidden('Read-only tokens cannot change anything.');
  }
}

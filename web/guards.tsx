import type { NextFunction, Request, Response } from 'express';
import type { Principal } from '../domain/principal';
import { MessagePage } from './pages/sign-in-page';
import { sendPage } from './render';
import { webLocals } from './session';

/** A page for one role: the public is sent to sign in, anyone else gets 403 (the API's rule). */
export function requireRole(kind: Principal['kind']) {
  return (req: Request, res: Response, next: NextFunction) => {
    const { ctx } = webLocals(res);
    if (!ctx.principal) return res.redirect(303, '/sign-in');
    if (ctx.principal.kind !== kind) return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.forbiddenBody} />, 403);
    next();
  };
}

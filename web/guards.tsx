import type { NextFunction, Request, Response } from 'express';
import { signInPath } from '../domain/page-links';
import type { Principal } from '../domain/principal';
import { MessagePage } from './pages/sign-in-page';
import { sendPage } from './render';
import { webLocals } from './session';

/** Sign in, then back to the page asked for (a form's post goes back to the home page instead). */
export function signInFor(req: Request): string {
  return req.method === 'GET' || req.method === 'HEAD' ? signInPath(req.originalUrl) : '/sign-in';
}

/** A page for one role: the public is sent to sign in, anyone else gets 403 (the API's rule). */
export function requireRole(kind: Principal['kind']) {
  return (req: Request, res: Response, next: NextFunction) => {
    const { ctx } = webLocals(res);
    if (!ctx.principal) return res.redirect(303, signInFor(req));
    if (ctx.principal.kind !== kind)
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.forbiddenBody} />, 403);
    next();
  };
}

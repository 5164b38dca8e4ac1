import { refuseInvalidUtf8Form } from '../../app/body-encoding';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Client } from '@temporalio/client';
import { signInLinkEmail } from '../../activities/sign-in-email';
import { queueMail, recipientLanguage } from '../../app/queued-mail';
import type { Config } from '../../config/env';
import type { Db } from '../../db/client';
import { hashToken, principalForToken } from '../../db/tokens';
import {
  closeSession,
  createSignInLink,
  openSession,
  principalForEmail,
  signInLinkUsable,
  useSignInLink,
} from '../../db/web-sessions';
import { pageLink, safeNextPath } from '../../domain/page-links';
import type { Principal } from '../../domain/principal';
import { EMAIL_RE } from '../../domain/task-changes';
import { LinkConfirmPage, MessagePage, SignInPage } from '../pages/sign-in-page';
import { sendPage } from '../render';
import { clearSessionCookie, csrfValid, setSessionCookie, webLocals, type SessionSettings } from '../session';

/** Where a person lands after signing in: their own page. */
export function homeOf(p: Principal): string {
  switch (p.kind) {
    case 'home-affairs':
      return '/dashboard';
    case 'ministry':
      return '/worklist';
    case 'locality':
      return '/locality';
    case 'commune':
      return `/communes/${p.code}`;
    default:
      return '/';
  }
}

export interface SignInDeps {
  db: Db;
  config: Config;
  /** Starts the worker's sending of a queued e-mail (the sign-in link). */
  temporal: Client;
  settings: SessionSettings;
  /**
   * The sign-in attempts' limit per client address (SIGN_IN_RATE_LIMIT_PER_MINUTE), counted as the
   * API's limits are; `tooMany` answers a request over it. Given by the composition (stack/http-app.ts).
   */
  signInLimit: SignInLimit;
}

export type SignInLimit = (tooMany: (req: Request, res: Response) => void) => RequestHandler;

/** Sign-in (pasted token, or a single-use link e-mailed to a known address) and sign-out. */
export function signInRoutes(deps: SignInDeps): Router {
  const { db, config, settings } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, verify: refuseInvalidUtf8Form, limit: '10kb' });
  const lifetimeMs = config.SESSION_HOURS * 3600_000;

  // Sign-in attempts per client address: guessing tokens, or flooding someone's inbox with links.
  // Counted in PostgreSQL like the API's limits, so it holds across every process behind a load balancer.
  const limiter = deps.signInLimit((_req, res) => {
    const { ctx } = webLocals(res);
    sendPage(res, <MessagePage ctx={ctx} title={ctx.t.tooManyTitle} body={ctx.t.tooManyBody} />, 429);
  });

  /** The page to return to after signing in, from the form (or the link), when it is a safe one. */
  const nextOf = (req: Request): string | null => safeNextPath(req.body?.next ?? req.query.next);

  async function signIn(req: Request, res: Response, principal: Principal, tokenHash: string | null) {
    const old = webLocals(res).sessionId;
    if (old) await closeSession(db, old);
    // A new id at every sign-in: whatever id the browser held before is worthless now.
    const session = await openSession(db, principal, lifetimeMs, tokenHash);
    setSessionCookie(req, res, settings, session.id, session.expiresAt);
    res.redirect(303, nextOf(req) ?? homeOf(principal));
  }

  function csrfRefused(res: Response): boolean {
    const { ctx } = webLocals(res);
    sendPage(
      res,
      <SignInPage
        ctx={ctx}
        next={safeNextPath(res.req.body?.next)}
        errors={[{ field: 'email', message: ctx.t.errCsrf }]}
      />,
      403,
    );
    return true;
  }

  router.get('/sign-in', (req, res) => {
    const { ctx } = webLocals(res);
    const next = safeNextPath(req.query.next);
    if (ctx.principal) return res.redirect(303, next ?? homeOf(ctx.principal));
    sendPage(
      res,
      <SignInPage
        ctx={ctx}
        next={next}
        errors={[]}
        notice={req.query.signedOut === '1' ? ctx.t.signedOut : undefined}
      />,
    );
  });

  router.post('/sign-in/token', limiter, form, async (req, res) => {
    if (!csrfValid(req, res)) return csrfRefused(res);
    const { ctx } = webLocals(res);
    const token = typeof req.body.token === 'string' ? req.body.token.trim() : '';
    if (token === '')
      return sendPage(
        res,
        <SignInPage ctx={ctx} next={nextOf(req)} errors={[{ field: 'token', message: ctx.t.errTokenEmpty }]} />,
        400,
      );
    const principal = token.length <= 200 ? await principalForToken(db, token) : null;
    if (!principal || principal.kind === 'public') {
      return sendPage(
        res,
        <SignInPage ctx={ctx} next={nextOf(req)} errors={[{ field: 'token', message: ctx.t.errTokenUnknown }]} />,
        401,
      );
    }
    await signIn(req, res, principal, hashToken(token));
  });

  router.post('/sign-in/email', limiter, form, async (req, res) => {
    if (!csrfValid(req, res)) return csrfRefused(res);
    const { ctx } = webLocals(res);
    const email = typeof req.body.email === 'string' ? req.body.email.trim() : '';
    if (!EMAIL_RE.test(email) || email.length > 254) {
      return sendPage(
        res,
        <SignInPage
          ctx={ctx}
          next={nextOf(req)}
          email={email}
          errors={[{ field: 'email', message: ctx.t.errEmail }]}
        />,
        400,
      );
    }
    const principal = await principalForEmail(db, email, config.HOME_AFFAIRS_EMAIL);
    if (principal) {
      const token = await createSignInLink(db, principal, email, config.SIGN_IN_LINK_MINUTES * 60_000);
      const link = pageLink(config.publicBaseUrl, { page: 'sign-in-link', token, next: nextOf(req) ?? undefined });
      const mail = signInLinkEmail(link, config.SIGN_IN_LINK_MINUTES, await recipientLanguage(db, email));
      // Through the outbox and the worker, as every e-mail (the body, which holds the link, is
      // cleared once sent).
      await queueMail(
        { db, temporal: deps.temporal, config },
        {
          key: `SIGN_IN_LINK:${hashToken(token).slice(0, 32)}`,
          kind: 'SIGN_IN_LINK',
          offsetDays: 0,
          recipients: [email],
          subject: mail.subject,
          body: mail.text,
          html: mail.html,
        },
      );
    }
    // The same answer whether or not the address is known: the form does not reveal who is.
    sendPage(res, <MessagePage ctx={ctx} title={ctx.t.linkSentTitle} body={ctx.t.linkSentBody} />);
  });

  // Opening the e-mailed link only asks for a click: mail scanners that fetch links must not spend it.
  router.get('/sign-in/link/:token', async (req, res) => {
    const { ctx } = webLocals(res);
    const token = req.params.token;
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token) || !(await signInLinkUsable(db, token))) {
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.linkInvalidTitle} body={ctx.t.linkInvalidBody} />, 410);
    }
    sendPage(res, <LinkConfirmPage ctx={ctx} token={token} next={safeNextPath(req.query.next)} />);
  });

  router.post('/sign-in/link', limiter, form, async (req, res) => {
    if (!csrfValid(req, res)) return csrfRefused(res);
    const { ctx } = webLocals(res);
    const token = typeof req.body.token === 'string' ? req.body.token : '';
    const principal = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await useSignInLink(db, token) : null;
    if (!principal)
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.linkInvalidTitle} body={ctx.t.linkInvalidBody} />, 410);
    await signIn(req, res, principal, null);
  });

  router.post('/sign-out', form, async (req, res) => {
    if (!csrfValid(req, res)) return csrfRefused(res);
    const { sessionId } = webLocals(res);
    if (sessionId) await closeSession(db, sessionId);
    clearSessionCookie(req, res, settings);
    res.redirect(303, '/sign-in?signedOut=1');
  });

  return router;
}

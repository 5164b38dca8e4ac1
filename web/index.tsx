import crypto from 'node:crypto';
import path from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { Mailer } from '../activities/mailer';
import type { Insight } from '../app/insight';
import type { ListCache } from '../app/list-cache';
import { createLocalityActions } from '../app/locality-actions';
import { createDocumentActions } from '../app/document-actions';
import { createTaskActions } from '../app/task-actions';
import { isUnavailable } from '../domain/refusal';
import type { Config } from '../config/env';
import type { Db } from '../db/client';
import { isLang } from './i18n';
import { MessagePage } from './pages/sign-in-page';
import { sendPage } from './render';
import { localityPageRoutes } from './routes/locality-pages';
import { documentPageRoutes } from './routes/documents';
import { publicRoutes } from './routes/public';
import { insightPageRoutes } from './routes/insight';
import { leadershipContactPageRoutes } from './routes/leadership-contacts';
import { preferencePageRoutes } from './routes/preferences';
import { rolePageRoutes } from './routes/role-pages';
import { signInRoutes, type SignInLimit } from './routes/sign-in';
import { taskPageRoutes } from './routes/task';
import { pageSession, setLangCookie, webLocals, type SessionSettings } from './session';

export interface WebDeps {
  db: Db;
  temporal: Client;
  config: Config;
  listCache?: ListCache;
  /** The as-of figures, trend and forecast (the API's). */
  insight: Insight;
  /** Sends the sign-in links (the same mailer as the reminders); without it, links are not sent. */
  mailer?: Mailer;
  /** The sign-in attempts' limit (see routes/sign-in.tsx). */
  signInLimit: SignInLimit;
}

/** A local path to go back to after the language switch (never another site). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/**
 * The pages, served by the same app as the API: rendered on the server, readable and usable
 * without client JavaScript, Vietnamese first. Reads and writes go through the same db/ and
 * task actions as the API.
 */
export function webRoutes(deps: WebDeps): Router {
  const { db, config } = deps;
  const settings: SessionSettings = {
    // Without SESSION_SECRET a process signs with its own random key: forms then work only on the
    // process that rendered them, so several API processes must share the variable.
    secret: config.SESSION_SECRET ?? crypto.randomBytes(32).toString('hex'),
    secureByDefault: config.publicBaseUrl.startsWith('https:'),
  };
  const router = Router();
  // The API answers its own paths (problem+json, also for a 404); the pages take the rest.
  router.use((req, _res, next) => next(req.path === '/api' || req.path.startsWith('/api/') ? 'router' : undefined));
  router.use('/assets', express.static(path.join(__dirname, 'assets'), { maxAge: '1h', fallthrough: false }));

  router.use(pageSession(db, settings));

  router.get('/language/:lang', (req, res) => {
    if (isLang(req.params.lang)) setLangCookie(req, res, settings, req.params.lang);
    res.redirect(303, safeNext(req.query.next));
  });

  router.use(publicRoutes(db));
  router.use(signInRoutes({ db, config, mailer: deps.mailer, settings, signInLimit: deps.signInLimit }));
  router.use(rolePageRoutes(db, deps.insight));
  router.use(insightPageRoutes(db, deps.insight));
  router.use(localityPageRoutes({ db, actions: createLocalityActions({ db, temporal: deps.temporal, config }) }));
  router.use(preferencePageRoutes({ db, config }));
  router.use(leadershipContactPageRoutes({ db, config }));
  router.use(taskPageRoutes({ db, actions: createTaskActions({ db, temporal: deps.temporal, config, listCache: deps.listCache }) }));
  router.use(documentPageRoutes({ db, actions: createDocumentActions({ db, temporal: deps.temporal, config, listCache: deps.listCache }) }));

  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const { ctx } = webLocals(res);
    sendPage(res, <MessagePage ctx={ctx} title={ctx.t.notFoundTitle} body={ctx.t.notFoundBody} />, 404);
  });

  // A page's error is a page too (in the person's language), never a stack trace.
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    const web = res.locals.web as ReturnType<typeof webLocals> | undefined;
    if (!web || res.headersSent) return next(err);
    const unavailable = isUnavailable(err);
    // The request's own logger (api/request-logging.ts): the line carries the request id.
    if (!unavailable) req.log.error({ err, path: req.originalUrl }, 'page failed');
    if (unavailable) res.setHeader('Retry-After', '5');
    const { ctx } = web;
    sendPage(res, <MessagePage ctx={ctx} title={ctx.t.serverErrorTitle} body={unavailable ? ctx.t.unavailableBody : ctx.t.serverErrorBody} />, unavailable ? 503 : 500);
  });

  return router;
}

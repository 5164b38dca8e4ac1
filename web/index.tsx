import crypto from 'node:crypto';
import path from 'node:path';
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { Insight } from '../app/insight';
import type { ListCache } from '../app/list-cache';
import { createLocalityActions } from '../app/locality-actions';
import { createDocumentActions } from '../app/document-actions';
import { createTaskActions } from '../app/task-actions';
import { isUnavailable } from '../domain/refusal';
import { sitePath } from '../domain/page-links';
import { INVALID_UTF8 } from '../app/body-encoding';
import { loggablePath } from '../logging/redact';
import type { Config } from '../config/env';
import type { Db } from '../db/client';
import { isLang } from './i18n';
import { MessagePage } from './pages/sign-in-page';
import { sendPage } from './render';
import { localityPageRoutes } from './routes/locality-pages';
import { communePageRoutes } from './routes/commune-pages';
import { createCommuneActions } from '../app/commune-actions';
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
  /** The sign-in attempts' limit (see routes/sign-in.tsx). */
  signInLimit: SignInLimit;
  /**
   * A per-minute limit per client address, counted as the API's are (composed in stack/http-app.ts):
   * `bucket` names the counter, requests `applies` rejects are not counted.
   */
  addressLimit: (
    bucket: string,
    perMinute: number,
    applies: (req: Request) => boolean,
    tooMany: (req: Request, res: Response) => void,
  ) => RequestHandler;
}

/**
 * A body the form parser refused (body-parser's errors carry a 4xx status and a type): what the page says.
 * Anything else is not the client's doing.
 */
function formRefusal(err: unknown): { status: number; reason: 'size' | 'encoding' | 'malformed' } | null {
  const e = err as { status?: unknown; type?: unknown } | null;
  if (!e || typeof e.status !== 'number' || e.status < 400 || e.status > 499 || typeof e.type !== 'string') return null;
  if (e.type === 'entity.too.large' || e.type === 'parameters.too.many') return { status: 413, reason: 'size' };
  if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') return { status: 415, reason: 'encoding' };
  if (e.type === INVALID_UTF8) return { status: 400, reason: 'encoding' };
  return { status: 400, reason: 'malformed' };
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
    dataDir: config.dataDir,
  };
  const router = Router();
  // The API answers its own paths (problem+json, also for a 404); the pages take the rest.
  router.use((req, _res, next) => next(req.path === '/api' || req.path.startsWith('/api/') ? 'router' : undefined));
  router.use('/assets', express.static(path.join(__dirname, 'assets'), { maxAge: '1h', fallthrough: false }));
  // The site's icon where browsers look for it first (an SVG; the layout links it too), cached a day.
  router.get('/favicon.ico', (_req, res) => {
    res.sendFile(path.join(__dirname, 'assets', 'favicon.svg'), { maxAge: '1d' });
  });

  router.use(pageSession(db, settings));

  // Pages and open data are limited per client address as the API is (counted in PostgreSQL, so
  // across processes); an open-data download renders the whole catalog, so it has a tighter limit.
  const openData = deps.addressLimit(
    'open-data',
    config.OPEN_DATA_RATE_LIMIT_PER_MINUTE,
    (req) => req.path.startsWith('/open-data/'),
    (_req, res) => {
      res
        .status(429)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'https://delegated-tasks.example/problems/too-many-requests',
            title: 'Too Many Requests',
            status: 429,
            detail: `More than ${config.OPEN_DATA_RATE_LIMIT_PER_MINUTE} open-data downloads a minute from this address; slow down.`,
          }),
        );
    },
  );
  const pages = deps.addressLimit(
    'pages',
    config.PAGE_RATE_LIMIT_PER_MINUTE,
    () => true,
    (_req, res) => {
      const { ctx } = webLocals(res);
      sendPage(res, <MessagePage ctx={ctx} title={ctx.t.tooManyTitle} body={ctx.t.pagesTooManyBody} />, 429);
    },
  );
  router.use(openData, pages);

  router.get('/language/:lang', (req, res) => {
    if (isLang(req.params.lang)) setLangCookie(req, res, settings, req.params.lang);
    res.redirect(303, sitePath(req.query.next) ?? '/');
  });

  router.use(publicRoutes(db));
  router.use(signInRoutes({ db, config, temporal: deps.temporal, settings, signInLimit: deps.signInLimit }));
  router.use(rolePageRoutes(db, deps.insight));
  router.use(insightPageRoutes(db, deps.insight));
  router.use(
    localityPageRoutes({
      db,
      actions: createLocalityActions({ db, temporal: deps.temporal, config }),
    }),
  );
  router.use(communePageRoutes({ db, actions: createCommuneActions({ db }) }));
  router.use(preferencePageRoutes({ db, config }));
  router.use(leadershipContactPageRoutes({ db, config }));
  router.use(
    taskPageRoutes({
      db,
      actions: createTaskActions({ db, temporal: deps.temporal, config, listCache: deps.listCache }),
    }),
  );
  router.use(
    documentPageRoutes({
      db,
      actions: createDocumentActions({ db, temporal: deps.temporal, config, listCache: deps.listCache }),
    }),
  );

  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const { ctx } = webLocals(res);
    sendPage(res, <MessagePage ctx={ctx} title={ctx.t.notFoundTitle} body={ctx.t.notFoundBody} />, 404);
  });

  // A page's error is a page too (in the person's language), never a stack trace.
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    const web = res.locals.web as ReturnType<typeof webLocals> | undefined;
    if (!web || res.headersSent) return next(err);
    const refused = formRefusal(err);
    if (refused) {
      // The client's mistake (a form too large, too many fields, another charset, malformed): a 4xx
      // page, as the API answers, and an info line without a stack trace.
      req.log.info({ path: req.path, status: refused.status, reason: refused.reason }, 'form refused');
      const { ctx } = web;
      const body =
        refused.reason === 'encoding'
          ? ctx.t.formEncodingBody
          : refused.reason === 'size'
            ? ctx.t.formTooLargeBody
            : ctx.t.formMalformedBody;
      sendPage(res, <MessagePage ctx={ctx} title={ctx.t.badFormTitle} body={body} />, refused.status);
      return;
    }
    const unavailable = isUnavailable(err);
    // The request's own logger (api/request-logging.ts): the line carries the request id.
    if (!unavailable) req.log.error({ err, path: loggablePath(req.originalUrl) }, 'page failed');
    if (unavailable) res.setHeader('Retry-After', '5');
    const { ctx } = web;
    sendPage(
      res,
      <MessagePage
        ctx={ctx}
        title={ctx.t.serverErrorTitle}
        body={unavailable ? ctx.t.unavailableBody : ctx.t.serverErrorBody}
      />,
      unavailable ? 503 : 500,
    );
  });

  return router;
}

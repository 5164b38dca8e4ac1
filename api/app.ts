import type { Mailer } from '../activities/mailer';
import http from 'node:http';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Db } from '../db/client';
import { stuckTasks } from '../db/stuck-tasks';
import { createLogger, type Logger } from '../logging/logger';
import { authenticate } from './auth';
import { inOrder, onlyUnder } from './compose-middleware';
import { preferenceRoutes } from './routes/preferences';
import { leadershipContactRoutes } from './routes/leadership-contacts';
import { createInsight, type Insight } from '../app/insight';
import { idempotency, respond } from './idempotency';
import { boundedBodyDepth } from './json-depth';
import { addressKey, rateLimit, tokenKey } from './rate-limit';
import type { ListCache } from '../app/list-cache';
import { docsRoutes } from './docs';
import { buildOpenApi } from './openapi';
import { HttpProblem, refusalProblem } from './problem';
import { checkDependencies } from './readiness';
import { requestIdOf, requestLogging } from './request-logging';
import { RouteRegistry } from './route-registry';
import { securityHeaders } from './security-headers';
import { dashboardRoutes } from './routes/dashboard';
import { documentRoutes } from './routes/documents';
import { taskRequestRoutes } from './routes/task-requests';
import { createLocalityActions } from '../app/locality-actions';
import { localityRoutes } from './routes/localities';
import { roundRoutes } from './routes/rounds';
import { communeRoutes } from './routes/communes';
import { createCommuneActions } from '../app/commune-actions';
import { taskRoutes } from './routes/tasks';
import { isUnavailable, Refusal } from '../domain/refusal';
import { INVALID_UTF8, refuseInvalidUtf8 } from '../app/body-encoding';

export interface AppDeps {
  db: Db;
  temporal: Client;
  config: Config;
  /** Where request lines and errors go (default: a logger at LOG_LEVEL on stdout). */
  logger?: Logger;
  /** Task-list pages kept until the read model changes (none: every list is read from PostgreSQL). */
  listCache?: ListCache;
  /** The as-of mirror of the audit log (none: the app makes its own). */
  insight?: Insight;
  /**
   * The pages (web/), mounted after the API's routes and before the 405/404 answers and the error
   * handler; `stack/http-app.ts` composes the two adapters (none: the API alone).
   */
  pages?: RequestHandler;
  /** Sends Home Affairs' "remind now" to localities (none: that answers 503). */
  mailer?: Mailer;
}

/** A locality's report, `/api/localities/:code/report` and below, as Express matches a mount path. */
const LOCALITY_REPORT_PATH = /^\/api\/(?:localities|communes)\/[^/]+\/report(?:\/|$)/i;

/** A JSON body up to `limit` (strict: an object or an array at the top). */
const jsonBody = (limit: string) =>
  express.json({ limit, strict: true, type: ['application/json', 'application/*+json'], verify: refuseInvalidUtf8 });

/** The Express app (no listening here, so tests drive it without a port race). */
export function createApp(deps: AppDeps) {
  const { db, temporal, config, listCache } = deps;
  const logger = deps.logger ?? createLogger({ level: config.LOG_LEVEL });
  const app = express();
  // Idempotency-Key is taken on the routes that declare it (route-registry.ts), after the token check.
  const registry = new RouteRegistry({ keyed: idempotency(db) });
  app.disable('x-powered-by');
  // A client's address (rate limits) comes from X-Forwarded-For only behind a proxy named in TRUST_PROXY.
  if (config.TRUST_PROXY)
    app.set('trust proxy', /^\d+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY);
  app.use(inOrder(securityHeaders(), requestLogging(logger, config.LOG_REQUESTS)));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res, next) => {
    try {
      const deps = await checkDependencies(db, temporal, config.TEMPORAL_NAMESPACE);
      if (deps.ok) {
        // A stuck task does not make this process unready, but operators must see it (README, "Stuck tasks").
        const stuck = await stuckTasks(db);
        res.json({
          status: 'ready',
          postgres: deps.postgres,
          temporal: deps.temporal,
          stuckTasks: {
            count: stuck.count,
            tasks: stuck.tasks.map(({ code, seq, kind, since }) => ({ code, seq, kind, since })),
          },
        });
        return;
      }
      const down = [deps.postgres === 'down' ? 'postgres' : null, deps.temporal === 'down' ? 'temporal' : null].filter(
        Boolean,
      );
      res
        .status(503)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'https://delegated-tasks.example/problems/not-ready',
            title: 'Service Unavailable',
            status: 503,
            detail: `Not ready: ${down.join(' and ')} unreachable.`,
            postgres: deps.postgres,
            temporal: deps.temporal,
            errors: Object.entries(deps.errors).map(([field, message]) => ({ field, message })),
            requestId: requestIdOf(req),
          }),
        );
    } catch (err) {
      next(err);
    }
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(buildOpenApi(registry, config.publicBaseUrl));
  });
  app.use(onlyUnder('/docs', docsRoutes()));

  // Every /api request passes one gate, in this order:
  // - limited by client address before the token is looked up (unknown tokens cost a lookup each),
  //   then per token; both counted in PostgreSQL, so the limits hold across API processes;
  // - the preference routes, reached from the link in each digest: the token in the path is the key,
  //   so they answer before the bearer-token check;
  // - the bearer token, the per-token limit, and the body: a locality's whole report (949 cells and
  //   their texts) is larger than other bodies, so it is parsed with its own limit first and the
  //   general parser leaves it alone.
  const reportBody = jsonBody(config.REPORT_BODY_LIMIT);
  app.use(
    onlyUnder(
      '/api',
      inOrder(
        rateLimit(db, {
          perMinute: config.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
          keyOf: addressKey,
          tooMany: `More than ${config.RATE_LIMIT_PER_ADDRESS_PER_MINUTE} requests a minute from this address; slow down.`,
        }),
        onlyUnder('/api/preferences', preferenceRoutes({ db, registry, bodyLimit: config.BODY_LIMIT })),
        authenticate(db, config.TOKEN_CACHE_SECONDS * 1000),
        rateLimit(db, {
          perMinute: config.RATE_LIMIT_PER_MINUTE,
          keyOf: tokenKey,
          tooMany: `More than ${config.RATE_LIMIT_PER_MINUTE} requests a minute with this token; slow down.`,
        }),
        (req, res, next) => (LOCALITY_REPORT_PATH.test(req.path) ? reportBody(req, res, next) : next()),
        jsonBody(config.BODY_LIMIT),
        boundedBodyDepth(),
      ),
    ),
  );
  // One mirror of the audit log per app: as-of figures, trend and forecast catch up on new events only.
  const insight =
    deps.insight ?? createInsight(db, undefined, { calendar: config.calendar, dueDaysUnit: config.DUE_DAYS_UNIT });
  app.use(taskRoutes({ db, temporal, config, registry, insight, listCache }));
  app.use(dashboardRoutes({ db, registry, insight }));
  app.use(leadershipContactRoutes({ db, registry }));
  app.use(documentRoutes({ db, temporal, config, registry, listCache }));
  app.use(taskRequestRoutes({ db, temporal, config, registry, listCache }));
  const localityActions = createLocalityActions({ db, temporal, config, mailer: deps.mailer });
  app.use(localityRoutes({ db, registry, actions: localityActions }));
  app.use(roundRoutes({ db, registry, actions: localityActions }));
  app.use(communeRoutes({ db, registry, actions: createCommuneActions({ db }) }));
  // The pages, under / (web/, composed in by stack/http-app.ts): same app, same application code.
  if (deps.pages) app.use(deps.pages);

  // A known path asked with a method it does not serve (TRACE, DELETE, ...): 405 naming the ones it does.
  const known = [...registry.methodsByPath()].map(([path, methods]) => ({
    path,
    // Case-insensitive, as Express routes: DELETE /API/TASKS/X is the same known path as /api/tasks/X.
    pattern: new RegExp(`^${path.replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`, 'i'),
    allow: [...methods, ...(methods.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', '),
  }));
  app.use((req, res, next) => {
    const route = known.find((k) => k.pattern.test(req.path));
    if (!route) return next();
    res.setHeader('Allow', route.allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next(new HttpProblem(405, 'Method Not Allowed', `${route.path} answers ${route.allow}, not ${req.method}.`));
  });

  app.use((req, _res, next) => {
    next(new HttpProblem(404, 'Not Found', `No route ${req.method} ${req.path}.`));
  });

  // Every error leaves as application/problem+json.
  app.use(async (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let problem: HttpProblem;
    const e = err as { type?: string; status?: number; message?: string };
    if (err instanceof HttpProblem) problem = err;
    else if (err instanceof Refusal) problem = refusalProblem(err);
    else if (e?.type === 'entity.too.large')
      problem = new HttpProblem(
        413,
        'Content Too Large',
        `The body is larger than ${LOCALITY_REPORT_PATH.test(req.path) ? config.REPORT_BODY_LIMIT : config.BODY_LIMIT}.`,
      );
    else if (e?.type === INVALID_UTF8) {
      problem = new HttpProblem(400, 'Bad Request', 'The body is not valid UTF-8.', {
        errors: [{ field: 'body', message: 'not valid UTF-8 (bytes that encode no character)' }],
      });
    } else if (e?.type === 'entity.parse.failed') {
      problem = new HttpProblem(400, 'Bad Request', 'The body is not valid JSON.', {
        errors: [{ field: 'body', message: 'malformed JSON' }],
      });
    } else if (e?.status && e.status >= 400 && e.status < 500)
      problem = new HttpProblem(e.status, http.STATUS_CODES[e.status] ?? 'Bad Request', e.message ?? 'bad request');
    else if (isUnavailable(err))
      problem = new HttpProblem(
        503,
        'Service Unavailable',
        'A dependency (PostgreSQL or Temporal) is unreachable; nothing was changed.',
      );
    else {
      req.log.error({ err }, 'unhandled error');
      problem = new HttpProblem(
        500,
        'Internal Server Error',
        'Something went wrong on our side; nothing is half-done.',
      );
    }
    const body = {
      type: problem.type,
      title: problem.title,
      status: problem.status,
      detail: problem.message,
      ...problem.extra,
      requestId: requestIdOf(req),
    };
    if (problem.status === 503 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '5');
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="delegated-tasks-tracker"');
    const storable = [400, 403, 404, 409, 422].includes(problem.status);
    try {
      if (storable) await respond(db, res, problem.status, body, 'application/problem+json');
      else res.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
    } catch {
      res.status(problem.status).type('application/problem+json').send(JSON.stringify(body));
    }
  });

  return app;
}

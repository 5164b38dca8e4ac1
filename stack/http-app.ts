/**
 * The one HTTP app: the API (`api/`) and the pages (`web/`), two adapters side by side over the
 * use cases (`app/`), composed here so neither imports the other. Every process that serves HTTP
 * (`stack/api-main.ts`, the embedded stack, the tests' harness) builds it through this function.
 */
import type { Request, Response } from 'express';
import type { Mailer } from '../activities/mailer';
import { createApp, type AppDeps } from '../api/app';
import { addressKey, rateLimit } from '../api/rate-limit';
import { createInsight } from '../app/insight';
import { webRoutes } from '../web';
import { withOverdueCalendar } from '../db/tasks';

export interface HttpAppDeps extends Omit<AppDeps, 'pages' | 'insight'> {
  /** Sends the pages' e-mailed sign-in links (none: the e-mail sign-in sends nothing). */
  mailer?: Mailer;
}

export function createHttpApp(given: HttpAppDeps) {
  // daysOverdue is rendered by PostgreSQL: in working days when the configuration counts them so.
  // The setting travels with the connection both adapters read through (no module-global).
  const db = withOverdueCalendar(given.db, given.config.DUE_DAYS_UNIT === 'working' ? given.config.calendar : null);
  const deps = { ...given, db };
  const { mailer, ...api } = deps;
  // One mirror of the audit log per app: the API's as-of figures and the pages' read the same one.
  // Days overdue as of a past day are counted as the live task JSON counts them (DUE_DAYS_UNIT).
  const insight = createInsight(deps.db, undefined, {
    calendar: deps.config.calendar,
    dueDaysUnit: deps.config.DUE_DAYS_UNIT,
  });
  // Sign-in attempts per client address: guessing tokens, or flooding someone's inbox with links.
  // Counted in PostgreSQL like the API's limits, so it holds across every process behind a load balancer.
  const signInLimit = (tooMany: (req: Request, res: Response) => void) =>
    rateLimit(deps.db, {
      perMinute: deps.config.SIGN_IN_RATE_LIMIT_PER_MINUTE,
      keyOf: (req) => `sign-in:${addressKey(req)}`,
      tooMany,
    });
  // The pages' and open data's limits per client address, counted the same way.
  const addressLimit = (
    bucket: string,
    perMinute: number,
    applies: (req: Request) => boolean,
    tooMany: (req: Request, res: Response) => void,
  ) =>
    rateLimit(deps.db, { perMinute, keyOf: (req) => (applies(req) ? `${bucket}:${addressKey(req)}` : null), tooMany });
  const pages = webRoutes({
    db: deps.db,
    temporal: deps.temporal,
    config: deps.config,
    listCache: deps.listCache,
    insight,
    mailer,
    signInLimit,
    addressLimit,
  });
  return createApp({ ...api, insight, pages, mailer });
}

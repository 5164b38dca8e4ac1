import { Router, type Request, type Response } from 'express';
import type { Insight } from '../../app/insight';
import { asOfQuery, code } from '../../app/schemas';
import { listMinistries } from '../../db/reference-data';
import type { Db } from '../../db/client';
import { vietnamDate } from '../../domain/dates';
import { trendCsv } from '../../domain/trend';
import { ministryChartSvg, statusChartSvg, trendChartSvg } from '../charts';
import { parseDateInput } from '../forms';
import { isLang } from '../i18n';
import { requireRole } from '../guards';
import { insightMessages } from '../messages/insight';
import type { AsOfState } from '../pages/insight-sections';
import { webLocals } from '../session';
import type { Lang } from '../i18n';

/** How many forecasts the dashboard lists (the API has them all). */
export const AT_RISK_SHOWN = 20;

const one = (req: Request, k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : '');

/**
 * The dashboard's `?asOf=`: dd/mm/yyyy as people write it (or YYYY-MM-DD), then the API's own
 * asOf schema, so the page and `GET /api/dashboard/summary?asOf=` mean the same instant.
 */
export function asOfFromQuery(req: Request, lang: Lang): AsOfState & { instant: number | null } {
  const input = one(req, 'asOf').trim();
  if (input === '') return { input, date: null, errors: [], instant: null };
  const iso = parseDateInput(input);
  const parsed = iso === null ? null : asOfQuery.safeParse(iso);
  if (!iso || !parsed?.success)
    return { input, date: null, errors: [{ field: 'asOf', message: insightMessages[lang].errAsOf }], instant: null };
  // Today or later: the present figures.
  if (iso >= vietnamDate(Date.now())) return { input: '', date: null, errors: [], instant: null };
  return { input, date: iso, errors: [], instant: parsed.data };
}

/** A known ministry code from `?ministry=`, else undefined (a hand-edited URL shows all ministries). */
export async function trendMinistryFromQuery(db: Db, req: Request): Promise<string | undefined> {
  const c = code.safeParse(one(req, 'ministry'));
  if (!c.success) return undefined;
  return (await listMinistries(db)).some((m) => m.code === c.data) ? c.data : undefined;
}

/** A chart image: its text carries inline styles, so it gets its own policy (no scripts at all). */
function sendSvg(res: Response, svg: string): void {
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  res.setHeader('Cache-Control', 'no-cache');
  res.type('image/svg+xml').send(svg);
}

/** The dashboard's insight figures (Home Affairs): the trend's chart and its downloads, from the API's own code. */
export function insightPageRoutes(db: Db, insight: Insight): Router {
  const router = Router();
  const trendFor = async (req: Request, lang: Lang) => {
    const asOf = asOfFromQuery(req, lang);
    return insight.trend(asOf.instant ?? Date.now(), await trendMinistryFromQuery(db, req));
  };

  router.get('/dashboard/trend.svg', requireRole('home-affairs'), async (req, res) => {
    const lang = isLang(req.query.lang) ? req.query.lang : webLocals(res).ctx.lang;
    const trend = await trendFor(req, lang);
    sendSvg(res, trendChartSvg(lang, trend.overall));
  });

  // The status and ministry charts of a past day (the present ones are the public /charts/).
  router.get('/dashboard/charts/:chart.svg', requireRole('home-affairs'), async (req, res, next) => {
    const lang = isLang(req.query.lang) ? req.query.lang : webLocals(res).ctx.lang;
    const totals = await insight.summaryAt(asOfFromQuery(req, lang).instant ?? Date.now());
    let svg: string;
    if (req.params.chart === 'status') svg = statusChartSvg(lang, totals);
    else if (req.params.chart === 'ministries') svg = ministryChartSvg(lang, totals.byMinistry);
    else return next();
    sendSvg(res, svg);
  });

  router.get('/dashboard/trend.csv', requireRole('home-affairs'), async (req, res) => {
    const trend = await trendFor(req, webLocals(res).ctx.lang);
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', 'attachment; filename="trend.csv"');
    res.send(trendCsv(trend));
  });

  router.get('/dashboard/trend.json', requireRole('home-affairs'), async (req, res) => {
    const trend = await trendFor(req, webLocals(res).ctx.lang);
    res.status(200).setHeader('Content-Disposition', 'attachment; filename="trend.json"');
    res.json(trend);
  });

  return router;
}

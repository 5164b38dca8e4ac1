import { Router } from 'express';
import type { Insight } from '../../app/insight';
import type { Db } from '../../db/client';
import { bottlenecks, summary } from '../../db/dashboard';
import { localitiesReporting, ministryWorklist, recentObstacleReports } from '../../db/task-pages';
import { requireRole } from '../guards';
import { DashboardPage } from '../pages/dashboard-page';
import { WorklistPage } from '../pages/worklist-page';
import { sendPage } from '../render';
import { webLocals } from '../session';
import { asOfFromQuery, AT_RISK_SHOWN, trendMinistryFromQuery } from './insight';

/** Each signed-in group's own page: the Home Affairs dashboard, a ministry's worklist (a locality's: routes/locality-pages.tsx). */
export function rolePageRoutes(db: Db, insight: Insight): Router {
  const router = Router();

  router.get('/dashboard', requireRole('home-affairs'), async (req, res) => {
    const { ctx } = webLocals(res);
    // ?asOf= (issue 15): the figures as they stood at the end of a past day, from the audit log, as the API's.
    const asOf = asOfFromQuery(req, ctx.lang);
    const at = asOf.instant;
    const [trendMinistry, localities, obstacleReports] = await Promise.all([
      trendMinistryFromQuery(db, req),
      localitiesReporting(db),
      recentObstacleReports(db, 20, at),
    ]);
    const [totals, b, trend, forecasts, overdue] = await Promise.all([
      at === null ? summary(db) : insight.summaryAt(at),
      at === null ? bottlenecks(db) : insight.bottlenecksAt(at),
      insight.trend(at ?? Date.now(), trendMinistry),
      insight.atRisk(at ?? Date.now()),
      insight.overdue(at ?? Date.now()),
    ]);
    sendPage(
      res,
      <DashboardPage
        ctx={ctx}
        data={{
          totals,
          byMinistry: totals.byMinistry,
          overdueByMinistry: b.overdueByMinistry,
          localities,
          dueSoon: b.dueSoon,
          mostObstacles: b.mostObstacles,
          obstacleReports,
          insight: {
            asOf,
            localitiesReportedAsOf: at === null ? null : totals.localities,
            trendMinistry,
            trend: trend.overall,
            atRisk: forecasts.slice(0, AT_RISK_SHOWN),
            openTotal: forecasts.length,
            overdue: overdue.slice(0, AT_RISK_SHOWN),
            overdueTotal: overdue.length,
          },
        }}
      />,
      asOf.errors.length > 0 ? 400 : 200,
    );
  });

  router.get('/worklist', requireRole('ministry'), async (_req, res) => {
    const { ctx } = webLocals(res);
    const p = ctx.principal;
    if (p?.kind !== 'ministry') return;
    sendPage(res, <WorklistPage ctx={ctx} ministry={p.code} tasks={await ministryWorklist(db, p.code)} />);
  });

  return router;
}

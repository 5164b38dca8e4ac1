import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { bottlenecks, summary } from '../../db/dashboard';
import { listMinistries } from '../../db/reference-data';
import { isPublic, publicTask } from '../public-view';
import { type RouteRegistry, problems } from '../route-registry';
import {
  asOfOnlyQuery,
  atRiskQuery,
  atRiskResponse,
  overdueQuery,
  overdueResponse,
  bottlenecksResponse,
  ministryResponse,
  summaryResponse,
  trendQuery,
  trendResponse,
  emptyQuery,
} from '../../app/schemas';
import type { Insight } from '../../app/insight';
import { trendCsv } from '../../domain/trend';

export function dashboardRoutes(deps: { db: Db; registry: RouteRegistry; insight: Insight }): Router {
  const { db, registry, insight } = deps;
  const router = Router();

  registry.register(router, {
    method: 'get',
    path: '/api/dashboard/summary',
    summary:
      'Totals by status (count, percent), by ministry (open, overdue) and localities reporting; with asOf, as they stood then (from the audit log)',
    tags: ['dashboard'],
    access: 'any token',
    query: asOfOnlyQuery,
    responses: { 200: { description: 'summary', schema: summaryResponse }, ...problems(400, 401) },
    handler: async ({ query }, _req, res) => {
      res.json(query.asOf === undefined ? await summary(db) : await insight.summaryAt(query.asOf));
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/dashboard/bottlenecks',
    summary:
      'Overdue work by ministry (worst first), oldest open tasks, most obstacle reports, deadlines in the next 14 days; with asOf, as they stood then',
    tags: ['dashboard'],
    access: 'any token',
    query: asOfOnlyQuery,
    responses: { 200: { description: 'bottlenecks', schema: bottlenecksResponse }, ...problems(400, 401) },
    handler: async ({ query }, _req, res) => {
      const b = query.asOf === undefined ? await bottlenecks(db) : await insight.bottlenecksAt(query.asOf);
      res.json(
        isPublic(res)
          ? {
              ...b,
              oldestOpen: b.oldestOpen.map(publicTask),
              mostObstacles: b.mostObstacles.map(publicTask),
              dueSoon: b.dueSoon.map(publicTask),
            }
          : b,
      );
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/dashboard/trend',
    summary:
      'Tasks per status at the end of each week (Monday to Sunday, Viet Nam time), overall and per lead ministry, from the first event to now; CSV with format=csv or Accept: text/csv',
    tags: ['dashboard'],
    access: 'any token',
    query: trendQuery,
    responses: {
      200: {
        description: 'weekly counts (CSV: one row per week and ministry, "*" for all)',
        schema: trendResponse,
        alternatives: { 'text/csv': { type: 'string' } },
      },
      ...problems(400, 401),
    },
    handler: async ({ query }, req, res) => {
      const t = await insight.trend(Date.now(), query.ministry);
      const wantsCsv =
        query.format === 'csv' ||
        (query.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
      if (wantsCsv) {
        res
          .status(200)
          .type('text/csv; charset=utf-8')
          .setHeader('Content-Disposition', 'attachment; filename="trend.csv"');
        res.send(trendCsv(t));
        return;
      }
      res.json(t);
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/dashboard/at-risk',
    summary:
      "At-risk forecast of every open task not yet overdue, riskiest first: probability of missing its deadline, expected resolution date, and the reasons (time in status against the ministry's past pace, reminders ignored, locality obstacles), each naming the days it adds; overdue tasks are listed by /api/dashboard/overdue",
    tags: ['dashboard'],
    access: 'any token',
    query: atRiskQuery,
    responses: { 200: { description: 'forecasts', schema: atRiskResponse }, ...problems(400, 401) },
    handler: async ({ query }, _req, res) => {
      const at = query.asOf ?? Date.now();
      const all = (await insight.atRisk(at)).filter(
        (f) => (!query.ministry || f.leadMinistry === query.ministry) && (!query.risk || f.risk === query.risk),
      );
      res.json({ asOf: new Date(at).toISOString(), total: all.length, items: all.slice(0, query.limit) });
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/dashboard/overdue',
    summary: 'Every overdue open task, most days overdue first',
    tags: ['dashboard'],
    access: 'any token',
    query: overdueQuery,
    responses: { 200: { description: 'overdue tasks', schema: overdueResponse }, ...problems(400, 401) },
    handler: async ({ query }, _req, res) => {
      const at = query.asOf ?? Date.now();
      const all = (await insight.overdue(at)).filter((t) => !query.ministry || t.leadMinistry === query.ministry);
      res.json({ asOf: new Date(at).toISOString(), total: all.length, items: all.slice(0, query.limit) });
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/ministries',
    summary: 'The ministries (reference data)',
    tags: ['reference'],
    access: 'any token',
    query: emptyQuery,
    responses: { 200: { description: 'ministries', schema: z.object({ items: z.array(ministryResponse) }) } },
    handler: async (_i, _req, res) => {
      res.json({ items: await listMinistries(db) });
    },
  });

  return router;
}

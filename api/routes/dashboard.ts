import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { bottlenecks, summary } from '../../db/dashboard';
import { listLocalities, listMinistries } from '../../db/reference-data';
import type { RouteRegistry } from '../route-registry';
import { bottlenecksResponse, localityResponse, ministryResponse, summaryResponse } from '../schemas';

export function dashboardRoutes(deps: { db: Db; registry: RouteRegistry }): Router {
  const { db, registry } = deps;
  const router = Router();

  registry.register(router, {
    method: 'get',
    path: '/api/dashboard/summary',
    summary: 'Totals by status (count, percent), by ministry (open, overdue) and localities reporting',
    tags: ['dashboard'],
    access: 'any token',
    query: z.strictObject({}),
    responses: { 200: { description: 'summary', schema: summaryResponse } },
    handler: async (_i, _req, res) => {
      res.json(await summary(db));
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/dashboard/bottlenecks',
    summary: 'Overdue work by ministry (worst first), oldest open tasks, most obstacle reports, deadlines in the next 14 days',
    tags: ['dashboard'],
    access: 'any token',
    query: z.strictObject({}),
    responses: { 200: { description: 'bottlenecks', schema: bottlenecksResponse } },
    handler: async (_i, _req, res) => {
      res.json(await bottlenecks(db));
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/ministries',
    summary: 'The ministries (reference data)',
    tags: ['reference'],
    access: 'any token',
    query: z.strictObject({}),
    responses: { 200: { description: 'ministries', schema: z.object({ items: z.array(ministryResponse) }) } },
    handler: async (_i, _req, res) => {
      res.json({ items: await listMinistries(db) });
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/localities',
    summary: 'The 34 provinces and cities, with when each reported',
    tags: ['reference'],
    access: 'any token',
    query: z.strictObject({}),
    responses: { 200: { description: 'localities', schema: z.object({ items: z.array(localityResponse) }) } },
    handler: async (_i, _req, res) => {
      const rows = await listLocalities(db);
      res.json({ items: rows.map((r) => ({ ...r, reportedAt: r.reportedAt ? r.reportedAt.toISOString().slice(0, 10) : null })) });
    },
  });

  return router;
}

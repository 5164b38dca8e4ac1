import { Router } from 'express';
import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import { bottlenecks, summary } from '../read-model';
import type { RouteRegistry } from '../route-registry';
import { bottlenecksResponse, localityResponse, ministryResponse, summaryResponse } from '../schemas';

export function dashboardRoutes(deps: { prisma: PrismaClient; registry: RouteRegistry }): Router {
  const { prisma, registry } = deps;
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
      res.json(await summary(prisma));
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
      res.json(await bottlenecks(prisma));
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
      res.json({ items: await prisma.ministry.findMany({ orderBy: { code: 'asc' } }) });
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
      const rows = await prisma.locality.findMany({ orderBy: { code: 'asc' } });
      res.json({ items: rows.map((r) => ({ ...r, reportedAt: r.reportedAt ? r.reportedAt.toISOString().slice(0, 10) : null })) });
    },
  });

  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { cellHistory, verifyCellChain } from '../../db/locality-cells';
import {
  localityStatuses,
  localityTasks,
  matrixBottlenecks,
  matrixCsv,
  matrixGeneration,
  matrixJson,
  type MatrixFilter,
} from '../../db/matrix';
import { MatrixCache } from '../matrix-cache';
import { localityExists } from '../../db/reference-data';
import { localityRounds } from '../../db/reporting-rounds';
import { getTask } from '../../db/tasks';
import { OBSTACLE_CATEGORY_LABELS, type ObstacleCategory } from '../../domain/locality-cells';
import type { Principal } from '../../domain/principal';
import { principalOf } from '../auth';
import { respond } from '../idempotency';
import type { LocalityActions } from '../../app/locality-actions';
import { cellScopeOf, cellsVisibleName, scopeReadsTask } from '../../app/cell-visibility';
import {
  bottleneckQuery,
  cellHistoryResponse,
  cellParams,
  localityCodeParams,
  localityDetailResponse,
  localityReportBody,
  localityStatusResponse,
  matrixBottlenecksResponse,
  matrixQuery,
  matrixResponse,
  reportResponse,
} from '../../app/locality-schemas';
import { HttpProblem, forbidden, notFound } from '../problem';
import { problems, type RouteRegistry } from '../route-registry';
import { emptyQuery } from '../../app/schemas';

/** The matrix filter a caller may use: localities only their own, ministries only their tasks, the public none. */
function scopedFilter(p: Principal, q: MatrixFilter): MatrixFilter {
  if (p.kind === 'home-affairs') return q;
  if (p.kind === 'locality') {
    if (q.locality && q.locality !== p.code) {
      throw new HttpProblem(403, 'Forbidden', `Locality ${p.code} reads only its own cells.`, {
        errors: [{ field: 'query.locality', message: `not ${p.code}` }],
      });
    }
    return { ...q, locality: p.code };
  }
  if (p.kind === 'ministry') {
    if (q.ministry && q.ministry !== p.code) {
      throw new HttpProblem(403, 'Forbidden', `Ministry ${p.code} reads only the cells of its tasks.`, {
        errors: [{ field: 'query.ministry', message: `not ${p.code}` }],
      });
    }
    return { ...q, visibleToMinistry: p.code };
  }
  throw forbidden('The public reads aggregates only: GET /api/matrix/bottlenecks.');
}

export function localityRoutes(deps: { db: Db; registry: RouteRegistry; actions: LocalityActions }): Router {
  const { db, registry, actions } = deps;
  const router = Router();
  const cache = new MatrixCache();

  async function existingLocality(code: string): Promise<void> {
    if (!(await localityExists(db, code))) throw notFound(`There is no locality ${code}.`);
  }

  registry.register(router, {
    method: 'get',
    path: '/api/localities',
    summary:
      'The 34 provinces and cities, each with whether it reported in the current round (the dashboard counts the same)',
    tags: ['localities'],
    access: 'any token',
    query: emptyQuery,
    responses: {
      200: { description: 'localities', schema: z.object({ items: z.array(localityStatusResponse) }) },
      ...problems(400, 401),
    },
    handler: async (_i, _req, res) => {
      res.json({ items: await localityStatuses(db) });
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/localities/:code',
    summary:
      'One locality: the tasks that apply to it, its cells (as far as the caller may read them), counts and rounds',
    tags: ['localities'],
    access: 'any token; cells: the locality itself and Home Affairs all, a ministry those of its tasks, others none',
    params: localityCodeParams,
    query: emptyQuery,
    responses: { 200: { description: 'the locality', schema: localityDetailResponse }, ...problems(400, 401, 404) },
    handler: async ({ params }, _req, res) => {
      const status = (await localityStatuses(db)).find((l) => l.code === params.code);
      if (!status) throw notFound(`There is no locality ${params.code}.`);
      const visible = cellScopeOf(principalOf(res), { locality: params.code });
      const [tasks, aggregates, rounds] = await Promise.all([
        localityTasks(db, params.code, visible),
        matrixBottlenecks(db, { locality: params.code }),
        localityRounds(db, params.code),
      ]);
      res.json({
        locality: status,
        cellsVisible: cellsVisibleName(visible),
        counts: { tasks: tasks.length, byState: aggregates.byState },
        // A commune-level task's `communes`: its province cell as its communes' roll-up (aggregates: anyone reads them).
        tasks,
        rounds,
      });
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/localities/:code/report',
    summary:
      "A locality's report on many tasks at once: validated all or nothing, every bad cell listed; counts as reported in the round",
    tags: ['localities'],
    access: 'the locality itself; home-affairs',
    params: localityCodeParams,
    body: localityReportBody,
    responses: {
      200: { description: 'what changed', schema: reportResponse },
      ...problems(400, 401, 403, 404, 409, 413, 422, 503),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.report(principalOf(res), params.code, body));
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/localities/:code/cells/:task/history',
    summary: "One cell's audited history (hash-chained like a task's) and its verification",
    tags: ['localities', 'audit'],
    access: 'whoever may read the cell',
    params: cellParams,
    query: emptyQuery,
    responses: { 200: { description: 'events', schema: cellHistoryResponse }, ...problems(400, 401, 403, 404) },
    handler: async ({ params }, _req, res) => {
      await existingLocality(params.code);
      const task = await getTask(db, params.task);
      if (!task) throw notFound(`There is no task ${params.task}.`);
      if (!scopeReadsTask(cellScopeOf(principalOf(res), { locality: params.code }), task))
        throw forbidden(`This token may not read the cell (${params.task}, ${params.code}).`);
      const [items, verification] = await Promise.all([
        cellHistory(db, params.task, params.code),
        verifyCellChain(db, params.task, params.code),
      ]);
      res.json({ items, verification });
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/matrix',
    summary:
      'Cells of the localities × tasks matrix (NOT_STARTED where nobody wrote), filtered; CSV with Accept: text/csv or format=csv',
    tags: ['localities'],
    access:
      'home-affairs all; a locality its own cells; a ministry the cells of tasks it leads or coordinates; public: 403 (aggregates only)',
    query: matrixQuery,
    responses: {
      200: {
        description: 'cells (JSON), or with format=csv or Accept: text/csv every matching cell as CSV',
        schema: matrixResponse,
        alternatives: { 'text/csv': { type: 'string' } },
      },
      ...problems(400, 401, 403, 422),
    },
    handler: async ({ query }, req, res) => {
      const { format, ...filter } = query;
      const scoped = scopedFilter(principalOf(res), filter);
      if (scoped.locality && !(await localityExists(db, scoped.locality))) {
        throw new HttpProblem(422, 'Unprocessable Content', `Unknown locality ${scoped.locality}.`, {
          errors: [{ field: 'query.locality', message: 'unknown locality' }],
        });
      }
      const wantsCsv =
        format === 'csv' || (format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
      const key = `${wantsCsv ? 'csv' : 'json'} ${JSON.stringify(scoped)}`;
      const generation = await matrixGeneration(db);
      let body = cache.get(key, generation);
      if (body === null) {
        const fresh = wantsCsv
          ? await matrixCsv(db, scoped)
          : await matrixJson(db, scoped).then((m) => `{"items":${m.itemsJson},"total":${m.total}}`);
        cache.put(key, generation, fresh);
        body = fresh;
      }
      if (wantsCsv)
        res
          .status(200)
          .type('text/csv; charset=utf-8')
          .setHeader('Content-Disposition', 'attachment; filename="matrix.csv"');
      else res.type('application/json');
      res.send(body);
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/matrix/bottlenecks',
    summary: 'Aggregates of the matrix: cells by state, obstacles by category, by locality and by lead ministry',
    tags: ['localities', 'dashboard'],
    access: 'any token (aggregates only)',
    query: bottleneckQuery,
    responses: { 200: { description: 'aggregates', schema: matrixBottlenecksResponse }, ...problems(400, 401) },
    handler: async ({ query }, _req, res) => {
      const b = await matrixBottlenecks(db, query);
      res.json({
        ...b,
        byCategory: b.byCategory.map((c) => ({
          ...c,
          label: OBSTACLE_CATEGORY_LABELS[c.category as ObstacleCategory],
        })),
      });
    },
  });

  return router;
}

import express, { Router } from 'express';
import type { Db } from '../../db/client';
import {
  COMMUNE_CELLS_CSV_HEADER,
  communeCells,
  communeReports,
  getCommune,
  nationalRollup,
  provinceCommuneCellsCsv,
  provinceCommunes,
  provincesWithCommunes,
  verifyCommuneChain,
} from '../../db/communes';
import { localityExists } from '../../db/reference-data';
import { provinceCommuneRound } from '../../db/reporting-rounds';
import { reference } from '../../catalog/reference-data';
import { cellScopeOf, cellsVisibleName, scopeReadsTask } from '../../app/cell-visibility';
import { taskDrillDown } from '../../app/commune-drill-down';
import type { CommuneActions } from '../../app/commune-actions';
import { XLSX_TYPE } from '../../app/task-xlsx';
import {
  communeCellsCsvQuery,
  communeDetailResponse,
  communeParams,
  communeReportBody,
  communeReportResponse,
  communeUploadResponse,
  nationalRollupResponse,
  provinceCodeParams,
  provinceCommunesQuery,
  provinceCommunesResponse,
} from '../../app/commune-schemas';
import { emptyQuery } from '../../app/schemas';
import { principalOf } from '../auth';
import { respond } from '../idempotency';
import { HttpProblem, forbidden, notFound } from '../problem';
import { problems, type RouteRegistry } from '../route-registry';

const UPLOAD_LIMIT = '32mb';

const nameOf = new Map(reference.localities.map((l) => [l.code, l.nameVi]));

export function communeRoutes(deps: { db: Db; registry: RouteRegistry; actions: CommuneActions }): Router {
  const { db, registry, actions } = deps;
  const router = Router();

  registry.register(router, {
    method: 'get',
    path: '/api/communes/rollup',
    summary:
      'The national roll-up of the commune level by province: communes, how many reported, cells by state and obstacles by category (sums of the kept roll-ups, not a scan of the cells)',
    tags: ['communes'],
    access: 'any token (aggregates only)',
    query: emptyQuery,
    responses: { 200: { description: 'by province', schema: nationalRollupResponse }, ...problems(400, 401) },
    handler: async (_i, _req, res) => {
      const [items, seeded] = await Promise.all([nationalRollup(db), actions.seeded()]);
      const sum = (f: (r: (typeof items)[number]) => number) => items.reduce((n, r) => n + f(r), 0);
      res.json({
        seeded,
        totals: {
          communes: sum((r) => r.communes),
          communesReported: sum((r) => r.communesReported),
          cells: sum((r) => r.cells),
          byState: {
            NOT_STARTED: sum((r) => r.byState.NOT_STARTED),
            IMPLEMENTING: sum((r) => r.byState.IMPLEMENTING),
            WORKABLE: sum((r) => r.byState.WORKABLE),
            OBSTACLE: sum((r) => r.byState.OBSTACLE),
          },
        },
        items: items.map((r) => ({ ...r, name: nameOf.get(r.locality) ?? r.locality })),
      });
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/communes/cells',
    summary: 'Every commune cell as CSV (about 1.44 M rows), streamed province by province; ?locality= one province',
    tags: ['communes'],
    access: 'home-affairs all; a province its own communes (?locality= its code); others 403',
    query: communeCellsCsvQuery,
    responses: {
      200: {
        description: 'CSV: province,commune_code,commune_name,task,state,category,text,changed_at',
        alternatives: { 'text/csv': { type: 'string' } },
      },
      ...problems(400, 401, 403, 404),
    },
    handler: async ({ query }, req, res) => {
      const p = principalOf(res);
      let provinces: string[];
      if (p.kind === 'home-affairs') provinces = await provincesWithCommunes(db);
      else if (p.kind === 'locality') {
        if (query.locality && query.locality !== p.code)
          throw new HttpProblem(403, 'Forbidden', `Province ${p.code} reads only its own communes' cells.`, {
            errors: [{ field: 'query.locality', message: `not ${p.code}` }],
          });
        provinces = [p.code];
      } else throw forbidden('Commune cells as a file: Home Affairs, or a province for its own communes.');
      if (query.locality) {
        if (!(await localityExists(db, query.locality))) throw notFound(`There is no locality ${query.locality}.`);
        provinces = [query.locality];
      }
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', 'attachment; filename="commune-cells.csv"');
      res.write(`${COMMUNE_CELLS_CSV_HEADER}\r\n`);
      // One province's text at a time, waiting for the socket to drain: memory stays at one partition's CSV.
      for (const locality of provinces) {
        if (req.destroyed || res.destroyed) return;
        const chunk = await provinceCommuneCellsCsv(db, locality);
        if (chunk && !res.write(chunk)) await new Promise<void>((resolve) => res.once('drain', resolve));
      }
      res.end();
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/communes/:code',
    summary:
      'One commune: its counts, its cells (as far as the caller may read them) and its reports (who reported, for whom)',
    tags: ['communes'],
    access:
      'any token; cells: the commune itself, its province and Home Affairs all, a ministry those of its tasks, the public none',
    params: communeParams,
    query: emptyQuery,
    responses: { 200: { description: 'the commune', schema: communeDetailResponse }, ...problems(400, 401, 404) },
    handler: async ({ params }, _req, res) => {
      const commune = await getCommune(db, params.code);
      if (!commune) throw notFound(`There is no commune ${params.code}.`);
      const p = principalOf(res);
      const visible = cellScopeOf(p, { locality: commune.locality, commune: commune.code });
      const [cells, reports, verification] = await Promise.all([
        visible === 'none' ? Promise.resolve([]) : communeCells(db, commune.locality, commune.code),
        communeReports(db, commune.code),
        verifyCommuneChain(db, commune.code),
      ]);
      const shown = cells.filter((c) => scopeReadsTask(visible, c));
      res.json({
        commune,
        cellsVisible: cellsVisibleName(visible),
        cells: shown.map(({ leadMinistry: _l, coordinatingMinistries: _c, ...c }) => c),
        // Who wrote is a person's office: shown to those who may read the cells, not to the public.
        reports: reports.map((r) => ({ ...r, actor: visible === 'none' ? null : r.actor })),
        verification,
      });
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/communes/:code/report',
    summary:
      "A commune's report on its cells (all its commune-level tasks at once): validated all or nothing, every bad cell named; by the commune itself, or on its behalf by its province (recorded as such)",
    tags: ['communes'],
    access: 'the commune itself (commune:<code>); its province (on its behalf); home-affairs (on its behalf)',
    params: communeParams,
    body: communeReportBody,
    responses: {
      200: { description: 'what changed', schema: communeReportResponse },
      ...problems(400, 401, 403, 404, 409, 413, 422),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.report(principalOf(res), params.code, body));
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/localities/:code/communes',
    summary:
      "One province's communes with their counts by state; ?q= searches the names with or without diacritics; ?task= drills down from the province's cell of a commune-level task (its roll-up) to that task's cell in each commune",
    tags: ['communes', 'localities'],
    access:
      "any token (aggregates); with ?task=, each commune's cell for Home Affairs, the province and a ministry of the task",
    params: provinceCodeParams,
    query: provinceCommunesQuery,
    responses: {
      200: { description: 'communes', schema: provinceCommunesResponse },
      ...problems(400, 401, 404, 422),
    },
    handler: async ({ params, query }, _req, res) => {
      if (!(await localityExists(db, params.code))) throw notFound(`There is no locality ${params.code}.`);
      const drill = query.task ? await taskDrillDown(db, principalOf(res), params.code, query.task) : null;
      const [all, items, seeded, round] = await Promise.all([
        query.q ? provinceCommunes(db, params.code) : Promise.resolve(null),
        provinceCommunes(db, params.code, query.q),
        actions.seeded(),
        provinceCommuneRound(db, params.code),
      ]);
      res.json({
        locality: params.code,
        ...(drill ? { task: { code: drill.task, communes: drill.communes, cellsVisible: drill.cells !== null } } : {}),
        seeded,
        total: (all ?? items).length,
        items: drill ? items.map((c) => ({ ...c, taskCell: drill.cells?.get(c.code) ?? null })) : items,
        round,
      });
    },
  });

  const fileBody = [
    express.text({ type: 'text/csv', limit: UPLOAD_LIMIT }),
    express.raw({ type: XLSX_TYPE, limit: UPLOAD_LIMIT }),
  ];
  registry.register(
    router,
    {
      method: 'post',
      path: '/api/localities/:code/communes/cells',
      summary:
        "A province's upload of its communes' cells in one file (CSV or xlsx; columns commune_code, commune_name, task, state, category, text): validated all or nothing, every bad row named by row and column",
      tags: ['communes', 'localities'],
      access: 'the province itself; home-affairs',
      params: provinceCodeParams,
      query: emptyQuery,
      upload: {
        'text/csv': { type: 'string' },
        [XLSX_TYPE]: { type: 'string', format: 'binary' },
      },
      responses: {
        200: { description: 'what changed', schema: communeUploadResponse },
        ...problems(400, 401, 403, 404, 409, 413, 415, 422),
      },
      handler: async ({ params }, req, res) => {
        const p = principalOf(res);
        let file: { kind: 'csv'; text: string } | { kind: 'xlsx'; bytes: Buffer };
        if (req.is('text/csv') && typeof req.body === 'string') file = { kind: 'csv', text: req.body };
        else if (req.is(XLSX_TYPE) && Buffer.isBuffer(req.body)) file = { kind: 'xlsx', bytes: req.body };
        else
          throw new HttpProblem(415, 'Unsupported Media Type', `Send the file as text/csv or ${XLSX_TYPE}.`, {
            errors: [{ field: 'body', message: 'must be text/csv or an xlsx workbook' }],
          });
        await respond(db, res, 200, await actions.upload(p, params.code, file));
      },
    },
    ...fileBody,
  );

  return router;
}

import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../../config/env';
import { vietnamDate } from '../../domain/dates';
import { verifyChain } from '../../db/audit-chain';
import { history } from '../../db/audit-events';
import type { Db } from '../../db/client';
import { localityExists } from '../../db/reference-data';
import { getTask, listTasks, taskPageJson, type ApiTask } from '../../db/tasks';
import { recordedSeq } from '../../temporal/task-client';
import { principalOf } from '../auth';
import { respond, updateIdFor } from '../idempotency';
import { isPublic, publicHistoryItem, publicPageJson, publicTask } from '../public-view';
import { renderedPage, type ListCache } from '../../app/list-cache';
import { notFound, unprocessable } from '../problem';
import { type RouteRegistry, problem, problems } from '../route-registry';
import { UTF8_BOM, tasksCsv } from '../../app/task-csv';
import { XLSX_TYPE, tasksXlsx } from '../../app/task-xlsx';
import type { Insight } from '../../app/insight';
import {
  asOfOnlyQuery,
  assignmentBody,
  createTaskBody,
  deadlineBody,
  historyResponse,
  milestoneBody,
  pageQuery,
  reportBody,
  taskCodeParams,
  taskListQuery,
  taskListResponse,
  taskResponse,
  transitionBody,
  verifyResponse,
  emptyQuery,
} from '../../app/schemas';
import { createTaskActions } from '../../app/task-actions';

export function taskRoutes(deps: {
  db: Db;
  temporal: Client;
  config: Config;
  registry: RouteRegistry;
  insight: Insight;
  listCache?: ListCache;
}): Router {
  const { db, temporal, config, registry, insight, listCache } = deps;
  const router = Router();

  const actions = createTaskActions({ db, temporal, config, listCache });
  const { existingTask } = actions;

  registry.register(router, {
    method: 'get',
    path: '/api/tasks',
    summary:
      'List tasks with filters, sorting and pages; every matching task as CSV (format=csv or Accept: text/csv) or as a spreadsheet (format=xlsx or Accept: the .xlsx type); with asOf, the tasks as they stood then (from the audit log)',
    tags: ['tasks'],
    access: 'any token',
    query: taskListQuery,
    responses: {
      200: {
        description:
          'a page of tasks (JSON), or every matching task as CSV (format=csv or Accept: text/csv) or as one .xlsx worksheet with the CSV columns (format=xlsx or Accept: the .xlsx type); a file comes with Content-Disposition: attachment',
        schema: taskListResponse,
        alternatives: { 'text/csv': { type: 'string' }, [XLSX_TYPE]: { type: 'string', format: 'binary' } },
        headers: {
          'Content-Disposition': {
            required: false,
            description: 'with a file (CSV or .xlsx) only: its name',
            schema: { type: 'string', pattern: '^attachment; filename="tasks\\.(csv|xlsx)"$' },
          },
        },
      },
      304: { description: 'the page is unchanged since the ETag sent in If-None-Match' },
      ...problems(400, 401, 422),
    },
    handler: async ({ query }, req, res) => {
      if (query.locality && !(await localityExists(db, query.locality))) {
        throw unprocessable(`Unknown locality ${query.locality}.`, {
          errors: [{ field: 'query.locality', message: `unknown locality ${query.locality}` }],
        });
      }
      const accepted = req.accepts(['application/json', 'text/csv', XLSX_TYPE]);
      const format = query.format ?? (accepted === 'text/csv' ? 'csv' : accepted === XLSX_TYPE ? 'xlsx' : 'json');
      /** The whole list as a file, CSV or a spreadsheet, without personal data for the public token. */
      const sendFile = async (items: ApiTask[]) => {
        const opts = { personalData: !isPublic(res) };
        res.status(200).setHeader('Content-Disposition', `attachment; filename="tasks.${format}"`);
        if (format === 'xlsx') res.type(XLSX_TYPE).send(await tasksXlsx(items, opts));
        else res.type('text/csv; charset=utf-8').send(`${query.bom === '1' ? UTF8_BOM : ''}${tasksCsv(items, opts)}`);
      };
      if (query.asOf !== undefined) {
        // As the tasks stood then, rebuilt from the audit log (app/insight.ts); never cached.
        const page = await insight.taskListAt(
          format !== 'json' ? { ...query, page: 1, limit: Number.MAX_SAFE_INTEGER } : query,
          query.asOf,
        );
        if (format !== 'json') await sendFile(page.items);
        else res.json(isPublic(res) ? { ...page, items: page.items.map(publicTask) } : page);
        return;
      }
      if (format !== 'json') {
        // The export holds every matching task, in pages of 1000, not just the requested page.
        const all = [];
        for (let page = 1; ; page++) {
          const chunk = await listTasks(db, { ...query, page, limit: 1000 });
          const items = JSON.parse(chunk.itemsJson) as ApiTask[];
          all.push(...items);
          if (all.length >= chunk.total || items.length === 0) break;
        }
        await sendFile(all);
        return;
      }
      const audience = isPublic(res) ? 'public' : 'full';
      const key = `${audience} ${vietnamDate(Date.now())} ${JSON.stringify(query)}`;
      let page = listCache?.get(key) ?? null;
      if (page === null) {
        const generation = listCache?.current();
        const json = taskPageJson(await listTasks(db, query));
        page = renderedPage(audience === 'public' ? publicPageJson(json) : json);
        if (generation !== undefined) listCache?.put(key, generation, page);
      }
      // With the ETag set, Express answers a matching If-None-Match with 304 and computes nothing.
      res.setHeader('ETag', page.etag);
      res.type('application/json').send(page.body);
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/tasks',
    summary: 'Register a new delegated task (starts its workflow)',
    tags: ['tasks'],
    access: 'home-affairs',
    body: createTaskBody,
    responses: { 201: { description: 'created', schema: taskResponse }, ...problems(400, 401, 403, 409, 422, 503) },
    handler: async ({ body }, _req, res) => {
      const created = await actions.register(principalOf(res), body);
      res.setHeader('Location', `/api/tasks/${body.code}`);
      await respond(db, res, 201, created);
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/tasks/:code',
    summary: 'One task: status, assignment, due date, days overdue, milestones, report counts',
    tags: ['tasks'],
    access: 'any token',
    params: taskCodeParams,
    query: asOfOnlyQuery,
    responses: {
      200: { description: 'the task (with asOf: as it stood then, from its audit log)', schema: taskResponse },
      ...problems(400, 401, 404),
    },
    handler: async ({ params, query }, _req, res) => {
      const row =
        query.asOf === undefined ? await getTask(db, params.code) : await insight.taskAt(params.code, query.asOf);
      if (!row)
        throw notFound(
          query.asOf === undefined
            ? `There is no task ${params.code}.`
            : `Task ${params.code} did not exist at ${new Date(query.asOf).toISOString()}.`,
        );
      res.json(isPublic(res) ? publicTask(row) : row);
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/tasks/:code/history',
    summary: 'The append-only audit events of a task, in order',
    tags: ['audit'],
    access: 'any token',
    params: taskCodeParams,
    query: pageQuery,
    responses: { 200: { description: 'events', schema: historyResponse }, ...problems(400, 401, 404) },
    handler: async ({ params, query }, _req, res) => {
      await existingTask(params.code);
      const page = await history(db, params.code, query.page, query.limit);
      res.json(isPublic(res) ? { ...page, items: page.items.map(publicHistoryItem) } : page);
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/tasks/:code/history/verify',
    summary:
      "Check the task's audit hash chain against the events its workflow has recorded; names the first broken or missing event",
    tags: ['audit'],
    access: 'any token',
    params: taskCodeParams,
    query: emptyQuery,
    responses: { 200: { description: 'verification result', schema: verifyResponse }, ...problems(400, 401, 404) },
    handler: async ({ params }, _req, res) => {
      await existingTask(params.code);
      // The workflow knows how many events it recorded: a log that ends before that lost its tail,
      // even when the read model went back with it (a restore). Without an answer, the log alone.
      const workflowSeq = await recordedSeq(temporal, params.code);
      res.json({
        ...(await verifyChain(db, params.code, { workflowSeq })),
        ...(workflowSeq === undefined ? {} : { workflowSeq }),
      });
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/tasks/:code/transitions',
    summary:
      'Move a task to another status (legal edges only; `from` guards against stale views). A cited document is the registered one, or is registered in the same step with its issuer and kind read from its symbol',
    tags: ['tasks'],
    access: 'home-affairs; the lead ministry for forward edges',
    params: taskCodeParams,
    body: transitionBody,
    responses: {
      200: { description: 'the task after the transition', schema: taskResponse },
      ...problems(400, 401, 404, 409, 503),
      403: problem(
        'not the lead ministry nor Home Affairs, or the cited document may not move this task: a ministry moves its tasks only with documents it issued, a central document (QH, UBTVQH, CP, TTg) only Home Affairs (`errors[0].field` is `body.document.number`); nothing changed',
      ),
      422: problem(
        'invalid input, including the cited document: a number not in the form number/year/SYMBOL, a symbol that names no issuer or kind, untrue dates (the same answer as `POST /api/documents` and settlement give: an effective date before the issue date is 422), or dates other than those registered for that number; nothing changed',
      ),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.transition(principalOf(res), params.code, body, updateIdFor(res)));
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/tasks/:code/milestones',
    summary: 'Record a progress milestone (does not change the status)',
    tags: ['tasks'],
    access: 'home-affairs; the lead or a coordinating ministry',
    params: taskCodeParams,
    body: milestoneBody,
    responses: {
      200: { description: 'the task', schema: taskResponse },
      ...problems(400, 401, 403, 404, 409, 422, 503),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.milestone(principalOf(res), params.code, body, updateIdFor(res)));
    },
  });

  registry.register(router, {
    method: 'put',
    path: '/api/tasks/:code/assignment',
    summary: 'Change the lead/coordinating ministries (Home Affairs) or the focal point (also the lead ministry)',
    tags: ['tasks'],
    access: 'home-affairs; the lead ministry for its focal point',
    params: taskCodeParams,
    body: assignmentBody,
    responses: {
      200: { description: 'the task', schema: taskResponse },
      ...problems(400, 401, 403, 404, 409, 422, 503),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.assignment(principalOf(res), params.code, body, updateIdFor(res)));
    },
  });

  registry.register(router, {
    method: 'put',
    path: '/api/tasks/:code/deadline',
    summary: 'Set or extend the due date, with a reason (extensions are counted)',
    tags: ['tasks'],
    access: 'home-affairs',
    params: taskCodeParams,
    body: deadlineBody,
    responses: {
      200: { description: 'the task', schema: taskResponse },
      ...problems(400, 401, 403, 404, 409, 422, 503),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.deadline(principalOf(res), params.code, body, updateIdFor(res)));
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/tasks/:code/reports',
    summary: "A locality's report: the task is workable locally, or meets an obstacle",
    tags: ['tasks'],
    access: 'the locality itself; home-affairs',
    deprecated:
      "use POST /api/localities/{code}/report. This writes the locality's matrix cell for the task (an OBSTACLE without category is filed under OTHER), which is the one record of what localities report; the task's `reports` counts those cells.",
    params: taskCodeParams,
    body: reportBody,
    responses: {
      200: { description: 'the task', schema: taskResponse },
      ...problems(400, 401, 403, 404, 409, 422, 503),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.report(principalOf(res), params.code, body));
    },
  });

  return router;
}

import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Db } from '../../db/client';
import type { Config } from '../../config/env';
import { holdUpRanking } from '../../db/hold-ups';
import { principalOf } from '../auth';
import { respond, updateIdFor } from '../idempotency';
import type { ListCache } from '../../app/list-cache';
import { type RouteRegistry, problem, problems } from '../route-registry';
import {
  emptyBody,
  emptyQuery,
  extensionDecisionBody,
  extensionRequestBody,
  holdUpBody,
  taskCodeParams,
  taskResponse,
} from '../../app/schemas';
import { createTaskActions } from '../../app/task-actions';

const holdUpRankingResponse = z.object({
  items: z.array(
    z.object({
      ministry: z.string(),
      tasks: z.number().int(),
      ministries: z.number().int(),
      oldestSince: z.string().nullable(),
    }),
  ),
});

/** Extension requests (lead ministry asks, Home Affairs decides) and tasks held up by another ministry. */
export function taskRequestRoutes(deps: {
  db: Db;
  temporal: Client;
  config: Config;
  registry: RouteRegistry;
  listCache?: ListCache;
}): Router {
  const { db, temporal, config, registry, listCache } = deps;
  const router = Router();

  const actions = createTaskActions({ db, temporal, config, listCache });

  registry.register(router, {
    method: 'post',
    path: '/api/tasks/:code/extension-requests',
    summary:
      'The lead ministry asks for a later due date, with a reason; the deadline changes only when Home Affairs approves',
    tags: ['tasks'],
    access: 'the lead ministry',
    params: taskCodeParams,
    body: extensionRequestBody,
    responses: {
      200: { description: 'the task with its pending request', schema: taskResponse },
      ...problems(400, 401, 403, 404, 409, 503),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(
        db,
        res,
        200,
        await actions.requestExtension(principalOf(res), params.code, body, updateIdFor(res)),
      );
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/tasks/:code/extension-requests/decision',
    summary:
      'Home Affairs approves (the deadline moves and reminders re-plan at once) or refuses (with a reason) the pending extension request',
    tags: ['tasks'],
    access: 'home-affairs',
    params: taskCodeParams,
    body: extensionDecisionBody,
    responses: {
      200: { description: 'the task after the decision', schema: taskResponse },
      ...problems(400, 401, 403, 404, 409, 503),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.decideExtension(principalOf(res), params.code, body, updateIdFor(res)));
    },
  });

  registry.register(router, {
    method: 'put',
    path: '/api/tasks/:code/held-up',
    summary:
      "Record that the task waits for another ministry's document; registering that document releases it (409 if already held up)",
    tags: ['tasks'],
    access: 'home-affairs; the lead ministry',
    params: taskCodeParams,
    body: holdUpBody,
    responses: {
      200: { description: 'the task', schema: taskResponse },
      ...problems(400, 401, 403, 404, 422, 503),
      409: problem(
        'the task is already held up (a hold-up is never replaced: release it first, then record the new one), it is FEASIBLE, the ministry is the lead, or the named document is already registered; nothing changed',
      ),
      422: problem(
        '`documentNumber` is not a document of `ministry` (its symbol or its registration names another issuer), or another field is invalid; nothing changed',
      ),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.holdUp(principalOf(res), params.code, body, updateIdFor(res)));
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/tasks/:code/held-up/release',
    summary: 'Release a hold-up by hand (it is released by itself when the awaited document is registered)',
    tags: ['tasks'],
    access: 'home-affairs; the lead ministry',
    params: taskCodeParams,
    body: emptyBody,
    responses: { 200: { description: 'the task', schema: taskResponse }, ...problems(400, 401, 403, 404, 409, 503) },
    handler: async ({ params }, _req, res) => {
      await respond(db, res, 200, await actions.releaseHoldUp(principalOf(res), params.code, updateIdFor(res)));
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/dashboard/held-up',
    summary: "Bottleneck view: ministries ranked by how many other ministries' open tasks they hold up",
    tags: ['dashboard'],
    access: 'any token',
    query: emptyQuery,
    responses: { 200: { description: 'ranking, worst first', schema: holdUpRankingResponse }, ...problems(400, 401) },
    handler: async (_i, _req, res) => {
      res.json({ items: await holdUpRanking(db) });
    },
  });

  return router;
}

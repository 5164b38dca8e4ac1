import { Router } from 'express';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import type { Config } from '../../config/env';
import type { Db } from '../../db/client';
import { getRound, listRounds, roundIdsLike, roundLocalities } from '../../db/reporting-rounds';
import { vietnamDate } from '../../domain/dates';
import { roundWorkflowId, type RoundRefusal } from '../../domain/reporting-round';
import type { Actor } from '../../domain/task';
import { roundPolicyFromConfig, startRound } from '../../temporal/round-client';
import { closeRoundUpdate, extendRoundUpdate } from '../../workflows/round-messages';
import { principalOf } from '../auth';
import { respond, updateIdFor } from '../idempotency';
import { closeRoundBody, extendRoundBody, openRoundBody, roundDetailResponse, roundListQuery, roundListResponse, roundParams, roundResponse } from '../locality-schemas';
import { conflict, forbidden, notFound, unavailable } from '../problem';
import type { RouteRegistry } from '../route-registry';
import { emptyQuery, problemResponse } from '../schemas';
import { isUnavailable } from '../task-commands';

const problems = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, { description: 'problem', schema: problemResponse, contentType: 'application/problem+json' }]));

export function roundRoutes(deps: { db: Db; temporal: Client; config: Config; registry: RouteRegistry }): Router {
  const { db, temporal, config, registry } = deps;
  const router = Router();

  function homeAffairs(res: Parameters<typeof principalOf>[0]): Actor {
    if (principalOf(res).kind !== 'home-affairs') throw forbidden('Only Home Affairs opens, extends or closes reporting rounds.');
    return { kind: 'home-affairs' };
  }

  async function openRoundOrFail(id: string) {
    const round = await getRound(db, id);
    if (!round) throw notFound(`There is no round ${id}.`);
    if (round.status === 'CLOSED') throw conflict(`Round ${id} is closed; who reported is frozen.`, { code: 'ROUND_CLOSED' });
    return round;
  }

  /** An Update on the round's workflow; the validator's refusal becomes the HTTP answer. */
  async function roundUpdate<R, A>(id: string, def: UpdateDefinition<R, [A]>, arg: A, updateId?: string): Promise<R> {
    try {
      return await temporal.workflow.getHandle(roundWorkflowId(id)).executeUpdate(def, { args: [arg], ...(updateId ? { updateId } : {}) });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
        const r = err.cause.details?.[0] as RoundRefusal | undefined;
        if (r?.code === 'FORBIDDEN') throw forbidden(r.message);
        if (r?.code === 'ROUND_CLOSED') throw conflict(r.message, { code: r.code });
        // A refusal of the round's own rules depends on its state (its due date, whether it is open): 409.
        throw conflict(err.cause.message, r?.field ? { errors: [{ field: `body.${r.field}`, message: r.message }] } : {});
      }
      if (err instanceof WorkflowNotFoundError) throw conflict(`Round ${id} has no running workflow (it is closed or was recorded, not run).`, { code: 'ROUND_CLOSED' });
      if (isUnavailable(err)) throw unavailable('Temporal is unreachable; nothing was changed.', { dependency: 'temporal' });
      throw err;
    }
  }

  registry.register(router, {
    method: 'get',
    path: '/api/rounds',
    summary: 'Reporting rounds, newest first, with how many localities reported (frozen at close)',
    tags: ['rounds'],
    access: 'any token',
    query: roundListQuery,
    responses: { 200: { description: 'rounds', schema: roundListResponse }, ...problems(400, 401) },
    handler: async ({ query }, _req, res) => {
      res.json({ items: await listRounds(db, query) });
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/rounds/:id',
    summary: 'One reporting round and, for each locality, when it reported',
    tags: ['rounds'],
    access: 'any token',
    params: roundParams,
    query: emptyQuery,
    responses: { 200: { description: 'the round', schema: roundDetailResponse }, ...problems(400, 401, 404) },
    handler: async ({ params }, _req, res) => {
      const round = await getRound(db, params.id);
      if (!round) throw notFound(`There is no round ${params.id}.`);
      res.json({ ...round, localities: await roundLocalities(db, params.id) });
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/rounds',
    summary: 'Open an extra reporting round (a round workflow: reminders, escalation, close)',
    tags: ['rounds'],
    access: 'home-affairs',
    body: openRoundBody,
    responses: { 201: { description: 'the round, open', schema: roundResponse }, ...problems(400, 401, 403, 409, 422, 503) },
    handler: async ({ body }, _req, res) => {
      homeAffairs(res);
      const today = vietnamDate(Date.now());
      if (body.dueDate <= today) throw conflict('The due date must be after today.', { errors: [{ field: 'body.dueDate', message: `must be after ${today}` }] });
      let id = body.id;
      if (!id) {
        const taken = new Set(await roundIdsLike(db, `extra-${today}`));
        let n = 1;
        while (taken.has(n === 1 ? `extra-${today}` : `extra-${today}-${n}`)) n++;
        id = n === 1 ? `extra-${today}` : `extra-${today}-${n}`;
      }
      if (await getRound(db, id)) throw conflict(`Round ${id} already exists.`);
      const started = await startRound(temporal, { taskQueue: config.TEMPORAL_TASK_QUEUE, input: { kind: 'EXTRA', id, dueDate: body.dueDate, policy: roundPolicyFromConfig(config) } });
      if (!started) throw conflict(`Round ${id} already exists.`);
      const deadline = Date.now() + 20_000;
      for (;;) {
        const round = await getRound(db, id);
        if (round) {
          res.setHeader('Location', `/api/rounds/${id}`);
          await respond(db, res, 201, round);
          return;
        }
        if (Date.now() > deadline) throw unavailable(`Round ${id} was started but is not recorded yet; is the worker running?`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/rounds/:id/extension',
    summary: 'Extend an open round to a later due date (reminders and the close are planned again)',
    tags: ['rounds'],
    access: 'home-affairs',
    params: roundParams,
    body: extendRoundBody,
    responses: { 200: { description: 'the round', schema: roundResponse }, ...problems(400, 401, 403, 404, 409, 422, 503) },
    handler: async ({ params, body }, _req, res) => {
      const actor = homeAffairs(res);
      await openRoundOrFail(params.id);
      await roundUpdate(params.id, extendRoundUpdate, { actor, dueDate: body.dueDate, reason: body.reason }, updateIdFor(res));
      await respond(db, res, 200, await getRound(db, params.id));
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/rounds/:id/close',
    summary: 'Close an open round now; who reported is frozen',
    tags: ['rounds'],
    access: 'home-affairs',
    params: roundParams,
    body: closeRoundBody,
    responses: { 200: { description: 'the round, closed', schema: roundResponse }, ...problems(400, 401, 403, 404, 409, 422, 503) },
    handler: async ({ params, body }, _req, res) => {
      const actor = homeAffairs(res);
      await openRoundOrFail(params.id);
      await roundUpdate(params.id, closeRoundUpdate, { actor, reason: body.reason }, updateIdFor(res));
      await respond(db, res, 200, await getRound(db, params.id));
    },
  });

  return router;
}

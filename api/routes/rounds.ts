import { Router } from 'express';
import type { Db } from '../../db/client';
import { getRound, listRounds, roundCommuneProgress, roundLocalities } from '../../db/reporting-rounds';
import { principalOf } from '../auth';
import { respond, updateIdFor } from '../idempotency';
import {
  chaseResponse,
  closeRoundBody,
  extendRoundBody,
  openRoundBody,
  roundDetailResponse,
  roundListQuery,
  roundListResponse,
  roundParams,
  roundResponse,
} from '../../app/locality-schemas';
import type { LocalityActions } from '../../app/locality-actions';
import { notFound } from '../problem';
import { problems, type RouteRegistry } from '../route-registry';
import { emptyBody, emptyQuery } from '../../app/schemas';

export function roundRoutes(deps: { db: Db; registry: RouteRegistry; actions: LocalityActions }): Router {
  const { db, registry, actions } = deps;
  const router = Router();

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
      res.json({
        ...round,
        localities: await roundLocalities(db, params.id),
        ...(round.level === 'commune' ? { provinces: await roundCommuneProgress(db, params.id) } : {}),
      });
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/rounds',
    summary:
      'Open an extra reporting round (a round workflow: reminders, escalation, close); level commune asks the 3,321 commune-level units',
    tags: ['rounds'],
    access: 'home-affairs',
    body: openRoundBody,
    responses: { 201: { description: 'the round, open', schema: roundResponse }, ...problems(400, 401, 403, 409, 503) },
    handler: async ({ body }, _req, res) => {
      const round = await actions.openRound(principalOf(res), body);
      res.setHeader('Location', `/api/rounds/${round.id}`);
      await respond(db, res, 201, round);
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
    responses: { 200: { description: 'the round', schema: roundResponse }, ...problems(400, 401, 403, 404, 409, 503) },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.extendRound(principalOf(res), params.id, body, updateIdFor(res)));
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
    responses: {
      200: { description: 'the round, closed', schema: roundResponse },
      ...problems(400, 401, 403, 404, 409, 503),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.closeRound(principalOf(res), params.id, body, updateIdFor(res)));
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/rounds/:id/reminders',
    summary:
      'Remind, now, the localities of an open round that have not reported (one e-mail each; at most once a day per locality per round: a second try the same day is refused with 409 ALREADY_REMINDED_TODAY)',
    tags: ['rounds'],
    access: 'home-affairs',
    params: roundParams,
    body: emptyBody,
    responses: {
      200: { description: 'who was reminded', schema: chaseResponse },
      ...problems(400, 401, 403, 404, 409, 503),
    },
    handler: async ({ params }, _req, res) => {
      await respond(db, res, 200, await actions.remindUnreported(principalOf(res), params.id));
    },
  });

  return router;
}

import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { listLeadershipContacts } from '../../db/leadership-contacts';
import { principalOf } from '../auth';
import {
  changeLeadershipContact,
  leadershipContactBody,
  leadershipContactResponse,
  requireHomeAffairs,
} from '../../app/leadership-contacts';
import { type RouteRegistry, problems } from '../route-registry';
import { code, emptyQuery } from '../../app/schemas';

/** The ministries' leadership contacts (the escalation ladder's "ministry-leadership" step): Home Affairs only. */
export function leadershipContactRoutes(deps: { db: Db; registry: RouteRegistry }): Router {
  const { db, registry } = deps;
  const router = Router();

  registry.register(router, {
    method: 'get',
    path: '/api/ministries/leadership-contacts',
    summary:
      'Each ministry’s leadership contact, to whom the escalation ladder’s "ministry-leadership" step goes (illustrative seeds are not used for sending)',
    tags: ['reference'],
    access: 'home-affairs',
    query: emptyQuery,
    responses: {
      200: { description: 'contacts', schema: z.object({ items: z.array(leadershipContactResponse) }) },
      ...problems(401, 403),
    },
    handler: async (_i, _req, res) => {
      requireHomeAffairs(principalOf(res));
      res.json({ items: await listLeadershipContacts(db) });
    },
  });

  registry.register(router, {
    method: 'put',
    path: '/api/ministries/:code/leadership-contact',
    summary: 'Set a ministry’s leadership contact (no longer illustrative); the next ladder steps go to it',
    tags: ['reference'],
    access: 'home-affairs',
    params: z.strictObject({ code }),
    body: leadershipContactBody,
    responses: {
      200: { description: 'the contact', schema: leadershipContactResponse },
      ...problems(400, 401, 403, 404, 413),
    },
    handler: async ({ params, body }, _req, res) => {
      res.json(await changeLeadershipContact(db, principalOf(res), params.code, body));
    },
  });

  return router;
}

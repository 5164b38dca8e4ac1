import express, { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { preferencesByToken } from '../../db/digests';
import { changePreferences, preferencesBody, showPreferences } from '../../app/mail-preferences';
import { DIGEST_LANGUAGES } from '../../domain/digest';
import { notFound } from '../problem';
import { type RouteRegistry, problems } from '../route-registry';
import { emptyQuery } from '../../app/schemas';

const tokenParams = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{20,64}$/, 'must be the token of a preferences link'),
});
const preferencesResponse = z.object({
  email: z.string(),
  language: z.enum(DIGEST_LANGUAGES),
  dailyDigest: z.boolean(),
  weeklyDigest: z.boolean(),
  mandatory: z.array(z.string()),
});
/**
 * A recipient's mail preferences by the recipient's preferences key (the token in the path is the
 * key: no API token). People use the pages instead: `/preferences` signed in, and the one-purpose
 * unsubscribe link of each digest. Escalations are mandatory and cannot be turned off.
 */
export function preferenceRoutes(deps: { db: Db; registry: RouteRegistry; bodyLimit: string }): Router {
  const { db, registry } = deps;
  const router = Router();
  const show = showPreferences;

  registry.register(router, {
    method: 'get',
    path: '/api/preferences/:token',
    summary:
      'A recipient’s digest preferences (language, daily digest, weekly digest), by the recipient’s preferences key',
    tags: ['preferences'],
    access: 'anyone',
    params: tokenParams,
    query: emptyQuery,
    responses: { 200: { description: 'preferences', schema: preferencesResponse }, ...problems(400, 404) },
    handler: async ({ params }, _req, res) => {
      const p = await preferencesByToken(db, params.token);
      if (!p) throw notFound('There are no preferences behind this link.');
      res.json(show(p));
    },
  });

  registry.register(
    router,
    {
      method: 'put',
      path: '/api/preferences/:token',
      summary:
        'Change the language of digests or unsubscribe from (or back to) the daily and weekly digests; escalations stay mandatory',
      tags: ['preferences'],
      access: 'anyone',
      params: tokenParams,
      body: preferencesBody,
      responses: {
        200: { description: 'preferences after the change', schema: preferencesResponse },
        ...problems(400, 404, 413),
      },
      handler: async ({ params, body }, _req, res) => {
        const p = await changePreferences(db, params.token, body);
        if (!p) throw notFound('There are no preferences behind this link.');
        res.json(show(p));
      },
    },
    express.json({ limit: deps.bodyLimit, strict: true }),
  );

  return router;
}

import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../../config/env';
import type { Db } from '../../db/client';
import { documentHistory, listDocuments } from '../../db/documents';
import { createDocumentActions } from '../../app/document-actions';
import { principalOf } from '../auth';
import { respond, updateIdFor } from '../idempotency';
import type { ListCache } from '../../app/list-cache';
import { type RouteRegistry, problem, problems } from '../route-registry';
import {
  documentListQuery,
  documentListResponse,
  documentNumberParams,
  documentResponse,
  registerDocumentBody,
  settlementBody,
  settlementResponse,
  emptyQuery,
} from '../../app/schemas';

const documentHistoryResponse = z.object({
  items: z.array(
    z.object({ at: z.string(), actor: z.string(), kind: z.string(), details: z.record(z.string(), z.unknown()) }),
  ),
});

/** Legal documents: the registry, and one document settling many tasks. */
export function documentRoutes(deps: {
  db: Db;
  temporal: Client;
  config: Config;
  registry: RouteRegistry;
  listCache?: ListCache;
}): Router {
  const { db, temporal, config, registry, listCache } = deps;
  const router = Router();

  const actions = createDocumentActions({ db, temporal, config, listCache });
  const { existingDocument } = actions;

  registry.register(router, {
    method: 'post',
    path: '/api/documents',
    summary: 'Register a legal document (number such as 15/2026/TT-BYT, kind, issuer, title, dates); audited',
    tags: ['documents'],
    access: 'home-affairs; a ministry for the documents it issues',
    body: registerDocumentBody,
    responses: {
      201: { description: 'registered', schema: documentResponse },
      ...problems(400, 401, 403, 503),
      409: problem('the number is already registered, in any letter case (42/2026/tt-BYT is 42/2026/TT-BYT)'),
      422: problem(
        'the number, kind, issuer and dates disagree with each other or with today (an effective date before the issue date, an issue date after today, ...): the same answer a transition citing the document or a settlement gives; nothing changed',
      ),
    },
    handler: async ({ body }, _req, res) => {
      const stored = await actions.register(principalOf(res), body);
      res.setHeader('Location', `/api/documents/${encodeURIComponent(stored.number)}`);
      await respond(db, res, 201, stored);
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/documents',
    summary: 'List and search registered documents (newest first)',
    tags: ['documents'],
    access: 'any token',
    query: documentListQuery,
    responses: { 200: { description: 'a page of documents', schema: documentListResponse }, ...problems(400, 401) },
    handler: async ({ query }, _req, res) => {
      res.json(await listDocuments(db, query));
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/documents/:number',
    summary: 'One registered document (encode the slashes of its number: 15%2F2026%2FTT-BYT)',
    tags: ['documents'],
    access: 'any token',
    params: documentNumberParams,
    query: emptyQuery,
    responses: { 200: { description: 'the document', schema: documentResponse }, ...problems(400, 401, 404) },
    handler: async ({ params }, _req, res) => {
      res.json(await existingDocument(params.number));
    },
  });

  registry.register(router, {
    method: 'get',
    path: '/api/documents/:number/history',
    summary: "The document's audit log: registration and settlements",
    tags: ['documents', 'audit'],
    access: 'any token',
    params: documentNumberParams,
    query: emptyQuery,
    responses: {
      200: { description: 'events, oldest first', schema: documentHistoryResponse },
      ...problems(400, 401, 404),
    },
    handler: async ({ params }, _req, res) => {
      const doc = await existingDocument(params.number);
      res.json({ items: await documentHistory(db, doc.number) });
    },
  });

  registry.register(router, {
    method: 'post',
    path: '/api/documents/:number/settlements',
    summary:
      'One document settles many tasks: every task is checked first (all or nothing, refusals listed by task), then a durable batch workflow moves each one (FEASIBLE now, or on the effective date)',
    tags: ['documents'],
    access: 'home-affairs; the issuing ministry for the tasks it leads',
    params: documentNumberParams,
    body: settlementBody,
    responses: {
      200: { description: 'a result per task', schema: settlementResponse },
      ...problems(400, 401, 403, 404, 422, 503),
    },
    handler: async ({ params, body }, _req, res) => {
      await respond(db, res, 200, await actions.settle(principalOf(res), params.number, body, updateIdFor(res)));
    },
  });

  return router;
}

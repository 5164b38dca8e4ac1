import crypto from 'node:crypto';
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import { z } from 'zod';
import type { Config } from '../../config/env';
import type { Db } from '../../db/client';
import { documentHistory, getDocument, listDocuments, recordDocumentEvent, registerDocument, settlementTargets, type RegisteredDocument } from '../../db/documents';
import { notHeldUpBy, tasksReleasedBy } from '../../db/hold-ups';
import { knownMinistryCodes } from '../../db/reference-data';
import { vietnamDate } from '../../domain/dates';
import { CENTRAL_ISSUERS, checkDocumentDates, checkDocumentSymbol } from '../../domain/legal-documents';
import { settlementWorkflowId, type SettlementResult } from '../../domain/settlement';
import type { releaseHoldUpsWorkflow, settlementWorkflow } from '../../workflows/settlement-workflow';
import { actorOf, principalOf } from '../auth';
import { respond, updateIdFor } from '../idempotency';
import type { ListCache } from '../list-cache';
import { HttpProblem, conflict, forbidden, notFound, unprocessable } from '../problem';
import type { RouteRegistry } from '../route-registry';
import {
  documentListQuery,
  documentListResponse,
  documentNumberParams,
  documentResponse,
  problemResponse,
  registerDocumentBody,
  settlementBody,
  settlementResponse,
  emptyQuery,
} from '../schemas';

const problems = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, { description: 'problem', schema: problemResponse, contentType: 'application/problem+json' }]));

const documentHistoryResponse = z.object({
  items: z.array(z.object({ at: z.string(), actor: z.string(), kind: z.string(), details: z.record(z.string(), z.unknown()) })),
});

/** Legal documents: the registry, and one document settling many tasks. */
export function documentRoutes(deps: { db: Db; temporal: Client; config: Config; registry: RouteRegistry; listCache?: ListCache }): Router {
  const { db, temporal, config, registry, listCache } = deps;
  const router = Router();

  async function existingDocument(number: string): Promise<RegisteredDocument> {
    const doc = await getDocument(db, number);
    if (!doc) throw notFound(`There is no registered document ${number}.`);
    return doc;
  }

  registry.register(router, {
    method: 'post',
    path: '/api/documents',
    summary: 'Register a legal document (number such as 15/2026/TT-BYT, kind, issuer, title, dates); audited',
    tags: ['documents'],
    access: 'home-affairs; a ministry for the documents it issues',
    body: registerDocumentBody,
    responses: { 201: { description: 'registered', schema: documentResponse }, ...problems(400, 401, 403, 409, 422, 503) },
    handler: async ({ body }, _req, res) => {
      const p = principalOf(res);
      if (p.kind !== 'home-affairs' && p.kind !== 'ministry') throw forbidden('Only Home Affairs and ministries register documents.');
      if (p.kind === 'ministry' && body.issuer !== p.code) {
        throw new HttpProblem(403, 'Forbidden', `Ministry ${p.code} registers only the documents it issues, not those of ${body.issuer}.`, {
          errors: [{ field: 'body.issuer', message: `must be ${p.code} for this token` }],
        });
      }
      if (!(CENTRAL_ISSUERS as readonly string[]).includes(body.issuer) && (await knownMinistryCodes(db, [body.issuer])).size === 0) {
        throw unprocessable(`Unknown issuer ${body.issuer}.`, { errors: [{ field: 'body.issuer', message: 'not a ministry code nor QH, UBTVQH, CP, TTg' }] });
      }
      const { releases = [], ...fields } = body;
      const doc = { ...fields, effectiveOn: body.effectiveOn ?? body.issuedOn, url: body.url ?? null };
      const bad = checkDocumentSymbol(doc) ?? checkDocumentDates(doc, vietnamDate(Date.now()));
      // The number, kind, issuer and dates disagree with each other or with today: refused by the
      // registry's rules, not by the shape of the request (409, as other rule refusals).
      if (bad) throw conflict(`The document is refused: ${bad.field} ${bad.message}.`, { errors: [{ field: `body.${bad.field}`, message: bad.message }] });
      const strangers = await notHeldUpBy(db, doc.issuer, releases);
      if (strangers.length > 0) {
        throw unprocessable(`Not held up by ${doc.issuer}: ${strangers.join(', ')}.`, {
          errors: strangers.map((c) => ({ field: `body.releases.${releases.indexOf(c)}`, message: `task ${c} is not held up by ${doc.issuer}` })),
        });
      }
      const outcome = await registerDocument(db, doc, p.name);
      // Tasks waiting for this document are released by a workflow started here: once the
      // registration is stored the releases happen even if this process dies right after. A retry
      // that finds the document stored (409) starts it again, in case the first attempt stopped short.
      const stored = outcome.document;
      const released = await tasksReleasedBy(db, stored.issuer, stored.number, outcome.created ? releases : []);
      if (released.length > 0) {
        await temporal.workflow.start<typeof releaseHoldUpsWorkflow>('releaseHoldUpsWorkflow', {
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          workflowId: `release-${stored.number.replace(/[^A-Za-z0-9-]/g, '_')}`,
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
          args: [{ documentNumber: stored.number, tasks: released }],
        });
      }
      if (!outcome.created) {
        throw conflict(`Document ${doc.number} is already registered.`, { errors: [{ field: 'body.number', message: 'already registered' }] });
      }
      res.setHeader('Location', `/api/documents/${encodeURIComponent(doc.number)}`);
      await respond(db, res, 201, { ...outcome.document, releasedTasks: released });
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
    responses: { 200: { description: 'events, oldest first', schema: documentHistoryResponse }, ...problems(400, 401, 404) },
    handler: async ({ params }, _req, res) => {
      await existingDocument(params.number);
      res.json({ items: await documentHistory(db, params.number) });
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
    responses: { 200: { description: 'a result per task', schema: settlementResponse }, ...problems(400, 401, 403, 404, 422, 503) },
    handler: async ({ params, body }, _req, res) => {
      const p = principalOf(res);
      const actor = actorOf(p);
      const doc = await existingDocument(params.number);
      if (p.kind === 'ministry' && doc.issuer !== p.code) {
        throw new HttpProblem(403, 'Forbidden', `Document ${doc.number} was issued by ${doc.issuer}; ministry ${p.code} settles tasks only with its own documents.`, {
          errors: [{ field: 'params.number', message: `not issued by ${p.code}` }],
        });
      }
      if (p.kind !== 'ministry' && p.kind !== 'home-affairs') throw forbidden('Only Home Affairs and ministries settle tasks.');
      const today = vietnamDate(Date.now());
      if (doc.issuedOn > today) {
        throw unprocessable(`Document ${doc.number} is not issued yet (${doc.issuedOn}).`, { errors: [{ field: 'params.number', message: 'not issued yet' }] });
      }

      const targets = await settlementTargets(db, body.tasks);
      const refusals: { task: string; code: string; message: string }[] = [];
      for (const task of body.tasks) {
        const t = targets.get(task);
        if (!t) refusals.push({ task, code: 'NOT_FOUND', message: `There is no task ${task}.` });
        else if (p.kind === 'ministry' && t.leadMinistry !== p.code) {
          refusals.push({ task, code: 'FORBIDDEN', message: `Task ${task} is led by ${t.leadMinistry}, not ${p.code}.` });
        } else if (t.documentNumbers.includes(doc.number)) continue;
        else if (t.status === 'FEASIBLE') refusals.push({ task, code: 'ILLEGAL_TRANSITION', message: `Task ${task} is already FEASIBLE.` });
        else if (t.feasibleFrom) {
          refusals.push({ task, code: 'ILLEGAL_TRANSITION', message: `Task ${task} already becomes FEASIBLE on ${t.feasibleFrom} by another document.` });
        }
      }
      if (refusals.length > 0) {
        const errors = refusals.map((r) => ({ field: `body.tasks.${body.tasks.indexOf(r.task)}`, message: r.message }));
        const extra = { errors, refusals };
        const detail = `Nothing was settled: ${refusals.length} of ${body.tasks.length} tasks are refused.`;
        throw refusals.some((r) => r.code === 'FORBIDDEN') ? new HttpProblem(403, 'Forbidden', detail, extra) : unprocessable(detail, extra);
      }

      // The same request (document, tasks, Idempotency-Key) reaches the same workflow: a retry
      // while it runs waits for it, a retry after it finds every task already settled.
      const digest = crypto
        .createHash('sha256')
        .update(`${doc.number}\n${[...body.tasks].sort().join(',')}\n${updateIdFor(res) ?? ''}`)
        .digest('hex')
        .slice(0, 24);
      const workflowId = settlementWorkflowId(doc.number, digest);
      await recordDocumentEvent(db, doc.number, p.name, 'SETTLEMENT_STARTED', { settlement: workflowId, tasks: body.tasks });
      const handle = await temporal.workflow.start<typeof settlementWorkflow>('settlementWorkflow', {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        args: [{ document: { number: doc.number, kind: doc.kind, issuer: doc.issuer, title: doc.title, issuedOn: doc.issuedOn, effectiveOn: doc.effectiveOn }, actor, tasks: body.tasks }],
      });
      let results: SettlementResult[];
      try {
        results = await handle.result();
      } finally {
        listCache?.invalidate();
      }
      await respond(db, res, 200, {
        document: doc.number,
        settlement: workflowId,
        results: results.map((r) => ({ task: r.task, outcome: r.outcome, status: r.status, feasibleFrom: r.feasibleFrom, message: r.message })),
      });
    },
  });

  return router;
}

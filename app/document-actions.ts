import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { z } from 'zod';
import type { Config } from '../config/env';
import type { Db } from '../db/client';
import { getDocument, recordDocumentEvent, registerDocument, settlementTargets, type RegisteredDocument } from '../db/documents';
import { notHeldUpBy, tasksReleasedBy } from '../db/hold-ups';
import { knownMinistryCodes } from '../db/reference-data';
import { vietnamDate } from '../domain/dates';
import { CENTRAL_ISSUERS, checkDocumentDates, checkDocumentSymbol } from '../domain/legal-documents';
import type { Principal } from '../domain/principal';
import { settlementWorkflowId, type SettlementResult } from '../domain/settlement';
import type { releaseHoldUpsWorkflow, settlementWorkflow } from '../workflows/settlement-workflow';
import { actorOf } from './actor';
import type { ListCache } from './list-cache';
import { conflict, fieldRefusal, forbidden, invalid, notFound } from '../domain/refusal';
import type { registerDocumentBody, settlementBody } from './schemas';

export interface DocumentActionDeps {
  db: Db;
  temporal: Client;
  config: Config;
  listCache?: ListCache;
}

/** A task the settlement check refuses, and why (the whole request is refused with the list). */
export interface SettlementRefusal {
  task: string;
  code: 'NOT_FOUND' | 'FORBIDDEN' | 'ILLEGAL_TRANSITION';
  /** Why, for a reader in any language: no such task, another ministry's, already FEASIBLE, FEASIBLE later by another document. */
  reason: 'NO_SUCH_TASK' | 'OTHER_MINISTRY' | 'ALREADY_FEASIBLE' | 'FEASIBLE_LATER';
  message: string;
}

export interface SettlementAnswer {
  document: string;
  settlement: string;
  results: Pick<SettlementResult, 'task' | 'outcome' | 'status' | 'feasibleFrom' | 'message'>[];
}

/** Who may register documents: Home Affairs any, a ministry those it issues. */
export function mayRegisterDocuments(p: Principal | null): boolean {
  return p?.kind === 'home-affairs' || p?.kind === 'ministry';
}

/**
 * The writes on legal documents (registering one, one settling many tasks), for the API's routes
 * and the pages alike: one set of rules.
 */
export function createDocumentActions(deps: DocumentActionDeps) {
  const { db, temporal, config, listCache } = deps;

  async function existingDocument(number: string): Promise<RegisteredDocument> {
    const doc = await getDocument(db, number);
    if (!doc) throw notFound(`There is no registered document ${number}.`);
    return doc;
  }

  return {
    existingDocument,

    /**
     * Registers a document (audited) and starts the release of the tasks waiting for it. A number
     * already registered is refused (409) after the release is started again, in case the first
     * attempt stopped short.
     */
    async register(p: Principal, body: z.output<typeof registerDocumentBody>): Promise<RegisteredDocument & { releasedTasks: string[] }> {
      if (!mayRegisterDocuments(p)) throw forbidden('Only Home Affairs and ministries register documents.');
      if (p.kind === 'ministry' && body.issuer !== p.code) {
        throw forbidden(`Ministry ${p.code} registers only the documents it issues, not those of ${body.issuer}.`, {}, [
          fieldRefusal('issuer', `must be ${p.code} for this token`),
        ]);
      }
      if (!(CENTRAL_ISSUERS as readonly string[]).includes(body.issuer) && (await knownMinistryCodes(db, [body.issuer])).size === 0) {
        throw invalid(`Unknown issuer ${body.issuer}.`, {}, [fieldRefusal('issuer', 'not a ministry code nor QH, UBTVQH, CP, TTg')]);
      }
      const { releases = [], ...fields } = body;
      const doc = { ...fields, effectiveOn: body.effectiveOn ?? body.issuedOn, url: body.url ?? null };
      const bad = checkDocumentSymbol(doc) ?? checkDocumentDates(doc, vietnamDate(Date.now()));
      // The number, kind, issuer and dates disagree with each other or with today: refused by the
      // registry's rules, not by the shape of the request (409, as other rule refusals).
      if (bad) throw conflict(`The document is refused: ${bad.field} ${bad.message}.`, {}, [fieldRefusal(bad.field, bad.message)]);
      const strangers = await notHeldUpBy(db, doc.issuer, releases);
      if (strangers.length > 0) {
        throw invalid(
          `Not held up by ${doc.issuer}: ${strangers.join(', ')}.`,
          {},
          strangers.map((c) => ({ location: { in: 'body', list: 'releases', index: releases.indexOf(c), field: '' }, message: `task ${c} is not held up by ${doc.issuer}` })),
        );
      }
      const outcome = await registerDocument(db, doc, p.name);
      // Tasks waiting for this document are released by a workflow started here: once the
      // registration is stored the releases happen even if this process dies right after.
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
        throw conflict(`Document ${doc.number} is already registered.`, {}, [fieldRefusal('number', 'already registered')]);
      }
      return { ...outcome.document, releasedTasks: released };
    },

    /**
     * One document settles many tasks. Every task is checked first: any refusal refuses the whole
     * request (403 if a task is another ministry's, else 422), with `refusals` listed by task. Then a
     * durable settlement workflow moves each task; the answer has a result per task.
     * `requestKey` (the API's Idempotency-Key) makes a retried request find the same workflow.
     */
    async settle(p: Principal, number: string, body: z.output<typeof settlementBody>, requestKey?: string): Promise<SettlementAnswer> {
      const actor = actorOf(p);
      const doc = await existingDocument(number);
      if (p.kind === 'ministry' && doc.issuer !== p.code) {
        throw forbidden(`Document ${doc.number} was issued by ${doc.issuer}; ministry ${p.code} settles tasks only with its own documents.`, {}, [
          fieldRefusal('number', `not issued by ${p.code}`, 'params'),
        ]);
      }
      if (p.kind !== 'ministry' && p.kind !== 'home-affairs') throw forbidden('Only Home Affairs and ministries settle tasks.');
      const today = vietnamDate(Date.now());
      if (doc.issuedOn > today) {
        throw invalid(`Document ${doc.number} is not issued yet (${doc.issuedOn}).`, {}, [fieldRefusal('number', 'not issued yet', 'params')]);
      }

      const targets = await settlementTargets(db, body.tasks);
      const refusals: SettlementRefusal[] = [];
      for (const task of body.tasks) {
        const t = targets.get(task);
        if (!t) refusals.push({ task, code: 'NOT_FOUND', reason: 'NO_SUCH_TASK', message: `There is no task ${task}.` });
        else if (p.kind === 'ministry' && t.leadMinistry !== p.code) {
          refusals.push({ task, code: 'FORBIDDEN', reason: 'OTHER_MINISTRY', message: `Task ${task} is led by ${t.leadMinistry}, not ${p.code}.` });
        } else if (t.documentNumbers.includes(doc.number)) continue;
        else if (t.status === 'FEASIBLE') refusals.push({ task, code: 'ILLEGAL_TRANSITION', reason: 'ALREADY_FEASIBLE', message: `Task ${task} is already FEASIBLE.` });
        else if (t.feasibleFrom) {
          refusals.push({ task, code: 'ILLEGAL_TRANSITION', reason: 'FEASIBLE_LATER', message: `Task ${task} already becomes FEASIBLE on ${t.feasibleFrom} by another document.` });
        }
      }
      if (refusals.length > 0) {
        const errors = refusals.map((r) => ({ location: { in: 'body' as const, list: 'tasks', index: body.tasks.indexOf(r.task), field: '' }, message: r.message }));
        const detail = `Nothing was settled: ${refusals.length} of ${body.tasks.length} tasks are refused.`;
        throw (refusals.some((r) => r.code === 'FORBIDDEN') ? forbidden : invalid)(detail, { refusals }, errors);
      }

      // The same request (document, tasks, key) reaches the same workflow: a retry while it runs
      // waits for it, a retry after it finds every task already settled.
      const digest = crypto
        .createHash('sha256')
        .update(`${doc.number}\n${[...body.tasks].sort().join(',')}\n${requestKey ?? ''}`)
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
      return {
        document: doc.number,
        settlement: workflowId,
        results: results.map((r) => ({ task: r.task, outcome: r.outcome, status: r.status, feasibleFrom: r.feasibleFrom, message: r.message })),
      };
    },
  };
}

export type DocumentActions = ReturnType<typeof createDocumentActions>;

import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy } from '@temporalio/common';
import type { z } from 'zod';
import type { Config } from '../config/env';
import type { Db } from '../db/client';
import {
  getDocument,
  recordSettlementStarted,
  registerDocument,
  settlementTargets,
  type RegisteredDocument,
} from '../db/documents';
import type { LegalDocument } from '../domain/legal-documents';
import { notHeldUpBy, tasksReleasedBy } from '../db/hold-ups';
import { allMinistryCodes, knownMinistryCodes } from '../db/reference-data';
import { vietnamDate } from '../domain/dates';
import {
  CENTRAL_ISSUERS,
  KIND_NAMES_VI,
  checkCitingRight,
  checkDocumentDates,
  checkDocumentNumber,
  checkDocumentSymbol,
  documentNumberKey,
  issuersOfNumber,
  kindOfNumber,
  type FieldError,
} from '../domain/legal-documents';
import type { Principal } from '../domain/principal';
import { settlementWorkflowId, type SettlementResult } from '../domain/settlement';
import type { releaseHoldUpsWorkflow, settlementWorkflow } from '../workflows/settlement-workflow';
import { actorOf } from './actor';
import type { ListCache } from './list-cache';
import { Refusal, conflict, fieldRefusal, forbidden, invalid, notFound, type FieldLocation } from '../domain/refusal';
import { isSettled } from '../domain/statuses';
import type { registerDocumentBody, settlementBody } from './schemas';

type RegisteredDocumentInput = LegalDocument;

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

/** A document a transition or a hold-up names: its number and dates as the request gave them. */
export interface CitedDocument {
  number: string;
  issuedOn: string;
  effectiveOn?: string;
  title?: string;
}

/**
 * Where a document sits in a request: `in` the body or the path, its fields under `within` (a
 * transition's `document`) or at the top (a registration), or one field that stands for the document
 * `whole` (a settlement's `number` in the path). Each adapter renders the location its way.
 */
export interface DocumentPlace {
  in: 'body' | 'params';
  within?: string;
  whole?: string;
}

/** The location of the document's field `name` at `at`. */
function placed(at: DocumentPlace, name: string): FieldLocation {
  return { in: at.in, field: at.whole ?? (at.within ? `${at.within}.${name}` : name) };
}

/**
 * A refusal of a document by its rules, with the same status and words wherever it is asked: 403 when
 * the principal may not use the document, 422 for everything else (a bad number, untrue dates, a number
 * already registered with other dates). `at` is where the document sits in the request; the detail
 * names the bare field, so it reads the same everywhere.
 */
export function documentProblem(bad: FieldError, at: DocumentPlace): Refusal {
  const name = bad.field.replace(/^.*\./, '');
  const errors = [
    {
      location: placed(at, name),
      message: bad.message,
      ...(bad.rule ? { extra: { rule: bad.rule, params: bad.params ?? {} } } : {}),
    },
  ];
  const detail = `The document is refused: ${name} ${bad.message}.`;
  return bad.rule === 'NOT_OWN_DOCUMENT' || bad.rule === 'CENTRAL_DOCUMENT'
    ? forbidden(detail, {}, errors)
    : invalid(detail, {}, errors);
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

  /** Every code that can issue a document: the ministries of the reference data and the central issuers. */
  async function issuerCodes(): Promise<string[]> {
    return [...CENTRAL_ISSUERS, ...(await allMinistryCodes(db))];
  }

  /**
   * Stores a document and starts the release of the tasks waiting for it (named by number in any
   * letter case, or listed in `releases`): the one way a document enters the registry, whether it is
   * registered on its own or by the transition that cites it.
   */
  async function storeAndRelease(
    doc: RegisteredDocumentInput,
    actor: string,
    releases: string[],
    details: Record<string, unknown> = {},
  ) {
    const outcome = await registerDocument(db, doc, actor, Date.now(), details);
    // Tasks waiting for this document are released by a workflow started here: once the
    // registration is stored the releases happen even if this process dies right after.
    const stored = outcome.document;
    const released = await tasksReleasedBy(db, stored.issuer, stored.number, outcome.created ? releases : []);
    if (released.length > 0) {
      await temporal.workflow.start<typeof releaseHoldUpsWorkflow>('releaseHoldUpsWorkflow', {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: `release-${documentNumberKey(stored.number).replace(/[^A-Za-z0-9-]/g, '_')}`,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        args: [{ documentNumber: stored.number, tasks: released }],
      });
    }
    return { ...outcome, released };
  }

  /** A registered document's dates must still be true (rows from before the rules): the same answer as at registration. */
  function checkStoredDates(doc: RegisteredDocument, at: DocumentPlace): void {
    const bad = checkDocumentDates(doc, vietnamDate(Date.now()));
    if (bad) throw documentProblem(bad, at);
  }

  /**
   * The document a transition cites, from the registry: the registered one (its dates must be those
   * given), or, when the number is not registered, registered now with its issuer and kind read from
   * its symbol (`15/2026/TT-BYT`: a circular of BYT), by the same rules as `register`. Either way the
   * principal must be allowed to move tasks with it (as for settlement): a ministry only with its own
   * documents, a central document only Home Affairs. Refused before anything is written.
   */
  async function cite(
    p: Principal,
    ref: CitedDocument,
    at: DocumentPlace,
    context: Record<string, unknown>,
  ): Promise<RegisteredDocument> {
    const badNumber = checkDocumentNumber(ref.number);
    if (badNumber) throw documentProblem(badNumber, at);
    const stored = await getDocument(db, ref.number);
    if (stored) {
      const right = checkCitingRight(p, stored.issuer, stored.number, 'number');
      if (right) throw documentProblem(right, at);
      for (const field of ['issuedOn', 'effectiveOn'] as const) {
        const given = ref[field];
        if (given !== undefined && given !== stored[field]) {
          throw documentProblem(
            {
              field,
              rule: 'REGISTERED_OTHERWISE',
              params: { number: stored.number, [field]: stored[field] },
              message: `must be ${stored[field]}, as registered for ${stored.number}`,
            },
            at,
          );
        }
      }
      checkStoredDates(stored, at);
      return stored;
    }
    const issuers = issuersOfNumber(ref.number, await issuerCodes());
    const issuer = p.kind === 'ministry' && issuers.includes(p.code) ? p.code : issuers[0];
    if (!issuer) {
      throw documentProblem(
        {
          field: 'number',
          rule: 'UNKNOWN_ISSUER',
          message: 'its symbol names no ministry nor QH, UBTVQH, CP, TTg',
          params: { number: ref.number },
        },
        at,
      );
    }
    const right = checkCitingRight(p, issuer, ref.number, 'number');
    if (right) throw documentProblem(right, at);
    const kind = kindOfNumber(ref.number, await issuerCodes());
    if (!kind)
      throw documentProblem(
        {
          field: 'number',
          rule: 'SYMBOL_KIND',
          message: 'its symbol does not say the kind of document (TT, NĐ, QĐ, ...)',
          params: { number: ref.number },
        },
        at,
      );
    const doc = {
      number: ref.number.normalize('NFC'),
      kind,
      issuer,
      title: ref.title ?? `${KIND_NAMES_VI[kind]} ${ref.number.normalize('NFC')}`,
      issuedOn: ref.issuedOn,
      effectiveOn: ref.effectiveOn ?? ref.issuedOn,
      url: null,
    };
    const bad = checkDocumentDates(doc, vietnamDate(Date.now()));
    if (bad) throw documentProblem(bad, at);
    const outcome = await storeAndRelease(doc, p.name, [], context);
    // Registered meanwhile by someone else: that registration is the document, checked as above.
    return outcome.created ? outcome.document : cite(p, ref, at, context);
  }

  /**
   * A hold-up names the document the holding ministry is to issue: its symbol (or its registration)
   * must name that ministry as the issuer, or its registration could never release the task.
   */
  async function checkAwaited(ministry: string, number: string, at: DocumentPlace): Promise<string> {
    const stored = await getDocument(db, number);
    if (stored && stored.issuer === ministry) {
      throw conflict(
        `Document ${stored.number} is already registered (issued ${stored.issuedOn}): the task no longer waits for it; move the task with it instead.`,
        {},
        [{ location: placed(at, 'documentNumber'), message: 'already registered' }],
      );
    }
    const issuers = stored ? [stored.issuer] : issuersOfNumber(number, await issuerCodes());
    if (!issuers.includes(ministry)) {
      throw documentProblem(
        {
          field: 'documentNumber',
          rule: 'HOLDER_NOT_ISSUER',
          params: { number, ministry },
          message: `must be a document of ${ministry}, the ministry that holds the task up (${number} is ${issuers.length > 0 ? `of ${issuers.join(', ')}` : 'of no known issuer'})`,
        },
        at,
      );
    }
    return stored?.number ?? number.normalize('NFC');
  }

  return {
    existingDocument,
    cite,
    checkAwaited,

    /**
     * Registers a document (audited) and starts the release of the tasks waiting for it. A number
     * already registered (in any letter case) is refused (409) after the release is started again,
     * in case the first attempt stopped short.
     */
    async register(
      p: Principal,
      body: z.output<typeof registerDocumentBody>,
    ): Promise<RegisteredDocument & { releasedTasks: string[] }> {
      if (!mayRegisterDocuments(p)) throw forbidden('Only Home Affairs and ministries register documents.');
      if (p.kind === 'ministry' && body.issuer !== p.code) {
        throw forbidden(`Ministry ${p.code} registers only the documents it issues, not those of ${body.issuer}.`, {}, [
          fieldRefusal('issuer', `must be ${p.code} for this token`),
        ]);
      }
      if (
        !(CENTRAL_ISSUERS as readonly string[]).includes(body.issuer) &&
        (await knownMinistryCodes(db, [body.issuer])).size === 0
      ) {
        throw invalid(`Unknown issuer ${body.issuer}.`, {}, [
          fieldRefusal('issuer', 'not a ministry code nor QH, UBTVQH, CP, TTg'),
        ]);
      }
      const { releases = [], ...fields } = body;
      const doc = { ...fields, effectiveOn: body.effectiveOn ?? body.issuedOn, url: body.url ?? null };
      // The number, kind, issuer and dates disagree with each other or with today: invalid input
      // (422), the same answer a transition or a settlement gives for the same document.
      const bad = checkDocumentSymbol(doc) ?? checkDocumentDates(doc, vietnamDate(Date.now()));
      if (bad) throw documentProblem(bad, { in: 'body' });
      const strangers = await notHeldUpBy(db, doc.issuer, releases);
      if (strangers.length > 0) {
        throw invalid(
          `Not held up by ${doc.issuer}: ${strangers.join(', ')}.`,
          {},
          strangers.map((c) => ({
            location: { in: 'body', list: 'releases', index: releases.indexOf(c), field: '' },
            message: `task ${c} is not held up by ${doc.issuer}`,
          })),
        );
      }
      const outcome = await storeAndRelease(doc, p.name, releases);
      if (!outcome.created) {
        throw conflict(`Document ${outcome.document.number} is already registered.`, {}, [
          fieldRefusal('number', 'already registered'),
        ]);
      }
      return { ...outcome.document, releasedTasks: outcome.released };
    },

    /**
     * One document settles many tasks. Every task is checked first: any refusal refuses the whole
     * request (403 if a task is another ministry's, else 422), with `refusals` listed by task. Then a
     * durable settlement workflow moves each task; the answer has a result per task.
     * `requestKey` (the API's Idempotency-Key) makes a retried request find the same workflow.
     */
    async settle(
      p: Principal,
      number: string,
      body: z.output<typeof settlementBody>,
      requestKey?: string,
    ): Promise<SettlementAnswer> {
      const actor = actorOf(p);
      const doc = await existingDocument(number);
      if (p.kind !== 'ministry' && p.kind !== 'home-affairs')
        throw forbidden('Only Home Affairs and ministries settle tasks.');
      // The rules of a transition that cites the document: the same right, the same date answers.
      const right = checkCitingRight(p, doc.issuer, doc.number, 'number');
      // The document is the path's `number`: every refusal of it names that field.
      const inPath = { in: 'params', whole: 'number' } as const;
      if (right) throw documentProblem(right, inPath);
      checkStoredDates(doc, inPath);

      const targets = await settlementTargets(db, body.tasks);
      const refusals: SettlementRefusal[] = [];
      for (const task of body.tasks) {
        const t = targets.get(task);
        if (!t)
          refusals.push({ task, code: 'NOT_FOUND', reason: 'NO_SUCH_TASK', message: `There is no task ${task}.` });
        else if (p.kind === 'ministry' && t.leadMinistry !== p.code) {
          refusals.push({
            task,
            code: 'FORBIDDEN',
            reason: 'OTHER_MINISTRY',
            message: `Task ${task} is led by ${t.leadMinistry}, not ${p.code}.`,
          });
        } else if (t.documentKeys.includes(documentNumberKey(doc.number))) continue;
        else if (isSettled(t.status))
          refusals.push({
            task,
            code: 'ILLEGAL_TRANSITION',
            reason: 'ALREADY_FEASIBLE',
            message: `Task ${task} is already FEASIBLE.`,
          });
        else if (t.feasibleFrom) {
          refusals.push({
            task,
            code: 'ILLEGAL_TRANSITION',
            reason: 'FEASIBLE_LATER',
            message: `Task ${task} already becomes FEASIBLE on ${t.feasibleFrom} by another document.`,
          });
        }
      }
      if (refusals.length > 0) {
        const errors = refusals.map((r) => ({
          location: { in: 'body' as const, list: 'tasks', index: body.tasks.indexOf(r.task), field: '' },
          message: r.message,
        }));
        const detail = `Nothing was settled: ${refusals.length} of ${body.tasks.length} tasks are refused.`;
        throw (refusals.some((r) => r.code === 'FORBIDDEN') ? forbidden : invalid)(detail, { refusals }, errors);
      }

      // The same request (document, tasks, key) reaches the same workflow: a retry while it runs
      // waits for it, a retry after it finds every task already settled; either way the document's
      // history says once that this settlement started.
      const digest = crypto
        .createHash('sha256')
        .update(`${doc.number}\n${[...body.tasks].sort().join(',')}\n${requestKey ?? ''}`)
        .digest('hex')
        .slice(0, 24);
      const workflowId = settlementWorkflowId(doc.number, digest);
      await recordSettlementStarted(db, doc.number, p.name, workflowId, body.tasks);
      const handle = await temporal.workflow.start<typeof settlementWorkflow>('settlementWorkflow', {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        args: [
          {
            document: {
              number: doc.number,
              kind: doc.kind,
              issuer: doc.issuer,
              title: doc.title,
              issuedOn: doc.issuedOn,
              effectiveOn: doc.effectiveOn,
            },
            actor,
            tasks: body.tasks,
          },
        ],
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
        results: results.map((r) => ({
          task: r.task,
          outcome: r.outcome,
          status: r.status,
          feasibleFrom: r.feasibleFrom,
          message: r.message,
        })),
      };
    },
  };
}

export type DocumentActions = ReturnType<typeof createDocumentActions>;

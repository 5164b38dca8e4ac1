import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { MilestoneName, TaskDefinition, TaskView } from '../domain/task';
import { isOpenStatus } from '../domain/statuses';
import { EDGES, checkTransition, mayTake, type Edge } from '../domain/transition-rules';
import { vietnamDate } from '../domain/dates';
import { checkSaneDate } from '../domain/legal-documents';
import type { Config } from '../config/env';
import type { Principal } from '../domain/principal';
import type { Db } from '../db/client';
import { knownMinistryCodes, localityExists } from '../db/reference-data';
import { getTask, setEnglishTexts, type ApiTask } from '../db/tasks';
import { TaskNotPersistedError, createTask, policyFromConfig } from '../temporal/task-client';
import { otherPrincipalForEmail } from '../db/web-sessions';
import {
  assignmentUpdate,
  deadlineUpdate,
  extensionDecisionUpdate,
  extensionRequestUpdate,
  holdUpUpdate,
  milestoneUpdate,
  transitionUpdate,
} from '../workflows/messages';
import { actorOf } from './actor';
import type { ListCache } from './list-cache';
import { reportCells } from './locality-actions';
import { createDocumentActions } from './document-actions';
import { notSeededYet } from './seeding';
import { Refusal, conflict, fieldRefusal, forbidden, invalid, notFound, unavailable } from '../domain/refusal';
import type {
  assignmentBody,
  createTaskBody,
  deadlineBody,
  extensionDecisionBody,
  extensionRequestBody,
  holdUpBody,
  milestoneBody,
  reportBody,
  transitionBody,
} from './schemas';
import { rejectionRefusal, runTaskUpdate, updateAlreadyTaken } from '../temporal/task-updates';

/**
 * What a principal may do to a task. The API refuses through these same checks, the pages show
 * only the actions listed here, and the workflow's validators check again before anything is
 * recorded: one rule, asked in three places.
 */
export interface PermittedActions {
  /** Edges this principal may take from the task's current status. */
  transitions: Edge[];
  milestone: boolean;
  focalPoint: boolean;
  deadline: boolean;
  /** The locality this principal may report for, or null. */
  reportFor: string | null;
  /** The lead ministry may ask for a later due date (none is waiting yet). */
  requestExtension: boolean;
  /** Home Affairs may approve or refuse the waiting request. */
  decideExtension: boolean;
  /** Home Affairs or the lead may record that another ministry holds the task up. */
  holdUp: boolean;
  /** ... and release it by hand. */
  releaseHoldUp: boolean;
}

export function permittedActions(
  p: Principal | null,
  task: Pick<ApiTask, 'status' | 'leadMinistry' | 'coordinatingMinistries' | 'dueDate' | 'extensionRequest' | 'heldUp'>,
): PermittedActions {
  const ha = p?.kind === 'home-affairs';
  const lead = p?.kind === 'ministry' && p.code === task.leadMinistry;
  const coordinator = p?.kind === 'ministry' && task.coordinatingMinistries.includes(p.code);
  return {
    // Only Home Affairs and ministries have an actor that may take an edge (a read-only token has none).
    transitions: p && (ha || lead) ? EDGES.filter((e) => e.from === task.status && mayTake(e, actorOf(p), task)) : [],
    milestone: (ha || lead || coordinator) && isOpenStatus(task.status),
    focalPoint: ha || lead,
    deadline: ha && isOpenStatus(task.status),
    reportFor: p?.kind === 'locality' ? p.code : null,
    requestExtension: lead && isOpenStatus(task.status) && task.dueDate !== null && !task.extensionRequest,
    decideExtension: ha && task.extensionRequest !== null,
    holdUp: (ha || lead) && isOpenStatus(task.status) && !task.heldUp,
    releaseHoldUp: (ha || lead) && task.heldUp !== null,
  };
}

/** The writes on a task, by the name the pages' forms and the actions below share. */
export type TaskWrite =
  | 'transition'
  | 'milestone'
  | 'assignment'
  | 'deadline'
  | 'report'
  | 'requestExtension'
  | 'decideExtension'
  | 'holdUp'
  | 'releaseHoldUp';

/**
 * Whether a principal may ask for a write on a task at all, by role alone (403 otherwise): the
 * task's state decides the rest (409/422). The actions below refuse with it, and the pages ask it
 * before reading a form, so another ministry's POST gets 403, not the form's "field required".
 */
export function mayAsk(p: Principal, task: Pick<ApiTask, 'leadMinistry' | 'coordinatingMinistries'>, write: TaskWrite) {
  const ha = p.kind === 'home-affairs';
  const lead = p.kind === 'ministry' && p.code === task.leadMinistry;
  switch (write) {
    case 'milestone':
      return ha || lead || (p.kind === 'ministry' && task.coordinatingMinistries.includes(p.code));
    case 'transition':
    case 'assignment':
    case 'holdUp':
    case 'releaseHoldUp':
      return ha || lead;
    case 'deadline':
    case 'decideExtension':
      return ha;
    case 'requestExtension':
      return lead;
    case 'report':
      return ha || p.kind === 'locality';
  }
}

/** A one-cell report's fields, named as the per-task report's own: the task is the path's, the rest the body's. */
const CELL_FIELD_TO_REPORT_FIELD: Record<string, { in: 'params' | 'body'; field: string }> = {
  task: { in: 'params', field: 'code' },
  state: { in: 'body', field: 'kind' },
  category: { in: 'body', field: 'category' },
  text: { in: 'body', field: 'description' },
};

/** A refusal of the one-cell report, named in the per-task report's own fields. */
function asPerTaskRefusal(err: unknown): unknown {
  if (!(err instanceof Refusal)) return err;
  const errors = err.errors.map((e) => {
    const own =
      e.location.list === 'cells' && e.location.index === 0 ? CELL_FIELD_TO_REPORT_FIELD[e.location.field] : undefined;
    return own ? { ...e, location: own } : e;
  });
  return new Refusal(err.kind, err.message, err.details, errors);
}

export interface TaskActionDeps {
  db: Db;
  temporal: Client;
  config: Config;
  listCache?: ListCache;
}

/** The writes on a task, for the API's routes and the pages alike. Each returns the task after it. */
export function createTaskActions(deps: TaskActionDeps) {
  const { db, temporal, config, listCache } = deps;
  // A document cited by a move or a hold-up goes through the registry's own rules (one set of rules).
  const documents = createDocumentActions(deps);

  async function existingTask(code: string): Promise<ApiTask> {
    const row = await getTask(db, code);
    if (!row) throw (await notSeededYet(db, deps.config.dataDir, code)) ?? notFound(`There is no task ${code}.`);
    return row;
  }

  /**
   * Sends an Update to the task's workflow; this process's cached list pages are dropped after it.
   * The update returns once its event is in the read model, so the answer is read back from there:
   * every answer that carries a task is rendered by the one builder (db/tasks.ts).
   */
  async function update<Arg>(
    code: string,
    def: UpdateDefinition<TaskView, [Arg]>,
    arg: Arg,
    updateId?: string,
  ): Promise<ApiTask> {
    try {
      await runTaskUpdate(temporal, code, def, arg, updateId, deps.config.UPDATE_ANSWER_SECONDS * 1000);
    } finally {
      listCache?.invalidate();
    }
    return existingTask(code);
  }

  async function knownMinistries(codes: string[], field: string): Promise<void> {
    if (codes.length === 0) return;
    const found = await knownMinistryCodes(db, codes);
    const missing = codes.filter((c) => !found.has(c));
    if (missing.length > 0) {
      throw invalid(`Unknown ministry ${missing.join(', ')}.`, {}, [
        fieldRefusal(field, `unknown ministry ${missing.join(', ')}`),
      ]);
    }
  }

  function refuse(p: Principal, row: ApiTask, coordinatorsToo: boolean): never {
    throw forbidden(
      p.kind === 'ministry'
        ? `Ministry ${p.code} does not ${coordinatorsToo ? 'lead or coordinate' : 'lead'} task ${row.code}.`
        : 'Only Home Affairs and the responsible ministry may do this.',
    );
  }

  return {
    existingTask,

    /**
     * Registers a new delegated task and starts its workflow (Update-with-Start: the workflow answers
     * once its CREATED event is stored, so the task is read back without polling). The schema
     * (createTaskBody) has already refused a lead that coordinates and a due date on a status without one.
     */
    async register(p: Principal, body: z.output<typeof createTaskBody>): Promise<ApiTask> {
      if (p.kind !== 'home-affairs') throw forbidden('Only Home Affairs registers delegated tasks.');
      await knownMinistries([body.leadMinistry], 'leadMinistry');
      await knownMinistries(body.coordinatingMinistries, 'coordinatingMinistries');
      // Not before the earliest date of the one window (domain/legal-documents.ts): a due date in 1900 is
      // a typo. The window's far end (ten years ahead) binds deadlines and extensions set later, not the
      // registration of a task whose due date an older plan fixed.
      const insane = body.dueDate ? checkSaneDate(body.dueDate, 'dueDate', vietnamDate(Date.now())) : null;
      if (insane && insane.rule !== 'BEYOND_WINDOW') {
        throw invalid(`The due date ${insane.message}.`, undefined, [
          { ...fieldRefusal('dueDate', insane.message), extra: { rule: insane.rule, params: insane.params } },
        ]);
      }
      if (await getTask(db, body.code)) throw conflict(`Task ${body.code} already exists.`);
      const { titleEn, sectorEn, legalBasisEn, ...fields } = body;
      const definition: TaskDefinition = {
        ...fields,
        focalPoint: body.focalPoint ?? { name: '', email: '' },
        dueDate: body.dueDate ?? null,
      };
      let created;
      try {
        created = await createTask(temporal, {
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          definition,
          policy: policyFromConfig(config),
          createdBy: actorOf(p),
          timeoutMs: 20_000,
        });
      } catch (err) {
        if (err instanceof TaskNotPersistedError)
          throw unavailable(`Task ${body.code} was registered but is not persisted yet; is the worker running?`);
        throw err;
      } finally {
        listCache?.invalidate();
      }
      if (!created) throw conflict(`Task ${body.code} already exists.`);
      // The English renderings are read-model columns (as the catalog importer writes them), not audited.
      if (titleEn || sectorEn || legalBasisEn) {
        await setEnglishTexts(db, [
          { code: body.code, titleEn: titleEn ?? '', sectorEn: sectorEn ?? '', legalBasisEn: legalBasisEn ?? '' },
        ]);
        listCache?.invalidate();
      }
      return existingTask(body.code);
    },

    async transition(
      p: Principal,
      code: string,
      body: z.output<typeof transitionBody>,
      updateId?: string,
    ): Promise<ApiTask> {
      // The read first is also what refuses a write with 503 while PostgreSQL is away, instead of an
      // update the workflow accepts and then holds until the database is back.
      const row = await existingTask(code);
      // Home Affairs or the lead ministry may ask; the workflow's validator decides the edge.
      if (!mayAsk(p, row, 'transition')) refuse(p, row, false);
      const input = { actor: actorOf(p), ...body };
      if (!body.document) return update(code, transitionUpdate, input, updateId);
      // The edge, the role and a stale status are refused first (the workflow's own check), so a
      // refused move registers no document; the document's own refusals come from the registry's rules.
      const early = checkTransition(row, input, vietnamDate(Date.now()));
      if (early && !early.field?.startsWith('document')) {
        // A retry (same Idempotency-Key, so the same update id) of a move its first try already made
        // finds the status moved: Temporal answers the update id with that first try's result instead.
        if (updateId && (await updateAlreadyTaken(temporal, code, updateId))) {
          return update(code, transitionUpdate, input, updateId);
        }
        throw rejectionRefusal(early);
      }
      // The registered document (or the one registered now from its symbol) is what the task records,
      // exactly as a settlement with it would: its number as registered, both dates, kind, issuer, title.
      const doc = await documents.cite(
        p,
        body.document,
        { in: 'body', within: 'document' },
        { via: 'TRANSITION', task: code },
      );
      const document = { number: doc.number, issuedOn: doc.issuedOn, effectiveOn: doc.effectiveOn };
      return update(
        code,
        transitionUpdate,
        { ...input, document, registered: { kind: doc.kind, issuer: doc.issuer, title: doc.title } },
        updateId,
      );
    },

    async milestone(
      p: Principal,
      code: string,
      body: z.output<typeof milestoneBody>,
      updateId?: string,
    ): Promise<ApiTask> {
      const row = await existingTask(code);
      if (!mayAsk(p, row, 'milestone')) refuse(p, row, true);
      return update(
        code,
        milestoneUpdate,
        { actor: actorOf(p), name: body.name as MilestoneName, note: body.note },
        updateId,
      );
    },

    async assignment(
      p: Principal,
      code: string,
      body: z.output<typeof assignmentBody>,
      updateId?: string,
    ): Promise<ApiTask> {
      const row = await existingTask(code);
      if (!mayAsk(p, row, 'assignment')) refuse(p, row, false);
      if (body.leadMinistry) await knownMinistries([body.leadMinistry], 'leadMinistry');
      if (body.coordinatingMinistries) await knownMinistries(body.coordinatingMinistries, 'coordinatingMinistries');
      if (body.focalPoint) {
        // An address another principal answers for would become ambiguous, and its owner's sign-in by
        // e-mail would stop sending links (db/web-sessions.ts principalForEmail): refused, nothing changes.
        const lead = body.leadMinistry ?? row.leadMinistry;
        const other = await otherPrincipalForEmail(db, body.focalPoint.email, lead, deps.config.HOME_AFFAIRS_EMAIL);
        if (other) {
          throw conflict(
            `${body.focalPoint.email} is the address of ${other}; the focal point of a task led by ${lead} must have an address of ${lead}'s own.`,
            { code: 'ADDRESS_OF_ANOTHER_PRINCIPAL' },
            [fieldRefusal('focalPoint.email', `already the address of ${other}`)],
          );
        }
      }
      return update(code, assignmentUpdate, { actor: actorOf(p), ...body }, updateId);
    },

    async deadline(
      p: Principal,
      code: string,
      body: z.output<typeof deadlineBody>,
      updateId?: string,
    ): Promise<ApiTask> {
      const row = await existingTask(code);
      if (!mayAsk(p, row, 'deadline')) throw forbidden('Only Home Affairs sets deadlines.');
      return update(code, deadlineUpdate, { actor: actorOf(p), ...body }, updateId);
    },

    /**
     * The first version's per-task report (deprecated: `POST /api/localities/{code}/report` is the report).
     * It writes the locality's matrix cell, the one store of what localities report, through the same
     * code as the bulk report, and nothing else: a cell that already says this changes nothing, so a
     * retry is harmless and needs no update id.
     */
    async report(p: Principal, code: string, body: z.output<typeof reportBody>): Promise<ApiTask> {
      await existingTask(code);
      if (!(p.kind === 'home-affairs' || (p.kind === 'locality' && p.code === body.locality))) {
        throw forbidden(
          p.kind === 'locality' ? `Locality ${p.code} reports only for itself.` : 'Only localities report.',
        );
      }
      if (!(await localityExists(db, body.locality))) {
        throw invalid(`Unknown locality ${body.locality}.`, {}, [fieldRefusal('locality', 'unknown locality')]);
      }
      if (body.kind === 'OBSTACLE' && body.description.trim() === '') {
        throw invalid('An obstacle report needs a description.', {}, [
          fieldRefusal('description', 'required for OBSTACLE'),
        ]);
      }
      const cell =
        body.kind === 'OBSTACLE'
          ? { task: code, state: 'OBSTACLE' as const, category: body.category ?? 'OTHER', text: body.description }
          : { task: code, state: 'WORKABLE' as const, ...(body.description.trim() ? { text: body.description } : {}) };
      try {
        await reportCells(db, p, body.locality, { cells: [cell] });
      } catch (err) {
        throw asPerTaskRefusal(err);
      }
      return existingTask(code);
    },

    /** The lead ministry asks for a later due date; the deadline moves only on Home Affairs' approval. */
    async requestExtension(
      p: Principal,
      code: string,
      body: z.output<typeof extensionRequestBody>,
      updateId?: string,
    ): Promise<ApiTask> {
      const row = await existingTask(code);
      if (!mayAsk(p, row, 'requestExtension')) {
        throw forbidden(
          `Only the lead ministry (${row.leadMinistry}) asks for an extension; Home Affairs sets deadlines directly.`,
        );
      }
      return update(code, extensionRequestUpdate, { actor: actorOf(p), ...body }, updateId);
    },

    async decideExtension(
      p: Principal,
      code: string,
      body: z.output<typeof extensionDecisionBody>,
      updateId?: string,
    ): Promise<ApiTask> {
      const row = await existingTask(code);
      if (!mayAsk(p, row, 'decideExtension')) throw forbidden('Only Home Affairs decides extension requests.');
      return update(code, extensionDecisionUpdate, { actor: actorOf(p), ...body }, updateId);
    },

    /**
     * Records that another ministry's document holds the task up (registering it releases the task).
     * A task already held up is refused (409): the hold-up is released first, then another recorded,
     * so nothing is replaced silently. The document named must be one the holding ministry issues.
     */
    async holdUp(p: Principal, code: string, body: z.output<typeof holdUpBody>, updateId?: string): Promise<ApiTask> {
      const row = await existingTask(code);
      if (!mayAsk(p, row, 'holdUp')) {
        throw forbidden(`Only Home Affairs or the lead ministry (${row.leadMinistry}) records what holds a task up.`);
      }
      await knownMinistries([body.ministry], 'ministry');
      if (row.heldUp) {
        throw conflict(`Task ${code} is already held up by ${row.heldUp.ministry}; release that hold-up first.`, {}, [
          fieldRefusal('ministry', `already held up by ${row.heldUp.ministry}`),
        ]);
      }
      const documentNumber =
        body.documentNumber === undefined
          ? undefined
          : await documents.checkAwaited(body.ministry, body.documentNumber, { in: 'body' });
      return update(
        code,
        holdUpUpdate,
        { actor: actorOf(p), ...body, ...(documentNumber ? { documentNumber } : {}) },
        updateId,
      );
    },

    async releaseHoldUp(p: Principal, code: string, updateId?: string): Promise<ApiTask> {
      const row = await existingTask(code);
      if (!mayAsk(p, row, 'releaseHoldUp')) {
        throw forbidden(`Only Home Affairs or the lead ministry (${row.leadMinistry}) releases a hold-up.`);
      }
      return update(code, holdUpUpdate, { actor: actorOf(p), ministry: null }, updateId);
    },
  };
}

export type TaskActions = ReturnType<typeof createTaskActions>;

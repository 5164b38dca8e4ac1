import { refuseInvalidUtf8Form } from '../../app/body-encoding';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { history } from '../../db/audit-events';
import { verifyChain } from '../../db/audit-chain';
import type { Db } from '../../db/client';
import { documentLinks } from '../../db/documents';
import { latestReportsOnTask, remindersOfTask } from '../../db/task-pages';
import { getTask } from '../../db/tasks';
import {
  assignmentBody,
  deadlineBody,
  extensionDecisionBody,
  extensionRequestBody,
  holdUpBody,
  milestoneBody,
  reportBody,
  taskCode,
  transitionBody,
} from '../../app/schemas';
import { mayAsk, permittedActions, type TaskActions, type TaskWrite } from '../../app/task-actions';
import { Refusal } from '../../domain/refusal';
import type { Principal } from '../../domain/principal';
import { TASK_STATUSES, type TaskStatus } from '../../domain/task';
import { EDGES } from '../../domain/transition-rules';
import { formToBody, formValues, problemErrors, schemaErrors, type FormSpec } from '../forms';
import { eventSummary, type Messages } from '../i18n';
import {
  documentEventSummary,
  documentMessages,
  documentRuleMessage,
  type DocumentMessages,
} from '../messages/documents';
import { MessagePage } from '../pages/sign-in-page';
import type { DeadlineHistoryRow } from '../pages/task-document-panels';
import { TaskPage, type FormState } from '../pages/task-page';
import type { PageContext } from '../page-context';
import { sendPage } from '../render';
import { csrfValid, webLocals } from '../session';

const MILESTONE_FORM: FormSpec = {
  name: { kind: 'choice', path: 'name', required: true },
  note: { kind: 'text', path: 'note' },
};
const focalPointForm = (t: Messages): FormSpec => ({
  focalPointName: { kind: 'text', path: 'focalPoint.name', required: true },
  focalPointEmail: { kind: 'email', path: 'focalPoint.email', required: true, refused: t.errAddressTaken },
});
const REPORT_FORM: FormSpec = {
  kind: { kind: 'choice', path: 'kind', required: true },
  category: { kind: 'choice', path: 'category' },
  description: { kind: 'text', path: 'description' },
};
const extensionRequestForm = (m: DocumentMessages): FormSpec => ({
  extensionDueDate: { kind: 'date', path: 'dueDate', required: true, refused: m.errDateNotLater },
  extensionReason: { kind: 'text', path: 'reason', required: true },
});
const extensionDecisionForm = (m: DocumentMessages): FormSpec => ({
  decision: { kind: 'choice', path: 'approve', required: true, refused: m.errRequestedPassed },
  decisionReason: { kind: 'text', path: 'reason', invalid: m.errRefusalReason, refused: m.errRefusalReason },
});
const deadlineForm = (m: DocumentMessages): FormSpec => ({
  deadlineDueDate: { kind: 'date', path: 'dueDate', required: true, refused: m.errDeadlineState },
  deadlineReason: { kind: 'text', path: 'reason', required: true },
});
const holdUpForm = (m: DocumentMessages): FormSpec => ({
  holdUpMinistry: { kind: 'choice', path: 'ministry', required: true, refused: m.errLeadItself },
  holdUpDescription: { kind: 'text', path: 'description', required: true },
  holdUpNumber: { kind: 'text', path: 'documentNumber', invalid: m.errNumberForm },
});

const DEADLINE_EVENTS = new Set(['EXTENSION_REQUESTED', 'EXTENSION_APPROVED', 'EXTENSION_REFUSED', 'DEADLINE']);

/** The deadline's history from the audit events: what was asked or set, and why. */
function deadlineHistory(events: { at: string; kind: string; details: unknown }[]): DeadlineHistoryRow[] {
  return events
    .filter((e) => DEADLINE_EVENTS.has(e.kind))
    .map((e) => {
      const d = e.details as {
        to?: string;
        requested?: string;
        reason?: string | null;
        calendarVersion?: string | null;
      };
      return {
        at: e.at,
        kind: e.kind as DeadlineHistoryRow['kind'],
        date: (e.kind === 'EXTENSION_REFUSED' ? d.requested : (d.to ?? d.requested)) ?? null,
        reason: d.reason ?? null,
        ...(e.kind === 'DEADLINE' && d.calendarVersion ? { calendarVersion: d.calendarVersion } : {}),
      };
    });
}

/** The move form of one target status; its fields are prefixed so several can share the page. */
function moveForm(to: TaskStatus, requires: 'reason' | 'document'): { id: string; spec: FormSpec } {
  const id = `move-${to.toLowerCase().replace(/_/g, '-')}`;
  const spec: FormSpec =
    requires === 'document'
      ? {
          [`${id}-documentNumber`]: { kind: 'text', path: 'document.number', required: true },
          [`${id}-issuedOn`]: { kind: 'date', path: 'document.issuedOn', required: true },
          [`${id}-effectiveOn`]: { kind: 'date', path: 'document.effectiveOn' },
          [`${id}-reason`]: { kind: 'text', path: 'reason' },
        }
      : { [`${id}-reason`]: { kind: 'text', path: 'reason', required: true } };
  return { id, spec };
}

/**
 * Whose matrix cells the task page lists, as the matrix itself allows (README, "Who reads what"): Home
 * Affairs and the task's ministries every locality's, a locality its own; the public sees the counts only.
 */
function mayReadCell(
  p: PageContext['principal'],
  task: { leadMinistry: string; coordinatingMinistries: string[] },
  locality: string,
): boolean {
  if (p?.kind === 'home-affairs') return true;
  if (p?.kind === 'ministry') return p.code === task.leadMinistry || task.coordinatingMinistries.includes(p.code);
  if (p?.kind === 'locality') return p.code === locality;
  return false;
}

async function taskPageData(db: Db, ctx: PageContext, code: string, failed: FormState | null, done: boolean) {
  const task = await getTask(db, code);
  if (!task) return null;
  const signedIn = ctx.principal !== null;
  const [links, reports, events, verification, reminders] = await Promise.all([
    documentLinks(
      db,
      task.documents.map((d) => d.number),
    ),
    latestReportsOnTask(db, code),
    signedIn ? history(db, code, 1, 500) : null,
    verifyChain(db, code),
    signedIn ? remindersOfTask(db, code) : null,
  ]);
  if (!signedIn) task.focalPoint = { name: '', email: '' };
  return {
    task,
    documents: task.documents.map((d) => ({ ...d, url: links.get(d.number) ?? null })),
    deadlineHistory: events ? deadlineHistory(events.items) : null,
    reports: reports.filter((r) => mayReadCell(ctx.principal, task, r.locality)),
    history: events
      ? events.items.map((e) => ({
          seq: e.seq,
          at: e.at,
          effectiveAt: e.effectiveAt,
          actor: e.actor,
          kind: e.kind,
          summary:
            documentEventSummary(ctx.lang, e.kind, e.details as Record<string, unknown>) ??
            eventSummary(ctx.lang, e.kind, e.details as Record<string, unknown>),
        }))
      : null,
    verification,
    reminders,
    actions: permittedActions(ctx.principal, task),
    failed,
    done,
  };
}

/** The task page, and the forms on it: each goes through the same task actions as the API. */
export function taskPageRoutes(deps: { db: Db; actions: TaskActions }): Router {
  const { db, actions } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, verify: refuseInvalidUtf8Form, limit: '50kb' });

  async function show(res: Response, code: string, failed: FormState | null, done: boolean, status = 200) {
    const { ctx } = webLocals(res);
    const data = taskCode.safeParse(code).success ? await taskPageData(db, ctx, code, failed, done) : null;
    if (!data)
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.notFoundTitle} body={ctx.t.notFoundBody} />, 404);
    sendPage(res, <TaskPage ctx={ctx} data={data} />, status);
  }

  router.get('/tasks/:code', async (req, res) => {
    await show(res, req.params.code, null, req.query.done === '1');
  });

  /**
   * Runs one form: CSRF, the API's schema, then the shared action. Bad input re-renders the page
   * with the errors beside the fields (422) and changes nothing; success redirects (303) to the page.
   */
  function handle<S extends z.ZodType>(
    path: string,
    write: TaskWrite,
    pick: (
      req: Request,
      ctx: PageContext,
    ) => { form: string; spec: FormSpec; extra?: (body: Record<string, unknown>, p: Principal) => void } | null,
    schema: S,
    run: (p: Principal, code: string, body: z.output<S>) => Promise<unknown>,
  ) {
    router.post(path, form, async (req, res) => {
      const { ctx } = webLocals(res);
      const code = String(req.params.code);
      if (!csrfValid(req, res))
        return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.errCsrf} />, 403);
      if (!ctx.principal) return res.redirect(303, '/sign-in');
      // Who may ask at all comes before the form's fields: another ministry's POST is a 403, whatever it holds.
      const task = taskCode.safeParse(code).success ? await getTask(db, code) : null;
      if (!task)
        return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.notFoundTitle} body={ctx.t.notFoundBody} />, 404);
      if (!mayAsk(ctx.principal, task, write))
        return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.forbiddenBody} />, 403);
      const chosen = pick(req, ctx);
      if (!chosen)
        return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.forbiddenBody} />, 400);
      const values = formValues(req.body, chosen.spec);
      const fail = (errors: FormState['errors']) => show(res, code, { form: chosen.form, values, errors }, false, 422);
      const built = formToBody(ctx.t, chosen.spec, values);
      chosen.extra?.(built.body, ctx.principal);
      const checked = schemaErrors(ctx.t, chosen.spec, schema, built.body);
      const errors = [...built.errors, ...checked.errors.filter((e) => !built.errors.some((b) => b.field === e.field))];
      if (errors.length > 0 || checked.data === undefined) return fail(errors);
      try {
        await run(ctx.principal, code, checked.data);
      } catch (err) {
        const formErrors = problemErrors(ctx.t, chosen.spec, err, (rule, params) =>
          documentRuleMessage(ctx.lang, rule, params),
        );
        if (formErrors) return fail(formErrors);
        if (err instanceof Refusal && err.kind === 'forbidden')
          return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.forbiddenBody} />, 403);
        if (err instanceof Refusal && err.kind === 'not-found')
          return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.notFoundTitle} body={ctx.t.notFoundBody} />, 404);
        throw err;
      }
      res.redirect(303, `/tasks/${encodeURIComponent(code)}?done=1`);
    });
  }

  handle(
    '/tasks/:code/milestone',
    'milestone',
    () => ({ form: 'milestone', spec: MILESTONE_FORM }),
    milestoneBody,
    (p, code, body) => actions.milestone(p, code, body),
  );

  handle(
    '/tasks/:code/move',
    'transition',
    (req) => {
      const to = req.body?.to;
      if (!(TASK_STATUSES as readonly string[]).includes(to)) return null;
      const from = req.body?.from;
      // What the edge needs comes from the transition table (an unknown edge: the workflow refuses it).
      const requires = EDGES.find((e) => e.from === from && e.to === to)?.requires ?? 'reason';
      const { id, spec } = moveForm(to as TaskStatus, requires);
      return {
        form: id,
        spec,
        extra: (body) => {
          body.to = to;
          if ((TASK_STATUSES as readonly string[]).includes(from)) body.from = from;
        },
      };
    },
    transitionBody,
    (p, code, body) => actions.transition(p, code, body),
  );

  handle(
    '/tasks/:code/focal-point',
    'assignment',
    (_req, ctx) => ({ form: 'focal-point', spec: focalPointForm(ctx.t) }),
    assignmentBody,
    (p, code, body) => actions.assignment(p, code, body),
  );

  handle(
    '/tasks/:code/report',
    'report',
    () => ({
      form: 'report',
      spec: REPORT_FORM,
      extra: (body, p) => {
        if (p.kind === 'locality') body.locality = p.code;
      },
    }),
    reportBody,
    (p, code, body) => actions.report(p, code, body),
  );

  handle(
    '/tasks/:code/deadline',
    'deadline',
    (_req, ctx) => ({ form: 'deadline', spec: deadlineForm(documentMessages[ctx.lang]) }),
    deadlineBody,
    (p, code, body) => actions.deadline(p, code, body),
  );

  handle(
    '/tasks/:code/extension-request',
    'requestExtension',
    (_req, ctx) => ({ form: 'extension-request', spec: extensionRequestForm(documentMessages[ctx.lang]) }),
    extensionRequestBody,
    (p, code, body) => actions.requestExtension(p, code, body),
  );

  handle(
    '/tasks/:code/extension-decision',
    'decideExtension',
    (_req, ctx) => ({
      form: 'extension-decision',
      spec: extensionDecisionForm(documentMessages[ctx.lang]),
      // The radio's words become the API's boolean; anything else is left for the schema to refuse.
      extra: (body) => {
        if (body.approve === 'approve') body.approve = true;
        else if (body.approve === 'refuse') body.approve = false;
      },
    }),
    extensionDecisionBody,
    (p, code, body) => actions.decideExtension(p, code, body),
  );

  handle(
    '/tasks/:code/held-up',
    'holdUp',
    (_req, ctx) => ({ form: 'hold-up', spec: holdUpForm(documentMessages[ctx.lang]) }),
    holdUpBody,
    (p, code, body) => actions.holdUp(p, code, body),
  );

  handle(
    '/tasks/:code/held-up/release',
    'releaseHoldUp',
    () => ({ form: 'release', spec: {} }),
    z.strictObject({}),
    (p, code) => actions.releaseHoldUp(p, code),
  );

  return router;
}

import { isOpenStatus } from '../../domain/statuses';
import { refuseInvalidUtf8Form } from '../../app/body-encoding';
import express, { Router, type Response } from 'express';
import type { DocumentActions } from '../../app/document-actions';
import { mayRegisterDocuments, type SettlementRefusal } from '../../app/document-actions';
import { Refusal } from '../../domain/refusal';
import {
  documentIssuer,
  documentNumber,
  registerDocumentBody,
  settlementBody,
  taskCode,
  text,
} from '../../app/schemas';
import type { Db } from '../../db/client';
import { listDocuments } from '../../db/documents';
import { ministryWorklist } from '../../db/task-pages';
import { DOCUMENT_KINDS } from '../../domain/legal-documents';
import { formToBody, formValues, problemErrors, schemaErrors, type FormSpec } from '../forms';
import type { FieldError } from '../layout';
import { documentMessages, documentRuleMessage, type DocumentMessages } from '../messages/documents';
import type { PageContext } from '../page-context';
import { DocumentsPage, issuersFor, type DocumentFilters, type DocumentsPageData } from '../pages/documents-page';
import { MessagePage } from '../pages/sign-in-page';
import { sendPage } from '../render';
import { csrfValid, webLocals } from '../session';

const PAGE_SIZE = 50;

const registerForm = (m: DocumentMessages): FormSpec => ({
  docNumber: {
    kind: 'text',
    path: 'number',
    required: true,
    invalid: m.errNumberForm,
    refused: m.errAlreadyRegistered,
  },
  docKind: { kind: 'choice', path: 'kind', required: true, refused: m.errSymbol },
  docIssuer: { kind: 'choice', path: 'issuer', required: true, refused: m.errSymbol },
  docTitle: { kind: 'text', path: 'title', required: true },
  docIssuedOn: { kind: 'date', path: 'issuedOn', required: true, refused: m.errIssuedFuture },
  docEffectiveOn: { kind: 'date', path: 'effectiveOn', refused: m.errEffectiveBefore },
  docUrl: { kind: 'text', path: 'url', invalid: m.errUrl },
});

/** The search from the query string, through the API's schemas; a value that does not parse is dropped. */
function documentFilters(query: Record<string, unknown>): DocumentFilters & { page: number } {
  const one = (k: string) => (typeof query[k] === 'string' && query[k] !== '' ? (query[k] as string) : undefined);
  const q = text(200).safeParse(one('q')?.trim() || undefined);
  const issuer = documentIssuer.safeParse(one('issuer'));
  const kind = one('kind');
  const page = Number(one('page') ?? '1');
  return {
    q: q.success && q.data ? q.data : undefined,
    issuer: issuer.success ? issuer.data : undefined,
    kind: kind && (DOCUMENT_KINDS as readonly string[]).includes(kind) ? kind : undefined,
    page: Number.isInteger(page) && page >= 1 && page <= 100000 ? page : 1,
  };
}

/** Task codes from the checkboxes and the free text, in order, each once. */
function chosenTasks(body: Record<string, unknown>): string[] {
  const boxes = Array.isArray(body.tasks) ? body.tasks : typeof body.tasks === 'string' ? [body.tasks] : [];
  const typed = typeof body.taskCodes === 'string' ? body.taskCodes.split(/[\s,;]+/) : [];
  return [
    ...new Set(
      [...boxes, ...typed].filter((c): c is string => typeof c === 'string' && c.trim() !== '').map((c) => c.trim()),
    ),
  ];
}

/** The document registry's page and its two forms; they go through the API's document actions. */
export function documentPageRoutes(deps: { db: Db; actions: DocumentActions }): Router {
  const { db, actions } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, verify: refuseInvalidUtf8Form, limit: '100kb' });

  async function show(
    res: Response,
    ctx: PageContext,
    query: Record<string, unknown>,
    extra: Partial<DocumentsPageData>,
    status = 200,
  ) {
    const { page, ...filters } = documentFilters(query);
    const p = ctx.principal;
    const canWrite = mayRegisterDocuments(p);
    const [list, worklist] = await Promise.all([
      listDocuments(db, {
        ...filters,
        kind: filters.kind as (typeof DOCUMENT_KINDS)[number] | undefined,
        page,
        limit: PAGE_SIZE,
      }),
      p?.kind === 'ministry' ? ministryWorklist(db, p.code) : Promise.resolve([]),
    ]);
    const yourTasks = worklist.filter(
      (t) => p?.kind === 'ministry' && t.leadMinistry === p.code && isOpenStatus(t.status) && !t.feasibleFrom,
    );
    const data: DocumentsPageData = {
      filters,
      list,
      canWrite,
      issuers: issuersFor(p),
      yourTasks,
      register: null,
      settle: null,
      registered: null,
      result: null,
      ...extra,
    };
    sendPage(res, <DocumentsPage ctx={ctx} data={data} />, status);
  }

  router.get('/documents', async (req, res) => {
    const { ctx } = webLocals(res);
    const number = documentNumber.safeParse(req.query.registered);
    const released =
      typeof req.query.released === 'string'
        ? req.query.released.split(',').filter((c) => taskCode.safeParse(c).success)
        : [];
    await show(res, ctx, req.query, { registered: number.success ? { number: number.data, released } : null });
  });

  /** CSRF, then a signed-in person who may write documents; otherwise the answer is sent here (false). */
  function mayWrite(req: express.Request, res: Response, ctx: PageContext): boolean {
    if (!csrfValid(req, res)) {
      sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.errCsrf} />, 403);
      return false;
    }
    if (!ctx.principal) {
      res.redirect(303, '/sign-in');
      return false;
    }
    if (!mayRegisterDocuments(ctx.principal)) {
      sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.forbiddenBody} />, 403);
      return false;
    }
    return true;
  }

  router.post('/documents', form, async (req, res) => {
    const { ctx } = webLocals(res);
    if (!mayWrite(req, res, ctx) || !ctx.principal) return;
    const spec = registerForm(documentMessages[ctx.lang]);
    const values = formValues(req.body, spec);
    const fail = (errors: FieldError[]) => show(res, ctx, {}, { register: { values, errors } }, 422);
    const built = formToBody(ctx.t, spec, values);
    const checked = schemaErrors(ctx.t, spec, registerDocumentBody, built.body);
    const errors = [...built.errors, ...checked.errors.filter((e) => !built.errors.some((b) => b.field === e.field))];
    if (errors.length > 0 || checked.data === undefined) return fail(errors);
    try {
      const stored = await actions.register(ctx.principal, checked.data);
      const q = new URLSearchParams({ registered: stored.number });
      if (stored.releasedTasks.length > 0) q.set('released', stored.releasedTasks.join(','));
      res.redirect(303, `/documents?${q.toString()}`);
    } catch (err) {
      const formErrors = problemErrors(ctx.t, spec, err, (rule, params) => documentRuleMessage(ctx.lang, rule, params));
      if (formErrors) return fail(formErrors);
      if (err instanceof Refusal && err.kind === 'forbidden')
        return fail([{ field: 'docIssuer', message: documentMessages[ctx.lang].errIssuerNotYours }]);
      throw err;
    }
  });

  router.post('/documents/settlements', form, async (req, res) => {
    const { ctx } = webLocals(res);
    if (!mayWrite(req, res, ctx) || !ctx.principal) return;
    const m = documentMessages[ctx.lang];
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = {
      settleDocument: typeof body.settleDocument === 'string' ? body.settleDocument : '',
      taskCodes: typeof body.taskCodes === 'string' ? body.taskCodes : '',
    };
    const chosen = chosenTasks(body);
    const fail = (errors: FieldError[], refusals: SettlementRefusal[] = []) =>
      show(res, ctx, {}, { settle: { values, errors, chosen, refusals } }, 422);

    const errors: FieldError[] = [];
    const number = documentNumber.safeParse(values.settleDocument.trim());
    if (values.settleDocument.trim() === '') errors.push({ field: 'settleDocument', message: ctx.t.errRequired });
    else if (!number.success) errors.push({ field: 'settleDocument', message: m.errNumberForm });
    const badCodes = chosen.filter((c) => !taskCode.safeParse(c).success);
    const tasks = settlementBody.safeParse({ tasks: chosen });
    if (chosen.length === 0) errors.push({ field: 'taskCodes', message: m.errNoTasks });
    else if (badCodes.length > 0) errors.push({ field: 'taskCodes', message: m.errTaskCodes(badCodes.join(', ')) });
    else if (!tasks.success) errors.push({ field: 'taskCodes', message: m.errTooManyTasks });
    if (errors.length > 0 || !number.success || !tasks.success) return fail(errors);

    try {
      const result = await actions.settle(ctx.principal, number.data, tasks.data);
      await show(res, ctx, {}, { result });
    } catch (err) {
      if (!(err instanceof Refusal) || err.kind === 'unavailable') throw err;
      const refusals = (err.details.refusals as SettlementRefusal[] | undefined) ?? [];
      if (refusals.length > 0)
        return fail(
          [{ field: 'taskCodes', message: m.refusalsTitle(String(refusals.length), String(chosen.length)) }],
          refusals,
        );
      // A document or date rule is said as on every other form; the rest in the settlement's words.
      const refused = err.errors[0]?.extra;
      const ruled =
        typeof refused?.rule === 'string'
          ? documentRuleMessage(ctx.lang, refused.rule, (refused.params as Record<string, string> | undefined) ?? {})
          : undefined;
      const message =
        ruled ??
        (err.kind === 'not-found'
          ? m.errUnknownDocument
          : err.kind === 'forbidden'
            ? m.errNotYourDocument
            : m.errNotIssuedYet);
      return fail([{ field: 'settleDocument', message }]);
    }
  });

  return router;
}

import { refuseInvalidUtf8Form } from '../../app/body-encoding';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { LocalityActions } from '../../app/locality-actions';
import {
  closeRoundBody,
  extendRoundBody,
  localityReportBody,
  openRoundBody,
  obstacleCategory,
  cellState,
} from '../../app/locality-schemas';
import { Refusal } from '../../domain/refusal';
import { localityCode, ministryCode } from '../../app/schemas';
import { reference } from '../../catalog/reference-data';
import type { Db } from '../../db/client';
import {
  localityStatuses,
  localityTasks,
  matrixBottlenecks,
  matrixCsv,
  matrixJson,
  taskTitles,
  type MatrixFilter,
} from '../../db/matrix';
import { listRounds, localityRounds, roundCommuneProgress, roundLocalities } from '../../db/reporting-rounds';
import { DELEGATION_LEVELS } from '../../domain/task';
import type { Principal } from '../../domain/principal';
import { bodyPathOf, formToBody, formValues, problemErrors, schemaErrors, type FormSpec } from '../forms';
import { requireRole, signInFor } from '../guards';
import type { FieldError } from '../layout';
import { formatNumber } from '../i18n';
import { localityMessages, type LocalityMessages } from '../messages/localities';
import { communeMessages } from '../messages/communes';
import type { Lang } from '../lang';
import { LocalityPage, type LocalityFilters } from '../pages/locality-page';
import { chosenCells, dedupe, postedCells, refusalCellErrors, schemaCellErrors } from '../cell-report-form';
import type { CellInput } from '../components/cell-report-inputs';
import { MatrixPage, type MatrixCellRow, type MatrixPageFilters } from '../pages/matrix-page';
import { RoundsPage, type RoundFormState, type RoundWithLocalities } from '../pages/rounds-page';
import { MessagePage } from '../pages/sign-in-page';
import { sendPage } from '../render';
import { csrfValid, webLocals } from '../session';
import { whoReported } from '../components/who-reported';

const PAGE_SIZE = 50;
/** Rounds shown with who has not reported (the newest). */
const ROUNDS_SHOWN = 24;
/** Cells listed on the matrix page at most (the API's CSV has them all). */
const CELLS_SHOWN = 300;

const one = (req: Request, k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : undefined);
const parsed = <T,>(schema: z.ZodType<T>, v: string | undefined): T | undefined => {
  const r = schema.safeParse(v || undefined);
  return r.success ? r.data : undefined;
};

function localityFilters(req: Request): LocalityFilters & { page: number } {
  const page = Number(one(req, 'page') ?? '1');
  return {
    ministry: parsed(ministryCode, one(req, 'ministry')),
    state: parsed(cellState, one(req, 'state')),
    level: parsed(z.enum(DELEGATION_LEVELS), one(req, 'level')),
    page: Number.isInteger(page) && page >= 1 && page <= 1000 ? page : 1,
  };
}

/** Which cells of the matrix a person may read on the page: Home Affairs all, a ministry those of its tasks, others none. */
function cellScope(p: Principal | null): 'all' | { ministry: string } | 'none' {
  if (p?.kind === 'home-affairs') return 'all';
  if (p?.kind === 'ministry') return { ministry: p.code };
  return 'none';
}

/**
 * The localities' pages: a locality's tasks and cells with one form reporting on many at once, the
 * reporting rounds for Home Affairs (open, extend, close early), and the matrix view. Every write goes
 * through the same application code as the API (`app/locality-actions.ts`).
 */
export function localityPageRoutes(deps: { db: Db; actions: LocalityActions }): Router {
  const { db, actions } = deps;
  const router = Router();
  const form = express.urlencoded({
    extended: false,
    verify: refuseInvalidUtf8Form,
    limit: '1mb',
    parameterLimit: 2000,
  });

  async function showLocality(
    req: Request,
    res: Response,
    code: string,
    failed: { values: Map<string, CellInput>; errors: FieldError[] } | null,
    sent: { changed: number; unchanged: number } | null,
    status = 200,
  ) {
    const { ctx } = webLocals(res);
    const { page, ...filters } = localityFilters(req);
    const [all, rounds] = await Promise.all([localityTasks(db, code, 'all'), localityRounds(db, code)]);
    const matching = all.filter(
      (r) =>
        (!filters.ministry || r.leadMinistry === filters.ministry) &&
        (!filters.state || (r.cell?.state ?? 'NOT_STARTED') === filters.state) &&
        (!filters.level ||
          (filters.level === 'both' ? r.level === 'both' : r.level === filters.level || r.level === 'both')),
    );
    const ministries = [...new Set(all.map((r) => r.leadMinistry))].sort();
    sendPage(
      res,
      <LocalityPage
        ctx={ctx}
        data={{
          locality: code,
          filters,
          ministries,
          all,
          rows: matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
          matching: matching.length,
          page,
          limit: PAGE_SIZE,
          rounds,
          failed,
          sent,
        }}
      />,
      status,
    );
  }

  router.get('/locality', requireRole('locality'), async (req, res) => {
    const p = webLocals(res).ctx.principal;
    if (p?.kind !== 'locality') return;
    const sent = /^(\d+)-(\d+)$/.exec(one(req, 'sent') ?? '');
    await showLocality(req, res, p.code, null, sent ? { changed: Number(sent[1]), unchanged: Number(sent[2]) } : null);
  });

  /**
   * One form, many cells: the rows with a new state become the cells of one report, checked by the
   * API's schema and then by the same all-or-nothing report as POST /api/localities/{code}/report.
   * Any error re-renders the page (422) with each error beside its cell; nothing is changed.
   */
  // The form's address opened as a page (the language switch of a refused report, a reload): the locality's page.
  router.get('/locality/report', (_req, res) => res.redirect(303, '/locality'));

  router.post('/locality/report', form, requireRole('locality'), async (req, res) => {
    const { ctx } = webLocals(res);
    const p = ctx.principal;
    if (p?.kind !== 'locality') return;
    if (!csrfValid(req, res))
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.errCsrf} />, 403);
    const m = localityMessages[ctx.lang];
    const values = postedCells(req.body);
    const { chosen, body } = chosenCells(values);
    const fail = (errors: FieldError[]) =>
      showLocality(req, res, p.code, { values, errors: dedupe(errors) }, null, 422);
    if (chosen.length === 0) return fail([{ field: 'report', message: m.errNothingChosen }]);
    const checked = localityReportBody.safeParse(body);
    if (!checked.success) return fail(schemaCellErrors(m, chosen, checked.error));
    try {
      const result = await actions.report(p, p.code, checked.data);
      const { page, ...filters } = localityFilters(req);
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...filters, page: page > 1 ? String(page) : undefined }))
        if (v) q.set(k, String(v));
      q.set('sent', `${result.changed}-${result.unchanged}`);
      res.redirect(303, `/locality?${q.toString()}`);
    } catch (err) {
      if (!(err instanceof Refusal) || err.kind === 'unavailable') throw err;
      return fail(refusalCellErrors(m, chosen, err));
    }
  });

  async function showRounds(res: Response, failed: RoundFormState | null, done: string | null, status = 200) {
    const { ctx } = webLocals(res);
    const rounds = await listRounds(db);
    const withLocalities: RoundWithLocalities[] = await Promise.all(
      rounds.slice(0, ROUNDS_SHOWN).map(async (r) => ({
        ...r,
        notReported: (await roundLocalities(db, r.id)).filter((l) => l.reportedAt === null).map((l) => l.code),
        ...(r.level === 'commune' ? { provinces: await roundCommuneProgress(db, r.id) } : {}),
      })),
    );
    sendPage(res, <RoundsPage ctx={ctx} rounds={withLocalities} failed={failed} done={done} />, status);
  }

  router.get('/rounds', requireRole('home-affairs'), async (req, res) => {
    const { ctx } = webLocals(res);
    const m = localityMessages[ctx.lang];
    const id = one(req, 'round') ?? '';
    const done = one(req, 'done');
    const reminded = formatNumber(ctx.lang, Number(one(req, 'n') ?? '0') || 0);
    const text =
      done === 'opened'
        ? m.roundOpened(id)
        : done === 'extended'
          ? m.roundExtended(id)
          : done === 'closed'
            ? m.roundClosedDone(id)
            : done === 'reminded'
              ? m.roundReminded(id, reminded)
              : null;
    await showRounds(res, null, text);
  });

  /** A round form: CSRF, the API's schema, then the shared action; a refusal goes beside its field. */
  function roundForm<S extends z.ZodType>(
    path: string,
    pick: (req: Request, lang: Lang) => { form: string; spec: FormSpec },
    schema: S,
    run: (p: Principal, req: Request, body: z.output<S>) => Promise<{ id: string; done: string }>,
    refusalText: (m: LocalityMessages, field: string, lang: Lang) => string | null,
  ) {
    router.post(path, form, requireRole('home-affairs'), async (req, res) => {
      const { ctx } = webLocals(res);
      if (!csrfValid(req, res))
        return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.errCsrf} />, 403);
      const p = ctx.principal;
      if (!p) return;
      const m = localityMessages[ctx.lang];
      const chosen = pick(req, ctx.lang);
      const values = formValues(req.body, chosen.spec);
      const fail = (errors: FieldError[]) => showRounds(res, { form: chosen.form, values, errors }, null, 422);
      const built = formToBody(ctx.t, chosen.spec, values);
      const checked = schemaErrors(ctx.t, chosen.spec, schema, built.body);
      const errors = [...built.errors, ...checked.errors.filter((e) => !built.errors.some((b) => b.field === e.field))];
      if (errors.length > 0 || checked.data === undefined) return fail(errors);
      try {
        const { id, done } = await run(p, req, checked.data);
        res.redirect(303, `/rounds?done=${done}&round=${encodeURIComponent(id)}`);
      } catch (err) {
        const formErrors = problemErrors(ctx.t, chosen.spec, err);
        if (!formErrors) throw err;
        const listed = err instanceof Refusal ? err.errors.map((e) => bodyPathOf(e.location)) : [];
        // The application's refusal, in the page's words where it names a field.
        for (const e of formErrors) {
          const field = Object.entries(chosen.spec).find(([name]) => name === e.field)?.[1].path;
          const own = field && listed.includes(field) ? refusalText(m, field, ctx.lang) : null;
          if (own) e.message = own;
        }
        return fail(formErrors);
      }
    });
  }

  roundForm(
    '/rounds',
    (_req, lang) => ({
      form: 'open',
      spec: {
        'open-dueDate': { kind: 'date', path: 'dueDate', required: true },
        'open-id': { kind: 'text', path: 'id' },
        'open-level': { kind: 'choice', path: 'level', invalid: communeMessages[lang].errRoundLevel },
      },
    }),
    openRoundBody,
    async (p, _req, body) => ({ id: (await actions.openRound(p, body)).id, done: 'opened' }),
    (m, field, lang) =>
      field === 'dueDate'
        ? m.errDueAfterToday
        : field === 'id'
          ? m.errRoundIdTaken
          : field === 'level'
            ? communeMessages[lang].errNoCommunes
            : null,
  );

  const roundIdOf = (req: Request) => String(req.params.id);
  roundForm(
    '/rounds/:id/extension',
    (req) => {
      const f = `extend-${roundIdOf(req)}`;
      return {
        form: f,
        spec: {
          [`${f}-dueDate`]: { kind: 'date', path: 'dueDate', required: true },
          [`${f}-reason`]: { kind: 'text', path: 'reason', required: true },
        },
      };
    },
    extendRoundBody,
    async (p, req, body) => {
      await actions.extendRound(p, roundIdOf(req), body);
      return { id: roundIdOf(req), done: 'extended' };
    },
    (m, field) => (field === 'dueDate' ? m.errDueLater : null),
  );

  roundForm(
    '/rounds/:id/close',
    (req) => {
      const f = `close-${roundIdOf(req)}`;
      return { form: f, spec: { [`${f}-reason`]: { kind: 'text', path: 'reason', required: true } } };
    },
    closeRoundBody,
    async (p, req, body) => {
      await actions.closeRound(p, roundIdOf(req), body);
      return { id: roundIdOf(req), done: 'closed' };
    },
    () => null,
  );

  // Home Affairs reminds, now, the localities that have not reported (the API's action; once a day each).
  router.post('/rounds/:id/reminders', form, requireRole('home-affairs'), async (req, res) => {
    const { ctx } = webLocals(res);
    if (!csrfValid(req, res))
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.errCsrf} />, 403);
    const p = ctx.principal;
    if (!p) return;
    const id = roundIdOf(req);
    const field = `remind-${id}`;
    try {
      const done = await actions.remindUnreported(p, id);
      res.redirect(303, `/rounds?done=reminded&round=${encodeURIComponent(id)}&n=${done.reminded.length}`);
    } catch (err) {
      if (!(err instanceof Refusal) || err.kind !== 'conflict') throw err;
      const m = localityMessages[ctx.lang];
      const message = err.code === 'ALREADY_REMINDED_TODAY' ? m.errRemindedToday : err.message;
      await showRounds(res, { form: field, values: {}, errors: [{ field, message }] }, null, 409);
    }
  });

  /** The matrix page's filters from its query string (a value that does not parse is dropped). */
  const matrixFilters = (req: Request): MatrixPageFilters => ({
    locality: parsed(localityCode, one(req, 'locality')),
    ministry: parsed(ministryCode, one(req, 'ministry')),
    category: parsed(obstacleCategory, one(req, 'category')),
    state: parsed(cellState, one(req, 'state')),
  });
  /** The cells a person may read for these filters: Home Affairs all, a ministry those of its tasks (as GET /api/matrix). */
  const readableCells = (scope: 'all' | { ministry: string }, filters: MatrixPageFilters): MatrixFilter => ({
    ...filters,
    ...(typeof scope === 'object' ? { visibleToMinistry: scope.ministry } : {}),
  });

  router.get('/matrix', async (req, res) => {
    const { ctx } = webLocals(res);
    const scope = cellScope(ctx.principal);
    const filters = matrixFilters(req);
    const aggregateFilter: MatrixFilter = { locality: filters.locality, ministry: filters.ministry };
    const narrowed = Boolean(filters.locality || filters.ministry || filters.category || filters.state);
    const [aggregates, cells, statuses] = await Promise.all([
      matrixBottlenecks(db, aggregateFilter),
      scope !== 'none' && (narrowed || scope !== 'all')
        ? matrixJson(db, readableCells(scope, filters)).then(async (r) => {
            const items = (JSON.parse(r.itemsJson) as MatrixCellRow[]).slice(0, CELLS_SHOWN);
            const titles = await taskTitles(
              db,
              items.map((c) => c.task),
            );
            return { items: items.map((c) => ({ ...c, taskTitle: titles.get(c.task) })), total: r.total };
          })
        : Promise.resolve(null),
      localityStatuses(db),
    ]);
    sendPage(
      res,
      <MatrixPage
        ctx={ctx}
        data={{
          filters,
          aggregates,
          cells,
          mayReadCells: scope !== 'none',
          ministries: reference.ministries.filter((x) => x.delegates).map((x) => x.code),
          localities: reference.localities.map((l) => l.code),
          reporting: whoReported(statuses),
        }}
      />,
    );
  });

  // Every cell the list above would show, not only the first CELLS_SHOWN: the same CSV as GET /api/matrix.
  router.get('/matrix.csv', async (req, res) => {
    const { ctx } = webLocals(res);
    if (!ctx.principal) return res.redirect(303, signInFor(req));
    const scope = cellScope(ctx.principal);
    if (scope === 'none')
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.forbiddenBody} />, 403);
    const body = await matrixCsv(db, readableCells(scope, matrixFilters(req)));
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', 'attachment; filename="matrix.csv"');
    res.send(body);
  });

  return router;
}

import express, { Router, type Request, type Response } from 'express';
import { refuseInvalidUtf8Form } from '../../app/body-encoding';
import { communeReporter, type CommuneActions } from '../../app/commune-actions';
import { communeReportBody } from '../../app/commune-schemas';
import { reportChannel } from '../../domain/commune-cells';
import { chosenCells, dedupe, postedCells, refusalCellErrors, schemaCellErrors } from '../cell-report-form';
import type { FieldError } from '../layout';
import { localityMessages } from '../messages/localities';
import type { Db } from '../../db/client';
import {
  communeCells,
  communeReports,
  communeSeedStatus,
  getCommune,
  nationalRollup,
  provinceCommunes,
} from '../../db/communes';
import { localityExists } from '../../db/reference-data';
import { cellScopeOf, scopeReadsTask } from '../../app/cell-visibility';
import { taskDrillDown, type TaskDrillDown } from '../../app/commune-drill-down';
import { taskCode } from '../../app/schemas';
import { Refusal } from '../../domain/refusal';
import { provinceCommuneRound } from '../../db/reporting-rounds';
import { CommunePage, CommuneRollupPage, ProvinceCommunesPage, type CommuneReportForm } from '../pages/commune-pages';
import { MessagePage } from '../pages/sign-in-page';
import { sendPage } from '../render';
import { csrfValid, webLocals } from '../session';

const one = (req: Request, k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : '');

async function seeded(db: Db): Promise<boolean> {
  const s = await communeSeedStatus(db);
  return s.provinces > 0 && s.seededProvinces >= s.provinces;
}

/**
 * The commune pages: the national roll-up by province (/communes), a province's communes with a search
 * by name with or without diacritics (/localities/:code/communes), one commune (/communes/:code), and
 * on it the commune's report form for whoever may report for it. The same db reads as the API's
 * routes, so the figures agree; anyone may read the aggregates; a report goes through the same
 * application code as POST /api/communes/{code}/report.
 */
export function communePageRoutes(deps: { db: Db; actions: CommuneActions }): Router {
  const { db, actions } = deps;
  const router = Router();
  const form = express.urlencoded({
    extended: false,
    verify: refuseInvalidUtf8Form,
    limit: '1mb',
    parameterLimit: 2000,
  });

  router.get('/communes', async (_req, res) => {
    const { ctx } = webLocals(res);
    const [items, done] = await Promise.all([nationalRollup(db), seeded(db)]);
    sendPage(res, <CommuneRollupPage ctx={ctx} items={items} seeded={done} />);
  });

  router.get('/localities/:code/communes', async (req, res) => {
    const { ctx } = webLocals(res);
    const code = String(req.params.code);
    if (!/^[A-Z][A-Z0-9]{1,15}$/.test(code) || !(await localityExists(db, code)))
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.notFoundTitle} body={ctx.t.notFoundBody} />, 404);
    const q = one(req, 'q').slice(0, 100);
    // ?task=: the drill-down from the province's cell of that commune-level task (the same use case as the API's).
    const task = one(req, 'task');
    let drill: TaskDrillDown | undefined;
    if (task) {
      if (!taskCode.safeParse(task).success)
        return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.notFoundTitle} body={ctx.t.notFoundBody} />, 404);
      try {
        drill = await taskDrillDown(db, ctx.principal, code, task);
      } catch (err) {
        if (!(err instanceof Refusal) || (err.kind !== 'not-found' && err.kind !== 'invalid')) throw err;
        return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.notFoundTitle} body={ctx.t.notFoundBody} />, 404);
      }
    }
    const [all, items, done, round] = await Promise.all([
      provinceCommunes(db, code),
      q.trim() ? provinceCommunes(db, code, q) : Promise.resolve(null),
      seeded(db),
      provinceCommuneRound(db, code),
    ]);
    sendPage(
      res,
      <ProvinceCommunesPage
        ctx={ctx}
        locality={code}
        q={q}
        total={all.length}
        items={items ?? all}
        seeded={done}
        drill={drill}
        round={round}
        names={new Map(all.map((c) => [c.code, c.name]))}
      />,
    );
  });

  const notFoundPage = (res: Response) => {
    const { ctx } = webLocals(res);
    sendPage(res, <MessagePage ctx={ctx} title={ctx.t.notFoundTitle} body={ctx.t.notFoundBody} />, 404);
  };

  async function showCommune(res: Response, code: string, report: Partial<CommuneReportForm>, status = 200) {
    const { ctx } = webLocals(res);
    const commune = /^[0-9]{5}$/.test(code) ? await getCommune(db, code) : null;
    if (!commune) return notFoundPage(res);
    // As GET /api/communes/{code}: the commune, its province and Home Affairs read every cell, a ministry its tasks'.
    const scope = cellScopeOf(ctx.principal, { locality: commune.locality, commune: commune.code });
    const [cells, reports] = await Promise.all([
      scope === 'none'
        ? Promise.resolve(null)
        : communeCells(db, commune.locality, commune.code).then((all) => all.filter((c) => scopeReadsTask(scope, c))),
      communeReports(db, commune.code),
    ]);
    // The form for whoever the API lets report for this commune (the commune, its province, Home Affairs).
    const mayReport =
      ctx.principal !== null && reportChannel(communeReporter(ctx.principal), commune).ok && scope === 'all';
    const formState = mayReport ? { failed: report.failed ?? null, sent: report.sent ?? null } : undefined;
    sendPage(res, <CommunePage ctx={ctx} commune={commune} cells={cells} reports={reports} form={formState} />, status);
  }

  router.get('/communes/:code', async (req, res) => {
    const sent = /^(\d+)-(\d+)$/.exec(one(req, 'sent'));
    await showCommune(res, String(req.params.code), {
      sent: sent ? { changed: Number(sent[1]), unchanged: Number(sent[2]) } : null,
    });
  });

  // The form's address opened as a page (the language switch of a refused report, a reload): the commune's page.
  router.get('/communes/:code/report', (req, res) => {
    res.redirect(303, `/communes/${encodeURIComponent(String(req.params.code))}`);
  });

  /**
   * The commune's report from its page: the rows with a new state become the cells of one report,
   * checked by the API's schema and then by the same all-or-nothing report as the API. Any error
   * re-renders the page (422) with each error beside its cell; nothing is changed.
   */
  router.post('/communes/:code/report', form, async (req, res) => {
    const { ctx } = webLocals(res);
    const code = String(req.params.code);
    const p = ctx.principal;
    if (!p) return res.redirect(303, `/sign-in?next=${encodeURIComponent(`/communes/${code}`)}`);
    if (!csrfValid(req, res))
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.errCsrf} />, 403);
    const m = localityMessages[ctx.lang];
    const values = postedCells(req.body);
    const { chosen, body } = chosenCells(values);
    const fail = (errors: FieldError[]) => showCommune(res, code, { failed: { values, errors: dedupe(errors) } }, 422);
    if (chosen.length === 0) return fail([{ field: 'report', message: m.errNothingChosen }]);
    const checked = communeReportBody.safeParse(body);
    if (!checked.success) return fail(schemaCellErrors(m, chosen, checked.error));
    try {
      const result = await actions.report(p, code, checked.data);
      res.redirect(303, `/communes/${code}?sent=${result.changed}-${result.unchanged}`);
    } catch (err) {
      if (!(err instanceof Refusal) || err.kind === 'unavailable') throw err;
      if (err.kind === 'not-found') return notFoundPage(res);
      if (err.kind === 'forbidden')
        return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.forbiddenBody} />, 403);
      return fail(refusalCellErrors(m, chosen, err));
    }
  });

  return router;
}

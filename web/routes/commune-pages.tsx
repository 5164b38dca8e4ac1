import { Router, type Request } from 'express';
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
import { provinceCommuneRound } from '../../db/reporting-rounds';
import type { Principal } from '../../domain/principal';
import { CommunePage, CommuneRollupPage, ProvinceCommunesPage } from '../pages/commune-pages';
import { MessagePage } from '../pages/sign-in-page';
import { sendPage } from '../render';
import { webLocals } from '../session';

const one = (req: Request, k: string) => (typeof req.query[k] === 'string' ? (req.query[k] as string) : '');

async function seeded(db: Db): Promise<boolean> {
  const s = await communeSeedStatus(db);
  return s.provinces > 0 && s.seededProvinces >= s.provinces;
}

/** Who reads a commune's cells on its page: the commune itself, its province and Home Affairs (the public: aggregates). */
function readsCells(p: Principal | null, commune: { code: string; locality: string }): boolean {
  if (!p) return false;
  return (
    p.kind === 'home-affairs' ||
    (p.kind === 'commune' && p.code === commune.code) ||
    (p.kind === 'locality' && p.code === commune.locality)
  );
}

/**
 * The commune pages: the national roll-up by province (/communes), a province's communes with a search
 * by name with or without diacritics (/localities/:code/communes), one commune (/communes/:code). The same
 * db reads as the API's routes, so the figures agree; anyone may read the aggregates.
 */
export function communePageRoutes(deps: { db: Db }): Router {
  const { db } = deps;
  const router = Router();

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
        round={round}
        names={new Map(all.map((c) => [c.code, c.name]))}
      />,
    );
  });

  router.get('/communes/:code', async (req, res) => {
    const { ctx } = webLocals(res);
    const code = String(req.params.code);
    const commune = /^[0-9]{5}$/.test(code) ? await getCommune(db, code) : null;
    if (!commune)
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.notFoundTitle} body={ctx.t.notFoundBody} />, 404);
    const mayRead = readsCells(ctx.principal, commune);
    const [cells, reports] = await Promise.all([
      mayRead ? communeCells(db, commune.locality, commune.code) : Promise.resolve(null),
      communeReports(db, commune.code),
    ]);
    sendPage(res, <CommunePage ctx={ctx} commune={commune} cells={cells} reports={reports} />);
  });

  return router;
}

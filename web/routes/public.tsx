import { Router } from 'express';
import { summary } from '../../db/dashboard';
import type { Db } from '../../db/client';
import { localityStatuses } from '../../db/matrix';
import { listTasks, type ApiTask } from '../../db/tasks';
import { whoReported } from '../components/who-reported';
import { UTF8_BOM, publicTasksCsv } from '../../app/task-csv';
import { XLSX_TYPE, tasksXlsx } from '../../app/task-xlsx';
import { ministryChartSvg, statusChartSvg } from '../charts';
import { listFilters, type PublicFilters } from '../filters';
import { isLang } from '../i18n';
import { OpenDataDictionaryPage } from '../pages/open-data-dictionary-page';
import { PublicPage } from '../pages/public-page';
import { sendPage } from '../render';
import { webLocals } from '../session';

const PAGE_SIZE = 50;

/** Every task matching the filters (the downloads hold all of them, read in pages of 1000). */
async function allMatching(db: Db, f: PublicFilters): Promise<ApiTask[]> {
  const all: ApiTask[] = [];
  for (let page = 1; ; page++) {
    const chunk = await listTasks(db, { ...f, sort: 'code', page, limit: 1000 });
    const items = JSON.parse(chunk.itemsJson) as ApiTask[];
    all.push(...items);
    if (all.length >= chunk.total || items.length === 0) return all;
  }
}

/** A task without personal data (no focal point): what the public and the open data see. */
export function publicTask(t: ApiTask) {
  const { focalPoint: _personal, milestones, ...rest } = t;
  return { ...rest, milestones: milestones.map(({ actor: _actor, ...m }) => m) };
}

/** The public page, its open-data downloads and the charts (no sign-in, no personal data). */
export function publicRoutes(db: Db): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const { ctx } = webLocals(res);
    const { page, ...filters } = listFilters(req);
    const [totals, list, statuses] = await Promise.all([
      summary(db),
      listTasks(db, { ...filters, sort: 'code', page, limit: PAGE_SIZE }),
      localityStatuses(db),
    ]);
    sendPage(
      res,
      <PublicPage
        ctx={ctx}
        totals={totals}
        byMinistry={totals.byMinistry}
        filters={filters}
        dataAsOf={new Date().toISOString()}
        list={{
          items: (JSON.parse(list.itemsJson) as ApiTask[]).map((t) => ({ ...t, focalPoint: { name: '', email: '' } })),
          total: list.total,
          page,
          limit: PAGE_SIZE,
        }}
        reporting={whoReported(statuses)}
      />,
    );
  });

  router.get('/open-data/tasks.csv', async (req, res) => {
    const { page: _page, ...filters } = listFilters(req);
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .setHeader('Content-Disposition', 'attachment; filename="tasks.csv"');
    // `?bom=1`: a byte-order mark first, so Excel reads the file as UTF-8 (the public page's link has it).
    res.send(`${req.query.bom === '1' ? UTF8_BOM : ''}${publicTasksCsv(await allMatching(db, filters))}`);
  });

  router.get('/open-data/tasks.xlsx', async (req, res) => {
    const { page: _page, ...filters } = listFilters(req);
    const file = await tasksXlsx(await allMatching(db, filters), { personalData: false });
    res.status(200).type(XLSX_TYPE).setHeader('Content-Disposition', 'attachment; filename="tasks.xlsx"');
    res.send(file);
  });

  router.get('/open-data/dictionary', (_req, res) => {
    sendPage(res, <OpenDataDictionaryPage ctx={webLocals(res).ctx} />);
  });

  router.get('/open-data/tasks.json', async (req, res) => {
    const { page: _page, ...filters } = listFilters(req);
    const items = (await allMatching(db, filters)).map(publicTask);
    res.status(200).setHeader('Content-Disposition', 'attachment; filename="tasks.json"');
    res.json({ generatedAt: new Date().toISOString(), total: items.length, items });
  });

  // Charts as SVG images: their text carries inline styles, which the pages' CSP forbids, so each
  // image gets its own policy (no scripts at all) and the page only embeds it with <img>.
  router.get('/charts/:chart.svg', async (req, res, next) => {
    const lang = isLang(req.query.lang) ? req.query.lang : webLocals(res).ctx.lang;
    const totals = await summary(db);
    let svg: string;
    if (req.params.chart === 'status') svg = statusChartSvg(lang, totals);
    else if (req.params.chart === 'ministries') svg = ministryChartSvg(lang, totals.byMinistry);
    else return next();
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.setHeader('Cache-Control', 'no-cache');
    res.type('image/svg+xml').send(svg);
  });

  return router;
}

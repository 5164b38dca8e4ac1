import type { ApiTask } from '../../db/tasks';
import { TASK_STATUSES } from '../../domain/task';
import { filterQuery, listHref, type PublicFilters } from '../filters';
import { HeadlineFigures, type MinistryProgress, type StatusTotals } from '../headline-figures';
import { formatDateTime, formatNumber, formatPercent, ministryNames, statusName } from '../i18n';
import { openDataMessages } from '../messages/open-data';
import { Layout } from '../layout';
import type { PageContext } from '../page-context';
import { Pagination, TaskTable } from '../task-table';
import { BothNames } from '../components/both-names';
import { WhoReportedLine, type WhoReportedFigures } from '../components/who-reported';
import { ministryChartSvg, svgDataUrl } from '../charts';

/** Progress by ministry as a table (the chart's text equivalent); every figure links to the filtered list. */
export function MinistryProgressTable(props: {
  ctx: PageContext;
  rows: MinistryProgress[];
  base: string;
  id?: string;
}) {
  const { ctx } = props;
  const { lang, t } = ctx;
  return (
    <div class="table-wrap">
      <table id={props.id}>
        <caption>{t.byMinistry}</caption>
        <thead>
          <tr>
            <th scope="col">{t.ministry}</th>
            <th scope="col" class="num">
              {t.total}
            </th>
            <th scope="col" class="num">
              {t.open}
            </th>
            <th scope="col" class="num">
              {t.overdue}
            </th>
            <th scope="col" class="num">
              {t.feasibleShare}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows
            .filter((r) => r.total > 0)
            .map((r) => {
              const names = ministryNames(lang, r.ministry);
              return (
                <tr key={r.ministry}>
                  <th scope="row">
                    <BothNames {...names} lang={lang} />
                  </th>
                  <td class="num">
                    <a href={listHref(props.base, { ministry: r.ministry })}>{formatNumber(lang, r.total)}</a>
                  </td>
                  <td class="num">{formatNumber(lang, r.open)}</td>
                  <td class="num">
                    {r.overdue > 0 ? (
                      <a href={listHref(props.base, { ministry: r.ministry, overdue: true })}>
                        {formatNumber(lang, r.overdue)}
                      </a>
                    ) : (
                      formatNumber(lang, 0)
                    )}
                  </td>
                  <td class="num">
                    {formatPercent(lang, r.total === 0 ? 0 : Math.round(((r.total - r.open) * 10000) / r.total) / 100)}
                  </td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </div>
  );
}

/** The list's filter form (GET: works without JavaScript, and the URL can be shared). */
export function TaskFilters(props: { ctx: PageContext; filters: PublicFilters; action: string; ministries: string[] }) {
  const { ctx, filters } = props;
  const { t, lang } = ctx;
  return (
    <form method="get" action={`${props.action}#tasks`} class="filters" role="search" aria-label={t.taskList}>
      <div class="field">
        <label for="q">{t.search}</label>
        <input id="q" name="q" type="search" value={filters.q ?? ''} />
      </div>
      <div class="field">
        <label for="status">{t.status}</label>
        <select id="status" name="status">
          <option value="">{t.any}</option>
          {TASK_STATUSES.map((s) => (
            <option key={s} value={s} selected={filters.status === s}>
              {statusName(lang, s)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="ministry">{t.leadMinistry}</label>
        <select id="ministry" name="ministry">
          <option value="">{t.any}</option>
          {props.ministries.map((m) => (
            <option key={m} value={m} selected={filters.ministry === m}>
              {ministryNames(lang, m).main}
            </option>
          ))}
        </select>
      </div>
      <div class="checkbox">
        <input id="overdue" name="overdue" type="checkbox" value="true" checked={filters.overdue === true} />
        <label for="overdue">{t.overdueOnly}</label>
      </div>
      <div>
        <button type="submit" class="button">
          {t.filter}
        </button>{' '}
        <a href={`${props.action}#tasks`}>{t.clearFilters}</a>
      </div>
    </form>
  );
}

export function PublicPage(props: {
  ctx: PageContext;
  /** The dashboard's summary (db/dashboard.ts), so "n of 34 reported" is the dashboard's figure. */
  totals: StatusTotals & { localities: { reported: number; total: number } };
  byMinistry: MinistryProgress[];
  filters: PublicFilters;
  /** The instant the page's figures and list were read (all from the same live read model). */
  dataAsOf: string;
  list: { items: ApiTask[]; total: number; page: number; limit: number };
  reporting: WhoReportedFigures;
}) {
  const { ctx, totals, filters, list } = props;
  const { t, lang } = ctx;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filterQuery(filters))) if (v) q.set(k, v);
  const openDataQuery = q.toString() ? `?${q.toString()}` : '';
  const csvQuery = `?${[q.toString(), 'bom=1'].filter(Boolean).join('&')}`;
  const od = openDataMessages[lang];
  return (
    <Layout ctx={ctx} title={t.publicTitle}>
      <h1>{t.publicTitle}</h1>
      <p class="lead">{t.publicLead}</p>
      <p class="data-as-of">
        {od.dataAsOf(formatDateTime(lang, props.dataAsOf))} ·{' '}
        <WhoReportedLine lang={lang} figures={props.reporting} inline />
      </p>
      <HeadlineFigures ctx={ctx} totals={totals} base="/" />

      <h2 id="ministries">{t.byMinistry}</h2>
      <div class="chart-block">
        <img
          class="chart"
          src={svgDataUrl(ministryChartSvg(lang, props.byMinistry))}
          alt={t.chartMinistryAlt}
          width={900}
          height={360}
          fetchpriority="high"
        />
      </div>
      <MinistryProgressTable ctx={ctx} rows={props.byMinistry} base="/" />

      <h2 id="tasks">{t.taskList}</h2>
      <TaskFilters
        ctx={ctx}
        filters={filters}
        action="/"
        ministries={props.byMinistry.filter((m) => m.total > 0).map((m) => m.ministry)}
      />
      <p>
        <a href={`/open-data/tasks.csv${csvQuery}`} download>
          {t.downloadCsv}
        </a>{' '}
        ·{' '}
        <a href={`/open-data/tasks.xlsx${openDataQuery}`} download>
          {od.downloadXlsx}
        </a>{' '}
        ·{' '}
        <a href={`/open-data/tasks.json${openDataQuery}`} download>
          {t.downloadJson}
        </a>{' '}
        · <a href="/open-data/dictionary">{od.dictionaryLink}</a>
        <br />
        <span class="hint">
          {t.openDataNote} {od.csvNote}
        </span>
      </p>
      <TaskTable ctx={ctx} tasks={list.items} caption={t.taskList} />
      <Pagination
        ctx={ctx}
        base="/"
        query={filterQuery(filters)}
        page={list.page}
        limit={list.limit}
        total={list.total}
      />
    </Layout>
  );
}

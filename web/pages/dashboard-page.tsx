import type { ApiTask } from '../../db/tasks';
import { TASK_STATUSES } from '../../domain/task';
import { formatDate, formatNumber, formatPercent, localityNames, ministryNames, statusName } from '../i18n';
import { Layout, StatusTag } from '../layout';
import type { PageContext } from '../page-context';
import { TaskTable } from '../task-table';
import { listHref } from '../filters';
import { HeadlineFigures, type MinistryProgress, type StatusTotals } from '../headline-figures';
import { insightMessages } from '../messages/insight';
import { AsOfForm, AtRiskSection, OverdueSection, TrendSection, type AsOfState } from './insight-sections';
import { MinistryProgressTable } from './public-page';
import type { Forecast, OverdueTask } from '../../domain/at-risk';
import type { TrendPoint } from '../../domain/trend';
import { LocalitiesLinks } from './matrix-page';
import { TableHead } from '../components/table-head';
import { BothNames } from '../components/both-names';
import { statusChartSvg, svgDataUrl } from '../charts';

export interface DashboardData {
  totals: StatusTotals;
  byMinistry: MinistryProgress[];
  overdueByMinistry: { ministry: string; overdue: number; maxDaysOverdue: number }[];
  localities: { code: string; reported: boolean }[];
  dueSoon: ApiTask[];
  mostObstacles: ApiTask[];
  /** The latest obstacle reports of localities: the cells now, or as their history had them at a past date. */
  obstacleReports: { taskCode: string; locality: string; description: string; at: string }[];
  /** Issue 15: the day the figures are of (null: now), the weekly trend, the at-risk forecast. */
  insight: {
    asOf: AsOfState;
    /** With a past date: how many localities had reported then (the names are known for the present only). */
    localitiesReportedAsOf: { reported: number; total: number } | null;
    trendMinistry?: string;
    trend: TrendPoint[];
    atRisk: Forecast[];
    openTotal: number;
    /** The overdue tasks (the first of them), most overdue first, and how many there are. */
    overdue: OverdueTask[];
    overdueTotal: number;
  };
}

export function DashboardPage(props: { ctx: PageContext; data: DashboardData }) {
  const { ctx, data } = props;
  const { t, lang } = ctx;
  const reported = data.localities.filter((l) => l.reported).length;
  const missing = data.localities.filter((l) => !l.reported);
  const overdueBy = new Map(data.overdueByMinistry.map((o) => [o.ministry, o]));
  const { insight } = data;
  const past = insight.asOf.date !== null;
  // Links to the present task list are left out of figures of a past day.
  const base = past ? null : '/';
  const im = insightMessages[lang];
  return (
    <Layout ctx={ctx} title={t.dashboardTitle}>
      <h1>{t.dashboardTitle}</h1>
      <AsOfForm ctx={ctx} asOf={insight.asOf} ministry={insight.trendMinistry} />
      <HeadlineFigures ctx={ctx} totals={data.totals} base={base} />

      <h2 id="status">{t.statusTotals}</h2>
      <div class="chart-block">
        <img
          class="chart"
          src={svgDataUrl(statusChartSvg(lang, data.totals))}
          alt={t.chartStatusAlt}
          width={900}
          height={220}
          fetchpriority="high"
        />
      </div>
      <table>
        <caption class="visually-hidden">{t.statusTotals}</caption>
        <thead>
          <tr>
            <th scope="col">{t.status}</th>
            <th scope="col" class="num">
              {t.count}
            </th>
            <th scope="col" class="num">
              {t.share}
            </th>
          </tr>
        </thead>
        <tbody>
          {TASK_STATUSES.map((s) => (
            <tr key={s}>
              <th scope="row">
                <StatusTag status={s} label={statusName(lang, s)} />
              </th>
              <td class="num">
                {past ? (
                  formatNumber(lang, data.totals.byStatus[s].count)
                ) : (
                  <a href={listHref('/', { status: s })}>{formatNumber(lang, data.totals.byStatus[s].count)}</a>
                )}
              </td>
              <td class="num">{formatPercent(lang, data.totals.byStatus[s].percent)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 id="bottlenecks">{t.bottlenecks}</h2>
      <div class="chart-block">
        <img
          class="chart"
          src={
            past
              ? `/dashboard/charts/ministries.svg?lang=${lang}&asOf=${insight.asOf.date}`
              : `/charts/ministries.svg?lang=${lang}`
          }
          alt={t.chartMinistryAlt}
          width={900}
          height={360}
        />
      </div>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">{t.bottlenecks}</caption>
          <thead>
            <tr>
              <th scope="col">{t.ministry}</th>
              <th scope="col" class="num">
                {t.open}
              </th>
              <th scope="col" class="num">
                {t.overdue}
              </th>
              <th scope="col" class="num">
                {t.oldestOverdue}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.byMinistry
              .filter((m) => m.total > 0)
              .map((m) => {
                const o = overdueBy.get(m.ministry);
                const names = ministryNames(lang, m.ministry);
                return (
                  <tr key={m.ministry} class={m.overdue > 0 ? 'overdue' : undefined}>
                    <th scope="row">
                      <BothNames {...names} lang={lang} />
                    </th>
                    <td class="num">
                      {past ? (
                        formatNumber(lang, m.open)
                      ) : (
                        <a href={listHref('/', { ministry: m.ministry })}>{formatNumber(lang, m.open)}</a>
                      )}
                    </td>
                    <td class="num">
                      {m.overdue > 0 && !past ? (
                        <a href={listHref('/', { ministry: m.ministry, overdue: true })}>
                          {formatNumber(lang, m.overdue)}
                        </a>
                      ) : (
                        formatNumber(lang, m.overdue)
                      )}
                    </td>
                    <td class="num">{o ? formatNumber(lang, o.maxDaysOverdue) : '—'}</td>
                  </tr>
                );
              })}
          </tbody>
        </table>
      </div>
      <details>
        <summary>{t.byMinistry}</summary>
        <MinistryProgressTable ctx={ctx} rows={data.byMinistry} base="/" />
      </details>

      <TrendSection
        ctx={ctx}
        asOf={insight.asOf}
        ministry={insight.trendMinistry}
        ministries={data.byMinistry.filter((x) => x.total > 0).map((x) => x.ministry)}
        points={insight.trend}
      />

      <OverdueSection ctx={ctx} tasks={insight.overdue} total={insight.overdueTotal} />

      <AtRiskSection ctx={ctx} forecasts={insight.atRisk} total={insight.openTotal} />

      <h2 id="localities">{t.localitiesReporting}</h2>
      {insight.localitiesReportedAsOf ? (
        <p class="lead">
          {im.localitiesReportedAsOf(
            formatNumber(lang, insight.localitiesReportedAsOf.reported),
            formatNumber(lang, insight.localitiesReportedAsOf.total),
          )}
        </p>
      ) : (
        <p class="lead">
          {t.localitiesReported(formatNumber(lang, reported), formatNumber(lang, data.localities.length))}
        </p>
      )}
      {past ? (
        <p class="muted">{im.asOfNowOnly}</p>
      ) : missing.length === 0 ? (
        <p>{t.allReported}</p>
      ) : (
        <>
          <h3>{t.notReported}</h3>
          <ul>
            {missing.map((l) => {
              const n = localityNames(lang, l.code);
              return (
                <li key={l.code}>
                  {n.main}{' '}
                  <span class="muted" lang={lang === 'vi' ? 'en' : 'vi'}>
                    ({n.other})
                  </span>
                </li>
              );
            })}
          </ul>
        </>
      )}

      <LocalitiesLinks ctx={ctx} />

      <h2 id="due-soon">{t.dueSoon}</h2>
      {data.dueSoon.length === 0 ? (
        <p>{t.noneDueSoon}</p>
      ) : (
        <TaskTable ctx={ctx} tasks={data.dueSoon} caption={t.dueSoon} />
      )}

      <h2 id="obstacles">{t.obstacleReports}</h2>
      {data.mostObstacles.length === 0 ? (
        <p>{t.noObstacles}</p>
      ) : (
        <TaskTable
          ctx={ctx}
          tasks={data.mostObstacles}
          caption={t.obstacleReports}
          extra={{ header: t.obstacleCount, cell: (task) => formatNumber(lang, task.reports.obstacle) }}
        />
      )}
      <LocalityReportsTable ctx={ctx} reports={data.obstacleReports} />
    </Layout>
  );
}

/**
 * The latest locality obstacle reports: the matrix cells now, or as their history had them at the end
 * of the past day asked for. None: nothing (the section's sentence above already says no locality has
 * reported an obstacle, from the same cells).
 */
function LocalityReportsTable(props: { ctx: PageContext; reports: DashboardData['obstacleReports'] }) {
  const { ctx, reports } = props;
  const { t, lang } = ctx;
  if (reports.length === 0) return null;
  return (
    <table>
      <caption>{t.localityReports}</caption>
      <TableHead columns={[t.code, t.locality, t.report, t.reportedOn]} />
      <tbody>
        {reports.map((r) => (
          <tr key={`${r.taskCode}-${r.locality}-${r.at}`}>
            <td>
              <a href={`/tasks/${encodeURIComponent(r.taskCode)}`}>{r.taskCode}</a>
            </td>
            <td>{localityNames(lang, r.locality).main}</td>
            <td>{r.description}</td>
            <td>{formatDate(lang, r.at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

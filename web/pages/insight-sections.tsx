/**
 * The dashboard's insight sections (issue 15): the "as of" date form, the weekly trend (chart,
 * table, downloads) and the at-risk list. Kept apart from the rest of the dashboard so other
 * sections can grow beside them.
 */
import { InLang } from '../components/lang-text';
import type { Forecast, OverdueTask } from '../../domain/at-risk';
import type { TrendPoint } from '../../domain/trend';
import { TASK_STATUSES } from '../../domain/task';
import { formatDate, formatNumber, ministryNames, statusName, taskTitle } from '../i18n';
import { ErrorSummary, StatusTag, TextField, type FieldError } from '../layout';
import { insightMessages } from '../messages/insight';
import type { PageContext } from '../page-context';
import { TableHead } from '../components/table-head';

export interface AsOfState {
  /** What the person typed (kept on error). */
  input: string;
  /** The day the figures are of (YYYY-MM-DD), null for the present. */
  date: string | null;
  errors: FieldError[];
}

/** The query string the dashboard's own links carry: the date, and the trend's ministry. */
export function dashboardQuery(asOf: AsOfState, ministry: string | undefined): string {
  const q = new URLSearchParams();
  if (asOf.date) q.set('asOf', formatDate('vi', asOf.date));
  if (ministry) q.set('ministry', ministry);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** GET form: the figures as they stood at the end of a past day (the API's ?asOf=). */
export function AsOfForm(props: { ctx: PageContext; asOf: AsOfState; ministry?: string }) {
  const { ctx, asOf } = props;
  const m = insightMessages[ctx.lang];
  return (
    <>
      <ErrorSummary ctx={ctx} errors={asOf.errors} />
      <form method="get" action="/dashboard" class="filters as-of-form" aria-labelledby="as-of-legend">
        <p id="as-of-legend" class="form-legend">
          {m.asOfLegend}
        </p>
        <TextField
          name="asOf"
          label={m.asOfLabel}
          hint={m.asOfHint}
          value={asOf.input}
          errors={asOf.errors}
          width="short"
          inputmode="numeric"
        />
        {props.ministry && <input type="hidden" name="ministry" value={props.ministry} />}
        <div>
          <button type="submit" class="button">
            {m.asOfShow}
          </button>{' '}
          {asOf.date && (
            <a href={`/dashboard${dashboardQuery({ ...asOf, date: null }, props.ministry)}`}>{m.asOfNow}</a>
          )}
        </div>
      </form>
      {asOf.date && (
        <p class="as-of-banner" role="status">
          <strong>{m.asOfBanner(formatDate(ctx.lang, asOf.date))}</strong>
        </p>
      )}
    </>
  );
}

/** The weekly trend: chart (SVG image), the same figures as a table, the downloads; filtered by ministry. */
export function TrendSection(props: {
  ctx: PageContext;
  asOf: AsOfState;
  ministry?: string;
  ministries: string[];
  points: TrendPoint[];
}) {
  const { ctx, points, ministry } = props;
  const { lang } = ctx;
  const m = insightMessages[lang];
  const chartQuery = new URLSearchParams({ lang });
  if (ministry) chartQuery.set('ministry', ministry);
  if (props.asOf.date) chartQuery.set('asOf', props.asOf.date);
  const downloads = new URLSearchParams();
  if (ministry) downloads.set('ministry', ministry);
  if (props.asOf.date) downloads.set('asOf', props.asOf.date);
  const dq = downloads.toString() ? `?${downloads.toString()}` : '';
  const who = ministry ? ministryNames(lang, ministry).main : m.trendAll;
  // The table shows the last 12 weeks, newest first; the chart and the downloads have every week.
  const recent = points.slice(-12).reverse();
  return (
    <section aria-labelledby="trend">
      <h2 id="trend">{m.trendTitle}</h2>
      <p>{m.trendLead}</p>
      <form method="get" action="/dashboard#trend" class="filters" aria-label={m.trendTitle}>
        {props.asOf.date && <input type="hidden" name="asOf" value={formatDate('vi', props.asOf.date)} />}
        <div class="field">
          <label for="trend-ministry">{m.trendMinistry}</label>
          <select id="trend-ministry" name="ministry">
            <option value="">{m.trendAll}</option>
            {props.ministries.map((code) => (
              <option key={code} value={code} selected={ministry === code}>
                {ministryNames(lang, code).main}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit" class="button">
            {m.trendShow}
          </button>
        </div>
      </form>
      {points.length === 0 ? (
        <p>{m.noTrend}</p>
      ) : (
        <>
          <div class="chart-block">
            <img
              class="chart"
              src={`/dashboard/trend.svg?${chartQuery.toString()}`}
              alt={m.trendChartAlt(who)}
              width={900}
              height={360}
            />
          </div>
          <p>
            <a href={`/dashboard/trend.csv${dq}`} download>
              {m.trendDownloadCsv}
            </a>{' '}
            ·{' '}
            <a href={`/dashboard/trend.json${dq}`} download>
              {m.trendDownloadJson}
            </a>
          </p>
          <div class="table-wrap">
            <table id="trend-table">
              <caption>
                {m.trendTable}: {who}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{m.weekOf}</th>
                  {TASK_STATUSES.map((s) => (
                    <th key={s} scope="col" class="num">
                      {statusName(lang, s)}
                    </th>
                  ))}
                  <th scope="col" class="num">
                    {m.openCount}
                  </th>
                  <th scope="col" class="num">
                    {m.overdueCount}
                  </th>
                </tr>
              </thead>
              <tbody>
                {recent.map((p) => (
                  <tr key={p.weekStart}>
                    <th scope="row">{formatDate(lang, p.weekStart)}</th>
                    {TASK_STATUSES.map((s) => (
                      <td key={s} class="num">
                        {formatNumber(lang, p.byStatus[s])}
                      </td>
                    ))}
                    <td class="num">{formatNumber(lang, p.open)}</td>
                    <td class="num">{formatNumber(lang, p.overdue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** Overdue tasks, a list of their own: most days overdue first, each linking to its task. */
export function OverdueSection(props: { ctx: PageContext; tasks: OverdueTask[]; total: number }) {
  const { ctx, tasks } = props;
  const { lang, t } = ctx;
  const m = insightMessages[lang];
  return (
    <section aria-labelledby="overdue-list">
      <h2 id="overdue-list">{m.overdueTitle}</h2>
      <p>{m.overdueLead}</p>
      {tasks.length === 0 ? (
        <p>{m.noOverdue}</p>
      ) : (
        <>
          <p class="muted">
            {m.overdueShown(formatNumber(lang, tasks.length), formatNumber(lang, props.total))}{' '}
            <a href="/?overdue=true">{m.allOverdue}</a>
          </p>
          <div class="table-wrap">
            <table id="overdue-table">
              <caption class="visually-hidden">{m.overdueTable}</caption>
              <TableHead columns={[t.code, t.status, t.dueDate, { label: m.daysOverdue, num: true }]} />
              <tbody>
                {tasks.map((o) => (
                  <tr key={o.code}>
                    <td>
                      <a href={`/tasks/${encodeURIComponent(o.code)}`}>{o.code}</a>
                      <InLang class="task-title" text={taskTitle(lang, o)} />
                      <span class="muted">{ministryNames(lang, o.leadMinistry).main}</span>
                    </td>
                    <td>
                      <StatusTag status={o.status} label={statusName(lang, o.status)} />
                    </td>
                    <td>{formatDate(lang, o.dueDate)}</td>
                    <td class="num">
                      <strong>{formatNumber(lang, o.daysOverdue)}</strong>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** The forecast's reasons name dates as YYYY-MM-DD; the pages write dd/mm/yyyy. */
const dayMonthYear = (text: string) => text.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, '$3/$2/$1');

/** Open tasks ranked by the forecast's risk, each with its reasons in words and a link to the task. */
export function AtRiskSection(props: { ctx: PageContext; forecasts: Forecast[]; total: number }) {
  const { ctx, forecasts } = props;
  const { lang, t } = ctx;
  const m = insightMessages[lang];
  return (
    <section aria-labelledby="at-risk">
      <h2 id="at-risk">{m.atRiskTitle}</h2>
      <p>{m.atRiskLead}</p>
      {forecasts.length === 0 ? (
        <p>{m.noAtRisk}</p>
      ) : (
        <>
          <p class="muted">{m.atRiskShown(formatNumber(lang, forecasts.length), formatNumber(lang, props.total))}</p>
          <div class="table-wrap">
            <table id="at-risk-table">
              <caption class="visually-hidden">{m.atRiskTable}</caption>
              <TableHead
                columns={[t.code, t.status, { label: m.probability, num: true }, m.expectedResolution, m.reasons]}
              />
              <tbody>
                {forecasts.map((f) => (
                  <tr key={f.code} class={`risk-${f.risk}`}>
                    <td>
                      <a href={`/tasks/${encodeURIComponent(f.code)}`}>{f.code}</a>
                      <InLang class="task-title" text={taskTitle(lang, f)} />
                      <span class="muted">{ministryNames(lang, f.leadMinistry).main}</span>
                    </td>
                    <td>
                      <StatusTag status={f.status} label={statusName(lang, f.status)} />
                      {f.dueDate && (
                        <span class="muted">
                          {t.dueDate}: {formatDate(lang, f.dueDate)}
                        </span>
                      )}
                    </td>
                    <td class="num">
                      <strong>{`${formatNumber(lang, Math.round(f.probabilityLate * 100))} %`}</strong>
                      <span class={`risk-label risk-label-${f.risk}`}>{m.risk[f.risk]}</span>
                    </td>
                    <td>{formatDate(lang, f.expectedResolution)}</td>
                    <td>
                      <ul class="reasons">
                        {f.reasons.map((r) => (
                          <li key={r.code}>{dayMonthYear(r[lang])}</li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

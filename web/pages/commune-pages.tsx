import { InLang } from '../components/lang-text';
import type { CommuneCell, CommuneReportRow, CommuneRow, ProvinceRollup } from '../../db/communes';
import type { ProvinceRoundProgress } from '../../db/reporting-rounds';
import { CELL_STATES, type CellState } from '../../domain/locality-cells';
import type { CommuneTaskCell, TaskDrillDown } from '../../app/commune-drill-down';
import { catalogText, formatDate, formatDateTime, formatNumber, localityName, localityNames, type Lang } from '../i18n';
import { CellStateTable } from '../components/cell-state-table';
import { TableHead } from '../components/table-head';
import { BothNames } from '../components/both-names';
import { CommuneRollup } from '../components/commune-rollup';
import { StateCountCells, stateCountHeadings } from '../components/state-counts';
import { ErrorSummary, Form, Layout, StatusTag, type FieldError } from '../layout';
import { ReportInputs, ReportSubmit, type CellInput } from '../components/cell-report-inputs';
import { communeMessages } from '../messages/communes';
import { categoryName, localityMessages } from '../messages/localities';
import type { PageContext } from '../page-context';

/** The national roll-up by province: the matrix drill-down's first step (province → its communes). */
export function CommuneRollupPage(props: { ctx: PageContext; items: ProvinceRollup[]; seeded: boolean }) {
  const { ctx, items, seeded } = props;
  const { lang } = ctx;
  const c = communeMessages[lang];
  const sum = (f: (r: ProvinceRollup) => number) => items.reduce((n, r) => n + f(r), 0);
  return (
    <Layout ctx={ctx} title={c.rollupTitle}>
      <h1>{c.rollupTitle}</h1>
      <p class="lead">{c.rollupLead}</p>
      {!seeded && (
        <p class="notice" role="status">
          {c.seeding}
        </p>
      )}
      <table>
        <caption class="visually-hidden">{c.rollupTitle}</caption>
        <TableHead
          columns={[
            c.province,
            { label: c.communes, num: true },
            { label: c.communesReported, num: true },
            { label: c.tasks, num: true },
            ...stateCountHeadings(lang),
          ]}
        />
        <tbody>
          {items.map((r) => (
            <tr key={r.locality}>
              <th scope="row">
                <a href={`/localities/${r.locality}/communes`}>
                  <BothNames {...localityNames(lang, r.locality)} lang={lang} />
                </a>
              </th>
              <td class="num">{formatNumber(lang, r.communes)}</td>
              <td class="num">{formatNumber(lang, r.communesReported)}</td>
              <td class="num">{formatNumber(lang, r.tasks)}</td>
              <StateCountCells lang={lang} counts={r.byState} />
            </tr>
          ))}
          <tr>
            <th scope="row">{c.totals}</th>
            <td class="num">
              {formatNumber(
                lang,
                sum((r) => r.communes),
              )}
            </td>
            <td class="num">
              {formatNumber(
                lang,
                sum((r) => r.communesReported),
              )}
            </td>
            <td class="num"></td>
            <StateCountCells
              lang={lang}
              counts={
                Object.fromEntries(CELL_STATES.map((s) => [s, sum((r) => r.byState[s])])) as Record<CellState, number>
              }
            />
          </tr>
        </tbody>
      </table>
    </Layout>
  );
}

/**
 * One province's communes, searchable by name with or without diacritics (a GET form: no script needed);
 * with a task (`drill`), the drill-down from the province's cell of that commune-level task (its roll-up)
 * to the task's cell in each commune, for those who read the cells.
 */
export function ProvinceCommunesPage(props: {
  ctx: PageContext;
  locality: string;
  q: string;
  total: number;
  items: CommuneRow[];
  seeded: boolean;
  drill?: TaskDrillDown;
  /** Its communes in the latest commune round, and the names of all its communes (for who has not reported). */
  round?: ProvinceRoundProgress | null;
  names?: Map<string, string>;
}) {
  const { ctx, locality, q, total, items, seeded, drill, round } = props;
  const { lang } = ctx;
  const c = communeMessages[lang];
  const province = localityName(lang, locality);
  const title = drill ? c.taskDrillTitle(drill.task, province) : c.provinceTitle(province);
  const taskCells = drill?.cells ?? null;
  return (
    <Layout ctx={ctx} title={title}>
      <p class="caption">
        <a href="/communes">{c.backToRollup}</a>
        {drill && (
          <>
            {' '}
            › <a href={`/localities/${locality}/communes`}>{c.backToProvince(province)}</a>
          </>
        )}
      </p>
      <h1>{title}</h1>
      <p class="lead">{c.provinceLead(formatNumber(lang, total))}</p>
      {drill && (
        <section aria-labelledby="task-rollup" id="task-drill-down">
          <h2 id="task-rollup">
            <a href={`/tasks/${encodeURIComponent(drill.task)}`}>{c.taskState(drill.task)}</a>
          </h2>
          <p>{c.taskDrillLead}</p>
          <CommuneRollup lang={lang} rollup={drill.communes} />
          {taskCells === null && <p>{c.taskCellsHidden}</p>}
        </section>
      )}
      {!seeded && (
        <p class="notice" role="status">
          {c.seeding}
        </p>
      )}
      {round && <ProvinceRound ctx={ctx} round={round} names={props.names ?? new Map()} />}
      <form method="get" action={`/localities/${locality}/communes`} role="search" class="filters">
        <label for="commune-q">{c.search}</label>
        <input id="commune-q" type="search" name="q" value={q} maxLength={100} />
        {drill && <input type="hidden" name="task" value={drill.task} />}
        <button type="submit">{c.searchButton}</button>
      </form>
      {q && (
        <p role="status">
          {items.length > 0 ? c.found(formatNumber(lang, items.length), formatNumber(lang, total)) : c.noneFound}
        </p>
      )}
      {items.length > 0 && (
        <table>
          <caption class="visually-hidden">{title}</caption>
          <TableHead
            columns={[
              c.code,
              c.name,
              c.kind,
              ...(taskCells ? [c.taskState(drill?.task ?? '')] : []),
              ...stateCountHeadings(lang),
              c.reportedAt,
            ]}
          />
          <tbody>
            {items.map((r) => (
              <tr key={r.code}>
                <td>{r.code}</td>
                <th scope="row">
                  <a href={`/communes/${r.code}`} lang="vi">
                    {r.name}
                  </a>
                </th>
                <td>{c.kinds[r.kind] ?? r.kind}</td>
                {taskCells && <TaskCellState lang={lang} cell={taskCells.get(r.code)} />}
                <StateCountCells lang={lang} counts={r.byState} />
                <td>{r.reportedAt ? formatDateTime(lang, r.reportedAt) : c.notReported}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

/** A commune's cell of the drill-down's task: its state and, for an obstacle, the category. */
function TaskCellState(props: { lang: Lang; cell: CommuneTaskCell | undefined }) {
  const { lang, cell } = props;
  const m = localityMessages[lang];
  if (!cell) return <td></td>;
  return (
    <td class="task-cell" data-state={cell.state}>
      <StatusTag status={cell.state} label={m.cellStates[cell.state]} />
      {cell.category && <div>{categoryName(lang, cell.category)}</div>}
    </td>
  );
}

/**
 * The province's communes in the latest commune round: "n trên N xã/phường đã báo cáo" (the rows the
 * round's own figure sums, as the API's `round` says) and who has not reported yet, linked to their pages.
 */
function ProvinceRound(props: { ctx: PageContext; round: ProvinceRoundProgress; names: Map<string, string> }) {
  const { ctx, round, names } = props;
  const { lang } = ctx;
  const c = communeMessages[lang];
  return (
    <section class="panel" aria-labelledby="commune-round-title" id="commune-round">
      <h2 id="commune-round-title">
        {round.status === 'OPEN'
          ? c.roundOfProvince(round.round, formatDate(lang, round.dueDate))
          : c.roundOfProvinceClosed(round.round)}
      </h2>
      <p>
        <strong id="commune-round-figure">
          {c.communesReportedOf(formatNumber(lang, round.reported), formatNumber(lang, round.total))}
        </strong>
      </p>
      {round.notReported.length === 0 ? (
        <p>{c.allCommunesReported}</p>
      ) : (
        <details open={round.notReported.length <= 12}>
          <summary>
            {c.notReportedInRound} ({formatNumber(lang, round.notReported.length)})
          </summary>
          <ul class="compact-list" id="commune-round-not-reported">
            {round.notReported.map((code) => (
              <li key={code}>
                <a href={`/communes/${code}`} lang="vi">
                  {names.get(code) ?? code}
                </a>
              </li>
            ))}
          </ul>
        </details>
      )}
      {round.status === 'OPEN' && <p class="hint">{c.communeChaseNote}</p>}
    </section>
  );
}

/** One commune: its counts, its reports (who, for whom), and its cells for those who may read them. */
/** The commune's report form: shown to whoever may report for it (the commune, its province, Home Affairs). */
export interface CommuneReportForm {
  /** A refused report: what was sent, and the errors (`state-<task>`, `category-<task>`, `text-<task>`, `report`). */
  failed: { values: Map<string, CellInput>; errors: FieldError[] } | null;
  /** The report just taken: cells changed and unchanged. */
  sent: { changed: number; unchanged: number } | null;
}

export function CommunePage(props: {
  ctx: PageContext;
  commune: CommuneRow;
  cells: CommuneCell[] | null;
  reports: CommuneReportRow[];
  /** Present when the signed-in person may report for this commune. */
  form?: CommuneReportForm;
}) {
  const { ctx, commune, cells, reports, form } = props;
  const { lang } = ctx;
  const c = communeMessages[lang];
  const m = localityMessages[lang];
  const province = localityName(lang, commune.locality);
  const errors = form?.failed?.errors ?? [];
  const table = cells && (
    <table id="commune-cells" class={form ? 'cells-table' : undefined}>
      <caption class="visually-hidden">{c.cellsTitle}</caption>
      <TableHead columns={[c.task, c.state, c.category, c.text, ...(form ? [m.newReport] : [])]} />
      <tbody>
        {cells.map((cell) => (
          <tr key={cell.task} id={`row-${cell.task}`}>
            <th scope="row">
              <a href={`/tasks/${cell.task}`}>{cell.task}</a>{' '}
              <InLang text={catalogText(lang, cell.title, cell.titleEn)} />
            </th>
            <td>
              <StatusTag status={cell.state} label={m.cellStates[cell.state]} />
            </td>
            <td>{cell.category ? categoryName(lang, cell.category) : ''}</td>
            <td lang="vi">{cell.text}</td>
            {form && (
              <td>
                <ReportInputs ctx={ctx} task={cell.task} value={form.failed?.values.get(cell.task)} errors={errors} />
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Layout ctx={ctx} title={commune.name}>
      <ErrorSummary ctx={ctx} errors={errors} />
      {form?.sent && (
        <div class="notice notice-success" role="status">
          {m.reportSent(formatNumber(lang, form.sent.changed), formatNumber(lang, form.sent.unchanged))}
        </div>
      )}
      <p class="caption">
        <a href="/communes">{c.backToRollup}</a> ›{' '}
        <a href={`/localities/${commune.locality}/communes`}>{c.backToProvince(province)}</a>
      </p>
      <h1 lang="vi">{commune.name}</h1>
      <p class="lead">{c.communeLead(province, commune.code)}</p>
      <h2 id="counts">{c.cellCounts}</h2>
      <CellStateTable
        lang={lang}
        caption={c.cellCounts}
        captionHidden
        countHeader={c.cells}
        counts={commune.byState}
        total={{ label: c.cells, count: commune.cells }}
      />
      <h2 id="reports">{c.reports}</h2>
      {reports.length === 0 ? (
        <p>{c.noReports}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{c.reports}</caption>
          <TableHead columns={[c.when, c.how, { label: c.changed, num: true }]} />
          <tbody>
            {reports.map((r) => (
              <tr key={r.seq}>
                <td>{formatDateTime(lang, r.at)}</td>
                <td>{c.channel[r.channel] ?? r.channel}</td>
                <td class="num">{formatNumber(lang, r.changed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 id="cells">{c.cellsTitle}</h2>
      {cells === null ? (
        <p>{c.cellsHidden}</p>
      ) : form && cells.length > 0 ? (
        <Form ctx={ctx} action={`/communes/${commune.code}/report`} id="report-form">
          <p class="hint" id="report-hint">
            {m.reportHint}
          </p>
          <div class="table-wrap">{table}</div>
          <ReportSubmit ctx={ctx} errors={errors} />
        </Form>
      ) : (
        table
      )}
    </Layout>
  );
}

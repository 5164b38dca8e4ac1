import { InLang } from '../components/lang-text';
import type { CommuneRollupCell, CountByState } from '../../db/matrix';
import { CELL_STATES, OBSTACLE_CATEGORIES, type CellState, type ObstacleCategory } from '../../domain/locality-cells';
import { formatDate, formatNumber, localityNames, ministryNames, taskTitle } from '../i18n';
import { CellStateTable } from '../components/cell-state-table';
import { FilterForm, FilterSelect } from '../components/filter-form';
import { ObstacleCountTable } from '../components/obstacle-count-table';
import { Layout, StatusTag } from '../layout';
import { categoryName, localityMessages } from '../messages/localities';
import { communeMessages } from '../messages/communes';
import type { PageContext } from '../page-context';
import { listHref } from '../filters';
import { TableHead } from '../components/table-head';
import { BothNames } from '../components/both-names';
import { WhoReportedLine, type WhoReportedFigures } from '../components/who-reported';
import { CommuneRollup } from '../components/commune-rollup';

export interface MatrixPageFilters {
  locality?: string;
  ministry?: string;
  category?: ObstacleCategory;
  state?: CellState;
}

export interface MatrixCellRow {
  task: string;
  locality: string;
  state: CellState;
  category: string | null;
  text: string;
  changedAt: string | null;
  changedBy: string | null;
  /** A commune-level task: the province cell as its communes' roll-up (null elsewhere). */
  communes: CommuneRollupCell | null;
  /** The task's title (read beside the cells: the matrix's JSON has codes only). */
  taskTitle?: { title: string; titles: { vi: string; en: string | null } };
}

export interface MatrixPageData {
  filters: MatrixPageFilters;
  aggregates: {
    cells: number;
    byState: CountByState;
    byCategory: { category: string; obstacles: number; tasks: number; localities: number }[];
    byLocality: { locality: string; obstacles: number; byCategory: Record<string, number> }[];
    byMinistry: { ministry: string; obstacles: number; tasks: number; localities: number }[];
  };
  /** The cells the person may read for these filters (null: aggregates only, or no narrowing filter). */
  cells: { items: MatrixCellRow[]; total: number } | null;
  /** Whether the person may read cells at all (Home Affairs; a ministry those of its tasks). */
  mayReadCells: boolean;
  ministries: string[];
  localities: string[];
  reporting: WhoReportedFigures;
}

function href(f: MatrixPageFilters, path = '/matrix', anchor = '#cells'): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  const s = q.toString();
  return `${path}${s ? `?${s}` : ''}${anchor}`;
}

/** The CSV of every cell these filters keep (the page lists the first few hundred). */
const csvHref = (f: MatrixPageFilters) => href(f, '/matrix.csv', '');

/**
 * The matrix view: cells by state, obstacles by category, by lead ministry and by locality (each
 * linking to the cells and to the filtered task list); the cells themselves for Home Affairs and,
 * for a ministry, those of its tasks. The public reads the aggregates only: no names.
 */
export function MatrixPage(props: { ctx: PageContext; data: MatrixPageData }) {
  const { ctx, data } = props;
  const { lang } = ctx;
  const m = localityMessages[lang];
  const f = data.filters;
  /** Where a count leads: to its cells, for those who may read them; the public reads the numbers only. */
  const cellsHref = (to: MatrixPageFilters) => (data.mayReadCells ? href(to) : undefined);
  return (
    <Layout ctx={ctx} title={m.matrixTitle}>
      <h1>{m.matrixTitle}</h1>
      <p class="lead">{m.matrixLead}</p>
      {!data.mayReadCells && <p>{m.matrixLeadPublic}</p>}
      <WhoReportedLine lang={lang} figures={data.reporting} />
      <p>
        <a href="/communes">{communeMessages[lang].rollupTitle}</a>
      </p>

      <FilterForm
        action="/matrix#cells"
        label={m.matrixTitle}
        submitLabel={m.filter}
        clearHref="/matrix"
        clearLabel={m.clearFilters}
      >
        <FilterSelect
          id="filter-locality"
          name="locality"
          label={m.locality}
          any={m.any}
          value={f.locality}
          options={data.localities.map((code) => ({ value: code, label: localityNames(lang, code).main }))}
        />
        <FilterSelect
          id="filter-ministry"
          name="ministry"
          label={m.ministry}
          any={m.any}
          value={f.ministry}
          options={data.ministries.map((code) => ({ value: code, label: ministryNames(lang, code).main }))}
        />
        <FilterSelect
          id="filter-state"
          name="state"
          label={m.cellState}
          any={m.any}
          value={f.state}
          options={CELL_STATES.map((st) => ({ value: st, label: m.cellStates[st] }))}
        />
        <FilterSelect
          id="filter-category"
          name="category"
          label={m.category}
          any={m.any}
          value={f.category}
          options={OBSTACLE_CATEGORIES.map((c) => ({ value: c, label: categoryName(lang, c) }))}
        />
      </FilterForm>

      <h2 id="by-state">{m.byState}</h2>
      <p class="hint" id="aggregates-own-view">
        {m.aggregatesOwnView}
      </p>
      <CellStateTable
        lang={lang}
        caption={m.byState}
        captionHidden
        countHeader={m.cells}
        counts={data.aggregates.byState}
        hrefFor={data.mayReadCells ? (s) => href({ ...f, state: s }) : undefined}
        total={{ label: m.cells, count: data.aggregates.cells }}
      />

      <ObstacleCountTable
        lang={lang}
        id="by-category"
        heading={m.byCategory}
        nameHeader={m.category}
        columns={['tasks', 'localities']}
        rows={data.aggregates.byCategory.map((c) => ({
          key: c.category,
          name: categoryName(lang, c.category),
          obstacles: {
            count: c.obstacles,
            href: cellsHref({ ...f, state: 'OBSTACLE', category: c.category as ObstacleCategory }),
          },
          tasks: { count: c.tasks },
          localities: { count: c.localities },
        }))}
      />

      <div class="columns">
        <section aria-labelledby="by-ministry">
          <ObstacleCountTable
            lang={lang}
            id="by-ministry"
            heading={m.byMinistry}
            nameHeader={m.ministry}
            columns={['tasks']}
            rows={data.aggregates.byMinistry.map((row) => ({
              key: row.ministry,
              name: <BothNames {...ministryNames(lang, row.ministry)} lang={lang} />,
              obstacles: { count: row.obstacles, href: cellsHref({ ministry: row.ministry, state: 'OBSTACLE' }) },
              tasks: { count: row.tasks, href: listHref('/', { ministry: row.ministry }), title: m.taskList },
            }))}
          />
        </section>
        <section aria-labelledby="by-locality">
          <ObstacleCountTable
            lang={lang}
            id="by-locality"
            heading={m.byLocality}
            nameHeader={m.locality}
            columns={[]}
            rows={data.aggregates.byLocality.map((row) => ({
              key: row.locality,
              name: localityNames(lang, row.locality).main,
              obstacles: { count: row.obstacles, href: cellsHref({ locality: row.locality, state: 'OBSTACLE' }) },
            }))}
          />
        </section>
      </div>

      {data.mayReadCells && (
        <>
          <h2 id="cells">{m.cellsTitle}</h2>
          <p>
            <a href={csvHref(f)} id="matrix-csv">
              {m.cellsCsv}
            </a>
          </p>
          {data.cells === null ? (
            <p>{m.cellsHint}</p>
          ) : (
            <>
              {data.cells.items.length < data.cells.total ? (
                <p class="notice" id="cells-cut">
                  {m.cellsCut(formatNumber(lang, data.cells.items.length), formatNumber(lang, data.cells.total))}{' '}
                  <a href={csvHref(f)}>{m.cellsCsvAll}</a>
                </p>
              ) : (
                <p>{m.cellsShown(formatNumber(lang, data.cells.items.length), formatNumber(lang, data.cells.total))}</p>
              )}
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">{m.cellsTitle}</caption>
                  <TableHead columns={[m.task, m.locality, m.cellState, m.text, m.changed]} />
                  <tbody>
                    {data.cells.items.map((c) => (
                      <tr key={`${c.task}-${c.locality}`}>
                        <td>
                          <a href={`/tasks/${encodeURIComponent(c.task)}`}>{c.task}</a>
                          {c.taskTitle && <InLang block text={taskTitle(lang, c.taskTitle)} />}
                        </td>
                        <td>{localityNames(lang, c.locality).main}</td>
                        <td>
                          {c.communes && (
                            <CommuneRollup
                              lang={lang}
                              rollup={c.communes}
                              drillDown={{ locality: c.locality, task: c.task }}
                            />
                          )}
                          {c.communes && <span class="muted">{communeMessages[lang].provinceOwnView} </span>}
                          <StatusTag status={c.state} label={m.cellStates[c.state]} />
                          {c.category && <div>{categoryName(lang, c.category)}</div>}
                        </td>
                        <td>{c.text}</td>
                        <td>{c.changedAt ? m.changedOnBy(formatDate(lang, c.changedAt), c.changedBy ?? '') : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </>
      )}
    </Layout>
  );
}

/** The dashboard's way to the rounds and the matrix (Home Affairs). */
export function LocalitiesLinks(props: { ctx: PageContext }) {
  const m = localityMessages[props.ctx.lang];
  return (
    <section aria-labelledby="rounds-and-matrix">
      <h3 id="rounds-and-matrix">{m.dashboardLocalities}</h3>
      <p>{m.dashboardLocalitiesLead}</p>
      <ul>
        <li>
          <a href="/rounds">{m.roundsTitle}</a>
        </li>
        <li>
          <a href="/matrix">{m.matrixTitle}</a>
        </li>
      </ul>
    </section>
  );
}

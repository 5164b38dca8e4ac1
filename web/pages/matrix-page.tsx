import type { CountByState } from '../../db/matrix';
import { CELL_STATES, OBSTACLE_CATEGORIES, type CellState, type ObstacleCategory } from '../../domain/locality-cells';
import { formatDate, formatNumber, localityNames, ministryNames } from '../i18n';
import { Layout, StatusTag } from '../layout';
import { categoryName, localityMessages } from '../messages/localities';
import type { PageContext } from '../page-context';
import { listHref } from '../filters';
import { FilterSelect } from './locality-page';

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
}

function href(f: MatrixPageFilters, anchor = '#cells'): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  const s = q.toString();
  return `/matrix${s ? `?${s}` : ''}${anchor}`;
}

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
  const other = lang === 'vi' ? 'en' : 'vi';
  return (
    <Layout ctx={ctx} title={m.matrixTitle}>
      <h1>{m.matrixTitle}</h1>
      <p class="lead">{m.matrixLead}</p>
      {!data.mayReadCells && <p>{m.matrixLeadPublic}</p>}

      <form method="get" action="/matrix#cells" class="filters" role="search" aria-label={m.matrixTitle}>
        <FilterSelect id="filter-locality" name="locality" label={m.locality} any={m.any} value={f.locality} options={data.localities.map((code) => ({ value: code, label: localityNames(lang, code).main }))} />
        <FilterSelect id="filter-ministry" name="ministry" label={m.ministry} any={m.any} value={f.ministry} options={data.ministries.map((code) => ({ value: code, label: ministryNames(lang, code).main }))} />
        <FilterSelect id="filter-state" name="state" label={m.cellState} any={m.any} value={f.state} options={CELL_STATES.map((st) => ({ value: st, label: m.cellStates[st] }))} />
        <FilterSelect id="filter-category" name="category" label={m.category} any={m.any} value={f.category} options={OBSTACLE_CATEGORIES.map((c) => ({ value: c, label: categoryName(lang, c) }))} />
        <div>
          <button type="submit" class="button">
            {m.filter}
          </button>{' '}
          <a href="/matrix">{m.clearFilters}</a>
        </div>
      </form>

      <h2 id="by-state">{m.byState}</h2>
      <table>
        <caption class="visually-hidden">{m.byState}</caption>
        <thead>
          <tr>
            <th scope="col">{m.cellState}</th>
            <th scope="col" class="num">
              {m.cells}
            </th>
          </tr>
        </thead>
        <tbody>
          {CELL_STATES.map((s) => (
            <tr key={s}>
              <th scope="row">
                <StatusTag status={s} label={m.cellStates[s]} />
              </th>
              <td class="num">{data.mayReadCells ? <a href={href({ ...f, state: s })}>{formatNumber(lang, data.aggregates.byState[s])}</a> : formatNumber(lang, data.aggregates.byState[s])}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">{m.cells}</th>
            <td class="num">{formatNumber(lang, data.aggregates.cells)}</td>
          </tr>
        </tbody>
      </table>

      <h2 id="by-category">{m.byCategory}</h2>
      {data.aggregates.byCategory.length === 0 ? (
        <p>{m.noObstacles}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{m.byCategory}</caption>
          <thead>
            <tr>
              <th scope="col">{m.category}</th>
              <th scope="col" class="num">
                {m.obstacles}
              </th>
              <th scope="col" class="num">
                {m.tasks}
              </th>
              <th scope="col" class="num">
                {m.localities}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.aggregates.byCategory.map((c) => (
              <tr key={c.category}>
                <th scope="row">{categoryName(lang, c.category)}</th>
                <td class="num">
                  {data.mayReadCells ? <a href={href({ ...f, state: 'OBSTACLE', category: c.category as ObstacleCategory })}>{formatNumber(lang, c.obstacles)}</a> : formatNumber(lang, c.obstacles)}
                </td>
                <td class="num">{formatNumber(lang, c.tasks)}</td>
                <td class="num">{formatNumber(lang, c.localities)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <div class="columns">
        <section aria-labelledby="by-ministry">
          <h2 id="by-ministry">{m.byMinistry}</h2>
          {data.aggregates.byMinistry.length === 0 ? (
            <p>{m.noObstacles}</p>
          ) : (
            <table>
              <caption class="visually-hidden">{m.byMinistry}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.ministry}</th>
                  <th scope="col" class="num">
                    {m.obstacles}
                  </th>
                  <th scope="col" class="num">
                    {m.tasks}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.aggregates.byMinistry.map((row) => (
                  <tr key={row.ministry}>
                    <th scope="row">
                      {ministryNames(lang, row.ministry).main}
                      <span class="other-name" lang={other}>
                        {ministryNames(lang, row.ministry).other}
                      </span>
                    </th>
                    <td class="num">
                      {data.mayReadCells ? <a href={href({ ministry: row.ministry, state: 'OBSTACLE' })}>{formatNumber(lang, row.obstacles)}</a> : formatNumber(lang, row.obstacles)}
                    </td>
                    <td class="num">
                      <a href={listHref('/', { ministry: row.ministry })} title={m.taskList}>
                        {formatNumber(lang, row.tasks)}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <section aria-labelledby="by-locality">
          <h2 id="by-locality">{m.byLocality}</h2>
          {data.aggregates.byLocality.length === 0 ? (
            <p>{m.noObstacles}</p>
          ) : (
            <table>
              <caption class="visually-hidden">{m.byLocality}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.locality}</th>
                  <th scope="col" class="num">
                    {m.obstacles}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.aggregates.byLocality.map((row) => (
                  <tr key={row.locality}>
                    <th scope="row">{localityNames(lang, row.locality).main}</th>
                    <td class="num">
                      {data.mayReadCells ? <a href={href({ locality: row.locality, state: 'OBSTACLE' })}>{formatNumber(lang, row.obstacles)}</a> : formatNumber(lang, row.obstacles)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>

      {data.mayReadCells && (
        <>
          <h2 id="cells">{m.cellsTitle}</h2>
          {data.cells === null ? (
            <p>{m.cellsHint}</p>
          ) : (
            <>
              <p>{m.cellsShown(formatNumber(lang, data.cells.items.length), formatNumber(lang, data.cells.total))}</p>
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">{m.cellsTitle}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{m.task}</th>
                      <th scope="col">{m.locality}</th>
                      <th scope="col">{m.cellState}</th>
                      <th scope="col">{m.text}</th>
                      <th scope="col">{m.changed}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.cells.items.map((c) => (
                      <tr key={`${c.task}-${c.locality}`}>
                        <td>
                          <a href={`/tasks/${encodeURIComponent(c.task)}`}>{c.task}</a>
                        </td>
                        <td>{localityNames(lang, c.locality).main}</td>
                        <td>
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

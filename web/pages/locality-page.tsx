import { InLang } from '../components/lang-text';
import type { LocalityTaskRow } from '../../db/matrix';
import { CELL_STATES, type CellState } from '../../domain/locality-cells';
import type { TaskStatus } from '../../domain/task';
import { formatDate, formatNumber, localityNames, ministryNames, statusName, taskTitle } from '../i18n';
import { ErrorSummary, Form, Layout, StatusTag, type FieldError } from '../layout';
import { categoryName, localityMessages } from '../messages/localities';
import { communeMessages } from '../messages/communes';
import { ReportInputs, ReportSubmit, type CellInput } from '../components/cell-report-inputs';
import type { PageContext } from '../page-context';
import { Pagination } from '../task-table';
import { CellStateTable } from '../components/cell-state-table';
import { FilterForm, FilterSelect } from '../components/filter-form';
import { CommuneRollup } from '../components/commune-rollup';

export interface LocalityFilters {
  ministry?: string;
  state?: CellState;
  level?: 'province' | 'commune' | 'both';
}

export function localityFilterQuery(f: LocalityFilters): Record<string, string | undefined> {
  return { ministry: f.ministry, state: f.state, level: f.level };
}

export interface LocalityRoundRow {
  id: string;
  status: 'OPEN' | 'CLOSED';
  dueDate: string;
  reportedAt: string | null;
}

export interface LocalityPageData {
  locality: string;
  filters: LocalityFilters;
  ministries: string[];
  /** Every task that applies to the locality (for the counts), and the page of those matching the filters. */
  all: LocalityTaskRow[];
  rows: LocalityTaskRow[];
  matching: number;
  page: number;
  limit: number;
  rounds: LocalityRoundRow[];
  /** A refused report: what was sent, and the errors (field ids `state-<task>`, `category-<task>`, `text-<task>`, or `report`). */
  failed: { values: Map<string, CellInput>; errors: FieldError[] } | null;
  sent: { changed: number; unchanged: number } | null;
}

function query(f: LocalityFilters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...localityFilterQuery(f), ...extra })) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

function CurrentRound(props: { ctx: PageContext; rounds: LocalityRoundRow[] }) {
  const { ctx, rounds } = props;
  const m = localityMessages[ctx.lang];
  const [current, ...earlier] = rounds;
  if (!current) return <p>{m.noRound}</p>;
  return (
    <div class={`notice${current.reportedAt ? ' notice-success' : ''}`} id="current-round">
      <h2>{m.currentRound}</h2>
      <p>
        <strong>{m.roundLine(current.id, formatDate(ctx.lang, current.dueDate))}</strong> —{' '}
        {current.status === 'OPEN' ? m.roundOpen : m.roundClosed}
      </p>
      <p>{current.reportedAt ? m.weReported(formatDate(ctx.lang, current.reportedAt)) : m.weHaveNotReported}</p>
      {earlier.length > 0 && (
        <details>
          <summary>{m.earlierRounds}</summary>
          <ul>
            {earlier.map((r) => (
              <li key={r.id}>
                {m.roundLine(r.id, formatDate(ctx.lang, r.dueDate))}:{' '}
                {r.reportedAt ? formatDate(ctx.lang, r.reportedAt) : m.notReportedYet}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function StateCounts(props: { ctx: PageContext; all: LocalityTaskRow[]; filters: LocalityFilters }) {
  const { ctx, all } = props;
  const m = localityMessages[ctx.lang];
  const counts = Object.fromEntries(CELL_STATES.map((s) => [s, 0])) as Record<CellState, number>;
  for (const r of all) counts[(r.cell?.state ?? 'NOT_STARTED') as CellState]++;
  return (
    <CellStateTable
      lang={ctx.lang}
      caption={m.cellCounts}
      countHeader={m.tasks}
      counts={counts}
      hrefFor={(s) => `/locality${query({ ...props.filters, state: s })}#tasks`}
    />
  );
}

function Filters(props: { ctx: PageContext; filters: LocalityFilters; ministries: string[] }) {
  const { ctx, filters } = props;
  const m = localityMessages[ctx.lang];
  return (
    <FilterForm
      action="/locality#tasks"
      label={m.filterTasks}
      submitLabel={m.filter}
      clearHref="/locality#tasks"
      clearLabel={m.clearFilters}
    >
      <FilterSelect
        id="filter-ministry"
        name="ministry"
        label={m.ministry}
        any={m.any}
        value={filters.ministry}
        options={props.ministries.map((code) => ({ value: code, label: ministryNames(ctx.lang, code).main }))}
      />
      <FilterSelect
        id="filter-state"
        name="state"
        label={m.cellState}
        any={m.any}
        value={filters.state}
        options={CELL_STATES.map((st) => ({ value: st, label: m.cellStates[st] }))}
      />
      <FilterSelect
        id="filter-level"
        name="level"
        label={m.level}
        any={m.any}
        value={filters.level}
        options={(['province', 'commune', 'both'] as const).map((l) => ({ value: l, label: m.levels[l] ?? l }))}
      />
    </FilterForm>
  );
}

/** What the cell holds now: its state, category and text, when and by whom, and the document that answered it. */
export function CellNow(props: { ctx: PageContext; cell: LocalityTaskRow['cell']; showWho: boolean }) {
  const { ctx, cell } = props;
  const m = localityMessages[ctx.lang];
  const state = (cell?.state ?? 'NOT_STARTED') as CellState;
  const doc = cell?.resolvedBy as { number?: string } | null | undefined;
  return (
    <>
      <StatusTag status={state} label={m.cellStates[state]} />
      {cell?.category && <div>{categoryName(ctx.lang, cell.category)}</div>}
      {cell?.text && <div>{cell.text}</div>}
      {cell?.changedAt && (
        <div class="muted">
          {props.showWho && cell.changedBy
            ? m.changedOnBy(formatDate(ctx.lang, cell.changedAt), cell.changedBy)
            : formatDate(ctx.lang, cell.changedAt)}
        </div>
      )}
      {doc?.number && <div class="verified">{m.resolvedBy(doc.number)}</div>}
    </>
  );
}

/**
 * The locality's page: which tasks apply to it (filtered by ministry, state, level), its cells, the
 * current round and whether it reported, and one form that reports on every task of the page at once
 * (all or nothing, through the same code as POST /api/localities/{code}/report).
 */
export function LocalityPage(props: { ctx: PageContext; data: LocalityPageData }) {
  const { ctx, data } = props;
  const { lang } = ctx;
  const m = localityMessages[lang];
  const names = localityNames(lang, data.locality);
  const errors = data.failed?.errors ?? [];
  return (
    <Layout ctx={ctx} title={m.localityTitle(names.main)}>
      <ErrorSummary ctx={ctx} errors={errors} />
      {data.sent && (
        <div class="notice notice-success" role="status">
          {m.reportSent(formatNumber(lang, data.sent.changed), formatNumber(lang, data.sent.unchanged))}
        </div>
      )}
      <span class="caption">
        {names.main} <span lang={lang === 'vi' ? 'en' : 'vi'}>({names.other})</span>
      </span>
      <h1>{m.localityTitle(names.main)}</h1>
      <p>
        <a href={`/localities/${data.locality}/communes`}>{communeMessages[lang].communesOf(names.main)}</a>
      </p>
      <p class="lead">{m.localityLead}</p>
      <CurrentRound ctx={ctx} rounds={data.rounds} />
      <p>{m.tasksApplying(formatNumber(lang, data.all.length))}</p>
      <StateCounts ctx={ctx} all={data.all} filters={data.filters} />

      <h2 id="tasks">{m.reportTitle}</h2>
      <Filters ctx={ctx} filters={data.filters} ministries={data.ministries} />
      {data.rows.length === 0 ? (
        <p>{m.noTasksMatch}</p>
      ) : (
        <Form
          ctx={ctx}
          action={`/locality/report${query(data.filters, data.page > 1 ? { page: String(data.page) } : {})}`}
          id="report-form"
        >
          <p class="hint" id="report-hint">
            {m.reportHint}
          </p>
          <div class="table-wrap">
            <table class="cells-table">
              <caption class="visually-hidden">{m.reportTitle}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.task}</th>
                  <th scope="col">{m.taskStatus}</th>
                  <th scope="col">{m.nowInCell}</th>
                  <th scope="col">{m.newReport}</th>
                </tr>
              </thead>
              <tbody>
                {data.rows.map((row) => (
                  <tr key={row.code} id={`row-${row.code}`}>
                    <td>
                      <a href={`/tasks/${encodeURIComponent(row.code)}`}>{row.code}</a>
                      <InLang block text={taskTitle(lang, row)} />
                      <div class="muted">
                        {ministryNames(lang, row.leadMinistry).main} · {m.levels[row.level] ?? row.level}
                        {row.dueDate ? ` · ${formatDate(lang, row.dueDate)}` : ''}
                      </div>
                    </td>
                    <td>
                      <StatusTag status={row.status} label={statusName(lang, row.status as TaskStatus)} />
                    </td>
                    <td class="cell-now">
                      {row.communes && (
                        <>
                          <CommuneRollup
                            lang={lang}
                            rollup={row.communes}
                            drillDown={{ locality: data.locality, task: row.code }}
                          />
                          <span class="muted">{communeMessages[lang].provinceOwnView} </span>
                        </>
                      )}
                      <CellNow ctx={ctx} cell={row.cell} showWho />
                    </td>
                    <td>
                      <ReportInputs
                        ctx={ctx}
                        task={row.code}
                        value={data.failed?.values.get(row.code)}
                        errors={errors}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ReportSubmit ctx={ctx} errors={errors} />
        </Form>
      )}
      <Pagination
        ctx={ctx}
        base="/locality"
        query={localityFilterQuery(data.filters)}
        page={data.page}
        limit={data.limit}
        total={data.matching}
      />
    </Layout>
  );
}

import type { CommuneCell, CommuneReportRow, CommuneRow, ProvinceRollup } from '../../db/communes';
import type { ProvinceRoundProgress } from '../../db/reporting-rounds';
import { CELL_STATES } from '../../domain/locality-cells';
import { formatDate, formatDateTime, formatNumber, localityName, localityNames } from '../i18n';
import { CellStateTable } from '../components/cell-state-table';
import { TableHead } from '../components/table-head';
import { BothNames } from '../components/both-names';
import { Layout, StatusTag } from '../layout';
import { communeMessages } from '../messages/communes';
import { categoryName, localityMessages } from '../messages/localities';
import type { PageContext } from '../page-context';

/** The national roll-up by province: the matrix drill-down's first step (province → its communes). */
export function CommuneRollupPage(props: { ctx: PageContext; items: ProvinceRollup[]; seeded: boolean }) {
  const { ctx, items, seeded } = props;
  const { lang } = ctx;
  const c = communeMessages[lang];
  const m = localityMessages[lang];
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
            ...CELL_STATES.map((s) => ({ label: m.cellStates[s], num: true })),
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
              {CELL_STATES.map((s) => (
                <td key={s} class="num">
                  {formatNumber(lang, r.byState[s])}
                </td>
              ))}
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
            {CELL_STATES.map((s) => (
              <td key={s} class="num">
                {formatNumber(
                  lang,
                  sum((r) => r.byState[s]),
                )}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </Layout>
  );
}

/** One province's communes, searchable by name with or without diacritics (a GET form: no script needed). */
export function ProvinceCommunesPage(props: {
  ctx: PageContext;
  locality: string;
  q: string;
  total: number;
  items: CommuneRow[];
  seeded: boolean;
  /** Its communes in the latest commune round, and the names of all its communes (for who has not reported). */
  round?: ProvinceRoundProgress | null;
  names?: Map<string, string>;
}) {
  const { ctx, locality, q, total, items, seeded, round } = props;
  const { lang } = ctx;
  const c = communeMessages[lang];
  const m = localityMessages[lang];
  const province = localityName(lang, locality);
  return (
    <Layout ctx={ctx} title={c.provinceTitle(province)}>
      <p class="caption">
        <a href="/communes">{c.backToRollup}</a>
      </p>
      <h1>{c.provinceTitle(province)}</h1>
      <p class="lead">{c.provinceLead(formatNumber(lang, total))}</p>
      {!seeded && (
        <p class="notice" role="status">
          {c.seeding}
        </p>
      )}
      {round && <ProvinceRound ctx={ctx} round={round} names={props.names ?? new Map()} />}
      <form method="get" action={`/localities/${locality}/communes`} role="search" class="filters">
        <label for="commune-q">{c.search}</label>
        <input id="commune-q" type="search" name="q" value={q} maxLength={100} />
        <button type="submit">{c.searchButton}</button>
      </form>
      {q && (
        <p role="status">
          {items.length > 0 ? c.found(formatNumber(lang, items.length), formatNumber(lang, total)) : c.noneFound}
        </p>
      )}
      {items.length > 0 && (
        <table>
          <caption class="visually-hidden">{c.provinceTitle(province)}</caption>
          <TableHead
            columns={[
              c.code,
              c.name,
              c.kind,
              ...CELL_STATES.map((s) => ({ label: m.cellStates[s], num: true })),
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
                {CELL_STATES.map((s) => (
                  <td key={s} class="num">
                    {formatNumber(lang, r.byState[s])}
                  </td>
                ))}
                <td>{r.reportedAt ? formatDateTime(lang, r.reportedAt) : c.notReported}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
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
export function CommunePage(props: {
  ctx: PageContext;
  commune: CommuneRow;
  cells: CommuneCell[] | null;
  reports: CommuneReportRow[];
}) {
  const { ctx, commune, cells, reports } = props;
  const { lang } = ctx;
  const c = communeMessages[lang];
  const m = localityMessages[lang];
  const province = localityName(lang, commune.locality);
  return (
    <Layout ctx={ctx} title={commune.name}>
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
      ) : (
        <table>
          <caption class="visually-hidden">{c.cellsTitle}</caption>
          <TableHead columns={[c.task, c.state, c.category, c.text]} />
          <tbody>
            {cells.map((cell) => (
              <tr key={cell.task}>
                <th scope="row">
                  <a href={`/tasks/${cell.task}`}>{cell.task}</a>{' '}
                  <span lang={lang === 'en' && cell.titleEn ? 'en' : 'vi'}>
                    {lang === 'en' && cell.titleEn ? cell.titleEn : cell.title}
                  </span>
                </th>
                <td>
                  <StatusTag status={cell.state} label={m.cellStates[cell.state]} />
                </td>
                <td>{cell.category ? categoryName(lang, cell.category) : ''}</td>
                <td lang="vi">{cell.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

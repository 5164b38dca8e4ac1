import type { ComponentChildren } from 'preact';
import { formatNumber, type Lang } from '../i18n';
import { localityMessages } from '../messages/localities';
import { TableHead } from './table-head';

/** A count, linked where the reader may follow it. */
export interface LinkedCount {
  count: number;
  href?: string;
  title?: string;
}

/** One row: what is counted (a category, a ministry, a locality) and its counts. */
export interface ObstacleCountRow {
  key: string;
  name: ComponentChildren;
  obstacles: LinkedCount;
  tasks?: LinkedCount;
  localities?: LinkedCount;
}

function Count(props: { lang: Lang; value: LinkedCount }) {
  const { lang, value } = props;
  const text = formatNumber(lang, value.count);
  return (
    <td class="num">
      {value.href ? (
        <a href={value.href} title={value.title}>
          {text}
        </a>
      ) : (
        text
      )}
    </td>
  );
}

/**
 * The matrix's obstacle counts by one dimension (category, lead ministry or locality): a heading, a
 * sentence when there is no obstacle, else a table of name / obstacles and, where given, tasks and localities.
 */
export function ObstacleCountTable(props: {
  lang: Lang;
  id: string;
  heading: string;
  nameHeader: string;
  columns: readonly ('tasks' | 'localities')[];
  rows: ObstacleCountRow[];
}) {
  const { lang, columns, rows } = props;
  const m = localityMessages[lang];
  return (
    <>
      <h2 id={props.id}>{props.heading}</h2>
      {rows.length === 0 ? (
        <p>{m.noObstacles}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{props.heading}</caption>
          <TableHead
            columns={[
              props.nameHeader,
              { label: m.obstacles, num: true },
              ...columns.map((c) => ({ label: m[c], num: true })),
            ]}
          />
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.name}</th>
                <Count lang={lang} value={row.obstacles} />
                {columns.map((c) => (
                  <Count key={c} lang={lang} value={row[c] ?? { count: 0 }} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

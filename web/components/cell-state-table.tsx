import { CELL_STATES, type CellState } from '../../domain/locality-cells';
import { formatNumber, type Lang } from '../i18n';
import { StatusTag } from '../layout';
import { localityMessages } from '../messages/localities';
import { TableHead } from './table-head';

/**
 * How many cells stand in each state (the locality's page: its tasks; the matrix: every cell the filters
 * keep), each count linking to those cells when `hrefFor` is given, with an optional total row.
 */
export function CellStateTable(props: {
  lang: Lang;
  caption: string;
  /** The caption is read out only (a heading above already names the table). */
  captionHidden?: boolean;
  countHeader: string;
  counts: Record<CellState, number>;
  hrefFor?: (state: CellState) => string;
  total?: { label: string; count: number };
}) {
  const { lang, counts, hrefFor, total } = props;
  const m = localityMessages[lang];
  return (
    <table>
      <caption class={props.captionHidden ? 'visually-hidden' : undefined}>{props.caption}</caption>
      <TableHead columns={[m.cellState, { label: props.countHeader, num: true }]} />
      <tbody>
        {CELL_STATES.map((s) => (
          <tr key={s}>
            <th scope="row">
              <StatusTag status={s} label={m.cellStates[s]} />
            </th>
            <td class="num">
              {hrefFor ? <a href={hrefFor(s)}>{formatNumber(lang, counts[s])}</a> : formatNumber(lang, counts[s])}
            </td>
          </tr>
        ))}
        {total && (
          <tr>
            <th scope="row">{total.label}</th>
            <td class="num">{formatNumber(lang, total.count)}</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

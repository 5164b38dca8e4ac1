import { CELL_STATES, type CellState } from '../../domain/locality-cells';
import { formatNumber, type Lang } from '../i18n';
import { localityMessages } from '../messages/localities';
import type { ColumnHeading } from './table-head';

/** One column heading per cell state, numbers right-aligned: the shape every roll-up table shares. */
export function stateCountHeadings(lang: Lang): ColumnHeading[] {
  const m = localityMessages[lang];
  return CELL_STATES.map((s) => ({ label: m.cellStates[s], num: true }));
}

/** A row's counts by state, one cell each, in the order of `stateCountHeadings`. */
export function StateCountCells(props: { lang: Lang; counts: Record<CellState, number> }) {
  return (
    <>
      {CELL_STATES.map((s) => (
        <td key={s} class="num">
          {formatNumber(props.lang, props.counts[s])}
        </td>
      ))}
    </>
  );
}

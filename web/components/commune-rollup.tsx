import type { CommuneRollupCell } from '../../db/matrix';
import { CELL_STATES, OBSTACLE_CATEGORIES } from '../../domain/locality-cells';
import { formatNumber, type Lang } from '../i18n';
import { communeMessages } from '../messages/communes';
import { categoryName, localityMessages } from '../messages/localities';

/** Where the drill-down from a province's cell of a commune-level task leads: that task in each of its communes. */
export const taskDrillDownHref = (locality: string, task: string) =>
  `/localities/${encodeURIComponent(locality)}/communes?task=${encodeURIComponent(task)}`;

/**
 * A commune-level task's province cell: the roll-up of its communes' cells ("126 xã: 3 thực hiện được ·
 * 1 vướng mắc · 122 chưa bắt đầu"), its obstacles by category, and the drill-down to the communes. The
 * matrix page, the locality page and the drill-down draw the same figures from the same row; the data
 * attributes carry them for the consistency sweep.
 */
export function CommuneRollup(props: {
  lang: Lang;
  rollup: CommuneRollupCell;
  /** The drill-down link (left out on the drill-down page itself). */
  drillDown?: { locality: string; task: string };
}) {
  const { lang, rollup, drillDown } = props;
  const c = communeMessages[lang];
  const m = localityMessages[lang];
  const states = CELL_STATES.filter((s) => rollup.byState[s] > 0);
  const categories = OBSTACLE_CATEGORIES.filter((k) => (rollup.obstaclesByCategory[k] ?? 0) > 0);
  return (
    <div
      class="commune-rollup"
      data-communes={rollup.communes}
      data-not-started={rollup.byState.NOT_STARTED}
      data-implementing={rollup.byState.IMPLEMENTING}
      data-workable={rollup.byState.WORKABLE}
      data-obstacle={rollup.byState.OBSTACLE}
    >
      <div>
        <strong>{c.rollupOf(formatNumber(lang, rollup.communes))}</strong>{' '}
        {states
          .map((s) => `${formatNumber(lang, rollup.byState[s])} ${m.cellStates[s].toLocaleLowerCase(lang)}`)
          .join(' · ')}
      </div>
      {categories.length > 0 && (
        <div class="muted">
          {c.rollupByCategory}{' '}
          {categories
            .map((k) => `${categoryName(lang, k)} ${formatNumber(lang, rollup.obstaclesByCategory[k] ?? 0)}`)
            .join(' · ')}
        </div>
      )}
      {drillDown && (
        <div>
          <a href={taskDrillDownHref(drillDown.locality, drillDown.task)}>
            {c.drillDownTask}
            <span class="visually-hidden"> ({drillDown.task})</span>
          </a>
        </div>
      )}
    </div>
  );
}

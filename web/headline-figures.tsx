import type { ComponentChildren } from 'preact';
import { TASK_STATUSES, type TaskStatus } from '../domain/task';
import { listHref } from './filters';
import { formatNumber, formatPercent, statusName } from './i18n';
import type { PageContext } from './page-context';

export interface StatusTotals {
  total: number;
  byStatus: Record<TaskStatus, { count: number; percent: number }>;
}

export interface MinistryProgress {
  ministry: string;
  total: number;
  open: number;
  overdue: number;
}

/** A figure's content, linked to its filtered list unless the figures are of another day than the list's. */
function Figure(props: { href: string | null; children: ComponentChildren }) {
  return props.href ? <a href={props.href}>{props.children}</a> : <div>{props.children}</div>;
}

/**
 * The headline figures (the public page and the dashboard): the total, then each status with its
 * share; each links to the filtered list at `base`, or to nothing when `base` is null (figures as
 * of a past date: the list shows the present).
 */
export function HeadlineFigures(props: { ctx: PageContext; totals: StatusTotals; base: string | null }) {
  const { ctx, totals, base } = props;
  const { lang, t } = ctx;
  return (
    <ul class="figures">
      <li class="figure figure-total">
        <Figure href={base === null ? null : listHref(base, {})}>
          <span class="number">{formatNumber(lang, totals.total)}</span>
          <span class="label">{t.delegatedTasks}</span>
        </Figure>
      </li>
      {TASK_STATUSES.map((s) => (
        <li key={s} class={`figure figure-${s.toLowerCase().replace(/_/g, '-')}`}>
          <Figure href={base === null ? null : listHref(base, { status: s })}>
            <span class="number">{formatNumber(lang, totals.byStatus[s].count)}</span>
            <span class="label">{statusName(lang, s)}</span>
            <span class="share">{formatPercent(lang, totals.byStatus[s].percent)}</span>
          </Figure>
        </li>
      ))}
    </ul>
  );
}

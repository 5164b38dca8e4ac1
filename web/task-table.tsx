import { InLang } from './components/lang-text';
import type { ApiTask } from '../db/tasks';
import { formatDate, formatNumber, ministryName, statusName, taskTitle } from './i18n';
import { StatusTag } from './layout';
import type { PageContext } from './page-context';
import { FeasibleFrom } from './pages/task-document-panels';

/** Tasks as a table: code (linking to the task page), title, lead ministry, status, due date, overdue days. */
export function TaskTable(props: {
  ctx: PageContext;
  tasks: ApiTask[];
  caption: string;
  extra?: { header: string; cell: (t: ApiTask) => preact.ComponentChildren };
}) {
  const { ctx, tasks } = props;
  const { t, lang } = ctx;
  if (tasks.length === 0) return <p>{t.noTasks}</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.code}</th>
            <th scope="col">{t.title}</th>
            <th scope="col">{t.leadMinistry}</th>
            <th scope="col">{t.status}</th>
            <th scope="col">{t.dueDate}</th>
            {props.extra && <th scope="col">{props.extra.header}</th>}
          </tr>
        </thead>
        <tbody>
          {tasks.map((task) => (
            <tr key={task.code} class={task.daysOverdue > 0 ? 'overdue' : undefined}>
              <td>
                <a href={`/tasks/${encodeURIComponent(task.code)}`}>{task.code}</a>
              </td>
              <td>
                <InLang text={taskTitle(lang, task)} />
              </td>
              <td>{ministryName(lang, task.leadMinistry)}</td>
              <td>
                <StatusTag status={task.status} label={statusName(lang, task.status)} />
                <FeasibleFrom ctx={ctx} task={task} />
              </td>
              <td>
                {task.dueDate ? formatDate(lang, task.dueDate) : <span class="muted">{t.noDueDate}</span>}
                {task.daysOverdue > 0 && (
                  <span class="overdue-text"> · {t.overdueDays(formatNumber(lang, task.daysOverdue))}</span>
                )}
              </td>
              {props.extra && <td>{props.extra.cell(task)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Previous/next links that keep the query. */
export function Pagination(props: {
  ctx: PageContext;
  base: string;
  query: Record<string, string | undefined>;
  page: number;
  limit: number;
  total: number;
  /** What is counted (default: tasks). */
  shown?: (from: string, to: string, total: string) => string;
}) {
  const { ctx, page, limit, total } = props;
  const href = (p: number) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(props.query)) if (v) q.set(k, v);
    if (p > 1) q.set('page', String(p));
    const s = q.toString();
    return `${props.base}${s ? `?${s}` : ''}`;
  };
  const from = total === 0 ? 0 : (page - 1) * limit + 1;
  const to = Math.min(total, page * limit);
  return (
    <nav aria-label={ctx.t.pagination}>
      <p>
        {(props.shown ?? ctx.t.shown)(
          formatNumber(ctx.lang, from),
          formatNumber(ctx.lang, to),
          formatNumber(ctx.lang, total),
        )}
      </p>
      <ul class="pagination">
        {page > 1 && (
          <li>
            <a href={href(page - 1)} rel="prev">
              ← {ctx.t.previous}
            </a>
          </li>
        )}
        {to < total && (
          <li>
            <a href={href(page + 1)} rel="next">
              {ctx.t.next} →
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}

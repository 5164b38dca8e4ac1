import type { LocalityReportRow } from '../../db/task-pages';
import type { ApiTask } from '../../db/tasks';
import { formatDate, localityNames, reportKindName } from '../i18n';
import { Layout, StatusTag } from '../layout';
import type { PageContext } from '../page-context';
import { Pagination, TaskTable } from '../task-table';
import { filterQuery, type PublicFilters } from '../filters';
import { TaskFilters } from './public-page';

export function LocalityPage(props: {
  ctx: PageContext;
  locality: string;
  filters: PublicFilters;
  ministries: string[];
  list: { items: ApiTask[]; total: number; page: number; limit: number };
  reports: Map<string, LocalityReportRow>;
}) {
  const { ctx, locality, list, reports } = props;
  const { t, lang } = ctx;
  const names = localityNames(lang, locality);
  return (
    <Layout ctx={ctx} title={t.localityTitle(names.main)}>
      <span class="caption">
        {names.main} <span lang={lang === 'vi' ? 'en' : 'vi'}>({names.other})</span>
      </span>
      <h1>{t.localityTitle(names.main)}</h1>
      <p class="lead">{t.localityLead}</p>
      <h2 id="tasks" class="visually-hidden">
        {t.taskList}
      </h2>
      <TaskFilters ctx={ctx} filters={props.filters} action="/locality" ministries={props.ministries} />
      <TaskTable
        ctx={ctx}
        tasks={list.items}
        caption={t.taskList}
        extra={{
          header: t.yourReport,
          cell: (task) => {
            const r = reports.get(task.code);
            if (!r) return <span class="muted">{t.notYetReported}</span>;
            return (
              <>
                <StatusTag status={r.kind} label={reportKindName(lang, r.kind)} /> {formatDate(lang, r.at)}
                {r.description && <div>{r.description}</div>}
              </>
            );
          },
        }}
      />
      <Pagination ctx={ctx} base="/locality" query={filterQuery(props.filters)} page={list.page} limit={list.limit} total={list.total} />
    </Layout>
  );
}

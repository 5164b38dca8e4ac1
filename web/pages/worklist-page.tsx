import type { ApiTask } from '../../db/tasks';
import { ministryName } from '../i18n';
import { Layout } from '../layout';
import type { PageContext } from '../page-context';
import { TaskTable } from '../task-table';

export function WorklistPage(props: { ctx: PageContext; ministry: string; tasks: ApiTask[] }) {
  const { ctx, ministry, tasks } = props;
  const { t, lang } = ctx;
  const name = ministryName(lang, ministry);
  return (
    <Layout ctx={ctx} title={t.worklistTitle}>
      <span class="caption">{name}</span>
      <h1>{t.worklistTitle}</h1>
      <p class="lead">{t.worklistLead(name)}</p>
      <TaskTable
        ctx={ctx}
        tasks={tasks}
        caption={t.worklistTitle}
        extra={{ header: t.role, cell: (task) => (task.leadMinistry === ministry ? t.roleLead : t.roleCoordinating) }}
      />
    </Layout>
  );
}

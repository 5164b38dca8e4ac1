import { InLang } from '../components/lang-text';
import type { ApiTask } from '../../db/tasks';
import type { PermittedActions } from '../../app/task-actions';
import { STATUS_RULES, TRACK_MILESTONES } from '../../domain/statuses';
import type { MilestoneName } from '../../domain/task';
import type { FormValues } from '../forms';
import { OBSTACLE_CATEGORIES } from '../../domain/locality-cells';
import { categoryName, localityMessages } from '../messages/localities';
import {
  formatDate,
  formatDateTime,
  formatNumber,
  localityNames,
  milestoneName,
  ministryNames,
  reportKindName,
  statusName,
  taskLegalBasis,
  taskSector,
  taskTitle,
} from '../i18n';
import { ErrorSummary, Form, Layout, Select, StatusTag, TextArea, TextField, type FieldError } from '../layout';
import { documentMessages } from '../messages/documents';
import type { PageContext } from '../page-context';
import { TableHead } from '../components/table-head';
import { BothNames } from '../components/both-names';
import {
  DeadlineForm,
  DeadlineHistory,
  ExtensionDecisionForm,
  ExtensionRequestForm,
  FeasibleFrom,
  HeldUpText,
  HoldUpForm,
  ReleaseForm,
  TaskDocumentsTable,
  type DeadlineHistoryRow,
  type TaskDocument,
} from './task-document-panels';
export interface TaskReport {
  locality: string;
  kind: string;
  description: string;
  at: string;
}
export interface TaskEventRow {
  seq: number;
  at: string;
  /** When what it says became true (the baseline's assessed date); `at` is when it was recorded. */
  effectiveAt: string;
  actor: string;
  kind: string;
  summary: string;
}
export interface ReminderRow {
  kind: string;
  dueDate: string | null;
  offsetDays: number;
  status: string;
  sentAt: string | null;
}

/** Which form was sent (and failed), so it is shown again with its values and errors. */
export interface FormState {
  form: string;
  values: FormValues;
  errors: FieldError[];
}

export interface TaskPageData {
  task: ApiTask;
  documents: TaskDocument[];
  /** Extension requests, decisions and deadlines set; signed-in only (reasons are not public). */
  deadlineHistory: DeadlineHistoryRow[] | null;
  reports: TaskReport[];
  /** Signed-in only (actor names and focal points are personal data). */
  history: TaskEventRow[] | null;
  verification: { valid: boolean; checked: number; brokenAtSeq?: number };
  reminders: ReminderRow[] | null;
  actions: PermittedActions;
  failed: FormState | null;
  done: boolean;
}

/** The values and errors of `form` if it is the one that failed. */
function stateOf(failed: FormState | null, form: string): { values: FormValues; errors: FieldError[] } {
  return failed?.form === form ? { values: failed.values, errors: failed.errors } : { values: {}, errors: [] };
}

function MilestoneForm(props: { ctx: PageContext; task: ApiTask; state: FormState | null }) {
  const { ctx, task } = props;
  const { t, lang } = ctx;
  const errors = props.state?.form === 'milestone' ? props.state.errors : [];
  const values = props.state?.form === 'milestone' ? props.state.values : {};
  const track = STATUS_RULES[task.status].track;
  const names = track ? (TRACK_MILESTONES[track] as MilestoneName[]) : [];
  return (
    <section class="panel" aria-labelledby="milestone-heading">
      <h3 id="milestone-heading">{t.recordMilestone}</h3>
      <Form ctx={ctx} action={`/tasks/${encodeURIComponent(task.code)}/milestone`} id="milestone-form">
        <Select
          name="name"
          label={t.milestone}
          value={values.name}
          errors={errors}
          options={[{ value: '', label: '—' }, ...names.map((n) => ({ value: n, label: milestoneName(lang, n) }))]}
        />
        <TextArea name="note" label={t.note} value={values.note} errors={errors} />
        <button type="submit" class="button">
          {t.save}
        </button>
      </Form>
    </section>
  );
}

function TransitionForm(props: {
  ctx: PageContext;
  task: ApiTask;
  to: string;
  requires: 'reason' | 'document';
  state: FormState | null;
}) {
  const { ctx, task, to } = props;
  const { t, lang } = ctx;
  const formId = `move-${to.toLowerCase().replace(/_/g, '-')}`;
  const mine = props.state?.form === formId;
  const errors = mine ? (props.state?.errors ?? []) : [];
  const values = mine ? (props.state?.values ?? {}) : {};
  const id = (f: string) => `${formId}-${f}`;
  const scoped = errors;
  return (
    <section class="panel" aria-labelledby={`${formId}-heading`}>
      <h3 id={`${formId}-heading`}>{t.moveTask(statusName(lang, to as ApiTask['status']))}</h3>
      <Form ctx={ctx} action={`/tasks/${encodeURIComponent(task.code)}/move`} id={formId}>
        <input type="hidden" name="to" value={to} />
        <input type="hidden" name="from" value={task.status} />
        {props.requires === 'document' ? (
          <>
            <TextField
              name={id('documentNumber')}
              label={t.documentNumber}
              hint="15/2026/TT-BYT"
              value={values[id('documentNumber')]}
              errors={scoped}
              required
            />
            <TextField
              name={id('issuedOn')}
              label={t.issuedOn}
              hint={t.dateHint}
              value={values[id('issuedOn')]}
              errors={scoped}
              required
              width="short"
            />
            <TextField
              name={id('effectiveOn')}
              label={`${t.effectiveOn} ${t.optional}`}
              hint={t.dateHint}
              value={values[id('effectiveOn')]}
              errors={scoped}
              width="short"
            />
            <TextArea
              name={id('reason')}
              label={`${t.reason} ${t.optional}`}
              value={values[id('reason')]}
              errors={scoped}
            />
          </>
        ) : (
          <TextArea name={id('reason')} label={t.reason} value={values[id('reason')]} errors={scoped} required />
        )}
        <button type="submit" class="button">
          {t.move}
        </button>
      </Form>
    </section>
  );
}

function FocalPointForm(props: { ctx: PageContext; task: ApiTask; state: FormState | null }) {
  const { ctx, task } = props;
  const { t } = ctx;
  const mine = props.state?.form === 'focal-point';
  const errors = mine ? (props.state?.errors ?? []) : [];
  const values = mine
    ? (props.state?.values ?? {})
    : { focalPointName: task.focalPoint?.name ?? '', focalPointEmail: task.focalPoint?.email ?? '' };
  return (
    <section class="panel" aria-labelledby="focal-heading">
      <h3 id="focal-heading">{t.changeFocalPoint}</h3>
      <Form ctx={ctx} action={`/tasks/${encodeURIComponent(task.code)}/focal-point`} id="focal-point-form">
        <TextField
          name="focalPointName"
          label={t.focalPointName}
          value={values.focalPointName}
          errors={errors}
          autocomplete="off"
          required
        />
        <TextField
          name="focalPointEmail"
          label={t.focalPointEmail}
          type="email"
          value={values.focalPointEmail}
          errors={errors}
          autocomplete="off"
          required
        />
        <button type="submit" class="button">
          {t.save}
        </button>
      </Form>
    </section>
  );
}

function ReportForm(props: { ctx: PageContext; task: ApiTask; state: FormState | null }) {
  const { ctx, task } = props;
  const { t, lang } = ctx;
  const mine = props.state?.form === 'report';
  const errors = mine ? (props.state?.errors ?? []) : [];
  const values = mine ? (props.state?.values ?? {}) : {};
  const kindError = errors.find((e) => e.field === 'kind')?.message;
  return (
    <section class="panel" aria-labelledby="report-heading">
      <h3 id="report-heading">{t.reportOnTask}</h3>
      <Form ctx={ctx} action={`/tasks/${encodeURIComponent(task.code)}/report`} id="report-form">
        <fieldset
          class={`radios field${kindError ? ' field-error' : ''}`}
          id="kind"
          aria-describedby={kindError ? 'kind-error' : undefined}
        >
          <legend>{t.reportKind}</legend>
          {kindError && (
            <p class="error-message" id="kind-error">
              {kindError}
            </p>
          )}
          {(['WORKABLE', 'OBSTACLE'] as const).map((k) => (
            <div class="radio" key={k}>
              <input type="radio" id={`kind-${k.toLowerCase()}`} name="kind" value={k} checked={values.kind === k} />
              <label for={`kind-${k.toLowerCase()}`}>{reportKindName(lang, k)}</label>
            </div>
          ))}
        </fieldset>
        <Select
          name="category"
          label={localityMessages[lang].category}
          hint={localityMessages[lang].categoryHint}
          options={[
            { value: '', label: localityMessages[lang].chooseCategory },
            ...OBSTACLE_CATEGORIES.map((c) => ({ value: c, label: categoryName(lang, c) })),
          ]}
          value={values.category}
          errors={errors}
        />
        <TextArea name="description" label={t.description} value={values.description} errors={errors} />
        <button type="submit" class="button">
          {t.sendReport}
        </button>
      </Form>
    </section>
  );
}

export function TaskPage(props: { ctx: PageContext; data: TaskPageData }) {
  const { ctx, data } = props;
  const { task, actions } = data;
  const { t, lang } = ctx;
  const signedIn = ctx.principal !== null;
  const lead = ministryNames(lang, task.leadMinistry);
  const summaryErrors = data.failed?.errors ?? [];
  const m = documentMessages[lang];
  const anyAction =
    actions.transitions.length > 0 ||
    actions.milestone ||
    actions.focalPoint ||
    actions.reportFor !== null ||
    actions.deadline ||
    actions.requestExtension ||
    actions.decideExtension ||
    actions.holdUp ||
    actions.releaseHoldUp;
  const title = taskTitle(lang, task);
  const otherTitle = taskTitle(lang === 'vi' ? 'en' : 'vi', task);
  return (
    <Layout ctx={ctx} title={t.taskTitle(task.code)}>
      <ErrorSummary ctx={ctx} errors={summaryErrors} />
      {data.done && (
        <div class="notice notice-success" role="status">
          {t.done}
        </div>
      )}
      <span class="caption">{t.taskTitle(task.code)}</span>
      <h1 lang={title.lang}>{title.text}</h1>
      {/* The catalog's other language, marked as such (Vietnamese first: on an English page, the Vietnamese title). */}
      {otherTitle.text !== title.text && (
        <p class="other-title" lang={otherTitle.lang}>
          {otherTitle.text}
        </p>
      )}
      <dl class="summary-list">
        <dt>{t.status}</dt>
        <dd>
          <StatusTag status={task.status} label={statusName(lang, task.status)} /> · {t.since}{' '}
          {formatDate(lang, task.statusSince)}
          <FeasibleFrom ctx={ctx} task={task} />
        </dd>
        {task.heldUp && (
          <>
            <dt>{m.heldUp}</dt>
            <dd class="held-up">
              <HeldUpText ctx={ctx} heldUp={task.heldUp} />
            </dd>
          </>
        )}
        <dt>{t.dueDate}</dt>
        <dd>
          {task.dueDate ? formatDate(lang, task.dueDate) : t.noDueDate}
          {task.daysOverdue > 0 && (
            <span class="overdue-text"> · {t.overdueDays(formatNumber(lang, task.daysOverdue))}</span>
          )}
          {task.deadlineExtensions > 0 && (
            <span class="muted">
              {' '}
              · {t.deadlineExtensions}: {formatNumber(lang, task.deadlineExtensions)}
            </span>
          )}
          {task.extensionRequest && (
            <p class="extension-pending">{m.extensionPending(formatDate(lang, task.extensionRequest.dueDate))}</p>
          )}
        </dd>
        <dt>{t.leadMinistry}</dt>
        <dd>
          <BothNames {...lead} lang={lang} />
        </dd>
        <dt>{t.coordinatingMinistries}</dt>
        <dd>
          {task.coordinatingMinistries.length === 0
            ? '—'
            : task.coordinatingMinistries.map((m) => (
                <div key={m}>
                  <BothNames {...ministryNames(lang, m)} lang={lang} />
                </div>
              ))}
        </dd>
        {signedIn && (
          <>
            <dt>{t.focalPoint}</dt>
            <dd>{task.focalPoint?.name ? `${task.focalPoint.name} <${task.focalPoint.email}>` : t.notNamed}</dd>
          </>
        )}
        <dt>{t.sector}</dt>
        <dd>
          <InLang text={taskSector(lang, task)} />
        </dd>
        <dt>{t.level}</dt>
        <dd>{task.level === 'commune' ? t.levelCommune : t.levelProvince}</dd>
        {task.legalBasis && (
          <>
            <dt>{t.legalBasis}</dt>
            <dd>
              <InLang text={taskLegalBasis(lang, task)} />
            </dd>
          </>
        )}
      </dl>
      {!signedIn && <p class="notice">{t.signInForMore}</p>}

      {anyAction && (
        <>
          <h2 id="actions">{t.actions}</h2>
          <div class="columns">
            {actions.milestone && <MilestoneForm ctx={ctx} task={task} state={data.failed} />}
            {actions.transitions.map((e) => (
              <TransitionForm key={e.to} ctx={ctx} task={task} to={e.to} requires={e.requires} state={data.failed} />
            ))}
            {actions.focalPoint && <FocalPointForm ctx={ctx} task={task} state={data.failed} />}
            {actions.reportFor && <ReportForm ctx={ctx} task={task} state={data.failed} />}
            {actions.deadline && <DeadlineForm ctx={ctx} task={task} {...stateOf(data.failed, 'deadline')} />}
            {actions.requestExtension && (
              <ExtensionRequestForm ctx={ctx} task={task} {...stateOf(data.failed, 'extension-request')} />
            )}
            {actions.decideExtension && (
              <ExtensionDecisionForm ctx={ctx} task={task} {...stateOf(data.failed, 'extension-decision')} />
            )}
            {actions.holdUp && <HoldUpForm ctx={ctx} task={task} {...stateOf(data.failed, 'hold-up')} />}
            {actions.releaseHoldUp && <ReleaseForm ctx={ctx} task={task} />}
          </div>
        </>
      )}

      <h2>{t.milestones}</h2>
      {task.milestones.length === 0 ? (
        <p>{t.noMilestones}</p>
      ) : (
        <table>
          <caption class="visually-hidden">{t.milestones}</caption>
          <thead>
            <tr>
              <th scope="col">{t.milestone}</th>
              <th scope="col">{t.recordedOn}</th>
              <th scope="col">{t.noteColumn}</th>
            </tr>
          </thead>
          <tbody>
            {task.milestones.map((m, i) => (
              <tr key={i}>
                <td>{milestoneName(lang, m.name)}</td>
                <td>{formatDate(lang, m.at)}</td>
                <td>{m.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t.documents}</h2>
      {data.documents.length === 0 ? (
        <p>{t.noDocuments}</p>
      ) : (
        <TaskDocumentsTable ctx={ctx} documents={data.documents} />
      )}

      {data.deadlineHistory && (
        <>
          <h2>{m.extensionHistory}</h2>
          <DeadlineHistory ctx={ctx} rows={data.deadlineHistory} />
        </>
      )}

      <h2>{t.localityReports}</h2>
      <p>
        {t.workableCount}: {formatNumber(lang, task.reports.workable)} · {t.obstacleCountShort}:{' '}
        {formatNumber(lang, task.reports.obstacle)}
      </p>
      {data.reports.length > 0 && (
        <table>
          <caption class="visually-hidden">{t.localityReports}</caption>
          <TableHead columns={[t.locality, t.report, t.reportedOn]} />
          <tbody>
            {data.reports.map((r) => (
              <tr key={r.locality}>
                <td>{localityNames(lang, r.locality).main}</td>
                <td>
                  <StatusTag status={r.kind} label={reportKindName(lang, r.kind)} /> {r.description}
                </td>
                <td>{formatDate(lang, r.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t.timeline}</h2>
      <p class={data.verification.valid ? 'verified' : 'broken'}>
        {data.verification.valid
          ? t.chainValid(formatNumber(lang, data.verification.checked))
          : t.chainBroken(String(data.verification.brokenAtSeq ?? '?'))}
      </p>
      {data.history && (
        <ol class="timeline">
          {data.history.map((e) => (
            <li key={e.seq}>
              {e.effectiveAt === e.at ? (
                <strong>{formatDateTime(lang, e.at)}</strong>
              ) : (
                <strong>{formatDate(lang, e.effectiveAt)}</strong>
              )}{' '}
              · {e.summary}{' '}
              <span class="muted">
                ({e.actor}
                {e.effectiveAt === e.at ? '' : `; ${t.recordedAt(formatDateTime(lang, e.at))}`})
              </span>
            </li>
          ))}
        </ol>
      )}

      {data.reminders && (
        <>
          <h2>{t.remindersSent}</h2>
          {data.reminders.length === 0 ? (
            <p>{t.noReminders}</p>
          ) : (
            <table>
              <caption class="visually-hidden">{t.remindersSent}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.kind}</th>
                  <th scope="col">{t.dueDate}</th>
                  <th scope="col">{t.sentOn}</th>
                </tr>
              </thead>
              <tbody>
                {data.reminders.map((r, i) => (
                  <tr key={i}>
                    <td>{r.kind}</td>
                    <td>{formatDate(lang, r.dueDate)}</td>
                    <td>{r.sentAt ? formatDateTime(lang, r.sentAt) : r.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Layout>
  );
}

import { InLang } from '../components/lang-text';
import type { ApiTask } from '../../db/tasks';
import type { TaskDocument as RecordedDocument } from '../../domain/task';
import { reference } from '../../catalog/reference-data';
import type { FormValues } from '../forms';
import { formatDate, formatDateTime, ministryName } from '../i18n';
import { Form, Select, TextArea, TextField, type FieldError } from '../layout';
import { calendarMessages } from '../messages/calendar';
import { documentKindName, documentMessages, issuerName } from '../messages/documents';
import type { PageContext } from '../page-context';

/** One of the task's documents, with the registry's link when it has one. */
export type TaskDocument = ApiTask['documents'][number] & { url: string | null };

/** An extension request, a decision on one, or a deadline Home Affairs set: the deadline's history. */
export interface DeadlineHistoryRow {
  at: string;
  kind: 'EXTENSION_REQUESTED' | 'EXTENSION_APPROVED' | 'EXTENSION_REFUSED' | 'DEADLINE';
  /** The date asked for (a request or decision) or set (a deadline). */
  date: string | null;
  reason: string | null;
  /** A deadline the system moved off a new day off (npm run calendar:apply): the calendar's version. */
  calendarVersion?: string;
}

interface FormProps {
  ctx: PageContext;
  task: ApiTask;
  /** The failed form's values and errors when it is this one. */
  values: FormValues;
  errors: FieldError[];
}

const taskPath = (task: ApiTask, action: string) => `/tasks/${encodeURIComponent(task.code)}/${action}`;

/** "feasible from dd/mm/yyyy" after the status, when a recorded document takes effect later. */
export function FeasibleFrom(props: { ctx: PageContext; task: Pick<ApiTask, 'feasibleFrom'> }) {
  if (!props.task.feasibleFrom) return null;
  return (
    <span class="feasible-from">
      {' '}
      · {documentMessages[props.ctx.lang].feasibleFrom(formatDate(props.ctx.lang, props.task.feasibleFrom))}
    </span>
  );
}

/** "Held up by <ministry>: <document>" (the summary list's row). */
export function HeldUpText(props: { ctx: PageContext; heldUp: NonNullable<ApiTask['heldUp']> }) {
  const { ctx, heldUp } = props;
  const m = documentMessages[ctx.lang];
  const what = heldUp.documentNumber
    ? `${heldUp.description} (${m.awaitedNumber(heldUp.documentNumber)})`
    : heldUp.description;
  return (
    <>
      {m.heldUpBy(ministryName(ctx.lang, heldUp.ministry), what)}{' '}
      <span class="muted">{m.heldUpSince(formatDate(ctx.lang, heldUp.since))}</span>
    </>
  );
}

/** A document as a table row shows it; `recorded` is how and when a task recorded it (the task page only). */
export type DocumentRow = Omit<RecordedDocument, 'recordedAt' | 'via'> & {
  url: string | null;
  recorded?: Pick<RecordedDocument, 'via'> & { at: string };
};

/**
 * Documents as a table: number (linking to the text when the registry has it, else to the registry's
 * search), kind, issuer, title, dates, and on a task how it was recorded.
 */
export function DocumentTable(props: {
  ctx: PageContext;
  documents: DocumentRow[];
  caption: string;
  id?: string;
  recorded?: boolean;
}) {
  const { ctx } = props;
  const m = documentMessages[ctx.lang];
  return (
    <div class="table-wrap">
      <table id={props.id}>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{m.number}</th>
            <th scope="col">{m.kind}</th>
            <th scope="col">{m.issuer}</th>
            <th scope="col">{m.title}</th>
            <th scope="col">{m.issuedOn}</th>
            <th scope="col">{m.effectiveOn}</th>
            {props.recorded && <th scope="col">{m.recordedVia}</th>}
          </tr>
        </thead>
        <tbody>
          {props.documents.map((d) => (
            <tr key={`${d.number}-${d.recorded?.at ?? ''}`}>
              <td>
                {d.url ? (
                  <a href={d.url}>{d.number}</a>
                ) : props.recorded ? (
                  <a href={`/documents?q=${encodeURIComponent(d.number)}`}>{d.number}</a>
                ) : (
                  d.number
                )}
              </td>
              <td>{documentKindName(ctx.lang, d.kind)}</td>
              <td>{d.issuer ? issuerName(ctx.lang, d.issuer) : '—'}</td>
              {/* A document's title as the document gives it: Vietnamese, on an English page too. */}
              <td>{d.title ? <InLang text={{ text: d.title, lang: 'vi' }} /> : '—'}</td>
              <td>{formatDate(ctx.lang, d.issuedOn)}</td>
              <td>{d.effectiveOn ? formatDate(ctx.lang, d.effectiveOn) : '—'}</td>
              {props.recorded && (
                <td>
                  {d.recorded &&
                    `${formatDate(ctx.lang, d.recorded.at)} · ${d.recorded.via === 'SETTLEMENT' ? m.viaSettlement : m.viaTransition}`}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The task's documents, with how each was recorded. */
export function TaskDocumentsTable(props: { ctx: PageContext; documents: TaskDocument[] }) {
  const rows = props.documents.map((d) => ({ ...d, recorded: { at: d.recordedAt, via: d.via } }));
  return (
    <DocumentTable
      ctx={props.ctx}
      documents={rows}
      caption={documentMessages[props.ctx.lang].taskDocumentsCaption}
      recorded
    />
  );
}

/** The deadline's history: requests, decisions and deadlines set (signed-in only: reasons are not public). */
export function DeadlineHistory(props: { ctx: PageContext; rows: DeadlineHistoryRow[] }) {
  const { ctx } = props;
  const m = documentMessages[ctx.lang];
  if (props.rows.length === 0) return <p>{m.noExtensions}</p>;
  const cal = calendarMessages[ctx.lang];
  const name = {
    EXTENSION_REQUESTED: m.evRequested,
    EXTENSION_APPROVED: m.evApproved,
    EXTENSION_REFUSED: m.evRefused,
    DEADLINE: m.evDeadline,
  };
  return (
    <table>
      <caption class="visually-hidden">{m.extensionHistoryCaption}</caption>
      <thead>
        <tr>
          <th scope="col">{m.when}</th>
          <th scope="col">{m.event}</th>
          <th scope="col">{m.requestedDate}</th>
          <th scope="col">{m.reason}</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r, i) => (
          <tr key={i}>
            <td>{formatDateTime(ctx.lang, r.at)}</td>
            <td>{r.calendarVersion ? cal.evCalendarMove : name[r.kind]}</td>
            <td>{formatDate(ctx.lang, r.date)}</td>
            <td>{r.calendarVersion ? cal.calendarMoveReason(r.calendarVersion) : (r.reason ?? '')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ExtensionRequestForm(props: FormProps) {
  const { ctx, task, values, errors } = props;
  const { t } = ctx;
  const m = documentMessages[ctx.lang];
  return (
    <section class="panel" aria-labelledby="extension-request-heading">
      <h3 id="extension-request-heading">{m.extensionRequestTitle}</h3>
      <p class="hint">{m.extensionRequestLead}</p>
      <Form ctx={ctx} action={taskPath(task, 'extension-request')} id="extension-request-form">
        <TextField
          name="extensionDueDate"
          label={m.newDueDate}
          hint={t.dateHint}
          value={values.extensionDueDate}
          errors={errors}
          required
          width="short"
        />
        <TextArea name="extensionReason" label={m.reason} value={values.extensionReason} errors={errors} required />
        <button type="submit" class="button">
          {m.sendRequest}
        </button>
      </Form>
    </section>
  );
}

export function ExtensionDecisionForm(props: FormProps) {
  const { ctx, task, values, errors } = props;
  const m = documentMessages[ctx.lang];
  const decisionError = errors.find((e) => e.field === 'decision')?.message;
  return (
    <section class="panel" aria-labelledby="extension-decision-heading">
      <h3 id="extension-decision-heading">{m.decisionTitle}</h3>
      <Form ctx={ctx} action={taskPath(task, 'extension-decision')} id="extension-decision-form">
        <fieldset
          class={`radios field${decisionError ? ' field-error' : ''}`}
          id="decision"
          aria-describedby={decisionError ? 'decision-error' : undefined}
        >
          <legend>{m.decision}</legend>
          {decisionError && (
            <p class="error-message" id="decision-error">
              {decisionError}
            </p>
          )}
          {(['approve', 'refuse'] as const).map((d) => (
            <div class="radio" key={d}>
              <input type="radio" id={`decision-${d}`} name="decision" value={d} checked={values.decision === d} />
              <label for={`decision-${d}`}>{d === 'approve' ? m.approve : m.refuse}</label>
            </div>
          ))}
        </fieldset>
        <TextArea name="decisionReason" label={m.decisionReason} value={values.decisionReason} errors={errors} />
        <button type="submit" class="button">
          {m.decide}
        </button>
      </Form>
    </section>
  );
}

export function DeadlineForm(props: FormProps) {
  const { ctx, task, values, errors } = props;
  const { t } = ctx;
  const m = documentMessages[ctx.lang];
  return (
    <section class="panel" aria-labelledby="deadline-heading">
      <h3 id="deadline-heading">{m.deadlineTitle}</h3>
      <p class="hint">{m.deadlineLead}</p>
      <Form ctx={ctx} action={taskPath(task, 'deadline')} id="deadline-form">
        <TextField
          name="deadlineDueDate"
          label={m.dueDate}
          hint={t.dateHint}
          value={values.deadlineDueDate ?? formatDate(ctx.lang, task.dueDate)}
          errors={errors}
          required
          width="short"
        />
        <TextArea name="deadlineReason" label={m.reason} value={values.deadlineReason} errors={errors} required />
        <button type="submit" class="button">
          {m.saveDeadline}
        </button>
      </Form>
    </section>
  );
}

export function HoldUpForm(props: FormProps) {
  const { ctx, task, values, errors } = props;
  const m = documentMessages[ctx.lang];
  const others = reference.ministries.filter((x) => x.code !== task.leadMinistry);
  return (
    <section class="panel" aria-labelledby="hold-up-heading">
      <h3 id="hold-up-heading">{m.holdUpTitle}</h3>
      <Form ctx={ctx} action={taskPath(task, 'held-up')} id="hold-up-form">
        <Select
          name="holdUpMinistry"
          label={m.holdUpMinistry}
          value={values.holdUpMinistry}
          errors={errors}
          options={[
            { value: '', label: '—' },
            ...others.map((x) => ({ value: x.code, label: `${ministryName(ctx.lang, x.code)} (${x.code})` })),
          ]}
        />
        <TextField
          name="holdUpDescription"
          label={m.holdUpDescription}
          hint={m.holdUpDescriptionHint}
          value={values.holdUpDescription}
          errors={errors}
          required
        />
        <TextField
          name="holdUpNumber"
          label={m.holdUpNumber}
          hint={m.holdUpNumberHint}
          value={values.holdUpNumber}
          errors={errors}
          width="short"
        />
        <button type="submit" class="button">
          {m.holdUpSave}
        </button>
      </Form>
    </section>
  );
}

export function ReleaseForm(props: Pick<FormProps, 'ctx' | 'task'>) {
  const { ctx, task } = props;
  const m = documentMessages[ctx.lang];
  return (
    <section class="panel" aria-labelledby="release-heading">
      <h3 id="release-heading">{m.releaseTitle}</h3>
      <p class="hint">{m.releaseLead}</p>
      <Form ctx={ctx} action={taskPath(task, 'held-up/release')} id="release-form">
        <button type="submit" class="button button-secondary">
          {m.release}
        </button>
      </Form>
    </section>
  );
}

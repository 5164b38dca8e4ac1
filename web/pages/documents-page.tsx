import { InLang } from '../components/lang-text';
import type { RegisteredDocument } from '../../db/documents';
import type { ApiTask } from '../../db/tasks';
import type { SettlementAnswer, SettlementRefusal } from '../../app/document-actions';
import { CENTRAL_ISSUERS, DOCUMENT_KINDS } from '../../domain/legal-documents';
import { reference } from '../../catalog/reference-data';
import type { FormValues } from '../forms';
import { formatDate, formatNumber, statusName, taskTitle } from '../i18n';
import { ErrorSummary, Form, Layout, Select, StatusTag, TextArea, TextField, type FieldError } from '../layout';
import { documentKindName, documentMessages, issuerName, type DocumentMessages } from '../messages/documents';
import type { PageContext } from '../page-context';
import { DocumentTable } from './task-document-panels';
import { Pagination } from '../task-table';

export interface DocumentFilters {
  q?: string;
  issuer?: string;
  kind?: string;
}

/** A form sent back with its values and errors. */
export interface DocumentFormState {
  values: FormValues;
  errors: FieldError[];
}

export interface DocumentsPageData {
  filters: DocumentFilters;
  list: { items: RegisteredDocument[]; total: number; page: number; limit: number };
  /** Signed in as Home Affairs or a ministry: the forms are shown. */
  canWrite: boolean;
  /** The issuers this person may register for (a ministry: itself). */
  issuers: string[];
  /** A ministry's open tasks it leads, to choose from when settling. */
  yourTasks: ApiTask[];
  register: DocumentFormState | null;
  settle: (DocumentFormState & { chosen: string[]; refusals: SettlementRefusal[] }) | null;
  registered: { number: string; released: string[] } | null;
  result: SettlementAnswer | null;
}

function refusalText(m: DocumentMessages, r: SettlementRefusal): string {
  switch (r.reason) {
    case 'NO_SUCH_TASK':
      return m.refusalNotFound;
    case 'OTHER_MINISTRY':
      return m.refusalForbidden;
    case 'ALREADY_FEASIBLE':
      return m.refusalFeasible;
    default:
      return m.refusalPending;
  }
}

function SearchForm(props: { ctx: PageContext; filters: DocumentFilters }) {
  const { ctx, filters } = props;
  const m = documentMessages[ctx.lang];
  const issuers = [...CENTRAL_ISSUERS, ...reference.ministries.map((x) => x.code)];
  return (
    <form method="get" action="/documents" class="filters" role="search" aria-label={m.search}>
      <TextField name="q" label={m.searchWords} value={filters.q} errors={[]} />
      <Select
        name="issuer"
        label={m.issuer}
        value={filters.issuer}
        errors={[]}
        options={[
          { value: '', label: m.anyIssuer },
          ...issuers.map((c) => ({ value: c, label: issuerName(ctx.lang, c) })),
        ]}
      />
      <Select
        name="kind"
        label={m.kind}
        value={filters.kind}
        errors={[]}
        options={[
          { value: '', label: m.anyKind },
          ...DOCUMENT_KINDS.map((k) => ({ value: k, label: documentKindName(ctx.lang, k) })),
        ]}
      />
      <button type="submit" class="button">
        {m.show}
      </button>
    </form>
  );
}

function RegisterForm(props: { ctx: PageContext; issuers: string[]; state: DocumentFormState | null }) {
  const { ctx } = props;
  const { t } = ctx;
  const m = documentMessages[ctx.lang];
  const values = props.state?.values ?? {};
  const errors = props.state?.errors ?? [];
  return (
    <section class="panel" aria-labelledby="register-heading">
      <h2 id="register-heading">{m.registerTitle}</h2>
      <p class="hint">{m.registerLead}</p>
      <Form ctx={ctx} action="/documents" id="register-form">
        <TextField
          name="docNumber"
          label={m.number}
          hint={m.numberHint}
          value={values.docNumber}
          errors={errors}
          required
        />
        <Select
          name="docKind"
          label={m.kind}
          value={values.docKind}
          errors={errors}
          options={[
            { value: '', label: '—' },
            ...DOCUMENT_KINDS.map((k) => ({ value: k, label: documentKindName(ctx.lang, k) })),
          ]}
        />
        <Select
          name="docIssuer"
          label={m.issuer}
          value={values.docIssuer ?? (props.issuers.length === 1 ? props.issuers[0] : undefined)}
          errors={errors}
          options={[
            ...(props.issuers.length === 1 ? [] : [{ value: '', label: '—' }]),
            ...props.issuers.map((c) => ({ value: c, label: `${issuerName(ctx.lang, c)} (${c})` })),
          ]}
        />
        <TextArea name="docTitle" label={m.title} value={values.docTitle} errors={errors} required />
        <TextField
          name="docIssuedOn"
          label={m.issuedOn}
          hint={t.dateHint}
          value={values.docIssuedOn}
          errors={errors}
          required
          width="short"
        />
        <TextField
          name="docEffectiveOn"
          label={`${m.effectiveOn} ${t.optional}`}
          hint={m.effectiveHint}
          value={values.docEffectiveOn}
          errors={errors}
          width="short"
        />
        <TextField name="docUrl" label={m.urlLabel} value={values.docUrl} errors={errors} type="url" />
        <button type="submit" class="button">
          {m.register}
        </button>
      </Form>
    </section>
  );
}

function SettleForm(props: { ctx: PageContext; yourTasks: ApiTask[]; state: DocumentsPageData['settle'] }) {
  const { ctx, yourTasks } = props;
  const m = documentMessages[ctx.lang];
  const values = props.state?.values ?? {};
  const errors = props.state?.errors ?? [];
  const chosen = new Set(props.state?.chosen ?? []);
  const refusals = props.state?.refusals ?? [];
  const total = props.state ? props.state.chosen.length : 0;
  return (
    <section class="panel" aria-labelledby="settle-heading">
      <h2 id="settle-heading">{m.settleTitle}</h2>
      <p class="hint">{m.settleLead}</p>
      {refusals.length > 0 && (
        <div class="refusals" role="alert" id="settle-refusals">
          <p>
            <strong>{m.refusalsTitle(formatNumber(ctx.lang, refusals.length), formatNumber(ctx.lang, total))}</strong>
          </p>
          <table>
            <caption class="visually-hidden">
              {m.refusalsTitle(formatNumber(ctx.lang, refusals.length), formatNumber(ctx.lang, total))}
            </caption>
            <thead>
              <tr>
                <th scope="col">{m.task}</th>
                <th scope="col">{m.why}</th>
              </tr>
            </thead>
            <tbody>
              {refusals.map((r) => (
                <tr key={r.task}>
                  <td>{r.task}</td>
                  <td>{refusalText(m, r)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Form ctx={ctx} action="/documents/settlements" id="settle-form">
        <TextField
          name="settleDocument"
          label={m.settleDocument}
          hint={m.numberHint}
          value={values.settleDocument}
          errors={errors}
          required
        />
        {yourTasks.length > 0 && (
          <fieldset class="checkboxes field" id="tasks">
            <legend>{m.settleYourTasks}</legend>
            {yourTasks.map((task) => (
              <div class="checkbox" key={task.code}>
                <input
                  type="checkbox"
                  id={`task-${task.code}`}
                  name="tasks"
                  value={task.code}
                  checked={chosen.has(task.code)}
                />
                <label for={`task-${task.code}`}>
                  {task.code} · <InLang text={taskTitle(ctx.lang, task)} />{' '}
                  <span class="muted">({statusName(ctx.lang, task.status)})</span>
                </label>
              </div>
            ))}
          </fieldset>
        )}
        <TextArea
          name="taskCodes"
          label={m.settleCodes}
          hint={m.settleCodesHint}
          value={values.taskCodes}
          errors={errors}
        />
        <button type="submit" class="button">
          {m.settle}
        </button>
      </Form>
    </section>
  );
}

function SettlementResults(props: { ctx: PageContext; result: SettlementAnswer }) {
  const { ctx, result } = props;
  const m = documentMessages[ctx.lang];
  return (
    <section class="notice notice-success" aria-labelledby="results-heading" id="settlement-results">
      <h2 id="results-heading">{m.resultsTitle(result.document)}</h2>
      <table>
        <caption class="visually-hidden">{m.resultsCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{m.task}</th>
            <th scope="col">{m.outcome}</th>
          </tr>
        </thead>
        <tbody>
          {result.results.map((r) => (
            <tr key={r.task}>
              <td>
                <a href={`/tasks/${encodeURIComponent(r.task)}`}>{r.task}</a>
              </td>
              <td>
                {r.outcome === 'FEASIBLE' && <StatusTag status="FEASIBLE" label={m.outcomeFeasible} />}
                {r.outcome === 'FEASIBLE_FROM' && m.outcomeFeasibleFrom(formatDate(ctx.lang, r.feasibleFrom))}
                {r.outcome === 'REFUSED' && m.outcomeRefused}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The registry: anyone lists and searches; Home Affairs and ministries register and settle tasks with a document. */
export function DocumentsPage(props: { ctx: PageContext; data: DocumentsPageData }) {
  const { ctx, data } = props;
  const m = documentMessages[ctx.lang];
  const errors = [...(data.register?.errors ?? []), ...(data.settle?.errors ?? [])];
  return (
    <Layout ctx={ctx} title={m.documentsTitle}>
      <ErrorSummary ctx={ctx} errors={errors} />
      {data.registered && (
        <div class="notice notice-success" role="status">
          <p>{m.registered(data.registered.number)}</p>
          {data.registered.released.length > 0 && <p>{m.releasedTasks(data.registered.released.join(', '))}</p>}
        </div>
      )}
      {data.result && <SettlementResults ctx={ctx} result={data.result} />}
      <h1>{m.documentsTitle}</h1>
      <p class="lead">{m.documentsLead}</p>
      <SearchForm ctx={ctx} filters={data.filters} />
      {data.list.items.length === 0 ? (
        <p>{m.noDocumentsFound}</p>
      ) : (
        <DocumentTable ctx={ctx} documents={data.list.items} caption={m.documentsCaption} id="documents-table" />
      )}
      {data.list.total > 0 && (
        <Pagination
          ctx={ctx}
          base="/documents"
          query={{ q: data.filters.q, issuer: data.filters.issuer, kind: data.filters.kind }}
          page={data.list.page}
          limit={data.list.limit}
          total={data.list.total}
          shown={m.shown}
        />
      )}
      {data.canWrite ? (
        <div class="columns">
          <SettleForm ctx={ctx} yourTasks={data.yourTasks} state={data.settle} />
          <RegisterForm ctx={ctx} issuers={data.issuers} state={data.register} />
        </div>
      ) : (
        <p class="notice">{m.signInToRegister}</p>
      )}
    </Layout>
  );
}

/** The issuers a person may register documents for. */
export function issuersFor(p: PageContext['principal']): string[] {
  if (p?.kind === 'ministry') return [p.code];
  return [...CENTRAL_ISSUERS, ...reference.ministries.map((x) => x.code)];
}

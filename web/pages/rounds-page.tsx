import type { RoundRow } from '../../db/reporting-rounds';
import { formatDate, formatNumber, localityNames } from '../i18n';
import { ErrorSummary, Form, Layout, Select, StatusTag, TextField, type FieldError } from '../layout';
import { localityMessages } from '../messages/localities';
import { communeMessages } from '../messages/communes';
import type { PageContext } from '../page-context';
import { TableHead } from '../components/table-head';

export interface RoundWithLocalities extends RoundRow {
  /** Codes of the localities asked in the round that have not reported in it. */
  notReported: string[];
  /** A commune round: each province's communes asked and reported (the rows its "n of N" sums). */
  provinces?: { locality: string; reported: number; total: number }[];
}

/** A refused form on the page: which one, what was typed, and the errors beside its fields. */
export interface RoundFormState {
  form: string;
  values: Record<string, string>;
  errors: FieldError[];
}

export function RoundsPage(props: {
  ctx: PageContext;
  rounds: RoundWithLocalities[];
  failed: RoundFormState | null;
  done: string | null;
}) {
  const { ctx, rounds, failed } = props;
  const { lang } = ctx;
  const m = localityMessages[lang];
  const c = communeMessages[lang];
  const errorsOf = (form: string) => (failed?.form === form ? failed.errors : []);
  const valueOf = (form: string, field: string) => (failed?.form === form ? failed.values[field] : undefined);
  return (
    <Layout ctx={ctx} title={m.roundsTitle}>
      <ErrorSummary ctx={ctx} errors={failed?.errors ?? []} />
      {props.done && (
        <div class="notice notice-success" role="status">
          {props.done}
        </div>
      )}
      <h1>{m.roundsTitle}</h1>
      <p class="lead">{m.roundsLead}</p>
      {rounds.length === 0 ? (
        <p>{m.noRounds}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{m.roundsTitle}</caption>
            <TableHead columns={[m.round, m.openedOn, m.dueDate, m.status, m.notReportedYet]} />
            <tbody>
              {rounds.map((r) => (
                <tr key={r.id} id={`round-${r.id}`}>
                  <th scope="row">
                    {r.id}
                    <div class="muted">{m.kinds[r.kind] ?? r.kind}</div>
                    <div class="muted">
                      {c.roundLevel}: {c.roundLevels[r.level] ?? r.level}
                    </div>
                  </th>
                  <td>{formatDate(lang, r.openedOn)}</td>
                  <td>
                    {formatDate(lang, r.dueDate)}
                    {r.extensions > 0 && <div class="muted">{m.extendedTimes(formatNumber(lang, r.extensions))}</div>}
                  </td>
                  <td>
                    <StatusTag
                      status={r.status === 'OPEN' ? 'IMPLEMENTING' : 'WORKABLE'}
                      label={r.status === 'OPEN' ? m.roundOpen : m.roundClosed}
                    />
                    {r.closedEarly && <div class="muted">{m.closedEarly}</div>}
                    <div>
                      <strong>
                        {r.level === 'commune'
                          ? c.communesReportedOf(formatNumber(lang, r.reported), formatNumber(lang, r.total))
                          : m.reportedOf(formatNumber(lang, r.reported), formatNumber(lang, r.total))}
                      </strong>
                    </div>
                  </td>
                  <td>
                    {r.level === 'commune' ? (
                      <CommuneProgress lang={lang} provinces={r.provinces ?? []} />
                    ) : r.notReported.length === 0 ? (
                      m.allReported
                    ) : (
                      <ul class="compact-list">
                        {r.notReported.map((code) => (
                          <li key={code}>{localityNames(lang, code).main}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div class="columns">
        <section class="panel" aria-labelledby="open-round-title">
          <h2 id="open-round-title">{m.openExtraRound}</h2>
          <Form ctx={ctx} action="/rounds">
            <TextField
              name="open-dueDate"
              label={m.dueDate}
              hint={m.dueDateHint}
              value={valueOf('open', 'open-dueDate')}
              errors={errorsOf('open')}
              width="short"
              required
            />
            <TextField
              name="open-id"
              label={m.roundId}
              hint={m.roundIdHint}
              value={valueOf('open', 'open-id')}
              errors={errorsOf('open')}
            />
            <Select
              name="open-level"
              label={c.roundLevel}
              hint={c.roundLevelHint}
              options={[
                { value: 'province', label: c.roundLevels.province ?? 'province' },
                { value: 'commune', label: c.roundLevels.commune ?? 'commune' },
              ]}
              value={valueOf('open', 'open-level')}
              errors={errorsOf('open')}
            />
            <button type="submit" class="button">
              {m.openRoundButton}
            </button>
          </Form>
        </section>
        {rounds
          .filter((r) => r.status === 'OPEN')
          .map((r) => {
            const extend = `extend-${r.id}`;
            const close = `close-${r.id}`;
            return (
              <section class="panel" key={r.id} aria-labelledby={`${extend}-title`}>
                <h2 id={`${extend}-title`}>{m.extendRound(r.id)}</h2>
                <Form ctx={ctx} action={`/rounds/${encodeURIComponent(r.id)}/extension`}>
                  <TextField
                    name={`${extend}-dueDate`}
                    label={m.newDueDate}
                    hint={m.dueDateHint}
                    value={valueOf(extend, `${extend}-dueDate`)}
                    errors={errorsOf(extend)}
                    width="short"
                    required
                  />
                  <TextField
                    name={`${extend}-reason`}
                    label={m.reason}
                    value={valueOf(extend, `${extend}-reason`)}
                    errors={errorsOf(extend)}
                    required
                  />
                  <button type="submit" class="button">
                    {m.extendButton}
                  </button>
                </Form>
                {r.level === 'commune' && <p class="hint">{c.communeChaseNote}</p>}
                {r.level !== 'commune' && r.notReported.length > 0 && (
                  <>
                    <h3 id={`remind-${r.id}-title`}>{m.remindRound(r.id)}</h3>
                    <Form ctx={ctx} action={`/rounds/${encodeURIComponent(r.id)}/reminders`}>
                      <p class="hint">{m.remindHint(formatNumber(lang, r.notReported.length))}</p>
                      {errorsOf(`remind-${r.id}`).map((e) => (
                        <p class="error-message" key={e.field}>
                          {e.message}
                        </p>
                      ))}
                      <button type="submit" class="button button-secondary" id={`remind-${r.id}`}>
                        {m.remindButton}
                      </button>
                    </Form>
                  </>
                )}
                <h3 id={`${close}-title`}>{m.closeRound(r.id)}</h3>
                <Form ctx={ctx} action={`/rounds/${encodeURIComponent(r.id)}/close`}>
                  <TextField
                    name={`${close}-reason`}
                    label={m.reason}
                    hint={m.closeHint}
                    value={valueOf(close, `${close}-reason`)}
                    errors={errorsOf(close)}
                    required
                  />
                  <button type="submit" class="button button-secondary">
                    {m.closeButton}
                  </button>
                </Form>
              </section>
            );
          })}
      </div>
    </Layout>
  );
}

/** A commune round's "not reported" cell: each province with communes yet to report, n/N, linked to its communes. */
function CommuneProgress(props: {
  lang: PageContext['lang'];
  provinces: { locality: string; reported: number; total: number }[];
}) {
  const { lang } = props;
  const c = communeMessages[lang];
  const lagging = props.provinces.filter((p) => p.reported < p.total);
  if (lagging.length === 0) return <>{c.allCommunesReported}</>;
  return (
    <details>
      <summary>
        {c.provincesLagging} ({formatNumber(lang, lagging.length)})
      </summary>
      <ul class="compact-list">
        {lagging.map((p) => (
          <li key={p.locality}>
            <a href={`/localities/${p.locality}/communes`}>{localityNames(lang, p.locality).main}</a>:{' '}
            {formatNumber(lang, p.total - p.reported)}/{formatNumber(lang, p.total)}
          </li>
        ))}
      </ul>
    </details>
  );
}

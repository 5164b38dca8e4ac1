import type { LeadershipContact } from '../../db/leadership-contacts';
import { formatDateTime, ministryNames } from '../i18n';
import { ErrorSummary, Form, Layout, TextField, type FieldError } from '../layout';
import { insightMessages } from '../messages/insight';
import type { PageContext } from '../page-context';
import { TableHead } from '../components/table-head';
import { BothNames } from '../components/both-names';

export interface ContactForm {
  ministry: string;
  values: { name: string; position: string; email: string };
  errors: FieldError[];
}

/** Home Affairs: each ministry's leadership contact for the escalation ladder, and the form to edit one. */
export function LeadershipContactsPage(props: {
  ctx: PageContext;
  contacts: LeadershipContact[];
  afterWorkingDays: number | null;
  edit: ContactForm | null;
  saved: string | null;
}) {
  const { ctx, contacts, edit } = props;
  const { lang, t } = ctx;
  const m = insightMessages[lang];
  return (
    <Layout ctx={ctx} title={m.leadershipTitle}>
      {edit && <ErrorSummary ctx={ctx} errors={edit.errors} />}
      {props.saved && (
        <div class="notice notice-success" role="status">
          {m.contactSaved(ministryNames(lang, props.saved).main)}
        </div>
      )}
      <h1>{m.leadershipTitle}</h1>
      <p class="lead">
        {props.afterWorkingDays === null ? m.leadershipNoStep : m.leadershipLead(String(props.afterWorkingDays))}
      </p>
      {edit && (
        <section class="panel" aria-labelledby="edit-contact">
          <h2 id="edit-contact">{m.editContactOf(ministryNames(lang, edit.ministry).main)}</h2>
          <Form ctx={ctx} action={`/leadership-contacts/${edit.ministry}`} id="contact-form">
            <TextField
              name="name"
              label={m.contactName}
              value={edit.values.name}
              errors={edit.errors}
              autocomplete="name"
              required
            />
            <TextField name="position" label={m.contactPosition} value={edit.values.position} errors={edit.errors} />
            <TextField
              name="email"
              label={m.contactEmail}
              type="email"
              inputmode="email"
              autocomplete="email"
              value={edit.values.email}
              errors={edit.errors}
              required
            />
            <button type="submit" class="button">
              {m.saveContact}
            </button>
          </Form>
        </section>
      )}
      {contacts.some((c) => c.illustrative) && (
        <p class="hint">
          <strong class="tag">{m.illustrative}</strong> {m.illustrativeNote}
        </p>
      )}
      <div class="table-wrap">
        <table id="contacts-table">
          <caption>{m.leadershipTable}</caption>
          <TableHead
            columns={[
              t.ministry,
              m.contactName,
              m.contactEmail,
              m.updatedBy,
              { label: m.editContact, readOutOnly: true },
            ]}
          />
          <tbody>
            {contacts.map((c) => {
              const names = ministryNames(lang, c.ministry);
              return (
                <tr key={c.ministry} id={`contact-${c.ministry}`}>
                  <th scope="row">
                    <BothNames {...names} lang={lang} />
                  </th>
                  <td>
                    {c.name}
                    {c.position && <span class="muted"> — {c.position}</span>}
                    {c.illustrative && (
                      <span class="illustrative">
                        <strong class="tag">{m.illustrative}</strong>
                      </span>
                    )}
                  </td>
                  <td>{c.email}</td>
                  <td>{c.illustrative ? '—' : `${formatDateTime(lang, c.updatedAt)} (${c.updatedBy})`}</td>
                  <td>
                    <a href={`/leadership-contacts?edit=${c.ministry}#edit-contact`}>
                      {m.editContact}
                      <span class="visually-hidden"> {names.main}</span>
                    </a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

import { DIGEST_LANGUAGES } from '../../domain/digest';
import { ErrorSummary, fieldError, Form, Layout, Select, type FieldError } from '../layout';
import { insightMessages } from '../messages/insight';
import type { PageContext } from '../page-context';

export interface AddressPreferences {
  email: string;
  language: string;
  dailyDigest: boolean;
  weeklyDigest: boolean;
  /** Whether this address receives the weekly bottleneck digest at all (Home Affairs' address). */
  weeklyApplies: boolean;
}

/** A checkbox with its error beside it. */
function Checkbox(props: { name: string; label: string; checked: boolean; errors: FieldError[] }) {
  const error = fieldError(props.errors, props.name);
  return (
    <div class={`checkbox${error ? ' field-error' : ''}`}>
      {error && (
        <p class="error-message" id={`${props.name}-error`}>
          {error}
        </p>
      )}
      <input
        id={props.name}
        name={props.name}
        type="checkbox"
        value="true"
        checked={props.checked}
        aria-describedby={error ? `${props.name}-error` : undefined}
      />
      <label for={props.name}>{props.label}</label>
    </div>
  );
}

/** A signed-in focal point's or Home Affairs' e-mail preferences: one form per address it answers for. */
export function PreferencesPage(props: {
  ctx: PageContext;
  addresses: AddressPreferences[];
  errors: FieldError[];
  saved: boolean;
}) {
  const { ctx, addresses, errors } = props;
  const m = insightMessages[ctx.lang];
  return (
    <Layout ctx={ctx} title={m.preferencesTitle}>
      <ErrorSummary ctx={ctx} errors={errors} />
      {props.saved && (
        <div class="notice notice-success" role="status">
          {m.preferencesSaved}
        </div>
      )}
      <h1>{m.preferencesTitle}</h1>
      <p class="lead">{m.preferencesLead}</p>
      {addresses.length === 0 && <p>{m.noAddresses}</p>}
      {addresses.map((a, i) => {
        const id = `pref-${i}`;
        return (
          <section key={a.email} class="panel" aria-labelledby={`${id}-title`}>
            <h2 id={`${id}-title`}>{m.preferencesFor(a.email)}</h2>
            <Form ctx={ctx} action="/preferences" id={`${id}-form`}>
              <input type="hidden" name="form" value={id} />
              <input type="hidden" name="email" value={a.email} />
              <Checkbox name={`${id}-dailyDigest`} label={m.dailyDigest} checked={a.dailyDigest} errors={errors} />
              {a.weeklyApplies && (
                <Checkbox name={`${id}-weeklyDigest`} label={m.weeklyDigest} checked={a.weeklyDigest} errors={errors} />
              )}
              <Select
                name={`${id}-language`}
                label={m.mailLanguage}
                options={DIGEST_LANGUAGES.map((l) => ({ value: l, label: m.mailLanguages[l] ?? l }))}
                value={a.language}
                errors={errors}
              />
              <p class="hint">{m.mandatoryNote}</p>
              <button type="submit" class="button">
                {m.savePreferences}
              </button>
            </Form>
          </section>
        );
      })}
    </Layout>
  );
}

/** The page an unsubscribe link opens: it says what will stop, and changes nothing until the button is pressed. */
export function UnsubscribePage(props: { ctx: PageContext; email: string; action: string }) {
  const { ctx } = props;
  const m = insightMessages[ctx.lang];
  return (
    <Layout ctx={ctx} title={m.unsubscribeTitle}>
      <h1>{m.unsubscribeTitle}</h1>
      <p class="lead">{m.unsubscribeLead(props.email)}</p>
      <Form ctx={ctx} action={props.action} id="unsubscribe-form">
        <button type="submit" class="button button-warning">
          {m.unsubscribeConfirm}
        </button>
      </Form>
    </Layout>
  );
}

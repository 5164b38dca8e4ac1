import { ErrorSummary, Form, Layout, TextField, type FieldError } from '../layout';
import type { PageContext } from '../page-context';

export function SignInPage(props: {
  ctx: PageContext;
  errors: FieldError[];
  email?: string;
  notice?: string;
  next?: string | null;
}) {
  const { ctx, errors } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t.signInTitle}>
      <ErrorSummary ctx={ctx} errors={errors} />
      {props.notice && (
        <div class="notice notice-success" role="status">
          {props.notice}
        </div>
      )}
      <h1>{t.signInTitle}</h1>
      <p class="lead">{t.signInLead}</p>
      <div class="columns">
        <section class="panel" aria-labelledby="by-link">
          <h2 id="by-link">{t.byLink}</h2>
          <Form ctx={ctx} action="/sign-in/email">
            {props.next && <input type="hidden" name="next" value={props.next} />}
            <TextField
              name="email"
              label={t.email}
              hint={t.byLinkHint}
              type="email"
              autocomplete="email"
              inputmode="email"
              value={props.email}
              errors={errors}
              required
            />
            <button type="submit" class="button">
              {t.sendLink}
            </button>
          </Form>
        </section>
        <section class="panel" aria-labelledby="by-token">
          <h2 id="by-token">{t.byToken}</h2>
          <Form ctx={ctx} action="/sign-in/token">
            {props.next && <input type="hidden" name="next" value={props.next} />}
            <TextField
              name="token"
              label={t.token}
              hint={t.byTokenHint}
              type="password"
              autocomplete="off"
              errors={errors}
              required
            />
            <button type="submit" class="button">
              {t.signInButton}
            </button>
          </Form>
        </section>
      </div>
    </Layout>
  );
}

/** A page that says one thing (link sent, link expired, not found, not allowed, error). */
export function MessagePage(props: {
  ctx: PageContext;
  title: string;
  body: string;
  children?: preact.ComponentChildren;
}) {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <h1>{props.title}</h1>
      <p class="lead">{props.body}</p>
      {props.children}
    </Layout>
  );
}

export function LinkConfirmPage(props: { ctx: PageContext; token: string; next?: string | null }) {
  const { ctx } = props;
  return (
    <MessagePage ctx={ctx} title={ctx.t.linkConfirmTitle} body={ctx.t.linkConfirmBody}>
      <Form ctx={ctx} action="/sign-in/link">
        <input type="hidden" name="token" value={props.token} />
        {props.next && <input type="hidden" name="next" value={props.next} />}
        <button type="submit" class="button">
          {ctx.t.signInButton}
        </button>
      </Form>
    </MessagePage>
  );
}

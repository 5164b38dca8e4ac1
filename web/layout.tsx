import type { ComponentChildren } from 'preact';
import type { Principal } from '../domain/principal';
import { insightMessages } from './messages/insight';
import type { PageContext } from './page-context';
import { localityName, ministryName } from './i18n';
import { SITE_CSS } from './stylesheet';
import { communeMessages } from './messages/communes';
import { localityMessages } from './messages/localities';
import { documentMessages } from './messages/documents';

/** Who is signed in, in words. */
export function principalLabel(ctx: PageContext): string {
  const p = ctx.principal;
  if (!p) return '';
  switch (p.kind) {
    case 'home-affairs':
      return ctx.t.homeAffairs;
    case 'ministry':
      return ministryName(ctx.lang, p.code);
    case 'locality':
      return localityName(ctx.lang, p.code);
    case 'commune':
      return communeMessages[ctx.lang].signedInCommune(p.code, ctx.communeName);
    default:
      return p.name;
  }
}

/**
 * A form posting to this app, with its CSRF field and the page it is on (`_from`: a page re-rendered
 * for the post links back there, session.ts csrfValid).
 */
export function Form(props: {
  ctx: PageContext;
  action: string;
  children: ComponentChildren;
  class?: string;
  id?: string;
}) {
  return (
    <form method="post" action={props.action} class={props.class} id={props.id} novalidate>
      <input type="hidden" name="_csrf" value={props.ctx.csrfToken} />
      <input type="hidden" name="_from" value={props.ctx.path} />
      {props.children}
    </form>
  );
}

/** Who sees a link: everyone, only people not signed in, or people signed in with one of these roles. */
export type NavAudience = 'everyone' | 'signed-out' | Principal['kind'];

/** One link of the site's navigation: where it goes, its words, where it is shown, who sees it. */
export interface NavEntry {
  href: string;
  label: (ctx: PageContext) => string;
  /** The header's main navigation or the footer's line of links. */
  place: 'header' | 'footer';
  audience: readonly NavAudience[];
}

/**
 * Every link of the header and the footer, in the order shown. Add a page's link here (with the roles that may
 * open it) rather than in the markup below: both blocks are drawn from this one list.
 */
export const NAV_ENTRIES: readonly NavEntry[] = [
  { href: '/', label: (ctx) => ctx.t.navPublic, place: 'header', audience: ['everyone'] },
  {
    href: '/documents',
    label: (ctx) => documentMessages[ctx.lang].navDocuments,
    place: 'header',
    audience: ['everyone'],
  },
  { href: '/dashboard', label: (ctx) => ctx.t.navDashboard, place: 'header', audience: ['home-affairs'] },
  { href: '/worklist', label: (ctx) => ctx.t.navWorklist, place: 'header', audience: ['ministry'] },
  {
    href: '/rounds',
    label: (ctx) => localityMessages[ctx.lang].navRounds,
    place: 'header',
    audience: ['home-affairs'],
  },
  { href: '/locality', label: (ctx) => ctx.t.navLocality, place: 'header', audience: ['locality'] },
  { href: '/matrix', label: (ctx) => localityMessages[ctx.lang].navMatrix, place: 'header', audience: ['everyone'] },
  { href: '/communes', label: (ctx) => communeMessages[ctx.lang].navCommunes, place: 'header', audience: ['everyone'] },
  {
    href: '/leadership-contacts',
    label: (ctx) => insightMessages[ctx.lang].navLeadership,
    place: 'header',
    audience: ['home-affairs'],
  },
  {
    href: '/preferences',
    label: (ctx) => insightMessages[ctx.lang].navPreferences,
    place: 'header',
    audience: ['ministry', 'home-affairs'],
  },
  { href: '/sign-in', label: (ctx) => ctx.t.navSignIn, place: 'header', audience: ['signed-out'] },
  { href: '/open-data/tasks.csv', label: (ctx) => `${ctx.t.openData} (CSV)`, place: 'footer', audience: ['everyone'] },
  {
    href: '/open-data/tasks.json',
    label: (ctx) => `${ctx.t.openData} (JSON)`,
    place: 'footer',
    audience: ['everyone'],
  },
  { href: '/docs', label: (ctx) => ctx.t.apiDocs, place: 'footer', audience: ['everyone'] },
];

/** The entries of one place that this visitor sees. */
export function navEntriesFor(principal: Principal | null, place: NavEntry['place']): NavEntry[] {
  return NAV_ENTRIES.filter(
    (e) =>
      e.place === place &&
      e.audience.some((a) => a === 'everyone' || (a === 'signed-out' ? !principal : principal?.kind === a)),
  );
}

/** One place's links as a list; the page being shown is marked as current. */
function NavList(props: { ctx: PageContext; place: NavEntry['place']; class: string }) {
  const { ctx } = props;
  return (
    <ul class={props.class}>
      {navEntriesFor(ctx.principal, props.place).map((e) => (
        <li key={e.href}>
          <a href={e.href} aria-current={ctx.path === e.href || ctx.path.startsWith(`${e.href}?`) ? 'page' : undefined}>
            {e.label(ctx)}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** The frame of every page: skip link, header with navigation and language switch, main, footer. */
export function Layout(props: { ctx: PageContext; title: string; children: ComponentChildren }) {
  const { ctx } = props;
  const { t } = ctx;
  const p = ctx.principal;
  const other = ctx.lang === 'vi' ? 'en' : 'vi';
  return (
    <html lang={ctx.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} – ${t.serviceName}`}</title>
        <link rel="icon" href="/favicon.ico" type="image/svg+xml" />
        {/* Inlined: no round trip before the first paint (web/stylesheet.ts; the CSP allows it by its hash). */}
        <style dangerouslySetInnerHTML={{ __html: SITE_CSS }} />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t.skipToContent}
        </a>
        <header class="site-header">
          <div class="width">
            <a class="service-name" href="/">
              {t.serviceName}
            </a>
            <nav aria-label={ctx.lang === 'vi' ? 'Điều hướng chính' : 'Main'}>
              <NavList ctx={ctx} place="header" class="nav" />
            </nav>
            <div class="header-tools">
              {p && (
                <Form ctx={ctx} action="/sign-out" class="sign-out">
                  <span class="who">
                    {t.signedInAs} <strong>{principalLabel(ctx)}</strong>
                  </span>{' '}
                  <button type="submit" class="button button-secondary button-small">
                    {t.signOut}
                  </button>
                </Form>
              )}
              <a
                class="lang-switch"
                href={`/language/${other}?next=${encodeURIComponent(ctx.path)}`}
                hreflang={other}
                lang={other}
                aria-label={t.switchToLabel}
              >
                {t.switchTo}
              </a>
            </div>
          </div>
        </header>
        <main id="main" class="width" tabindex={-1}>
          {ctx.seeding && (
            <p class="notice seeding" role="status">
              {t.seedingBanner(ctx.seeding.done, ctx.seeding.total)}
            </p>
          )}
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="width">
            <NavList ctx={ctx} place="footer" class="footer-links" />
            <p class="muted">{t.footerNote}</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

export interface FieldError {
  /** The form field's name (and the id of its input). */
  field: string;
  message: string;
}

/** The GOV.UK pattern: a summary at the top, linking to each field, which shows its own message. */
export function ErrorSummary(props: { ctx: PageContext; errors: FieldError[] }) {
  if (props.errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1} aria-labelledby="error-summary-title" autofocus>
      <h2 id="error-summary-title">{props.ctx.t.errorSummaryTitle}</h2>
      <ul>
        {props.errors.map((e) => (
          <li key={e.field}>
            <a href={`#${e.field}`}>{e.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function fieldError(errors: FieldError[], field: string): string | undefined {
  return errors.find((e) => e.field === field)?.message;
}

/** A labelled input with its hint and its error beside it. */
export function TextField(props: {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  errors: FieldError[];
  type?: string;
  autocomplete?: string;
  inputmode?: 'numeric' | 'email' | 'text';
  required?: boolean;
  width?: 'short' | 'full';
}) {
  const error = fieldError(props.errors, props.name);
  const described =
    [props.hint ? `${props.name}-hint` : null, error ? `${props.name}-error` : null].filter(Boolean).join(' ') ||
    undefined;
  return (
    <div class={`field${error ? ' field-error' : ''}`}>
      <label for={props.name}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.name}-hint`}>
          {props.hint}
        </p>
      )}
      {error && (
        <p class="error-message" id={`${props.name}-error`}>
          {error}
        </p>
      )}
      <input
        id={props.name}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        aria-describedby={described}
        aria-invalid={error ? 'true' : undefined}
        aria-required={props.required ? 'true' : undefined}
        class={props.width === 'short' ? 'input-short' : undefined}
      />
    </div>
  );
}

export function TextArea(props: {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  errors: FieldError[];
  required?: boolean;
}) {
  const error = fieldError(props.errors, props.name);
  const described =
    [props.hint ? `${props.name}-hint` : null, error ? `${props.name}-error` : null].filter(Boolean).join(' ') ||
    undefined;
  return (
    <div class={`field${error ? ' field-error' : ''}`}>
      <label for={props.name}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.name}-hint`}>
          {props.hint}
        </p>
      )}
      {error && (
        <p class="error-message" id={`${props.name}-error`}>
          {error}
        </p>
      )}
      <textarea
        id={props.name}
        name={props.name}
        rows={3}
        aria-describedby={described}
        aria-invalid={error ? 'true' : undefined}
        aria-required={props.required ? 'true' : undefined}
      >
        {props.value ?? ''}
      </textarea>
    </div>
  );
}

export function Select(props: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  value?: string;
  errors: FieldError[];
  hint?: string;
}) {
  const error = fieldError(props.errors, props.name);
  const described =
    [props.hint ? `${props.name}-hint` : null, error ? `${props.name}-error` : null].filter(Boolean).join(' ') ||
    undefined;
  return (
    <div class={`field${error ? ' field-error' : ''}`}>
      <label for={props.name}>{props.label}</label>
      {props.hint && (
        <p class="hint" id={`${props.name}-hint`}>
          {props.hint}
        </p>
      )}
      {error && (
        <p class="error-message" id={`${props.name}-error`}>
          {error}
        </p>
      )}
      <select id={props.name} name={props.name} aria-describedby={described} aria-invalid={error ? 'true' : undefined}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A status as a coloured tag with its name (colour is never the only signal). */
export function StatusTag(props: { status: string; label: string }) {
  return <strong class={`tag tag-${props.status.toLowerCase().replace(/_/g, '-')}`}>{props.label}</strong>;
}

/**
 * The one way e-mails link into the tracker: every link a person gets opens a page (server-rendered,
 * in their language), never the API, whose JSON needs a token and answers a browser with 401. A page
 * that needs a session sends the person to sign in and back (`signInPath`, `safeNextPath`).
 */

/** A page an e-mail may link to. */
export type PageTarget =
  | { page: 'task'; code: string }
  /** The signed-in locality's own page: its tasks and cells, the current round. */
  | { page: 'locality' }
  /** Home Affairs' reporting rounds (open, extend, close, remind). */
  | { page: 'rounds' }
  | { page: 'dashboard' }
  | { page: 'worklist' }
  | { page: 'preferences' }
  | { page: 'unsubscribe'; token: string }
  | { page: 'sign-in-link'; token: string; next?: string }
  /** A commune's page, through sign-in: a signed-in visitor goes straight there (issue 26, commune rounds). */
  | { page: 'commune-sign-in'; code: string };

function pathOf(target: PageTarget): string {
  switch (target.page) {
    case 'task':
      return `/tasks/${encodeURIComponent(target.code)}`;
    case 'locality':
      return '/locality';
    case 'rounds':
      return '/rounds';
    case 'dashboard':
      return '/dashboard';
    case 'worklist':
      return '/worklist';
    case 'preferences':
      return '/preferences';
    case 'unsubscribe':
      return `/unsubscribe/${encodeURIComponent(target.token)}`;
    case 'commune-sign-in':
      return signInPath(`/communes/${encodeURIComponent(target.code)}`);
    case 'sign-in-link': {
      const next = target.next ? safeNextPath(target.next) : null;
      return `/sign-in/link/${encodeURIComponent(target.token)}${next ? `?next=${encodeURIComponent(next)}` : ''}`;
    }
  }
}

/** The absolute address of a page, for an e-mail (`baseUrl`: PUBLIC_BASE_URL, no trailing slash). */
export function pageLink(baseUrl: string, target: PageTarget): string {
  return `${baseUrl.replace(/\/+$/, '')}${pathOf(target)}`;
}

/**
 * A path on this site, or null: it must start with one `/` (not `//` or `/\`, which browsers read
 * as another host) and hold no control characters or backslashes. Where a page leads back to (the
 * language switch, a form's page: web/session.ts).
 */
export function sitePath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2000) return null;
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return null;
  return value;
}

/**
 * A path on this site to go to after signing in, or null: a site path (above) that is neither the
 * API (a person is sent to pages, never to JSON) nor the sign-in pages themselves.
 */
export function safeNextPath(next: unknown): string | null {
  const path = sitePath(next)?.split(/[?#]/, 1)[0];
  if (path === undefined) return null;
  if (/^\/api(\/|$)/i.test(path) || /^\/sign-(in|out)(\/|$)/i.test(path)) return null;
  return next as string;
}

/** Where a page that needs a session sends a person who has none: sign in, then back to `from`. */
export function signInPath(from: string | undefined): string {
  const next = safeNextPath(from);
  return next && next !== '/' ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in';
}

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
 * A path on this site to go to after signing in (or switching language), or null: it must start with
 * one `/` (not `//` or `/\`, which browsers read as another host), hold no control characters or
 * backslashes, and not be the API (a person is sent to pages, never to JSON).
 */
export function safeNextPath(next: unknown): string | null {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return null;
  if (!next.startsWith('/') || next.startsWith('//')) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return null;
  const path = next.split(/[?#]/, 1)[0] ?? '';
  if (/^\/api(\/|$)/i.test(path) || /^\/sign-(in|out)(\/|$)/i.test(path)) return null;
  return next;
}

/** Where a page that needs a session sends a person who has none: sign in, then back to `from`. */
export function signInPath(from: string | undefined): string {
  const next = safeNextPath(from);
  return next && next !== '/' ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in';
}

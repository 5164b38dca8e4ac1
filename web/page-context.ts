import type { Principal } from '../domain/principal';
import type { Lang, Messages } from './i18n';

/** What every page needs to know about the request: language, who is signed in, the CSRF token, where it is. */
export interface PageContext {
  lang: Lang;
  t: Messages;
  /** The signed-in person's principal (same roles as the API), or null for the public. */
  principal: Principal | null;
  /** Sent back in every form's `_csrf` field. */
  csrfToken: string;
  /** The request path with its query, for the language switch's way back. */
  path: string;
  /** The signed-in commune's name, read with the session (its code alone if the commune is not loaded). */
  communeName?: string | null;
  /** `npm start`'s seed of the catalog under way behind the pages (null: none). */
  seeding?: { done: number; total: number } | null;
}

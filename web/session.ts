import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { parse as parseCookies, serialize as serializeCookie, type SerializeOptions } from 'cookie';
import type { Db } from '../db/client';
import { communeName } from '../db/communes';
import { sessionPrincipal } from '../db/web-sessions';
import { sitePath } from '../domain/page-links';
import type { Principal } from '../domain/principal';
import { messages, negotiateLang } from './i18n';
import type { PageContext } from './page-context';
import { seedingProgress } from '../app/seeding';
import { SITE_CSS_SOURCE } from './stylesheet';

export const SESSION_COOKIE = 'dtt_session';
/** Identifies a visitor who is not signed in, only so the sign-in forms carry a CSRF token. */
export const VISITOR_COOKIE = 'dtt_visitor';

/**
 * The pages' CSP: nothing inline (no scripts, no style attributes) but the site's own stylesheet,
 * allowed by its hash (web/stylesheet.ts), and images from data: URLs (a chart that comes with its
 * page, web/charts.ts svgDataUrl); nothing from elsewhere.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${SITE_CSS_SOURCE}`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface SessionSettings {
  secret: string;
  /** Secure cookies: behind https (PUBLIC_BASE_URL https, or the request arrived over https). */
  secureByDefault: boolean;
  /** The data folder, where a seed under way leaves its marker (app/seeding.ts). */
  dataDir?: string;
}

function cookieOptions(req: Request, settings: SessionSettings, maxAgeSeconds?: number): SerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: settings.secureByDefault || req.secure,
    path: '/',
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

export function setCookie(res: Response, name: string, value: string, options: SerializeOptions): void {
  res.append('Set-Cookie', serializeCookie(name, value, options));
}

export function setSessionCookie(
  req: Request,
  res: Response,
  settings: SessionSettings,
  id: string,
  expiresAt: Date,
): void {
  setCookie(
    res,
    SESSION_COOKIE,
    id,
    cookieOptions(req, settings, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
  );
  setCookie(res, VISITOR_COOKIE, '', cookieOptions(req, settings, 0));
}

export function clearSessionCookie(req: Request, res: Response, settings: SessionSettings): void {
  setCookie(res, SESSION_COOKIE, '', cookieOptions(req, settings, 0));
}

export function setLangCookie(req: Request, res: Response, settings: SessionSettings, lang: string): void {
  setCookie(res, 'lang', lang, { ...cookieOptions(req, settings, 365 * 24 * 3600), httpOnly: false });
}

/** The CSRF token of a session (or visitor) id: an HMAC, so nothing more is stored. */
function csrfFor(secret: string, id: string): string {
  return crypto.createHmac('sha256', secret).update(`csrf:${id}`).digest('base64url');
}

export interface WebLocals {
  ctx: PageContext;
  sessionId: string | null;
  csrfExpected: string;
}

export function webLocals(res: Response): WebLocals {
  return res.locals.web as WebLocals;
}

/**
 * For every page request: the language, the signed-in principal (from the session cookie), and
 * the CSRF token forms must send back. A visitor without a session gets a random visitor id.
 */
export function pageSession(db: Db, settings: SessionSettings) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const cookies = parseCookies(req.headers.cookie ?? '');
      const lang = negotiateLang(req, cookies);
      let principal: Principal | null = null;
      let sessionId: string | null = null;
      const sid = cookies[SESSION_COOKIE];
      if (sid) {
        principal = await sessionPrincipal(db, sid);
        if (principal) sessionId = sid;
        else clearSessionCookie(req, res, settings);
      }
      let csrfId = sessionId;
      if (!csrfId) {
        csrfId =
          cookies[VISITOR_COOKIE] && /^[A-Za-z0-9_-]{43}$/.test(cookies[VISITOR_COOKIE])
            ? cookies[VISITOR_COOKIE]
            : crypto.randomBytes(32).toString('base64url');
        if (cookies[VISITOR_COOKIE] !== csrfId) setCookie(res, VISITOR_COOKIE, csrfId, cookieOptions(req, settings));
      }
      const csrfExpected = csrfFor(settings.secret, csrfId);
      const ctx: PageContext = {
        lang,
        t: messages(lang),
        principal,
        csrfToken: csrfExpected,
        path: req.originalUrl,
        seeding: await seedingProgress(db, settings.dataDir),
        communeName: principal?.kind === 'commune' ? await communeName(db, principal.code) : undefined,
      };
      res.locals.web = { ctx, sessionId, csrfExpected } satisfies WebLocals;
      // The request log names who asked, as it does for the API.
      if (principal) res.locals.principal = principal;
      res.setHeader('Content-Security-Policy', PAGE_CSP);
      res.setHeader('Vary', 'Cookie, Accept-Language');
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * A form post's CSRF field matches the session's (or visitor's) token. Every form post passes here
 * first, so here the page also learns where the form was (its `_from` field, layout.tsx `Form`): a
 * page re-rendered for the post (a refusal, a result) is at the form's address, which only takes
 * POST, so its language switch and its navigation go back to the form's page instead.
 */
export function csrfValid(req: Request, res: Response): boolean {
  const from = sitePath(req.body?._from);
  if (from) webLocals(res).ctx.path = from;
  const sent = typeof req.body?._csrf === 'string' ? (req.body._csrf as string) : '';
  const expected = webLocals(res).csrfExpected;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

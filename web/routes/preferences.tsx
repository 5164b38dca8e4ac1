import { refuseInvalidUtf8Form } from '../../app/body-encoding';
import express, { Router, type Request, type Response } from 'express';
import {
  changePreferences,
  preferencesBody,
  preferencesOfUnsubscribeLink,
  unsubscribeByLink,
} from '../../app/mail-preferences';
import type { Config } from '../../config/env';
import type { Db } from '../../db/client';
import { focalPointEmailsOf, preferencesFor } from '../../db/digests';
import type { Principal } from '../../domain/principal';
import type { FieldError } from '../layout';
import { insightMessages } from '../messages/insight';
import { MessagePage } from '../pages/sign-in-page';
import { PreferencesPage, UnsubscribePage, type AddressPreferences } from '../pages/preferences-page';
import { sendPage } from '../render';
import { csrfValid, webLocals } from '../session';
import { signInFor } from '../guards';

/** The addresses a signed-in person answers for: Home Affairs' own, or the focal points of the tasks a ministry leads. */
async function addressesOf(db: Db, config: Config, p: Principal): Promise<string[]> {
  if (p.kind === 'home-affairs') return config.HOME_AFFAIRS_EMAIL ? [config.HOME_AFFAIRS_EMAIL.toLowerCase()] : [];
  if (p.kind === 'ministry') return focalPointEmailsOf(db, p.code);
  return [];
}

/**
 * Mail preferences as pages: a signed-in focal point (a ministry) or Home Affairs sees and sets them;
 * anyone with a digest's unsubscribe link can stop the digests without signing in (the link's page
 * asks first: opening it changes nothing). Same application code as `/api/preferences/{token}`.
 */
export function preferencePageRoutes(deps: { db: Db; config: Config }): Router {
  const { db, config } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, verify: refuseInvalidUtf8Form, limit: '10kb' });
  const homeAffairsEmail = config.HOME_AFFAIRS_EMAIL.toLowerCase();

  async function show(
    res: Response,
    p: Principal,
    errors: FieldError[],
    saved: boolean,
    typed?: { email: string; values: Partial<AddressPreferences> },
  ) {
    const { ctx } = webLocals(res);
    const emails = await addressesOf(db, config, p);
    const prefs = await preferencesFor(db, emails);
    const addresses = emails.flatMap((email) => {
      const found = prefs.get(email);
      if (!found) return [];
      const shown: AddressPreferences = {
        email,
        language: found.language,
        dailyDigest: found.dailyDigest,
        weeklyDigest: found.weeklyDigest,
        weeklyApplies: email === homeAffairsEmail,
      };
      return [typed?.email === email ? { ...shown, ...typed.values } : shown];
    });
    sendPage(
      res,
      <PreferencesPage ctx={ctx} addresses={addresses} errors={errors} saved={saved} />,
      errors.length > 0 ? 422 : 200,
    );
  }

  const signedIn = (req: Request, res: Response): Principal | null => {
    const { ctx } = webLocals(res);
    if (!ctx.principal) {
      res.redirect(303, signInFor(req));
      return null;
    }
    if (ctx.principal.kind !== 'ministry' && ctx.principal.kind !== 'home-affairs') {
      sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.forbiddenBody} />, 403);
      return null;
    }
    return ctx.principal;
  };

  router.get('/preferences', async (req, res) => {
    const p = signedIn(req, res);
    if (p) await show(res, p, [], req.query.saved === '1');
  });

  router.post('/preferences', form, async (req, res) => {
    const { ctx } = webLocals(res);
    if (!csrfValid(req, res))
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.errCsrf} />, 403);
    const p = signedIn(req, res);
    if (!p) return;
    const body = req.body as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.toLowerCase() : '';
    const id = typeof body.form === 'string' && /^pref-\d{1,3}$/.test(body.form) ? body.form : '';
    // Only the addresses this person answers for.
    if (!id || !(await addressesOf(db, config, p)).includes(email))
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.forbiddenBody} />, 403);
    const checked = (name: string) => body[`${id}-${name}`] === 'true';
    const language = body[`${id}-language`];
    const change = {
      language,
      dailyDigest: checked('dailyDigest'),
      ...(email === homeAffairsEmail ? { weeklyDigest: checked('weeklyDigest') } : {}),
    };
    const parsed = preferencesBody.safeParse(change);
    if (!parsed.success) {
      const m = insightMessages[ctx.lang];
      const errors: FieldError[] = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? 'language')))].map(
        (field) => ({ field: `${id}-${field}`, message: m.errPreferences }),
      );
      return show(res, p, errors, false, {
        email,
        values: {
          dailyDigest: change.dailyDigest,
          ...(change.weeklyDigest !== undefined ? { weeklyDigest: change.weeklyDigest } : {}),
        },
      });
    }
    const token = (await preferencesFor(db, [email])).get(email)?.token;
    if (token) await changePreferences(db, token, parsed.data);
    res.redirect(303, '/preferences?saved=1');
  });

  const badLink = (res: Response) => {
    const { ctx } = webLocals(res);
    const m = insightMessages[ctx.lang];
    sendPage(res, <MessagePage ctx={ctx} title={m.unsubscribeBadTitle} body={m.unsubscribeBadBody} />, 404);
  };

  // GET only shows what the link would do (mail scanners open links); the button does it.
  router.get('/unsubscribe/:token', async (req, res) => {
    const { ctx } = webLocals(res);
    const token = String(req.params.token);
    const p = await preferencesOfUnsubscribeLink(db, token);
    if (!p) return badLink(res);
    sendPage(res, <UnsubscribePage ctx={ctx} email={p.email} action={`/unsubscribe/${token}`} />);
  });

  router.post('/unsubscribe/:token', form, async (req, res) => {
    const { ctx } = webLocals(res);
    if (!csrfValid(req, res))
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.errCsrf} />, 403);
    const p = await unsubscribeByLink(db, String(req.params.token));
    if (!p) return badLink(res);
    const m = insightMessages[ctx.lang];
    sendPage(res, <MessagePage ctx={ctx} title={m.unsubscribedTitle} body={m.unsubscribedBody(p.email)} />);
  });

  return router;
}

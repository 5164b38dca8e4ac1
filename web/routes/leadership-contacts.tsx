import { refuseInvalidUtf8Form } from '../../app/body-encoding';
import express, { Router, type Response } from 'express';
import { changeLeadershipContact, leadershipContactBody } from '../../app/leadership-contacts';
import { code } from '../../app/schemas';
import type { Config } from '../../config/env';
import type { Db } from '../../db/client';
import { leadershipContactOf, listLeadershipContacts } from '../../db/leadership-contacts';
import { formToBody, formValues, schemaErrors, type FormSpec } from '../forms';
import { requireRole } from '../guards';
import { LeadershipContactsPage, type ContactForm } from '../pages/leadership-contacts-page';
import { MessagePage } from '../pages/sign-in-page';
import { sendPage } from '../render';
import { csrfValid, webLocals } from '../session';

const CONTACT_FORM: FormSpec = {
  name: { kind: 'text', path: 'name', required: true },
  position: { kind: 'text', path: 'position' },
  email: { kind: 'email', path: 'email', required: true },
};

/** Home Affairs keeps each ministry's leadership contact (the ladder's "ministry-leadership" step); same code as the API's PUT. */
export function leadershipContactPageRoutes(deps: { db: Db; config: Config }): Router {
  const { db, config } = deps;
  const router = Router();
  const form = express.urlencoded({ extended: false, verify: refuseInvalidUtf8Form, limit: '10kb' });
  const step = config.ESCALATION_LADDER.find((s) => s.recipient === 'ministry-leadership');

  async function show(res: Response, edit: ContactForm | null, saved: string | null, status = 200) {
    const { ctx } = webLocals(res);
    sendPage(
      res,
      <LeadershipContactsPage
        ctx={ctx}
        contacts={await listLeadershipContacts(db)}
        afterWorkingDays={step?.afterWorkingDays ?? null}
        edit={edit}
        saved={saved}
      />,
      status,
    );
  }

  router.get('/leadership-contacts', requireRole('home-affairs'), async (req, res) => {
    const wanted = code.safeParse(req.query.edit);
    const current = wanted.success ? await leadershipContactOf(db, wanted.data) : null;
    // An illustrative contact is offered empty: its invented values are not meant to be kept.
    const edit = current
      ? {
          ministry: current.ministry,
          values: current.illustrative
            ? { name: '', position: '', email: '' }
            : { name: current.name, position: current.position, email: current.email },
          errors: [],
        }
      : null;
    const saved = code.safeParse(req.query.saved);
    await show(res, edit, saved.success ? saved.data : null);
  });

  router.post('/leadership-contacts/:code', form, requireRole('home-affairs'), async (req, res) => {
    const { ctx } = webLocals(res);
    if (!csrfValid(req, res))
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.forbiddenTitle} body={ctx.t.errCsrf} />, 403);
    const ministry = code.safeParse(req.params.code);
    const current = ministry.success ? await leadershipContactOf(db, ministry.data) : null;
    if (!current || !ctx.principal)
      return sendPage(res, <MessagePage ctx={ctx} title={ctx.t.notFoundTitle} body={ctx.t.notFoundBody} />, 404);
    const values = formValues(req.body, CONTACT_FORM);
    const built = formToBody(ctx.t, CONTACT_FORM, values);
    const checked =
      built.errors.length > 0
        ? { errors: built.errors }
        : schemaErrors(ctx.t, CONTACT_FORM, leadershipContactBody, built.body);
    if (!checked.data || checked.errors.length > 0) {
      return show(
        res,
        {
          ministry: current.ministry,
          values: { name: values.name ?? '', position: values.position ?? '', email: values.email ?? '' },
          errors: checked.errors,
        },
        null,
        422,
      );
    }
    await changeLeadershipContact(db, ctx.principal, current.ministry, checked.data);
    res.redirect(303, `/leadership-contacts?saved=${current.ministry}#contact-${current.ministry}`);
  });

  return router;
}

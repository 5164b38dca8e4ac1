/**
 * One story (issue 23, points 8 and 10): every link a person gets opens a page, and Home Affairs can
 * chase the localities. On the real stack: PostgreSQL, the Temporal dev server and worker, SMTP on
 * loopback; every e-mail of the run is read back and every URL in it is opened.
 */
import { simpleParser } from 'mailparser';
import request from 'supertest';
import type { Express } from 'express';
import { addDays, vietnamDate, vietnameseDate } from '../../domain/dates';
import { issueToken } from '../../db/tokens';
import { useApiFixture } from '../support/api-fixture';
import { eventually, uid } from '../support/harness';

const BASE = 'http://tracker.test';
const f = useApiFixture('notices-');
let app: Express;

beforeAll(() => {
  // The sign-in links and "remind now" are queued in the outbox and sent by the test's worker.
  app = f.makeApp({ env: { PUBLIC_BASE_URL: BASE } });
});

/** Every message received so far, decoded (subject, text and HTML parts). */
const decoded = new Map<string, { to: string[]; subject: string; text: string }>();
async function mails() {
  return Promise.all(
    f.stack.smtp.received.map(async (m) => {
      let d = decoded.get(m.raw);
      if (!d) {
        const p = await simpleParser(m.raw);
        d = {
          to: m.to,
          subject: p.subject ?? '',
          text: `${p.text ?? ''}\n${typeof p.html === 'string' ? p.html : ''}`,
        };
        decoded.set(m.raw, d);
      }
      return d;
    }),
  );
}
/** Every URL in a message, in the order written. */
const urlsOf = (text: string) =>
  [...text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)].map((m) => m[0].replace(/&amp;/g, '&'));
const mailsFor = async (roundId: string, what: string) =>
  (await mails()).filter((m) => m.subject.includes(`[${roundId}]`) && m.subject.includes(what));

/** A browser-like session: the sign-in form's CSRF token and the cookies, then the token form. */
async function signedIn(token: string, next: string) {
  const agent = request.agent(app);
  const form = await agent.get(`/sign-in?next=${encodeURIComponent(next)}`);
  expect(form.status).toBe(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
  expect(form.text).toContain(`name="next" value="${next}"`);
  const res = await agent.post('/sign-in/token').type('form').send({ _csrf: csrf, token, next });
  return { agent, res };
}

describe('notices: links open pages, rounds are announced and chased', () => {
  let roundId: string;

  it('when Home Affairs opens a round by hand, then every locality is e-mailed once, linking to its page, not the API', async () => {
    roundId = uid('notice-').toLowerCase();
    const dueDate = addDays(vietnamDate(Date.now()), 20);
    const res = await request(app).post('/api/rounds').set(f.as('home-affairs')).send({ id: roundId, dueDate });
    expect(res.status).toBe(201);
    const opened = await eventually(
      async () => {
        const m = await mailsFor(roundId, 'Mở đợt báo cáo');
        return m.length === 34 ? m : null;
      },
      60_000,
      '34 round-opened e-mails',
    );
    expect(new Set(opened.map((m) => m.to[0])).size).toBe(34);
    for (const m of opened) {
      expect(m.subject).toContain(vietnameseDate(dueDate));
      expect(urlsOf(m.text)).toContain(`${BASE}/locality`);
    }
  });

  it('when Home Affairs reminds now, then each locality that has not reported gets one e-mail; a second try the same day is refused and sends nothing', async () => {
    // Hà Nội reports first: it is not reminded.
    const task = await f.createTask();
    await request(app)
      .post('/api/localities/HNI/report')
      .set(f.as('locality:HNI'))
      .send({ cells: [{ task, state: 'WORKABLE' }] })
      .expect(200);
    const first = await request(app).post(`/api/rounds/${roundId}/reminders`).set(f.as('home-affairs')).send({});
    expect(first.status).toBe(200);
    expect(first.body.day).toBe(vietnamDate(Date.now()));
    expect(first.body.reminded).toHaveLength(33);
    expect(first.body.reminded).not.toContain('HNI');
    await eventually(
      async () => (await mailsFor(roundId, 'đề nghị gửi báo cáo')).length === 33,
      20_000,
      '33 chase e-mails',
    );
    const audited = await f.db.pool.query('SELECT actor, locality_code FROM round_chases WHERE round_id = $1', [
      roundId,
    ]);
    expect(audited.rowCount).toBe(33);
    expect(audited.rows.every((r: { actor: string }) => r.actor === 'home-affairs')).toBe(true);

    const again = await request(app).post(`/api/rounds/${roundId}/reminders`).set(f.as('home-affairs')).send({});
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.body.code).toBe('ALREADY_REMINDED_TODAY');
    expect(again.body.detail).toMatch(/already reminded today/);
    await new Promise((r) => setTimeout(r, 500));
    expect(await mailsFor(roundId, 'đề nghị gửi báo cáo')).toHaveLength(33);
    expect((await f.db.pool.query('SELECT 1 FROM round_chases WHERE round_id = $1', [roundId])).rowCount).toBe(33);

    // Only Home Affairs chases.
    expect(
      (await request(app).post(`/api/rounds/${roundId}/reminders`).set(f.as('locality:HCM')).send({})).status,
    ).toBe(403);
  });

  it('when the page is used, then the button reminds too, and a second click the same day says so beside it', async () => {
    const hnTask = await f.createTask();
    void hnTask;
    const otherRound = uid('chase-').toLowerCase();
    await request(app)
      .post('/api/rounds')
      .set(f.as('home-affairs'))
      .send({ id: otherRound, dueDate: addDays(vietnamDate(Date.now()), 25) })
      .expect(201);
    const { agent } = await signedIn(await issueToken(f.db, 'home-affairs'), '/rounds');
    const page = await agent.get('/rounds');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="/rounds/${otherRound}/reminders"`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    const done = await agent.post(`/rounds/${otherRound}/reminders`).type('form').send({ _csrf: csrf });
    expect(done.status).toBe(303);
    expect(done.headers.location).toContain('done=reminded');
    const shown = await agent.get(done.headers.location as string);
    expect(shown.text).toMatch(/Đã gửi thư nhắc tới \d+ địa phương/);
    const twice = await agent.post(`/rounds/${otherRound}/reminders`).type('form').send({ _csrf: csrf });
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('đã được nhắc hôm nay');
  });

  it('when a page needs a session, then the person signs in and lands back where the link pointed; a foreign or API "next" goes home instead', async () => {
    const bare = await request(app).get('/rounds');
    expect(bare.status).toBe(303);
    expect(bare.headers.location).toBe('/sign-in?next=%2Frounds');
    const { res } = await signedIn(await issueToken(f.db, 'locality:HNI'), '/locality');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/locality');
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/api/tasks']) {
      const agent = request.agent(app);
      const form = await agent.get(`/sign-in?next=${encodeURIComponent(next)}`);
      expect(form.text).not.toContain('name="next"');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
      const out = await agent
        .post('/sign-in/token')
        .type('form')
        .send({ _csrf: csrf, token: await issueToken(f.db, 'locality:HCM'), next });
      expect(out.headers.location).toBe('/locality');
    }
  });

  it('when a sign-in link is asked from a page that needs it, then the e-mailed link brings the person back to that page', async () => {
    const agent = request.agent(app);
    const form = await agent.get('/sign-in?next=%2Flocality');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
    const address = 'office.hcm@localities.example';
    await agent
      .post('/sign-in/email')
      .type('form')
      .send({ _csrf: csrf, email: address, next: '/locality' })
      .expect(200);
    const mail = await eventually(
      async () => (await mails()).find((m) => m.to.includes(address) && m.text.includes('/sign-in/link/')),
      20_000,
      'the sign-in link',
    );
    const link = urlsOf(mail.text).find((u) => u.includes('/sign-in/link/')) as string;
    expect(link).toMatch(/\?next=%2Flocality$/);
    const confirm = await agent.get(link.slice(BASE.length));
    expect(confirm.status).toBe(200);
    const token = /name="token" value="([^"]+)"/.exec(confirm.text)?.[1];
    const csrf2 = /name="_csrf" value="([^"]+)"/.exec(confirm.text)?.[1];
    const done = await agent.post('/sign-in/link').type('form').send({ _csrf: csrf2, token, next: '/locality' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/locality');
    expect((await agent.get('/locality')).status).toBe(200);
  });

  it('when every e-mail of this run is read, then every URL in it is a page that answers 200 with HTML (after signing in where needed), none the API', async () => {
    const task = await f.createTask();
    // A closing-the-loop notice too: an obstacle, then the document that answers it.
    await request(app)
      .post('/api/localities/HCM/report')
      .set(f.as('locality:HCM'))
      .send({ cells: [{ task, state: 'OBSTACLE', category: 'LEGAL_BASIS', text: 'no circular yet' }] })
      .expect(200);
    await request(app)
      .post(`/api/tasks/${task}/transitions`)
      .set(f.as('ministry:BGDDT'))
      .send({
        from: 'REQUIRES_GUIDANCE',
        to: 'FEASIBLE',
        document: {
          number: `${Math.floor(Math.random() * 900) + 10}/2026/TT-BGDĐT`,
          issuedOn: vietnamDate(Date.now()),
        },
      });
    await eventually(
      async () => (await mails()).some((m) => m.subject.startsWith(`[${task}]`)),
      20_000,
      'the closing-the-loop notice',
    ).catch(() => null);

    const urls = new Set((await mails()).flatMap((m) => urlsOf(m.text)));
    expect(urls).toContain(`${BASE}/locality`);
    const sessions: Record<string, request.Agent> = {};
    const asWho = async (who: string) => (sessions[who] ??= (await signedIn(await issueToken(f.db, who), '/')).agent);
    for (const url of urls) {
      expect(url.startsWith(`${BASE}/`)).toBe(true);
      const path = url.slice(BASE.length);
      expect(path).not.toMatch(/^\/api(\/|$)/);
      if (path.startsWith('/sign-in/link/')) continue; // single-use: opened in the test above
      let res = await request(app).get(path);
      if (res.status === 303 && String(res.headers.location).startsWith('/sign-in?next=')) {
        const who = path.startsWith('/locality') ? 'locality:HCM' : 'home-affairs';
        res = await (await asWho(who)).get(path);
      }
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers['content-type']).toContain('text/html');
    }
  });
});

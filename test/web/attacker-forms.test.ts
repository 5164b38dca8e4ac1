import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import type { Browser } from 'playwright-core';
import { localityFocalPointEmails } from '../../catalog/reference-data';
import { issueToken } from '../../db/tokens';
import { getTask } from '../../db/tasks';
import { launchBrowser, newVisitor, screenshot, seriousAxeViolations } from '../support/browser';
import { signInWithToken } from './support';
import {
  FAR_DUE_DATE,
  eventually,
  makeApp,
  smtpMailer,
  startWorkflowStack,
  uid,
  type WorkflowStack,
} from '../support/harness';

// What the second adversarial probe (issue 28) found on the pages and in sign-in: another ministry's
// POST to a task form, form bytes that are not UTF-8, and a focal point naming an address another
// principal answers for (which switched off that person's sign-in by e-mail).

let stack: WorkflowStack;
let app: Express;
let server: http.Server;
let origin: string;
let browser: Browser | undefined;
const tokens: Record<string, string> = {};
const HOME_AFFAIRS_EMAIL = 'delegation-office@moha.localhost';

beforeAll(async () => {
  stack = await startWorkflowStack('attack-forms-');
  app = makeApp(stack, {
    env: {
      SESSION_SECRET: 'attacker-forms-secret-0123456789abcdef0123',
      SIGN_IN_RATE_LIMIT_PER_MINUTE: '1000',
      HOME_AFFAIRS_EMAIL,
    },
    mailer: smtpMailer(stack.smtp),
  });
  for (const p of ['home-affairs', 'ministry:BGDDT', 'ministry:BYT']) tokens[p] = await issueToken(stack.db, p);
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await stack?.stop();
});

const as = (p: string) => ({ Authorization: `Bearer ${tokens[p]}` });
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

async function createTask(lead: string, focalEmail: string): Promise<string> {
  const code = uid(`${lead}-`);
  const res = await request(app)
    .post('/api/tasks')
    .set(as('home-affairs'))
    .send({
      code,
      title: `Nhiệm vụ ${code}`,
      sector: 'Giáo dục',
      status: 'REQUIRES_GUIDANCE',
      leadMinistry: lead,
      focalPoint: { name: 'Nguyễn Văn An', email: focalEmail },
      dueDate: FAR_DUE_DATE,
    });
  expect(res.status).toBe(201);
  return code;
}

/** A browser-like session signed in with a token, and a CSRF token for its forms. */
async function signedIn(
  principal: string,
  task: string,
): Promise<{ agent: ReturnType<typeof request.agent>; csrf: string }> {
  const agent = request.agent(app);
  const page = await agent.get('/sign-in');
  const res = await agent
    .post('/sign-in/token')
    .type('form')
    .send({ _csrf: csrfOf(page.text), token: tokens[principal] });
  expect(res.status).toBe(303);
  const page2 = await agent.get(`/tasks/${task}`);
  expect(page2.status).toBe(200);
  return { agent, csrf: csrfOf(page2.text) };
}

/** Whether asking for a sign-in link at `email` sends one (over SMTP, to that address). */
async function signInSendsLink(email: string): Promise<boolean> {
  const before = stack.smtp.received.length;
  const agent = request.agent(app);
  const page = await agent.get('/sign-in');
  const res = await agent
    .post('/sign-in/email')
    .type('form')
    .send({ _csrf: csrfOf(page.text), email });
  expect(res.status).toBe(200);
  try {
    await eventually(
      async () =>
        stack.smtp.received.slice(before).find((m) => m.to.includes(email) && m.raw.includes('/sign-in/link/')),
      3_000,
      'the sign-in mail',
    );
    return true;
  } catch {
    return false;
  }
}

describe('a focal point at an address another principal answers for', () => {
  it("when a ministry names a locality's, another ministry's or Home Affairs' address as its focal point, then 409 names the field, nothing changes, and the owner still gets a sign-in link", async () => {
    const bytFocal = `focal.${uid('').toLowerCase()}@byt.test`;
    await createTask('BYT', bytFocal);
    const own = await createTask('BGDDT', `own.${uid('').toLowerCase()}@bgddt.test`);
    const before = await getTask(stack.db, own);
    const hcm = localityFocalPointEmails().get('HCM') as string;
    for (const victim of [hcm, bytFocal, HOME_AFFAIRS_EMAIL, hcm.toUpperCase()]) {
      const res = await request(app)
        .put(`/api/tasks/${own}/assignment`)
        .set(as('ministry:BGDDT'))
        .send({ focalPoint: { name: 'Kẻ mạo danh', email: victim } });
      expect([victim, res.status]).toEqual([victim, 409]);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([
        { field: 'body.focalPoint.email', message: expect.stringContaining('address of') },
      ]);
    }
    expect((await getTask(stack.db, own))?.lastSeq).toBe(before?.lastSeq);
    // Every owner's sign-in by e-mail still sends a link; the ministry's own new address is taken.
    expect(await signInSendsLink(hcm)).toBe(true);
    expect(await signInSendsLink(bytFocal)).toBe(true);
    const fresh = `new.${uid('').toLowerCase()}@bgddt.test`;
    const ok = await request(app)
      .put(`/api/tasks/${own}/assignment`)
      .set(as('ministry:BGDDT'))
      .send({ focalPoint: { name: 'Trần Thị Bình', email: fresh } });
    expect(ok.status).toBe(200);
    expect(await signInSendsLink(fresh)).toBe(true);
  });

  it("when a task already names a locality's address as a focal point (Home Affairs registered it so), then the locality's sign-in by e-mail still sends a link", async () => {
    const hni = localityFocalPointEmails().get('HNI') as string;
    await createTask('BTC', hni);
    expect(await signInSendsLink(hni)).toBe(true);
  });

  it("when the focal-point form names another principal's address, then the page says so beside the field (422) and nothing changes", async () => {
    const own = await createTask('BGDDT', `form.${uid('').toLowerCase()}@bgddt.test`);
    const { agent, csrf } = await signedIn('ministry:BGDDT', own);
    const res = await agent
      .post(`/tasks/${own}/focal-point`)
      .type('form')
      .send({ _csrf: csrf, focalPointName: 'Kẻ mạo danh', focalPointEmail: localityFocalPointEmails().get('HCM') });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Địa chỉ này đã là địa chỉ của Bộ Nội vụ, của một địa phương');
    expect((await getTask(stack.db, own))?.lastSeq).toBe(1);
  });
});

describe('the focal-point form in a browser', () => {
  it("when a ministry's focal-point form names a locality's address, then the refusal shows beside the field in both languages, axe-clean, and nothing changes", async () => {
    const own = await createTask('BGDDT', `shot.${uid('').toLowerCase()}@bgddt.test`);
    browser = await launchBrowser();
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, origin, tokens['ministry:BGDDT'] as string);
    for (const lang of ['vi', 'en']) {
      await page.goto(`${origin}/language/${lang}?next=${encodeURIComponent(`/tasks/${own}`)}`);
      await page.fill('#focal-point-form [name=focalPointName]', 'Kẻ mạo danh');
      await page.fill('#focal-point-form [name=focalPointEmail]', localityFocalPointEmails().get('HCM') as string);
      await page.click('#focal-point-form button[type=submit]');
      await page.waitForLoadState();
      expect(await page.textContent('main')).toContain(
        lang === 'vi' ? 'Địa chỉ này đã là địa chỉ của Bộ Nội vụ' : 'This is already the address of Home Affairs',
      );
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'focal-point-address-taken');
    }
    expect((await getTask(stack.db, own))?.lastSeq).toBe(1);
    await context.close();
  });
});

describe('task forms', () => {
  it("when a ministry posts to another ministry's task form, then a 403 page, not the form's field errors, and nothing changes", async () => {
    const theirs = await createTask('BYT', `theirs.${uid('').toLowerCase()}@byt.test`);
    const { agent, csrf } = await signedIn('ministry:BGDDT', theirs);
    for (const [form, body] of [
      ['milestone', {}],
      ['milestone', { name: 'DRAFTING' }],
      ['focal-point', {}],
      ['extension-request', {}],
      ['held-up', {}],
      ['deadline', {}],
    ] as const) {
      const res = await agent
        .post(`/tasks/${theirs}/${form}`)
        .type('form')
        .send({ _csrf: csrf, ...body });
      expect([form, res.status]).toEqual([form, 403]);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.text).toContain('Tài khoản của bạn không được thực hiện việc này.');
    }
    expect((await getTask(stack.db, theirs))?.lastSeq).toBe(1);
  });

  it('when a form carries percent-escaped bytes that are not UTF-8, then a 400 page naming UTF-8, and nothing changes', async () => {
    const own = await createTask('BGDDT', `utf.${uid('').toLowerCase()}@bgddt.test`);
    const { agent, csrf } = await signedIn('ministry:BGDDT', own);
    for (const note of ['%FF%FE', 'ghi%20ch%C3', '%C0%AF']) {
      const res = await agent
        .post(`/tasks/${own}/milestone`)
        .type('form')
        .send(`_csrf=${encodeURIComponent(csrf)}&name=DRAFTING&note=${note}`);
      expect([note, res.status]).toEqual([note, 400]);
      expect(res.text).toContain('UTF-8');
    }
    // A well-formed escape of a Vietnamese letter is taken.
    const ok = await agent
      .post(`/tasks/${own}/milestone`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrf)}&name=DRAFTING&note=ghi%20ch%C3%BA`);
    expect(ok.status).toBe(303);
    expect((await getTask(stack.db, own))?.milestones).toEqual([expect.objectContaining({ note: 'ghi chú' })]);
  });
});

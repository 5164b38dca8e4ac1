import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { localityFocalPointEmails } from '../../catalog/reference-data';
import { getTask } from '../../db/tasks';
import { revokeTokens } from '../../db/tokens';
import { launchBrowser, newVisitor, screenshot, seriousAxeViolations } from '../support/browser';
import { eventually } from '../support/harness';
import { checkAndShoot, signInWithToken as signIn, startPagesStack, type PagesStack } from './support';

let s: PagesStack;
let browser: Browser;

beforeAll(async () => {
  s = await startPagesStack('web-signed-in-');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function signInWithToken(page: Page, token: string): Promise<void> {
  await signIn(page, s.origin, token);
}

async function signOut(page: Page): Promise<void> {
  await page.click('form.sign-out button[type=submit]');
  await page.waitForURL(/\/sign-in\?signedOut=1/);
}

/** The link in the last sign-in mail to `to` (quoted-printable decoded). */
async function mailedLink(to: string, before: number): Promise<string> {
  const decode = (raw: string) =>
    raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  const linkIn = (raw: string) => /(http:\/\/127\.0\.0\.1:\d+\/sign-in\/link\/[A-Za-z0-9_-]+)/.exec(decode(raw))?.[1];
  // The sign-in mail, not another notice to the same address (an overdue task's escalation goes to its focal point too).
  const mail = await eventually(
    async () => s.stack.smtp.received.slice(before).find((m) => m.to.includes(to) && linkIn(m.raw)),
    10_000,
    'the sign-in mail',
  );
  const link = linkIn(mail.raw);
  if (!link) throw new Error(`no link in the mail:\n${decode(mail.raw)}`);
  return link;
}

async function taskState(code: string) {
  const t = await getTask(s.stack.db, code);
  if (!t) throw new Error(`no task ${code}`);
  return { status: t.status, lastSeq: t.lastSeq, milestones: t.milestones.length, reports: t.reports };
}

describe('sign-in page', () => {
  it('when a person opens the sign-in page, then both ways to sign in are offered, accessibly, in both languages', async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/sign-in`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Đăng nhập');
    await checkAndShoot(page, 'sign-in');
    await context.close();
  });

  it('when a wrong token is pasted, then the error is shown beside the field and in the summary, and nobody is signed in', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, 'dtt_not-a-real-token');
    await expect(page.locator('#token-error').textContent()).resolves.toContain('Mã truy cập không đúng');
    await expect(page.locator('.error-summary a[href="#token"]').count()).resolves.toBe(1);
    expect(await page.locator('form.sign-out').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-error');
    await context.close();
  });
});

describe('a ministry focal point', () => {
  it('when they sign in with an e-mailed link, see their worklist, move a task with its document, and sign out, then the task is feasible and the link is spent', async () => {
    const { context, page } = await newVisitor(browser);
    const before = s.stack.smtp.received.length;
    await page.goto(`${s.origin}/sign-in`);
    await page.fill('#email', s.focalEmail);
    await page.click('form[action="/sign-in/email"] button[type=submit]');
    await expect(page.locator('h1').textContent()).resolves.toBe('Hãy kiểm tra hộp thư');
    const link = await mailedLink(s.focalEmail, before);

    await page.goto(link);
    await page.click('main form button[type=submit]');
    await page.waitForURL(/\/worklist$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Danh sách công việc');
    const codes = await page.locator('main tbody tr td:first-child a').allTextContents();
    expect(codes).toEqual([s.tasks.overdue, s.tasks.dueSoon, s.tasks.coordinated]);
    await expect(page.locator(`tr.overdue >> text=${s.tasks.overdue}`).count()).resolves.toBe(1);
    await expect(page.locator(`tr:has-text("${s.tasks.coordinated}")`).textContent()).resolves.toContain('Phối hợp');
    await checkAndShoot(page, 'worklist');

    await page.click(`text=${s.tasks.overdue}`);
    await page.waitForURL(new RegExp(`/tasks/${s.tasks.overdue}`));
    await expect(page.locator('main').textContent()).resolves.toContain(s.focalEmail);
    // Only what a lead ministry may do: milestone, the two forward moves, the focal point. No reopen, no deadline.
    expect(await page.locator('#milestone-form').count()).toBe(1);
    expect(await page.locator('#move-feasible').count()).toBe(1);
    expect(await page.locator('#move-authority-adjustment').count()).toBe(1);
    expect(await page.locator('#focal-point-form').count()).toBe(1);
    expect(await page.locator('#report-form').count()).toBe(0);
    await checkAndShoot(page, 'task-ministry');

    const unchanged = await taskState(s.tasks.overdue);
    await page.fill('#move-feasible-issuedOn', '31/02/2026');
    await page.click('#move-feasible button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('.error-summary').isVisible()).resolves.toBe(true);
    await expect(page.locator('#move-feasible-documentNumber-error').textContent()).resolves.toContain('bắt buộc');
    await expect(page.locator('#move-feasible-issuedOn-error').textContent()).resolves.toContain('ngày/tháng/năm');
    // What was typed is kept, and nothing changed.
    await expect(page.inputValue('#move-feasible-issuedOn')).resolves.toBe('31/02/2026');
    expect(await taskState(s.tasks.overdue)).toEqual(unchanged);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'task-form-errors');

    const issued = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10).split('-').reverse().join('/');
    // The year in the number is the issue year (the rule refuses any other), whatever year the test runs.
    const documentNumber = `15/${issued.slice(-4)}/TT-BGDĐT`;
    await page.fill('#move-feasible-documentNumber', documentNumber);
    await page.fill('#move-feasible-issuedOn', issued);
    await page.click('#move-feasible button[type=submit]');
    await page.waitForURL(/done=1/);
    await expect(page.locator('.notice-success').textContent()).resolves.toContain('Đã lưu');
    await expect(page.locator('dl.summary-list').textContent()).resolves.toContain('Đủ điều kiện thực hiện');
    await expect(page.locator('main').textContent()).resolves.toContain(documentNumber);
    expect((await taskState(s.tasks.overdue)).status).toBe('FEASIBLE');

    await signOut(page);
    await expect(page.locator('.notice-success').textContent()).resolves.toContain('Bạn đã đăng xuất');
    await page.goto(`${s.origin}/worklist`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    // The link worked once.
    const again = await page.goto(link);
    expect(again?.status()).toBe(410);
    await context.close();
  });

  it('when a ministry opens a task it does not lead, then no action is shown, and a forged form is refused and changes nothing', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['ministry:BGDDT']);
    await page.goto(`${s.origin}/tasks/${s.tasks.adjustment}`);
    expect(await page.locator('main form').count()).toBe(0);
    const csrf = await page.getAttribute('form.sign-out input[name=_csrf]', 'value');
    const unchanged = await taskState(s.tasks.adjustment);
    const res = await page.request.post(`${s.origin}/tasks/${s.tasks.adjustment}/move`, {
      form: {
        _csrf: csrf ?? '',
        to: 'FEASIBLE',
        from: 'AUTHORITY_ADJUSTMENT',
        'move-feasible-documentNumber': '1/2026/ND-CP',
        'move-feasible-issuedOn': '01/01/2026',
      },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
    expect(await taskState(s.tasks.adjustment)).toEqual(unchanged);
    await context.close();
  });

  it('when the focal point records a milestone with the keyboard alone, then it is saved and shown', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['ministry:BGDDT']);
    await page.waitForURL(/\/worklist$/);
    const focusedText = () =>
      page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent?.trim() ?? '');
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
    const tabTo = async (done: () => Promise<boolean>, what: string) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        if (await done()) return;
      }
      throw new Error(`Tab never reached ${what}`);
    };
    await tabTo(async () => (await focusedText()) === s.tasks.dueSoon, 'the task link');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/tasks/${s.tasks.dueSoon}`));
    await tabTo(async () => (await focusedId()) === 'name', 'the milestone field');
    await page.keyboard.press('ArrowDown');
    await expect(page.inputValue('#name')).resolves.toBe('DRAFTING');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('note');
    await page.keyboard.type('Đã thành lập tổ soạn thảo');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=1/);
    await expect(page.locator('main').textContent()).resolves.toContain('Đang soạn thảo');
    const t = await taskState(s.tasks.dueSoon);
    expect(t.milestones).toBe(1);
    await context.close();
  });
});

describe('Home Affairs', () => {
  it('when an analyst signs in, reads the dashboard, reopens a task and signs out, then every figure leads to its list and the task is reopened', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['home-affairs']);
    await page.waitForURL(/\/dashboard$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Bảng điều khiển của Bộ Nội vụ');
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('30 trên 34 địa phương đã báo cáo');
    expect(main).toContain('Vĩnh Long');
    expect(main).toContain('Chưa có hướng dẫn về điều kiện nhân lực');
    await expect(page.locator(`#due-soon ~ div a:has-text("${s.tasks.dueSoon}")`).count()).resolves.toBe(1);
    for (const img of await page.locator('img.chart').all()) {
      expect(await img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
      expect(await img.getAttribute('alt')).toBeTruthy();
    }
    await checkAndShoot(page, 'dashboard');

    // A figure in the status table leads to the filtered list.
    await page.click('#status ~ table a[href*="AUTHORITY_ADJUSTMENT"]');
    await page.waitForURL(/status=AUTHORITY_ADJUSTMENT/);
    expect(await page.locator('main table:not([id]) tbody tr td:first-child a').allTextContents()).toEqual([
      s.tasks.adjustment,
    ]);

    await page.goto(`${s.origin}/tasks/${s.tasks.feasible}`);
    expect(await page.locator('#move-requires-guidance').count()).toBe(1);
    await page.fill('#move-requires-guidance-reason', 'Hà Nội và TP. Hồ Chí Minh báo cáo vướng mắc khi thực hiện.');
    await page.click('#move-requires-guidance button[type=submit]');
    await page.waitForURL(/done=1/);
    expect((await taskState(s.tasks.feasible)).status).toBe('REQUIRES_GUIDANCE');
    await expect(page.locator('ol.timeline').textContent()).resolves.toContain('Chuyển tình trạng');
    await signOut(page);
    await page.goto(`${s.origin}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });
});

describe('a locality', () => {
  it('when an officer signs in, sends an obstacle report (first without a description) and signs out, then the bad report changes nothing and the good one shows', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['locality:HNI']);
    await page.waitForURL(/\/locality$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Nhiệm vụ tại Hà Nội');
    await expect(page.locator(`[id="row-${s.tasks.dueSoon}"] .cell-now`).textContent()).resolves.toContain(
      'Chưa bắt đầu',
    );
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.click(`a:text-is("${s.tasks.dueSoon}")`);
    await page.waitForURL(new RegExp(`/tasks/${s.tasks.dueSoon}`));
    expect(await page.locator('#report-form').count()).toBe(1);
    expect(await page.locator('#milestone-form, form[action$="/move"]').count()).toBe(0);
    await checkAndShoot(page, 'task-locality');

    const unchanged = await taskState(s.tasks.dueSoon);
    await page.check('#kind-obstacle');
    await page.click('#report-form button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('#description-error').isVisible()).resolves.toBe(true);
    await expect(page.locator('.error-summary a[href="#description"]').count()).resolves.toBe(1);
    expect(await taskState(s.tasks.dueSoon)).toEqual(unchanged);

    await page.fill('#description', 'Thiếu biên chế giáo viên tại 12 xã sau sắp xếp.');
    await page.selectOption('#category', 'STAFFING');
    await page.click('#report-form button[type=submit]');
    await page.waitForURL(/done=1/);
    expect((await taskState(s.tasks.dueSoon)).reports.obstacle).toBe(unchanged.reports.obstacle + 1);
    await page.goto(`${s.origin}/locality`);
    // The per-task report wrote the locality's matrix cell too.
    const cell = await page.locator(`[id="row-${s.tasks.dueSoon}"] .cell-now`).textContent();
    expect(cell).toContain('Vướng mắc');
    expect(cell).toContain('Nhân lực');
    expect(cell).toContain('Thiếu biên chế giáo viên tại 12 xã sau sắp xếp.');
    await signOut(page);
    await context.close();
  });
});

describe('sessions and forms', () => {
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  it('when a person signs in, then the session cookie is new, HttpOnly and SameSite, and Secure behind https', async () => {
    const agent = request.agent(s.app);
    const page = await agent.get('/sign-in');
    const visitor = String(page.headers['set-cookie']);
    const res = await agent
      .post('/sign-in/token')
      .type('form')
      .send({ _csrf: csrfOf(page.text), token: s.tokens['locality:HNI'] });
    expect(res.status).toBe(303);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('dtt_session=')) ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect(visitor).not.toContain(cookie.split(';')[0]);
    // Behind https the cookies are Secure (sent back by hand: this test speaks plain http).
    const secureApp = s.makeApp({ PUBLIC_BASE_URL: 'https://tracker.example' });
    const p2 = await request(secureApp).get('/sign-in');
    const visitorCookie =
      (p2.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('dtt_visitor=')) ?? '';
    expect(visitorCookie).toMatch(/Secure/);
    const r2 = await request(secureApp)
      .post('/sign-in/token')
      .set('Cookie', visitorCookie.split(';')[0] as string)
      .type('form')
      .send({ _csrf: csrfOf(p2.text), token: s.tokens['locality:HNI'] });
    expect(r2.status).toBe(303);
    expect((r2.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('dtt_session='))).toMatch(
      /Secure/,
    );
  });

  it('when a form arrives without its CSRF token, then it is refused and nothing changes', async () => {
    const agent = request.agent(s.app);
    const page = await agent.get('/sign-in');
    await agent
      .post('/sign-in/token')
      .type('form')
      .send({ _csrf: csrfOf(page.text), token: s.tokens['home-affairs'] });
    const unchanged = await taskState(s.tasks.coordinated);
    const res = await agent.post(`/tasks/${s.tasks.coordinated}/milestone`).type('form').send({ name: 'DRAFTING' });
    expect(res.status).toBe(403);
    expect(await taskState(s.tasks.coordinated)).toEqual(unchanged);
  });

  it('when a session expires or its token is revoked, then the person is signed out', async () => {
    const { issueToken } = await import('../../db/tokens');
    const token = await issueToken(s.stack.db, 'ministry:BYT');
    const agent = request.agent(s.app);
    const page = await agent.get('/sign-in');
    await agent
      .post('/sign-in/token')
      .type('form')
      .send({ _csrf: csrfOf(page.text), token });
    expect((await agent.get('/worklist')).status).toBe(200);
    await revokeTokens(s.stack.db, { token });
    const after = await agent.get('/worklist');
    expect(after.status).toBe(303);
    // Sent to sign in, and back to the page it asked for afterwards.
    expect(after.headers.location).toBe('/sign-in?next=%2Fworklist');

    const other = request.agent(s.app);
    const p2 = await other.get('/sign-in');
    await other
      .post('/sign-in/token')
      .type('form')
      .send({ _csrf: csrfOf(p2.text), token: s.tokens['ministry:BYT'] });
    expect((await other.get('/worklist')).status).toBe(200);
    await s.stack.db.sql.query(
      `UPDATE web_sessions SET expires_at = now() - interval '1 second' WHERE principal = 'ministry:BYT'`,
    );
    expect((await other.get('/worklist')).status).toBe(303);
  });

  it('when a sign-in link is older than its lifetime, or the address is unknown, then no session is opened and no mail reveals who is known', async () => {
    const before = s.stack.smtp.received.length;
    const agent = request.agent(s.app);
    let page = await agent.get('/sign-in');
    const unknown = await agent
      .post('/sign-in/email')
      .type('form')
      .send({ _csrf: csrfOf(page.text), email: 'nobody@nowhere.test' });
    page = await agent.get('/sign-in');
    const known = await agent
      .post('/sign-in/email')
      .type('form')
      .send({ _csrf: csrfOf(page.text), email: s.focalEmail });
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    expect(unknown.text.replace(/name="_csrf" value="[^"]+"/g, '')).toBe(
      known.text.replace(/name="_csrf" value="[^"]+"/g, ''),
    );
    const link = await mailedLink(s.focalEmail, before);
    expect(s.stack.smtp.received.slice(before).some((m) => m.to.includes('nobody@nowhere.test'))).toBe(false);
    await s.stack.db.sql.query(`UPDATE sign_in_links SET expires_at = now() - interval '1 second'`);
    const url = new URL(link);
    expect((await agent.get(url.pathname)).status).toBe(410);
  });

  it('when sign-in is tried too often from one address, across two app instances (behind a load balancer), then it is refused for a while by both', async () => {
    // One counter per address in PostgreSQL: what one process counted, the other sees.
    const first = request.agent(s.makeApp({ SIGN_IN_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: 'loopback' }));
    const second = request.agent(s.makeApp({ SIGN_IN_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: 'loopback' }));
    // An address of its own (the app trusts the proxy on loopback, as TRUST_PROXY says), so other tests' sign-ins do not count.
    const address = `198.51.100.${Math.floor(Math.random() * 254) + 1}`;
    const [p1, p2] = [await first.get('/sign-in'), await second.get('/sign-in')];
    // Not across the edge of a one-minute window, where the count starts again.
    const msLeft = 60_000 - (Date.now() % 60_000);
    if (msLeft < 5_000) await new Promise((r) => setTimeout(r, msLeft + 200));
    const attempt = (agent: typeof first, page: typeof p1) =>
      agent
        .post('/sign-in/token')
        .set('X-Forwarded-For', address)
        .type('form')
        .send({ _csrf: csrfOf(page.text), token: 'dtt_wrong' });
    const statuses = [
      (await attempt(first, p1)).status,
      (await attempt(second, p2)).status,
      (await attempt(first, p1)).status,
    ];
    const refused = await attempt(second, p2);
    expect([...statuses, refused.status]).toEqual([401, 401, 429, 429]);
    expect(refused.text).toContain('<h1');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not held back.
    expect(
      (
        await first
          .post('/sign-in/token')
          .set('X-Forwarded-For', '198.51.100.255')
          .type('form')
          .send({ _csrf: csrfOf(p1.text), token: 'dtt_wrong' })
      ).status,
    ).toBe(401);
  });

  it("when a locality's focal point asks for a link at the address in the catalog, then the mail arrives over SMTP and its link signs them in as that locality, once", async () => {
    const email = localityFocalPointEmails().get('HCM') as string;
    const before = s.stack.smtp.received.length;
    const agent = request.agent(s.app);
    const page = await agent.get('/sign-in');
    expect(
      (
        await agent
          .post('/sign-in/email')
          .type('form')
          .send({ _csrf: csrfOf(page.text), email })
      ).status,
    ).toBe(200);
    const link = new URL(await mailedLink(email, before));
    const confirm = await agent.get(link.pathname);
    expect(confirm.status).toBe(200);
    const signedIn = await agent
      .post('/sign-in/link')
      .type('form')
      .send({ _csrf: csrfOf(confirm.text), token: link.pathname.split('/').pop() });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/locality');
    const home = await agent.get('/locality');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Hồ Chí Minh');
    expect((await agent.get(link.pathname)).status).toBe(410);
  });
});

import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { loadSyntheticHistory } from '../../db/bench-data';
import { preferencesByEmail, preferencesFor } from '../../db/digests';
import { leadershipContactOf } from '../../db/leadership-contacts';
import { unsubscribeToken } from '../../domain/unsubscribe-link';
import { replayAsOf, type RecordedEvent } from '../../domain/as-of';
import { DAY_MS, vietnamDate } from '../../domain/dates';
import { TASK_STATUSES } from '../../domain/task';
import { launchBrowser, newVisitor, screenshot, seriousAxeViolations } from '../support/browser';
import { uid, vietnamTodayFor } from '../support/harness';
import { checkAndShoot, signInWithToken as signIn, startPagesStack, type PagesStack } from './support';

let s: PagesStack;
let browser: Browser;
/** Tasks with a recorded past (loaded straight into the audit log): one resolved ten days ago, one still open with obstacles. */
let history: { resolved: string; open: string; days: { created: string; resolved: string; asOf: string } };

const dmy = (iso: string) => iso.split('-').reverse().join('/');

beforeAll(async () => {
  s = await startPagesStack('web-insight-');
  browser = await launchBrowser();
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * DAY_MS).toISOString();
  const resolved = uid('HIST-');
  const open = uid('HIST-');
  const created = (code: string, status: string, dueDate: string): RecordedEvent => ({
    taskCode: code,
    seq: 1,
    at: at(70),
    actor: 'home-affairs',
    kind: 'CREATED',
    details: {
      title: `Nhiệm vụ có lịch sử ${code}`,
      sector: 'Giáo dục',
      status,
      leadMinistry: 'BGDDT',
      focalPoint: { name: 'Phạm Thu', email: 'thu@bgddt.test' },
      dueDate,
    },
  });
  const events: RecordedEvent[] = [
    created(resolved, 'REQUIRES_GUIDANCE', vietnamDate(now - 30 * DAY_MS)),
    {
      taskCode: resolved,
      seq: 2,
      at: at(10),
      actor: 'ministry:BGDDT',
      kind: 'TRANSITION',
      details: {
        from: 'REQUIRES_GUIDANCE',
        to: 'FEASIBLE',
        document: {
          number: `12/${vietnamDate(now - 10 * DAY_MS).slice(0, 4)}/TT-BGDDT`,
          issuedOn: vietnamDate(now - 10 * DAY_MS),
        },
      },
    },
    created(open, 'AUTHORITY_ADJUSTMENT', vietnamDate(now + 20 * DAY_MS)),
  ];
  const tasks = [...replayAsOf(events, now).tasks.values()];
  await loadSyntheticHistory(s.stack.db, tasks, events);
  // What a locality reports is its matrix cell (the one store): the obstacle the at-risk reasons name.
  const report = await request(s.app)
    .post('/api/localities/HNI/report')
    .set('Authorization', `Bearer ${s.tokens['locality:HNI']}`)
    .send({ cells: [{ task: open, state: 'OBSTACLE', category: 'LEGAL_BASIS', text: 'Thiếu hướng dẫn.' }] });
  if (report.status !== 200) throw new Error(`reporting: ${report.status} ${JSON.stringify(report.body)}`);
  history = {
    resolved,
    open,
    days: {
      created: vietnamDate(now - 70 * DAY_MS),
      resolved: vietnamDate(now - 10 * DAY_MS),
      asOf: vietnamDate(now - 20 * DAY_MS),
    },
  };
});

afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

async function signInWithToken(page: Page, token: string): Promise<void> {
  await signIn(page, s.origin, token);
}

const figure = async (page: Page, cls: string) =>
  (await page.locator(`.figures .${cls} .number`).textContent())?.trim();

describe('the Home Affairs dashboard: trend, at-risk list, as of a date', () => {
  it('when the analyst opens the dashboard, then the weekly trend (chart, table, downloads) and the open tasks ranked by risk with their reasons are shown', async () => {
    // The page, the API and the downloads are compared week for week: not across Monday's start in Viet Nam.
    await vietnamTodayFor(30_000);
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['home-affairs']);
    await page.waitForURL(/\/dashboard$/);

    // Trend: the chart loads, the table has one row per week (at least the eleven since the first event), newest first.
    const chart = page.locator('#trend ~ .chart-block img.chart');
    expect(await chart.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
    const weeks = await page.locator('#trend-table tbody th').allTextContents();
    expect(weeks.length).toBeGreaterThanOrEqual(10);
    expect(weeks[0]).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    // The newest week counts every task: the pages stack's five and the two with a history.
    const newest = await page.locator('#trend-table tbody tr').first().locator('td').allTextContents();
    const api = await request(s.app)
      .get('/api/dashboard/trend')
      .set('Authorization', `Bearer ${s.tokens['home-affairs']}`);
    const last = api.body.overall[api.body.overall.length - 1] as {
      byStatus: Record<string, number>;
      open: number;
      overdue: number;
    };
    expect(newest).toEqual([...TASK_STATUSES.map((st) => last.byStatus[st]), last.open, last.overdue].map(String));
    expect(last.open).toBe(5);

    // The downloads are the API's CSV and JSON, reached with the page's session.
    const csv = await page.request.get(
      `${s.origin}${await page.locator('a[href^="/dashboard/trend.csv"]').getAttribute('href')}`,
    );
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split('\r\n')[0]).toBe(
      `weekStart,asOf,ministry,total,${TASK_STATUSES.join(',')},open,overdue`,
    );
    const json = await page.request.get(`${s.origin}/dashboard/trend.json`);
    expect(((await json.json()) as { overall: unknown[] }).overall.length).toBe(api.body.overall.length);

    // Overdue: a list of its own, the overdue task first with its days overdue, linking to the task;
    // the at-risk list forecasts only tasks not yet overdue, with its reasons in words.
    const first = page.locator('#overdue-table tbody tr').first();
    await expect(first.locator('td a').first().textContent()).resolves.toBe(s.tasks.overdue);
    expect(Number(await first.locator('td.num').textContent())).toBeGreaterThan(0);
    expect(await page.locator(`#at-risk-table tbody tr:has-text("${s.tasks.overdue}")`).count()).toBe(0);
    const obstacleRow = page.locator(`#at-risk-table tbody tr:has-text("${history.open}")`);
    await expect(obstacleRow.textContent()).resolves.toContain('vướng mắc');
    await first.locator('td a').first().click();
    await page.waitForURL(new RegExp(`/tasks/${s.tasks.overdue}$`));
    await context.close();
  });

  it('when the trend is filtered by a ministry, then the table, chart and downloads are that ministry’s', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['home-affairs']);
    await page.selectOption('#trend-ministry', 'BYT');
    await page.click('#trend ~ form button[type=submit]');
    await page.waitForURL(/ministry=BYT/);
    await expect(page.locator('#trend-table caption').textContent()).resolves.toContain('Bộ Y tế');
    const newest = await page.locator('#trend-table tbody tr').first().locator('td').allTextContents();
    // BYT leads two of the pages stack's tasks: one needing guidance, one needing authority adjusted.
    expect(Object.fromEntries(TASK_STATUSES.map((st, i) => [st, newest[i]]))).toEqual({
      REQUIRES_GUIDANCE: '1',
      AUTHORITY_ADJUSTMENT: '1',
      FEASIBLE: '0',
    });
    const csv = await page.request.get(
      `${s.origin}${await page.locator('a[href^="/dashboard/trend.csv"]').getAttribute('href')}`,
    );
    const rows = (await csv.text()).trim().split('\r\n').slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.split(',')[2]))).toEqual(new Set(['*', 'BYT']));
    expect(await page.locator('#trend ~ .chart-block img').getAttribute('src')).toContain('ministry=BYT');
    await context.close();
  });

  it('when a past date is given, then the figures are those of that day (the API’s asOf); a date that is not one is refused beside the field and the figures stay the present ones', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['home-affairs']);
    const presentTotal = await figure(page, 'figure-total');
    expect(presentTotal).toBe('7');

    await page.fill('#asOf', '31/02/2026');
    await page.click('.as-of-form button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('#asOf-error').textContent()).resolves.toContain('ngày/tháng/năm');
    await expect(page.locator('.error-summary a[href="#asOf"]').count()).resolves.toBe(1);
    await expect(page.locator('#asOf').inputValue()).resolves.toBe('31/02/2026');
    expect(await figure(page, 'figure-total')).toBe(presentTotal);
    expect(await page.locator('.as-of-banner').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Twenty days ago: only the two tasks with a history existed; the resolved one still needed guidance and was overdue.
    await page.fill('#asOf', dmy(history.days.asOf));
    await page.click('.as-of-form button[type=submit]');
    await page.waitForURL(/asOf=/);
    await expect(page.locator('.as-of-banner').textContent()).resolves.toContain(dmy(history.days.asOf));
    expect(await figure(page, 'figure-total')).toBe('2');
    expect(await figure(page, 'figure-requires-guidance')).toBe('1');
    expect(await figure(page, 'figure-authority-adjustment')).toBe('1');
    expect(await figure(page, 'figure-feasible')).toBe('0');
    const api = await request(s.app)
      .get(`/api/dashboard/summary?asOf=${history.days.asOf}`)
      .set('Authorization', `Bearer ${s.tokens['home-affairs']}`);
    expect(api.body.total).toBe(2);
    expect(api.body.byStatus.REQUIRES_GUIDANCE.count).toBe(1);
    // The overdue list of that day: the resolved task was then open and overdue.
    await expect(page.locator('#overdue-table tbody tr').first().locator('td a').first().textContent()).resolves.toBe(
      history.resolved,
    );
    // Figures of a past day do not link to the present list.
    expect(await page.locator('.figures a').count()).toBe(0);
    // The locality reports as the cells' history had them that day: HNI's obstacle came later, so none yet;
    // the section says so once, and no table's header stands with no rows.
    await expect(page.locator('#obstacles + p').textContent()).resolves.toBe(
      'Chưa có địa phương nào báo cáo vướng mắc.',
    );
    expect(await page.locator('caption', { hasText: 'Báo cáo của địa phương' }).count()).toBe(0);
    for (const img of await page.locator('img.chart').all()) {
      expect(await img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)).toBe(true);
    }
    await checkAndShoot(page, 'dashboard-as-of');
    const asOfPage = encodeURIComponent(new URL(page.url()).pathname + new URL(page.url()).search);
    await page.goto(`${s.origin}/language/en?next=${asOfPage}`);
    await expect(page.locator('#obstacles + p').textContent()).resolves.toBe(
      'No locality has reported an obstacle yet.',
    );
    expect(await page.locator('caption', { hasText: 'Locality reports' }).count()).toBe(0);
    await page.goto(`${s.origin}/language/vi?next=${asOfPage}`);

    await page.click(`a:has-text("Xem số liệu hiện tại")`);
    await page.waitForURL(/\/dashboard$/);
    expect(await figure(page, 'figure-total')).toBe(presentTotal);
    await context.close();
  });

  it('when someone other than Home Affairs asks for the trend downloads, then they are refused', async () => {
    const anonymous = await request(s.app).get('/dashboard/trend.csv');
    expect(anonymous.status).toBe(303);
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['ministry:BYT']);
    const res = await page.request.get(`${s.origin}/dashboard/trend.csv`);
    expect(res.status()).toBe(403);
    await context.close();
  });
});

describe('e-mail preferences', () => {
  it('when a focal point signs in and turns the daily digest off in English, then it is saved; a language that is not offered is refused beside the field and changes nothing', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['ministry:BGDDT']);
    await page.click('nav a[href="/preferences"]');
    await page.waitForURL(/\/preferences$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Tuỳ chọn nhận thư');
    await expect(page.locator('#pref-0-title').textContent()).resolves.toContain(s.focalEmail);
    // A ministry's address gets no weekly digest (that one is Home Affairs').
    expect(await page.locator('#pref-0-weeklyDigest').count()).toBe(0);
    expect(await page.locator('#pref-0-dailyDigest').isChecked()).toBe(true);
    await checkAndShoot(page, 'preferences');

    const before = await preferencesByEmail(s.stack.db, s.focalEmail);
    await page.uncheck('#pref-0-dailyDigest');
    await page.evaluate(() => {
      const select = document.querySelector('#pref-0-language') as HTMLSelectElement;
      select.add(new Option('Klingon', 'tlh', true, true));
    });
    await page.click('#pref-0-form button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('#pref-0-language-error').textContent()).resolves.toContain('Chọn một trong các giá trị');
    await expect(page.locator('.error-summary a[href="#pref-0-language"]').count()).resolves.toBe(1);
    // What was ticked is kept on the page, and nothing changed.
    expect(await page.locator('#pref-0-dailyDigest').isChecked()).toBe(false);
    expect(await preferencesByEmail(s.stack.db, s.focalEmail)).toEqual(before);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.selectOption('#pref-0-language', 'en');
    await page.click('#pref-0-form button[type=submit]');
    await page.waitForURL(/saved=1/);
    await expect(page.locator('.notice-success').textContent()).resolves.toContain('Đã lưu');
    expect(await preferencesByEmail(s.stack.db, s.focalEmail)).toMatchObject({ dailyDigest: false, language: 'en' });
    // Back on for the other tests.
    await page.check('#pref-0-dailyDigest');
    await page.click('#pref-0-form button[type=submit]');
    await page.waitForURL(/saved=1/);
    expect(await preferencesByEmail(s.stack.db, s.focalEmail)).toMatchObject({ dailyDigest: true, language: 'en' });
    await context.close();
  });

  it('when Home Affairs opens its preferences, then the weekly digest can be set too; a locality has no such page and a forged address is refused', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['home-affairs']);
    await page.goto(`${s.origin}/preferences`);
    expect(await page.locator('#pref-0-weeklyDigest').isChecked()).toBe(true);
    await page.uncheck('#pref-0-weeklyDigest');
    await page.click('#pref-0-form button[type=submit]');
    await page.waitForURL(/saved=1/);
    const ha = /\S+@\S+/.exec((await page.locator('#pref-0-title').textContent()) ?? '')?.[0] ?? '';
    expect(await preferencesByEmail(s.stack.db, ha)).toMatchObject({ weeklyDigest: false, dailyDigest: true });
    // Home Affairs cannot change a focal point's address through its form.
    const before = await preferencesByEmail(s.stack.db, s.focalEmail);
    await page.evaluate((email) => {
      (document.querySelector('#pref-0-form input[name=email]') as HTMLInputElement).value = email;
    }, s.focalEmail);
    await page.uncheck('#pref-0-dailyDigest');
    await page.click('#pref-0-form button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('h1').textContent()).resolves.toBe('Không được phép');
    expect(await preferencesByEmail(s.stack.db, s.focalEmail)).toEqual(before);
    await context.close();

    const locality = await newVisitor(browser);
    await signInWithToken(locality.page, s.tokens['locality:HNI']);
    const res = await locality.page.goto(`${s.origin}/preferences`);
    expect(res?.status()).toBe(403);
    await locality.context.close();
  });

  it('when the unsubscribe link of a digest is opened without signing in, then it only asks; the button unsubscribes from the digests; an altered link is refused', async () => {
    const email = `unsub.${uid('').toLowerCase()}@bgddt.test`;
    const key = (await preferencesFor(s.stack.db, [email])).get(email)?.token ?? '';
    const link = `${s.origin}/unsubscribe/${unsubscribeToken(email, key)}`;
    const { context, page } = await newVisitor(browser);
    await page.goto(link);
    await expect(page.locator('h1').textContent()).resolves.toBe('Huỷ nhận thư tổng hợp');
    await expect(page.locator('main').textContent()).resolves.toContain(email);
    // Opening the link (as a mail scanner would) changes nothing.
    expect(await preferencesByEmail(s.stack.db, email)).toMatchObject({ dailyDigest: true, weeklyDigest: true });
    await checkAndShoot(page, 'unsubscribe');

    await page.click('#unsubscribe-form button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('h1').textContent()).resolves.toBe('Đã huỷ nhận thư tổng hợp');
    expect(await preferencesByEmail(s.stack.db, email)).toMatchObject({ dailyDigest: false, weeklyDigest: false });

    // A link for another address with this one's signature, or a signature changed by one character, is not a link.
    const other = await preferencesFor(s.stack.db, [s.focalEmail]);
    const forged = `${Buffer.from(s.focalEmail).toString('base64url')}.${unsubscribeToken(email, key).split('.')[1]}`;
    const good = unsubscribeToken(email, key);
    const altered = `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [forged, altered]) {
      const res = await page.goto(`${s.origin}/unsubscribe/${bad}`);
      expect(res?.status()).toBe(404);
      await expect(page.locator('h1').textContent()).resolves.toBe('Đường dẫn không hợp lệ');
    }
    expect(await preferencesByEmail(s.stack.db, s.focalEmail)).toMatchObject({
      dailyDigest: other.get(s.focalEmail)?.dailyDigest,
    });
    // The preferences key itself is not an unsubscribe link, and the link is not a preferences key for the API.
    expect((await page.goto(`${s.origin}/unsubscribe/${key}`))?.status()).toBe(404);
    expect((await request(s.app).get(`/api/preferences/${unsubscribeToken(email, key)}`)).status).toBe(400);
    await context.close();
  });
});

describe('ministry leadership contacts (the escalation ladder’s second step)', () => {
  it('when Home Affairs edits a ministry’s illustrative contact (first with a bad address and no name), then the errors show beside the fields and nothing changes; then it is saved and no longer illustrative', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['home-affairs']);
    await page.click('nav a[href="/leadership-contacts"]');
    await page.waitForURL(/\/leadership-contacts$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Lãnh đạo bộ nhận cảnh báo');
    // The default ladder: leadership 5 working days after the deadline.
    await expect(page.locator('main .lead').textContent()).resolves.toContain('5 ngày làm việc');
    await expect(page.locator('#contact-BYT').textContent()).resolves.toContain('Minh hoạ');
    await checkAndShoot(page, 'leadership-contacts');

    const before = await leadershipContactOf(s.stack.db, 'BYT');
    expect(before).toMatchObject({ illustrative: true });
    await page.click('#contact-BYT a');
    await page.waitForURL(/edit=BYT/);
    await page.fill('#position', 'Thứ trưởng');
    await page.fill('#email', 'not-an-address');
    await page.click('#contact-form button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('#name-error').textContent()).resolves.toContain('bắt buộc');
    await expect(page.locator('.error-summary a[href="#name"]').count()).resolves.toBe(1);
    await expect(page.locator('#position').inputValue()).resolves.toBe('Thứ trưởng');
    expect(await leadershipContactOf(s.stack.db, 'BYT')).toEqual(before);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.fill('#name', 'Trần Văn Lãnh');
    await page.click('#contact-form button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('#email-error').isVisible()).resolves.toBe(true);
    expect(await leadershipContactOf(s.stack.db, 'BYT')).toEqual(before);
    await screenshot(page, 'leadership-contact-errors');

    await page.fill('#email', 'thutruong@byt.test');
    await page.click('#contact-form button[type=submit]');
    await page.waitForURL(/saved=BYT/);
    await expect(page.locator('.notice-success').textContent()).resolves.toContain('Bộ Y tế');
    await expect(page.locator('#contact-BYT').textContent()).resolves.not.toContain('Minh hoạ');
    expect(await leadershipContactOf(s.stack.db, 'BYT')).toMatchObject({
      name: 'Trần Văn Lãnh',
      position: 'Thứ trưởng',
      email: 'thutruong@byt.test',
      illustrative: false,
      updatedBy: 'home-affairs',
    });
    await context.close();
  });

  it('when the API is used, then Home Affairs reads and sets contacts; anyone else is refused, a bad body is 400 and an unknown ministry 404', async () => {
    const ha = { Authorization: `Bearer ${s.tokens['home-affairs']}` };
    const list = await request(s.app).get('/api/ministries/leadership-contacts').set(ha);
    expect(list.status).toBe(200);
    expect((list.body.items as { ministry: string }[]).map((c) => c.ministry)).toContain('BGDDT');
    const put = await request(s.app)
      .put('/api/ministries/BGDDT/leadership-contact')
      .set(ha)
      .send({ name: 'Lê Thị Hạnh', email: 'hanh@bgddt.test' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ ministry: 'BGDDT', name: 'Lê Thị Hạnh', position: '', illustrative: false });
    const bad = await request(s.app)
      .put('/api/ministries/BGDDT/leadership-contact')
      .set(ha)
      .send({ name: '', email: 'nope' });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual(['body.email', 'body.name']);
    expect(
      (
        await request(s.app)
          .put('/api/ministries/ZZZ/leadership-contact')
          .set(ha)
          .send({ name: 'X', email: 'x@x.test' })
      ).status,
    ).toBe(404);
    const ministry = { Authorization: `Bearer ${s.tokens['ministry:BYT']}` };
    expect((await request(s.app).get('/api/ministries/leadership-contacts').set(ministry)).status).toBe(403);
    expect(
      (
        await request(s.app)
          .put('/api/ministries/BYT/leadership-contact')
          .set(ministry)
          .send({ name: 'X', email: 'x@x.test' })
      ).status,
    ).toBe(403);
    expect(await leadershipContactOf(s.stack.db, 'BGDDT')).toMatchObject({ name: 'Lê Thị Hạnh' });
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.tokens['ministry:BYT']);
    expect((await page.goto(`${s.origin}/leadership-contacts`))?.status()).toBe(403);
    await context.close();
  });
});

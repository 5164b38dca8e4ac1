import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { cellHistory } from '../../db/locality-cells';
import { localityTasks } from '../../db/matrix';
import { listRounds } from '../../db/reporting-rounds';
import { addDays, vietnamDate } from '../../domain/dates';
import path from 'node:path';
import { launchBrowser, newVisitor, screenshot, SCREENSHOT_DIR, seriousAxeViolations } from '../support/browser';
import { uid } from '../support/harness';
import { checkAndShoot, signInWithToken, startPagesStack, type PagesStack } from './support';

let s: PagesStack;
let browser: Browser;
/** The round Home Affairs opened through the API before the stories begin. */
let roundId: string;
const today = vietnamDate(Date.now());
const ddmmyyyy = (iso: string) => iso.split('-').reverse().join('/');

beforeAll(async () => {
  s = await startPagesStack('web-localities-');
  browser = await launchBrowser();
  roundId = uid('round-').toLowerCase();
  const opened = await request(s.app)
    .post('/api/rounds')
    .set('Authorization', `Bearer ${s.tokens['home-affairs']}`)
    .send({ id: roundId, dueDate: addDays(today, 20) });
  if (opened.status !== 201) throw new Error(`opening a round: ${opened.status} ${JSON.stringify(opened.body)}`);
});

afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** What Ha Noi's cells hold, and how many events each has: what "nothing changed" is checked against. */
async function hanoiCells() {
  const rows = await localityTasks(s.stack.db, 'HNI', 'all');
  return Promise.all(
    rows.map(async (r) => ({
      task: r.code,
      state: r.cell?.state,
      category: r.cell?.category,
      text: r.cell?.text,
      events: (await cellHistory(s.stack.db, r.code, 'HNI')).length,
    })),
  );
}

const nowOf = (page: Page, task: string) => page.locator(`[id="row-${task}"] .cell-now`).textContent();

describe('a locality reports on many tasks at once', () => {
  it('when an officer opens the page, then it shows the tasks that apply, each cell, and the current round not yet reported', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['locality:HNI']);
    await page.waitForURL(/\/locality$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Nhiệm vụ tại Hà Nội');
    const round = await page.locator('#current-round').textContent();
    expect(round).toContain(roundId);
    expect(round).toContain(ddmmyyyy(addDays(today, 20)));
    expect(round).toContain('chưa báo cáo');
    await expect(nowOf(page, s.tasks.overdue)).resolves.toContain('Chưa bắt đầu');
    // The report on the adjustment task came from HCM (support.ts): Ha Noi's cell is untouched.
    await expect(nowOf(page, s.tasks.adjustment)).resolves.toContain('Chưa bắt đầu');
    await checkAndShoot(page, 'locality');

    // Filtered by ministry: only the Ministry of Health's tasks.
    await page.selectOption('#filter-ministry', 'BYT');
    await page.click('form[role=search] button[type=submit]');
    await page.waitForURL(/ministry=BYT/);
    const shown = await page.locator('tr[id^="row-"]').evaluateAll((rows) => rows.map((r) => r.id.slice(4)));
    expect(shown.sort()).toEqual([s.tasks.adjustment, s.tasks.coordinated].sort());
    await context.close();
  });

  it('when the report has a bad cell, then every error shows beside its cell, what was typed is kept, and no cell changes; fixed, the whole report is taken', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['locality:HNI']);
    await page.waitForURL(/\/locality$/);
    const before = await hanoiCells();

    const { overdue, feasible, dueSoon } = s.tasks;
    await page.selectOption(`[id="state-${overdue}"]`, 'OBSTACLE');
    await page.selectOption(`[id="state-${feasible}"]`, 'WORKABLE');
    await page.selectOption(`[id="category-${feasible}"]`, 'FINANCE');
    await page.selectOption(`[id="state-${dueSoon}"]`, 'IMPLEMENTING');
    await page.fill(`[id="text-${dueSoon}"]`, 'Đang bố trí giáo viên');
    await page.click('#report');
    await page.waitForLoadState();

    // The obstacle lacks its category and its text; the workable cell carries a category.
    await expect(page.locator(`[id="category-${overdue}-error"]`).textContent()).resolves.toBe(
      'Vướng mắc cần chọn nhóm vướng mắc',
    );
    await expect(page.locator(`[id="text-${overdue}-error"]`).textContent()).resolves.toBe(
      'Vướng mắc cần nội dung nêu rõ vướng gì',
    );
    await expect(page.locator(`[id="category-${feasible}-error"]`).textContent()).resolves.toBe(
      'Chỉ vướng mắc mới có nhóm vướng mắc',
    );
    expect(await page.locator('.error-message').count()).toBe(3);
    await expect(page.locator(`.error-summary a[href="#category-${overdue}"]`).count()).resolves.toBe(1);
    await expect(page.locator(`[id="state-${dueSoon}"]`).inputValue()).resolves.toBe('IMPLEMENTING');
    await expect(page.locator(`[id="text-${dueSoon}"]`).inputValue()).resolves.toBe('Đang bố trí giáo viên');
    expect(await hanoiCells()).toEqual(before);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'locality-report-errors');

    await page.selectOption(`[id="category-${overdue}"]`, 'STAFFING');
    await page.fill(`[id="text-${overdue}"]`, 'Thiếu 12 giáo viên tại các xã sau sắp xếp');
    await page.selectOption(`[id="category-${feasible}"]`, '');
    await page.click('#report');
    await page.waitForURL(/sent=3-0/);
    await expect(page.locator('[role=status]').textContent()).resolves.toContain('3 ô thay đổi');
    await expect(nowOf(page, overdue)).resolves.toContain('Thiếu 12 giáo viên tại các xã sau sắp xếp');
    await expect(nowOf(page, overdue)).resolves.toContain('Nhân lực');
    await expect(nowOf(page, feasible)).resolves.toContain('Thực hiện được');
    await expect(nowOf(page, dueSoon)).resolves.toContain('Đang triển khai');
    await expect(page.locator('#current-round').textContent()).resolves.toContain('Địa phương đã báo cáo ngày');
    const after = await hanoiCells();
    expect(after.find((c) => c.task === overdue)).toMatchObject({ state: 'OBSTACLE', category: 'STAFFING', events: 1 });
    expect(
      after
        .filter((c) => c.events > 0)
        .map((c) => c.task)
        .sort(),
    ).toEqual([overdue, feasible, dueSoon].sort());
    await context.close();
  });

  it('when the form arrives without a state chosen or without its CSRF token, then nothing changes', async () => {
    const agent = request.agent(s.app);
    const signIn = await agent.get('/sign-in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(signIn.text)?.[1] ?? '';
    await agent.post('/sign-in/token').type('form').send({ _csrf: csrf, token: s.tokens['locality:HNI'] });
    const before = await hanoiCells();
    const page = await agent.get('/locality');
    const formCsrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const none = await agent
      .post('/locality/report')
      .type('form')
      .send({ _csrf: formCsrf, [`state-${s.tasks.overdue}`]: '' });
    expect(none.status).toBe(422);
    expect(none.text).toContain('id="report-error"');
    const forged = await agent
      .post('/locality/report')
      .type('form')
      .send({ [`state-${s.tasks.overdue}`]: 'WORKABLE' });
    expect(forged.status).toBe(403);
    expect(await hanoiCells()).toEqual(before);
  });
});

describe('Home Affairs runs the rounds', () => {
  it('when Home Affairs opens the rounds page, then each round shows how many reported and who has not; bad forms change nothing; good ones open, extend and close', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['home-affairs']);
    await page.goto(`${s.origin}/dashboard`);
    await page.click('a[href="/rounds"] >> nth=-1');
    await page.waitForURL(/\/rounds$/);
    const row = page.locator(`[id="round-${roundId}"]`);
    await expect(row.textContent()).resolves.toContain('1/34 đã báo cáo');
    expect(await row.locator('li').count()).toBe(33);
    await expect(row.textContent()).resolves.not.toContain('Hà Nội');
    await checkAndShoot(page, 'rounds');

    const roundsBefore = await listRounds(s.stack.db);
    await page.fill('#open-dueDate', ddmmyyyy(addDays(today, -1)));
    await page.click('form[action="/rounds"] button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('#open-dueDate-error').textContent()).resolves.toBe('Hạn phải sau hôm nay');
    await page.fill('#open-dueDate', '31/02/2027');
    await page.click('form[action="/rounds"] button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('#open-dueDate-error').isVisible()).resolves.toBe(true);
    await expect(page.locator('#open-dueDate').inputValue()).resolves.toBe('31/02/2027');
    expect(await listRounds(s.stack.db)).toEqual(roundsBefore);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'rounds-form-errors');

    const extra = uid('extra-').toLowerCase();
    await page.fill('#open-dueDate', ddmmyyyy(addDays(today, 30)));
    await page.fill('#open-id', extra);
    await page.click('form[action="/rounds"] button[type=submit]');
    await page.waitForURL(/done=opened/);
    await expect(page.locator(`[id="round-${extra}"]`).textContent()).resolves.toContain('0/34 đã báo cáo');

    // Extending to an earlier date is the round workflow's refusal, shown beside the date.
    const ext = `extend-${roundId}`;
    await page.fill(`[id="${ext}-dueDate"]`, ddmmyyyy(addDays(today, 5)));
    await page.fill(`[id="${ext}-reason"]`, 'Tết');
    await page.click(`form[action="/rounds/${roundId}/extension"] button[type=submit]`);
    await page.waitForLoadState();
    await expect(page.locator(`[id="${ext}-dueDate-error"]`).textContent()).resolves.toBe(
      'Hạn mới phải sau hạn hiện tại',
    );
    await page.fill(`[id="${ext}-dueDate"]`, ddmmyyyy(addDays(today, 40)));
    await page.click(`form[action="/rounds/${roundId}/extension"] button[type=submit]`);
    await page.waitForURL(/done=extended/);
    await expect(page.locator(`[id="round-${roundId}"]`).textContent()).resolves.toContain(
      ddmmyyyy(addDays(today, 40)),
    );

    const close = `close-${roundId}`;
    await page.click(`form[action="/rounds/${roundId}/close"] button[type=submit]`);
    await page.waitForLoadState();
    await expect(page.locator(`[id="${close}-reason-error"]`).isVisible()).resolves.toBe(true);
    expect((await listRounds(s.stack.db)).find((r) => r.id === roundId)?.status).toBe('OPEN');
    await page.fill(`[id="${close}-reason"]`, 'Đủ báo cáo');
    await page.click(`form[action="/rounds/${roundId}/close"] button[type=submit]`);
    await page.waitForURL(/done=closed/);
    expect((await listRounds(s.stack.db)).find((r) => r.id === roundId)).toMatchObject({
      status: 'CLOSED',
      closedEarly: true,
      reported: 1,
      total: 34,
    });
    await context.close();
  });

  it('when a ministry or a locality posts a round form, then it is refused and nothing changes', async () => {
    const agent = request.agent(s.app);
    const signIn = await agent.get('/sign-in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(signIn.text)?.[1] ?? '';
    await agent.post('/sign-in/token').type('form').send({ _csrf: csrf, token: s.tokens['ministry:BYT'] });
    const before = await listRounds(s.stack.db);
    const res = await agent
      .post('/rounds')
      .type('form')
      .send({ _csrf: csrf, 'open-dueDate': ddmmyyyy(addDays(today, 30)) });
    expect(res.status).toBe(403);
    expect(await listRounds(s.stack.db)).toEqual(before);
  });
});

describe('the report form’s address', () => {
  it('when it is opened as a page (the language switch of a refused report, a reload), then it leads to the locality’s page', async () => {
    const res = await request(s.app).get('/locality/report');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/locality');
  });
});

describe('the matrix view', () => {
  it('when Home Affairs reads it, then obstacles show by category, ministry and locality, and a locality filter lists its cells with who changed them', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['home-affairs']);
    await page.goto(`${s.origin}/matrix`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Ma trận nhiệm vụ × địa phương');
    await expect(page.locator('#by-category ~ table').first().textContent()).resolves.toContain('Nhân lực');
    await page.goto(`${s.origin}/matrix?locality=HNI&state=OBSTACLE`);
    const cells = await page.locator('#cells ~ div table').textContent();
    expect(cells).toContain(s.tasks.overdue);
    expect(cells).toContain('locality:HNI');
    // Each cell's task is named by its title as the API gives it, not by its code alone.
    const task = await request(s.app)
      .get(`/api/tasks/${s.tasks.overdue}`)
      .set('Authorization', `Bearer ${s.tokens['home-affairs']}`);
    const row = page.locator('#cells ~ div tbody tr', { has: page.locator(`a[href="/tasks/${s.tasks.overdue}"]`) });
    expect(await row.locator('td').first().textContent()).toBe(`${s.tasks.overdue}${task.body.title}`);
    await checkAndShoot(page, 'matrix');
    await context.close();
  });

  it('when a ministry reads it, then it sees the cells of its own tasks only', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['ministry:BYT']);
    await page.goto(`${s.origin}/matrix?locality=HNI`);
    const tasks = await page.locator('#cells ~ div tbody tr td:first-child a').allTextContents();
    expect(tasks.sort()).toEqual([s.tasks.adjustment, s.tasks.coordinated].sort());
    await context.close();
  });

  it('when the public reads it, then it sees aggregates only, with no names', async () => {
    const res = await request(s.app).get('/matrix?locality=HNI&state=OBSTACLE');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Nhân lực');
    expect(res.text).not.toContain('locality:HNI');
    expect(res.text).not.toContain('Thiếu 12 giáo viên');
    expect(res.text).not.toContain('id="cells"');
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/matrix`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'matrix-public');
    await context.close();
  });

  // Last in this file: it adds read-model tasks (no workflow behind them) so that one filter keeps more cells than the page lists.
  it('when more cells match than the page lists, then it says how many it shows of how many and links to the CSV of all; signed-in readers get the CSV, the public does not', async () => {
    await s.stack.db.prisma.$executeRawUnsafe(`
      INSERT INTO tasks (code, title, sector, status, status_since, lead_ministry_code, coordinating_ministries, due_date, reports_obstacle, updated_at)
      SELECT 'MTX-' || lpad(g::text, 3, '0'), 'Matrix listing task ' || g, 'Synthetic', 'REQUIRES_GUIDANCE', now(), 'BYT', '{}', NULL, 0, now()
        FROM generate_series(1, 10) g`);
    for (const [token, lang] of [
      [s.tokens['home-affairs'], 'vi'],
      [s.tokens['ministry:BYT'], 'en'],
    ] as const) {
      const { context, page } = await newVisitor(browser);
      await signInWithToken(page, s.origin, token);
      if (lang === 'en') await page.goto(`${s.origin}/language/en?next=%2Fmatrix`);
      await page.goto(`${s.origin}/matrix?state=NOT_STARTED`);
      const cut = (await page.locator('#cells-cut').textContent()) ?? '';
      const [shown, total] = (cut.match(/\d[\d.,]*/g) ?? []).map((n) => Number(n.replace(/[.,]/g, '')));
      expect(shown).toBe(300);
      expect(total).toBeGreaterThan(300);
      expect(cut).toContain(lang === 'vi' ? 'Tải tệp CSV để có tất cả các ô' : 'Download the CSV for all of them');
      expect(await page.locator('#cells ~ div tbody tr').count()).toBe(300);
      const csvHref = await page.locator('#cells-cut a').getAttribute('href');
      expect(csvHref).toBe('/matrix.csv?state=NOT_STARTED');
      expect(await page.locator('#matrix-csv').getAttribute('href')).toBe(csvHref);
      const csv = await page.request.get(`${s.origin}${csvHref}`);
      expect(csv.status()).toBe(200);
      expect(csv.headers()['content-type']).toContain('text/csv');
      const rows = (await csv.text()).trim().split(/\r?\n/).slice(1);
      expect(rows.length).toBe(total);
      expect(rows.every((r) => r.split(',')[2] === 'NOT_STARTED')).toBe(true);
      if (lang === 'en') {
        // The ministry's CSV holds the cells of its own tasks only, as its list does.
        expect(rows.some((r) => r.startsWith('MTX-001,'))).toBe(true);
        expect(rows.some((r) => r.startsWith(`${s.tasks.feasible},`))).toBe(false);
      }
      expect(await seriousAxeViolations(page)).toEqual([]);
      // The list is 300 rows long: a picture of the sentence and the links only, beside the test's other screenshots (not committed).
      await page.locator('#cells').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `matrix-cut-${lang}.png`) });
      await context.close();
    }
    const anonymous = await request(s.app).get('/matrix.csv?state=NOT_STARTED');
    expect(anonymous.status).toBe(303);
    const publicPage = await request(s.app).get('/matrix?state=NOT_STARTED');
    expect(publicPage.text).not.toContain('matrix.csv');
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['locality:HNI']);
    expect((await page.request.get(`${s.origin}/matrix.csv`)).status()).toBe(403);
    await context.close();
  });
});

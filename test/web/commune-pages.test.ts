import fs from 'node:fs';
import request from 'supertest';
import type { Browser, Locator } from 'playwright-core';
import { parseCommunes } from '../../catalog/communes';
import { resolveCommuneDataFile } from '../../embedded/commune-reference';
import { seedCommunes } from '../../embedded/commune-seed';
import { issueToken } from '../../db/tokens';
import { launchBrowser, newVisitor } from '../support/browser';
import { checkAndShoot, signInWithToken, startPagesStack, type PagesStack } from './support';

// The commune pages over Hà Nội's 126 real units: the national roll-up, the province's communes with
// the search (with or without diacritics, a GET form: no script), one commune; public and signed in.
let s: PagesStack;
let browser: Browser;
const HOAN_KIEM = '00070';
let communeToken = '';

beforeAll(async () => {
  s = await startPagesStack('web-communes-');
  browser = await launchBrowser();
  const communes = parseCommunes(fs.readFileSync(resolveCommuneDataFile(), 'utf8'));
  await seedCommunes(s.stack.db, { communes, localities: ['HNI'] });
  communeToken = await issueToken(s.stack.db, `commune:${HOAN_KIEM}`);
  const res = await request(s.app)
    .post(`/api/communes/${HOAN_KIEM}/report`)
    .set('Authorization', `Bearer ${communeToken}`)
    .send({
      cells: [
        { task: s.tasks.overdue, state: 'OBSTACLE', category: 'STAFFING', text: 'Thiếu viên chức phụ trách giáo dục' },
        { task: s.tasks.feasible, state: 'WORKABLE' },
      ],
    });
  if (res.status !== 200) throw new Error(`commune report: ${res.status} ${JSON.stringify(res.body)}`);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe('the commune pages', () => {
  it('when the public opens the commune roll-up, then each province shows the figures the API gives, and Hà Nội links to its communes', async () => {
    const api = await request(s.app)
      .get('/api/communes/rollup')
      .set('Authorization', `Bearer ${s.tokens['home-affairs']}`);
    const hni = api.body.items.find((i: { locality: string }) => i.locality === 'HNI');
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/communes`);
    expect(await page.locator('h1').textContent()).toBe('Cấp xã: tổng hợp theo tỉnh, thành phố');
    const row = page.locator('tr', { has: page.locator('a[href="/localities/HNI/communes"]') });
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual([String(hni.communes), String(hni.communesReported)]);
    expect(cells[5]).toBe(String(hni.byState.WORKABLE));
    await checkAndShoot(page, 'communes-rollup');
    await context.close();
  });

  it('when the public searches a province’s communes without diacritics, then the commune with them is found and links to its page', async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/localities/HNI/communes`);
    await page.fill('#commune-q', 'hoan kiem');
    await page.click('form[role=search] button[type=submit]');
    await page.waitForURL(/q=hoan\+kiem/);
    const names = await page.locator('tbody th a').allTextContents();
    expect(names).toEqual(['Phường Hoàn Kiếm']);
    await checkAndShoot(page, 'communes-province-search');
    await page.goto(`${s.origin}/localities/HNI/communes`);
    expect(await page.locator('tbody tr').count()).toBe(126);
    await context.close();
  });

  it('when the public opens a commune, then it sees the counts and who reported how, but not the cells', async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/communes/${HOAN_KIEM}`);
    expect(await page.locator('h1').textContent()).toBe('Phường Hoàn Kiếm');
    const body = await page.locator('main').textContent();
    expect(body).toContain('Xã tự báo cáo');
    expect(body).not.toContain('Thiếu viên chức phụ trách giáo dục');
    expect(body).toContain('công chúng xem số liệu tổng hợp');
    await checkAndShoot(page, 'commune-public');
    await context.close();
  });

  it('when its province’s officer opens the commune, then the cells are there with their texts, each task titled in the page’s language', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['locality:HNI']);
    await page.goto(`${s.origin}/communes/${HOAN_KIEM}`);
    const cells = page.locator('#commune-cells');
    expect(await cells.textContent()).toContain('Thiếu viên chức phụ trách giáo dục');
    // Each cell's task by its title in the page's language (issue 25), read from the task row.
    const row = page.locator('#commune-cells tr', { has: page.locator(`a[href="/tasks/${s.tasks.overdue}"]`) });
    expect(await row.textContent()).toContain('Thẩm quyền tuyển dụng viên chức giáo dục tại đơn vị sự nghiệp cấp xã');
    await checkAndShoot(page, 'commune-province-officer');
    await page.goto(`${s.origin}/language/en?next=${encodeURIComponent(`/communes/${HOAN_KIEM}`)}`);
    const en = (await row.textContent()) ?? '';
    expect(en).toContain('Recruitment authority for education employees at commune public service units');
    expect(en).not.toContain('Thẩm quyền tuyển dụng');
    await context.close();
  });

  /** The roll-up a page draws (data attributes of the one component), as the API's `communes` object counts it. */
  const drawn = async (locator: Locator) => ({
    communes: Number(await locator.getAttribute('data-communes')),
    byState: {
      NOT_STARTED: Number(await locator.getAttribute('data-not-started')),
      IMPLEMENTING: Number(await locator.getAttribute('data-implementing')),
      WORKABLE: Number(await locator.getAttribute('data-workable')),
      OBSTACLE: Number(await locator.getAttribute('data-obstacle')),
    },
  });
  const apiRollup = async (task: string) => {
    const res = await request(s.app)
      .get(`/api/matrix?locality=HNI&task=${task}`)
      .set('Authorization', `Bearer ${s.tokens['home-affairs']}`)
      .expect(200);
    const { communes, byState } = res.body.items[0].communes as { communes: number; byState: unknown };
    return { communes, byState };
  };

  it('when Home Affairs opens the matrix for Hà Nội, then a commune-level task’s cell is its communes’ roll-up as the API gives it, and it drills down to that task in each commune', async () => {
    const task = s.tasks.overdue;
    const api = await apiRollup(task);
    expect(api).toEqual({
      communes: 126,
      byState: { NOT_STARTED: 125, IMPLEMENTING: 0, WORKABLE: 0, OBSTACLE: 1 },
    });
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['home-affairs']);
    await page.goto(`${s.origin}/matrix?locality=HNI`);
    const row = page.locator('#cells ~ .table-wrap tr', { has: page.locator(`a[href="/tasks/${task}"]`) });
    expect(await drawn(row.locator('.commune-rollup'))).toEqual(api);
    expect(await row.locator('.commune-rollup').textContent()).toContain('126 xã:');
    expect(await row.locator('.commune-rollup').textContent()).toContain('Nhân lực 1');
    await checkAndShoot(page, 'matrix-commune-rollup');
    await row.locator('.commune-rollup a').click();
    await page.waitForURL(/\/localities\/HNI\/communes\?task=/);
    expect(await drawn(page.locator('#task-drill-down .commune-rollup'))).toEqual(api);
    const states = await page
      .locator('td.task-cell')
      .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-state')));
    expect(states).toHaveLength(126);
    expect(states.filter((x) => x === 'OBSTACLE')).toHaveLength(1);
    expect(states.filter((x) => x === 'NOT_STARTED')).toHaveLength(125);
    // Searched for a few communes (a shorter screenshot): the roll-up is still the province's.
    await page.fill('#commune-q', 'hoan');
    await page.click('form[role=search] button[type=submit]');
    await page.waitForURL(/q=hoan/);
    expect(await drawn(page.locator('#task-drill-down .commune-rollup'))).toEqual(api);
    expect(await page.locator('td.task-cell[data-state="OBSTACLE"]').count()).toBe(1);
    await checkAndShoot(page, 'communes-task-drill-down');
    await context.close();
  });

  it('when Hà Nội’s officer opens its locality page, then a commune-level task shows its communes’ roll-up beside the province’s own assessment', async () => {
    const task = s.tasks.feasible;
    const api = await apiRollup(task);
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['locality:HNI']);
    await page.goto(`${s.origin}/locality?level=commune`);
    const cell = page.locator(`#row-${task} .cell-now`);
    expect(await drawn(cell.locator('.commune-rollup'))).toEqual(api);
    expect(api.byState).toMatchObject({ WORKABLE: 1 });
    expect(await cell.textContent()).toContain('Tỉnh tự đánh giá:');
    await checkAndShoot(page, 'locality-commune-rollup');
    await context.close();
  });

  it('when the public drills down from a province cell, then it reads the roll-up but no commune’s state', async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/localities/HNI/communes?task=${s.tasks.overdue}`);
    expect(await drawn(page.locator('#task-drill-down .commune-rollup'))).toEqual(await apiRollup(s.tasks.overdue));
    expect(await page.locator('td.task-cell').count()).toBe(0);
    expect(await page.locator('#task-drill-down').textContent()).toContain('công chúng xem số liệu tổng hợp');
    await context.close();
  });

  it('when the commune’s focal point signs in, then it lands on its commune and reads all its cells', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, communeToken);
    expect(new URL(page.url()).pathname).toBe(`/communes/${HOAN_KIEM}`);
    const cells = page.locator('#commune-cells');
    expect(await cells.textContent()).toContain('Thiếu viên chức phụ trách giáo dục');
    // The header names who is signed in by the commune's name, as the API stores it, with its code.
    const { body } = await request(s.app)
      .get(`/api/communes/${HOAN_KIEM}`)
      .set('Authorization', `Bearer ${communeToken}`);
    expect(await page.locator('header strong').first().textContent()).toBe(`${body.commune.name} (mã ${HOAN_KIEM})`);
    await checkAndShoot(page, 'commune-focal-point');
    await context.close();
  });

  it('when the commune’s focal point reports on its page, then a bad cell is refused beside its field with nothing changed, and a good report is taken as the API records it', async () => {
    const api = () =>
      request(s.app).get(`/api/communes/${HOAN_KIEM}`).set('Authorization', `Bearer ${communeToken}`).expect(200);
    const before = (await api()).body;
    // Two of its cells not started yet (the cells the API lists for the commune).
    const [a, b] = (before.cells as { task: string; state: string }[])
      .filter((c) => c.state === 'NOT_STARTED')
      .map((c) => c.task);
    expect(b).toBeDefined();
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, communeToken);
    expect(await page.locator('#report-form').count()).toBe(1);
    // An obstacle without its category and text: refused beside those fields, no cell changed.
    await page.selectOption(`#state-${a}`, 'OBSTACLE');
    await page.click('#report');
    expect(await page.locator(`#category-${a}-error`).textContent()).toBe('Vướng mắc cần chọn nhóm vướng mắc');
    expect(await page.locator(`#text-${a}-error`).textContent()).toBe('Vướng mắc cần nội dung nêu rõ vướng gì');
    expect(await page.inputValue(`#state-${a}`)).toBe('OBSTACLE');
    // Its language switch (checkAndShoot follows it) leads to the commune's page, not to the form's POST-only address.
    await checkAndShoot(page, 'commune-report-refused');
    expect(new URL(page.url()).pathname).toBe(`/communes/${HOAN_KIEM}`);
    // So does the form's address opened with GET (a reload, a bookmark).
    await page.goto(`${s.origin}/communes/${HOAN_KIEM}/report`);
    expect(new URL(page.url()).pathname).toBe(`/communes/${HOAN_KIEM}`);
    expect(await page.locator('h1').textContent()).toBe(before.commune.name);
    expect((await api()).body.cells).toEqual(before.cells);
    expect((await api()).body.reports).toHaveLength(before.reports.length);

    // The same obstacle with its category and text, and another task workable: one report, taken.
    await page.goto(`${s.origin}/communes/${HOAN_KIEM}`);
    await page.selectOption(`#state-${a}`, 'OBSTACLE');
    await page.selectOption(`#category-${a}`, 'FINANCE');
    await page.fill(`#text-${a}`, 'Chưa có kinh phí cho trạm y tế');
    await page.selectOption(`#state-${b}`, 'IMPLEMENTING');
    await page.click('#report');
    expect(new URL(page.url()).search).toBe('?sent=2-0');
    expect(await page.locator('[role=status]').textContent()).toContain('2');
    const after = (await api()).body;
    const cell = (task: string) => (after.cells as { task: string; state: string }[]).find((c) => c.task === task);
    expect(cell(a as string)).toMatchObject({
      state: 'OBSTACLE',
      category: 'FINANCE',
      text: 'Chưa có kinh phí cho trạm y tế',
    });
    expect(cell(b as string)).toMatchObject({ state: 'IMPLEMENTING' });
    expect(after.reports).toHaveLength(before.reports.length + 1);
    expect(after.reports.at(-1)).toMatchObject({ channel: 'COMMUNE', changed: 2 });
    // The page shows what the API holds: each row's state tag is the cell's state.
    for (const c of after.cells as { task: string; state: string }[]) {
      const row = page.locator(`#row-${c.task}`);
      expect(await row.locator('.tag').first().getAttribute('class')).toContain(
        `tag-${c.state.toLowerCase().replace(/_/g, '-')}`,
      );
    }
    await checkAndShoot(page, 'commune-report-sent');
    await context.close();
  });

  it('when the public or a ministry opens a commune, then there is no report form', async () => {
    for (const token of [null, s.tokens['ministry:BGDDT']]) {
      const { context, page } = await newVisitor(browser);
      if (token) await signInWithToken(page, s.origin, token);
      await page.goto(`${s.origin}/communes/${HOAN_KIEM}`);
      expect(await page.locator('#report-form').count()).toBe(0);
      await context.close();
    }
    // And a post without a session changes nothing: it is sent to sign in.
    const res = await request(s.app)
      .post(`/communes/${HOAN_KIEM}/report`)
      .type('form')
      .send({ [`state-${s.tasks.overdue}`]: 'WORKABLE' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/sign-in/);
  });

  it('when a ministry opens a commune, then it reads the cells of the tasks it leads or coordinates only, as the API gives them', async () => {
    const api = await request(s.app)
      .get(`/api/communes/${HOAN_KIEM}`)
      .set('Authorization', `Bearer ${s.tokens['ministry:BGDDT']}`)
      .expect(200);
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['ministry:BGDDT']);
    await page.goto(`${s.origin}/communes/${HOAN_KIEM}`);
    const shown = await page.locator('#commune-cells tbody th a').allTextContents();
    expect(shown).toEqual((api.body.cells as { task: string }[]).map((c) => c.task));
    expect(shown).toContain(s.tasks.overdue);
    expect(shown).not.toContain(s.tasks.feasible);
    await checkAndShoot(page, 'commune-ministry');
    await context.close();
  });

  it('when an unknown commune is asked for, then 404', async () => {
    const res = await request(s.app).get('/communes/99999');
    expect(res.status).toBe(404);
  });
});

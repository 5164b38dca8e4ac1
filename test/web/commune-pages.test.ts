import fs from 'node:fs';
import request from 'supertest';
import type { Browser } from 'playwright-core';
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

beforeAll(async () => {
  s = await startPagesStack('web-communes-');
  browser = await launchBrowser();
  const communes = parseCommunes(fs.readFileSync(resolveCommuneDataFile(), 'utf8'));
  await seedCommunes(s.stack.db, { communes, localities: ['HNI'] });
  const token = await issueToken(s.stack.db, `commune:${HOAN_KIEM}`);
  const res = await request(s.app)
    .post(`/api/communes/${HOAN_KIEM}/report`)
    .set('Authorization', `Bearer ${token}`)
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
    const cells = page.locator('#cells + table');
    expect(await cells.textContent()).toContain('Thiếu viên chức phụ trách giáo dục');
    // Each cell's task by its title in the page's language (issue 25), read from the task row.
    const row = page.locator('#cells + table tr', { has: page.locator(`a[href="/tasks/${s.tasks.overdue}"]`) });
    expect(await row.textContent()).toContain('Thẩm quyền tuyển dụng viên chức giáo dục tại đơn vị sự nghiệp cấp xã');
    await checkAndShoot(page, 'commune-province-officer');
    await page.goto(`${s.origin}/language/en?next=${encodeURIComponent(`/communes/${HOAN_KIEM}`)}`);
    const en = (await row.textContent()) ?? '';
    expect(en).toContain('Recruitment authority for education employees at commune public service units');
    expect(en).not.toContain('Thẩm quyền tuyển dụng');
    await context.close();
  });

  it('when an unknown commune is asked for, then 404', async () => {
    const res = await request(s.app).get('/communes/99999');
    expect(res.status).toBe(404);
  });
});

import request from 'supertest';
import type { Browser } from 'playwright-core';
import { launchBrowser, newVisitor, screenshot, seriousAxeViolations } from '../support/browser';
import { startPagesStack, type PagesStack } from './support';

let s: PagesStack;
let browser: Browser;

beforeAll(async () => {
  s = await startPagesStack('web-public-');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

describe('the public page', () => {
  it('when a citizen opens /, then it shows the headline figures, progress by ministry and the task list, in Vietnamese, with no personal data', async () => {
    const { context, page } = await newVisitor(browser);
    const res = await page.goto(`${s.origin}/`);
    expect(res?.status()).toBe(200);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await expect(page.locator('h1').textContent()).resolves.toContain('Tiến độ thực hiện nhiệm vụ phân cấp');
    const figures = await page.locator('.figures .number').allTextContents();
    expect(figures).toEqual(['5', '3', '1', '1']);
    await expect(page.locator('.figures').textContent()).resolves.toContain('20,00 %');
    await expect(page.locator('table').first().textContent()).resolves.toContain('Bộ Giáo dục và Đào tạo');
    const html = await page.content();
    expect(html).not.toContain(s.focalEmail);
    expect(html).not.toContain('Nguyễn Văn An');
    expect(html).toContain(s.tasks.overdue);
    // Overdue tasks are marked in words, not only in colour.
    await expect(page.locator(`tr.overdue >> text=${s.tasks.overdue}`).count()).resolves.toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'public');
    // The chart is an image the server drew, with its table beside it.
    const chart = page.locator('img.chart').first();
    await expect(chart.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).resolves.toBe(true);
    await context.close();
  });

  it('when the list is filtered and searched, then only matching tasks are shown, and every figure links to its filtered list', async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/`);
    await page.selectOption('#status', 'AUTHORITY_ADJUSTMENT');
    await page.click('form[role=search] button[type=submit]');
    await page.waitForURL(/status=AUTHORITY_ADJUSTMENT/);
    let codes = await page.locator('table:not([id]) tbody tr td:first-child a').allTextContents();
    expect(codes).toEqual([s.tasks.adjustment]);
    await page.goto(`${s.origin}/?q=${encodeURIComponent('trường')}`);
    codes = await page.locator('table:not([id]) tbody tr td:first-child a').allTextContents();
    expect(codes.sort()).toEqual([s.tasks.dueSoon, s.tasks.coordinated].sort());
    // The "feasible" figure leads to the feasible tasks.
    await page.goto(`${s.origin}/`);
    await page.click('.figure-feasible a');
    await page.waitForURL(/status=FEASIBLE/);
    codes = await page.locator('table:not([id]) tbody tr td:first-child a').allTextContents();
    expect(codes).toEqual([s.tasks.feasible]);
    await context.close();
  });

  it('when a citizen opens a task, then it shows status, ministries in both languages, deadline and reports, but no focal point and no actor names', async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/tasks/${s.tasks.overdue}`);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Cần ban hành văn bản, hướng dẫn thực hiện');
    expect(text).toContain('Bộ Giáo dục và Đào tạo');
    expect(text).toContain('Ministry of Education and Training');
    expect(text).toMatch(/Quá hạn \d+ ngày/);
    expect(text).toContain('Chuỗi băm hợp lệ');
    const html = await page.content();
    expect(html).not.toContain(s.focalEmail);
    expect(html).not.toContain('Nguyễn Văn An');
    expect(html).not.toContain('home-affairs');
    expect(await page.locator('form[action*="/move"], form[action*="/milestone"]').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'task-public');
    await context.close();
  });

  it('when someone downloads the open data, then CSV and JSON hold the filtered list without personal data', async () => {
    const csv = await request(s.app).get('/open-data/tasks.csv?ministry=BGDDT');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe('code,title,sector,status,leadMinistry,coordinatingMinistries,dueDate,daysOverdue,workableReports,obstacleReports,titleEn,sectorEn,legalBasis,legalBasisEn');
    expect(csv.text).toContain(s.tasks.overdue);
    expect(csv.text).not.toContain(s.tasks.adjustment);
    expect(csv.text).not.toContain('@');
    const json = await request(s.app).get('/open-data/tasks.json');
    expect(json.status).toBe(200);
    expect(json.body.total).toBe(5);
    expect(JSON.stringify(json.body)).not.toContain('@');
    expect(json.body.items[0]).not.toHaveProperty('focalPoint');
  });
});

describe('language', () => {
  it('when the visitor switches to English, then every page is in English with English names and dates, and the choice sticks', async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/`);
    await page.click('a.lang-switch');
    await page.waitForLoadState();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toBe('Progress of the tasks delegated to local authorities');
    await expect(page.locator('.figures').textContent()).resolves.toContain('20.00%');
    await expect(page.locator('main').textContent()).resolves.toContain('Ministry of Education and Training');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'public');
    await page.goto(`${s.origin}/tasks/${s.tasks.overdue}`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('main').textContent()).resolves.toMatch(/\d+ days overdue/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'task-public');
    // Back to Vietnamese.
    await page.click('a.lang-switch');
    await page.waitForLoadState();
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await context.close();
  });

  it('when the browser prefers English and nothing was chosen, then pages are in English; otherwise Vietnamese', async () => {
    const en = await request(s.app).get('/').set('Accept-Language', 'en-GB,en;q=0.9');
    expect(en.text).toContain('<html lang="en"');
    const vi = await request(s.app).get('/');
    expect(vi.text).toContain('<html lang="vi"');
    const chosen = await request(s.app).get('/').set('Accept-Language', 'en-GB,en;q=0.9').set('Cookie', 'lang=vi');
    expect(chosen.text).toContain('<html lang="vi"');
  });

  it('when a page is served, then its CSP allows no inline script and nothing from elsewhere', async () => {
    const res = await request(s.app).get('/');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/ style="/);
  });
});

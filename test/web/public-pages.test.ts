import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
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
    expect(csv.text.split('\r\n')[0]).toBe(
      'code,title,sector,status,leadMinistry,coordinatingMinistries,dueDate,daysOverdue,workableReports,obstacleReports,titleEn,sectorEn,legalBasis,legalBasisEn',
    );
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
    await expect(page.locator('h1').textContent()).resolves.toBe(
      'Progress of the tasks delegated to local authorities',
    );
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

describe("the catalog in the reader's language (issue 25)", () => {
  const listRow = (code: string) => `table:not([id]) tbody tr:has(a:text-is("${code}")) td:nth-child(2)`;

  it('when a task is listed and shown on Vietnamese pages, then its title, sector and legal basis are Vietnamese; on English pages, English', async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/`);
    await expect(page.locator(listRow(s.tasks.overdue)).textContent()).resolves.toBe(
      'Thẩm quyền tuyển dụng viên chức giáo dục tại đơn vị sự nghiệp cấp xã',
    );
    await page.goto(`${s.origin}/tasks/${s.tasks.overdue}`);
    await expect(page.locator('h1').textContent()).resolves.toBe(
      'Thẩm quyền tuyển dụng viên chức giáo dục tại đơn vị sự nghiệp cấp xã',
    );
    let main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Giáo dục');
    expect(main).toContain('Điều 20 Nghị định 58/2025/NĐ-CP');
    expect(main).not.toContain('Decree 58/2025');
    // The other language is there, marked as such, for a reader who needs it.
    await expect(page.locator('p.other-title[lang=en]').textContent()).resolves.toBe(
      'Recruitment authority for education employees at commune public service units',
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'task-bilingual');

    await page.goto(`${s.origin}/language/en?next=${encodeURIComponent(`/tasks/${s.tasks.overdue}`)}`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.locator('h1').textContent()).resolves.toBe(
      'Recruitment authority for education employees at commune public service units',
    );
    main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('Decree 58/2025/ND-CP, Art. 20');
    expect(main).toContain('Education');
    await expect(page.locator('p.other-title[lang=vi]').textContent()).resolves.toBe(
      'Thẩm quyền tuyển dụng viên chức giáo dục tại đơn vị sự nghiệp cấp xã',
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'task-bilingual');
    await page.goto(`${s.origin}/`);
    await expect(page.locator(listRow(s.tasks.overdue)).textContent()).resolves.toBe(
      'Recruitment authority for education employees at commune public service units',
    );
    // A task the catalog gives no English for keeps its Vietnamese title.
    await expect(page.locator(listRow(s.tasks.feasible)).textContent()).resolves.toBe(
      'Quản lý ngân sách sự nghiệp giáo dục cấp xã',
    );
    await context.close();
  });

  it('when someone searches the public list without diacritics, in capitals or in English, then they find the same task', async () => {
    for (const q of ['tuyen dung', 'TUYỂN DỤNG', 'recruitment authority', '58/2025']) {
      const res = await request(s.app).get(`/?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`/tasks/${s.tasks.overdue}`);
      expect(res.text).not.toContain(`/tasks/${s.tasks.feasible}`);
    }
  });

  it('when the open data is downloaded, then the CSV (read with utf-8-sig) and the .xlsx give the rows of the page, in both languages', async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/?ministry=BGDDT`);
    const pageRows = await page
      .locator('table:not([id]) tbody tr:has(td:first-child a[href^="/tasks/"])')
      .evaluateAll((rows) =>
        rows.map((r) => [r.querySelector('td a')?.textContent ?? '', r.querySelectorAll('td')[1]?.textContent ?? '']),
      );
    expect(pageRows.length).toBeGreaterThan(0);
    // The page links the CSV with its byte-order mark, the .xlsx, the JSON and the data dictionary.
    const csvHref = await page.locator('a[href^="/open-data/tasks.csv"]').first().getAttribute('href');
    expect(csvHref).toBe('/open-data/tasks.csv?ministry=BGDDT&bom=1');
    expect(await page.locator('a[href="/open-data/tasks.xlsx?ministry=BGDDT"]').count()).toBe(1);
    expect(await page.locator('a[href="/open-data/dictionary"]').count()).toBe(1);
    await expect(page.locator('.data-as-of').textContent()).resolves.toMatch(
      /^Dữ liệu tính đến \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} · \d+\/34 tỉnh, thành phố đã báo cáo/,
    );

    const csv = await request(s.app)
      .get(csvHref as string)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    // A real reader: Python's csv module with the utf-8-sig codec (what a script reading an Excel export uses).
    const read = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          'import csv,io,json,sys; print(json.dumps(list(csv.DictReader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")))))',
        ],
        { input: bytes },
      ).toString('utf8'),
    ) as Record<string, string>[];
    expect(read.map((r) => [r.code, r.title])).toEqual(pageRows);
    const overdue = read.find((r) => r.code === s.tasks.overdue);
    expect(overdue).toMatchObject({
      sector: 'Giáo dục',
      sectorEn: 'Education',
      legalBasis: 'Điều 20 Nghị định 58/2025/NĐ-CP',
      legalBasisEn: 'Decree 58/2025/ND-CP, Art. 20',
      titleEn: 'Recruitment authority for education employees at commune public service units',
    });
    expect(Object.keys(overdue ?? {})).not.toContain('focalPointEmail');
    // Without ?bom=1 the file has no mark (for programs that do not expect one).
    expect((await request(s.app).get('/open-data/tasks.csv?ministry=BGDDT')).text.startsWith('code,')).toBe(true);

    const xlsx = await request(s.app)
      .get('/open-data/tasks.xlsx?ministry=BGDDT')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(xlsx.body as Buffer).buffer as ArrayBuffer);
    const sheet = book.worksheets[0];
    const cells: string[][] = [];
    sheet?.eachRow((row) => cells.push((row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
    expect(cells.slice(1).map((r) => [r[0], r[1]])).toEqual(pageRows);
    expect(cells[0]).not.toContain('focalPointEmail');
    await context.close();
  });

  it('when someone opens the data dictionary, then each column is explained in their language, and the page is accessible', async () => {
    const { context, page } = await newVisitor(browser);
    await page.goto(`${s.origin}/open-data/dictionary`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Từ điển dữ liệu mở');
    const columns = await page.locator('#dictionary tbody tr td:first-child').allTextContents();
    const header = (await request(s.app).get('/open-data/tasks.csv')).text.split('\r\n')[0]?.split(',');
    expect(columns).toEqual(header);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'open-data-dictionary');
    await page.goto(`${s.origin}/language/en?next=${encodeURIComponent('/open-data/dictionary')}`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Open data dictionary');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'open-data-dictionary');
    await context.close();
  });
});

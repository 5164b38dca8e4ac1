/**
 * What a person expects of a public site (issue 25): a favicon, compressed responses, and a print
 * stylesheet so the dashboard and a ministry's worklist print on A4 for a meeting.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import http from 'node:http';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { loadSyntheticHistory } from '../../db/bench-data';
import { setEnglishTexts } from '../../db/tasks';
import { replayAsOf, type RecordedEvent } from '../../domain/as-of';
import { DAY_MS, vietnamDate } from '../../domain/dates';
import { COMMITTED_SCREENSHOT_DIR, SCREENSHOT_DIR, launchBrowser, newVisitor, screenshot } from '../support/browser';
import { uid } from '../support/harness';
import { checkAndShoot, signInWithToken, startPagesStack, switchLanguage, type PagesStack } from './support';

let s: PagesStack;
let browser: Browser;

/**
 * Two tasks whose history was recorded when the catalog was English (their CREATED events hold the
 * English title) and whose row now holds the Vietnamese catalog text with its English rendering:
 * one overdue since 30 days ago, one open and due in 20 days (at risk).
 */
const OLD = {
  late: { vi: 'Cấp giấy chứng nhận đủ điều kiện kinh doanh dịch vụ cầm đồ', en: 'Licensing pawn-shop businesses' },
  open: { vi: 'Phê duyệt quy hoạch mạng lưới chợ cấp xã', en: 'Approving the commune market network plan' },
};
let old: { late: string; open: string; asOf: string };

beforeAll(async () => {
  s = await startPagesStack('web-basics-');
  browser = await launchBrowser();
  const now = Date.now();
  const late = uid('OLD-');
  const open = uid('OLD-');
  const created = (code: string, title: string, dueDate: string): RecordedEvent => ({
    taskCode: code,
    seq: 1,
    at: new Date(now - 70 * DAY_MS).toISOString(),
    actor: 'home-affairs',
    kind: 'CREATED',
    details: {
      title,
      sector: 'Industry and Trade',
      status: 'REQUIRES_GUIDANCE',
      leadMinistry: 'BCT',
      focalPoint: { name: 'Đỗ Minh Khoa', email: 'khoa@bct.test' },
      dueDate,
    },
  });
  const events = [
    created(late, OLD.late.en, vietnamDate(now - 30 * DAY_MS)),
    created(open, OLD.open.en, vietnamDate(now + 20 * DAY_MS)),
  ];
  await loadSyntheticHistory(s.stack.db, [...replayAsOf(events, now).tasks.values()], events);
  // The catalog, loaded again in Vietnamese: the row's text, the history unchanged.
  for (const [code, text] of [
    [late, OLD.late],
    [open, OLD.open],
  ] as const)
    await s.stack.db.pool.query("UPDATE tasks SET title = $2, sector = 'Công Thương' WHERE code = $1", [code, text.vi]);
  await setEnglishTexts(
    s.stack.db,
    [
      [late, OLD.late],
      [open, OLD.open],
    ].map(([code, text]) => ({
      code: code as string,
      titleEn: (text as { en: string }).en,
      sectorEn: 'Industry and Trade',
      legalBasisEn: '',
    })),
  );
  old = { late, open, asOf: vietnamDate(now - 20 * DAY_MS) };
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** The bytes as they went over the wire (no client-side decoding), with the headers. */
function fetchRaw(
  url: string,
  encoding: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'Accept-Encoding': encoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

describe('public-site basics', () => {
  it('when a page and a JSON answer are asked for with gzip, then they come gzip-encoded and decode to the same content', async () => {
    for (const url of ['/', '/openapi.json']) {
      const zipped = await fetchRaw(`${s.origin}${url}`, 'gzip');
      expect([url, zipped.status, zipped.headers['content-encoding']]).toEqual([url, 200, 'gzip']);
      expect(zipped.headers.vary).toMatch(/Accept-Encoding/i);
      const plain = await fetchRaw(`${s.origin}${url}`, 'identity');
      expect(plain.headers['content-encoding']).toBeUndefined();
      const unzipped = zlib.gunzipSync(zipped.body).toString('utf8');
      // The same document (a page's CSRF token or a request id may differ between two requests).
      expect(unzipped.slice(0, 60)).toBe(plain.body.toString('utf8').slice(0, 60));
      expect(zipped.body.length).toBeLessThan(plain.body.length);
    }
  });

  it('when a browser asks for /favicon.ico, then it gets the SVG icon, cached for a day, and every page links it', async () => {
    const icon = await request(s.app).get('/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toContain('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('public, max-age=86400');
    const page = await request(s.app).get('/');
    expect(page.text).toMatch(/<link rel="icon" href="\/favicon\.ico" type="image\/svg\+xml"/);
  });

  it('when a page is loaded, then its stylesheet comes inline, allowed by its hash in the CSP, its first chart as a data: image, and Chromium applies both with nothing refused', async () => {
    const res = await request(s.app).get('/');
    const css = /<style>([\s\S]*?)<\/style>/.exec(res.text)?.[1] ?? '';
    expect(css.length).toBeGreaterThan(1000);
    expect(res.text).not.toMatch(/<link rel="stylesheet"/);
    const hash = `'sha256-${crypto.createHash('sha256').update(css, 'utf8').digest('base64')}'`;
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toMatch(new RegExp(`style-src 'self' ${hash.replace(/[+/]/g, '\\$&')}(;|$)`));
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/img-src 'self' data:(;|$)/);
    const { context, page } = await newVisitor(browser);
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused/i.test(m.text())) refused.push(m.text());
    });
    await page.goto(`${s.origin}/`);
    // The header's dark band is the stylesheet's (unstyled, it would be transparent).
    expect(await page.locator('.site-header').evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(
      'rgba(0, 0, 0, 0)',
    );
    // The chart that is the page's largest paint comes with the page (a data: URL the CSP allows for
    // images), drawn; so does the dashboard's, of the present and of a past day.
    await signInWithToken(page, s.origin, s.tokens['home-affairs']);
    const dmy = old.asOf.split('-').reverse().join('/');
    for (const url of ['/', '/dashboard', `/dashboard?asOf=${encodeURIComponent(dmy)}`]) {
      await page.goto(`${s.origin}${url}`);
      const chart = page.locator('main img.chart').first();
      expect([url, (await chart.getAttribute('src'))?.slice(0, 26)]).toEqual([url, 'data:image/svg+xml;charset']);
      expect([url, await chart.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0)]).toEqual([
        url,
        true,
      ]);
    }
    expect(refused).toEqual([]);
    await context.close();
  });

  /** A4's printable area at the print stylesheet's margins (210 - 2 x 12 mm by 297 - 2 x 15 mm) in CSS pixels. */
  const A4_PRINTABLE = { width: Math.floor((186 / 25.4) * 96), height: Math.floor((267 / 25.4) * 96) };

  async function printed(page: Page, name: string): Promise<void> {
    await page.emulateMedia({ media: 'print' });
    // No navigation, no forms or buttons; tables and figures are there.
    for (const hidden of ['.site-header nav', '.header-tools', 'main form', 'button', '.footer-links']) {
      const all = page.locator(hidden);
      for (let i = 0; i < (await all.count()); i++)
        expect([hidden, await all.nth(i).isVisible()]).toEqual([hidden, false]);
    }
    // Every table, those folded in a closed <details> too (paper cannot be opened), whole: none wider
    // than the printable width (the viewport is set to it), none cut by a scrolling box.
    const tables = page.locator('main table');
    expect(await tables.count()).toBeGreaterThan(0);
    const folded = page.locator('main details:not([open]) table');
    if (name === 'dashboard') expect(await folded.count()).toBeGreaterThan(0);
    for (let i = 0; i < (await tables.count()); i++) {
      const table = tables.nth(i);
      expect([name, i, await table.isVisible()]).toEqual([name, i, true]);
      const fits = await table.evaluate((el) => {
        const right = el.getBoundingClientRect().right;
        const clippedBy = (e: Element | null): boolean =>
          e !== null &&
          e !== document.body &&
          (getComputedStyle(e).overflowX !== 'visible' || clippedBy(e.parentElement));
        return { inside: right <= document.documentElement.clientWidth + 1, clipped: clippedBy(el.parentElement) };
      });
      expect([name, i, fits]).toEqual([name, i, { inside: true, clipped: false }]);
    }
    // The folded table's rows are laid out (a closed <details> hides its content from print otherwise).
    for (let i = 0; i < (await folded.count()); i++) {
      const box = await folded.nth(i).boundingBox();
      expect(box && box.height).toBeGreaterThan(40);
      expect(await folded.nth(i).locator('tbody tr').first().isVisible()).toBe(true);
    }
    // Charts are printed whole, inside the page.
    for (const chart of await page.locator('main img.chart').all()) {
      expect(await chart.isVisible()).toBe(true);
      expect(
        await chart.evaluate((el) => el.getBoundingClientRect().right <= document.documentElement.clientWidth + 1),
      ).toBe(true);
    }
    // Links keep their text.
    const firstLink = page.locator('main table a').first();
    expect((await firstLink.textContent())?.trim()).not.toBe('');
    expect(await firstLink.isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // A4 pages: 210 x 297 mm, about 595 x 842 points (Chromium rounds to whole hundredths of an inch).
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 59[56]\.\d+ 84[123]\.\d+\]/);
    const image = await page.screenshot({ fullPage: true });
    for (const dir of [SCREENSHOT_DIR, ...(process.env.UPDATE_SCREENSHOTS === '1' ? [COMMITTED_SCREENSHOT_DIR] : [])]) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `print-${name}-vi.png`), image);
    }
    await page.emulateMedia({ media: 'screen' });
  }

  it('when the dashboard and a ministry worklist are printed, then they print on A4 without navigation, forms or buttons, with every table (a folded one too) and chart whole', async () => {
    const { context, page } = await newVisitor(browser);
    await page.setViewportSize(A4_PRINTABLE);
    await signInWithToken(page, s.origin, s.tokens['home-affairs']);
    await page.goto(`${s.origin}/dashboard`);
    await printed(page, 'dashboard');
    await context.close();

    const ministry = await newVisitor(browser);
    await ministry.page.setViewportSize(A4_PRINTABLE);
    await signInWithToken(ministry.page, s.origin, s.tokens['ministry:BGDDT']);
    await ministry.page.goto(`${s.origin}/worklist`);
    await printed(ministry.page, 'worklist');
    await ministry.context.close();
  });
});

describe("every page that lists or shows tasks, in the reader's language (issue 25)", () => {
  const TITLE_VI = 'Thẩm quyền tuyển dụng viên chức giáo dục tại đơn vị sự nghiệp cấp xã';
  const TITLE_EN = 'Recruitment authority for education employees at commune public service units';
  /** A title the catalog gives only in Vietnamese (support.ts: the feasible task). */
  const VI_ONLY = 'Quản lý ngân sách sự nghiệp giáo dục cấp xã';
  /** The language the innermost element holding just the text is read in (its nearest lang attribute). */
  const langOf = (page: Page, text: string) =>
    page.locator('main').evaluate(
      (main, t) =>
        Array.from(main.querySelectorAll('*'))
          .filter((e) => e.textContent?.trim() === t)
          .map((e) => e.closest('[lang]')?.getAttribute('lang'))
          .reverse()[0] ?? 'not found',
      text,
    );
  type Who = 'home-affairs' | 'ministry:BGDDT' | 'locality:HNI' | null;
  const pages: { name: string; who: Who; path: () => string; vietnameseOnly?: boolean }[] = [
    { name: 'catalog-public', who: null, path: () => '/', vietnameseOnly: true },
    { name: 'catalog-task', who: null, path: () => `/tasks/${s.tasks.overdue}` },
    { name: 'catalog-dashboard', who: 'home-affairs', path: () => '/dashboard' },
    { name: 'catalog-worklist', who: 'ministry:BGDDT', path: () => '/worklist' },
    { name: 'catalog-locality', who: 'locality:HNI', path: () => '/locality' },
    { name: 'catalog-documents', who: 'ministry:BGDDT', path: () => '/documents' },
  ];

  for (const p of pages) {
    it(`when the ${p.name.slice(8)} page is read in Vietnamese, then the task's title is Vietnamese; in English, English`, async () => {
      const { context, page } = await newVisitor(browser);
      if (p.who) await signInWithToken(page, s.origin, s.tokens[p.who]);
      await page.goto(`${s.origin}${p.path()}`);
      expect(await page.getAttribute('html', 'lang')).toBe('vi');
      const vi = (await page.locator('main').textContent()) ?? '';
      expect([p.name, 'vi', vi.includes(TITLE_VI) || vi.slice(0, 3000)]).toEqual([p.name, 'vi', true]);
      await checkAndShoot(page, p.name);
      await page.goto(`${s.origin}/language/en?next=${encodeURIComponent(p.path())}`);
      const en = (await page.locator('main').textContent()) ?? '';
      expect([p.name, 'en', en.includes(TITLE_EN) || en.slice(0, 3000)]).toEqual([p.name, 'en', true]);
      // Each title is marked with the language it is in: the English rendering as English; a title
      // the catalog gives only in Vietnamese, shown on the English page, as Vietnamese.
      expect([p.name, await langOf(page, TITLE_EN)]).toEqual([p.name, 'en']);
      if (p.vietnameseOnly) expect([p.name, await langOf(page, VI_ONLY)]).toEqual([p.name, 'vi']);
      await context.close();
    });
  }

  it("when the task page is read in Vietnamese, then its sector and legal basis are the Vietnamese catalog's (the citation form); in English, the English rendering, and neither shows the other's", async () => {
    const SECTOR = { vi: 'Giáo dục', en: 'Education' };
    const LEGAL_BASIS = { vi: 'Điều 20 Nghị định 58/2025/NĐ-CP', en: 'Decree 58/2025/ND-CP, Art. 20' };
    const { context, page } = await newVisitor(browser);
    const path = `/tasks/${s.tasks.overdue}`;
    for (const lang of ['vi', 'en'] as const) {
      await page.goto(`${s.origin}/language/${lang}?next=${encodeURIComponent(path)}`);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      // The task's facts: each term with its value, as the page lays them out.
      const facts = await page
        .locator('main dl')
        .first()
        .evaluate((dl) =>
          Array.from(dl.querySelectorAll('dt')).map((dt) => [
            dt.textContent?.trim() ?? '',
            dt.nextElementSibling?.textContent?.trim() ?? '',
          ]),
        );
      const values = facts.map(([, v]) => v);
      const other = lang === 'vi' ? 'en' : 'vi';
      expect([lang, values.includes(SECTOR[lang]), values.includes(LEGAL_BASIS[lang])]).toEqual([lang, true, true]);
      const main = (await page.locator('main').textContent()) ?? '';
      expect([lang, main.includes(LEGAL_BASIS[other]), values.includes(SECTOR[other])]).toEqual([lang, false, false]);
    }
    await context.close();
  });

  /** The text of each row of a table, by task code (the code is the row's first link). */
  async function rowsByCode(page: Page, table: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const row of await page.locator(`${table} tbody tr`).all())
      out.set(((await row.locator('a').first().textContent()) ?? '').trim(), (await row.textContent()) ?? '');
    return out;
  }

  it("when the dashboard's overdue and at-risk lists are read in English, then they name the tasks in English from the task row; in Vietnamese, in Vietnamese (also as of a past day)", async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['home-affairs']);
    const dmy = old.asOf.split('-').reverse().join('/');
    for (const [path, name] of [
      ['/dashboard', 'dashboard-lists'],
      [`/dashboard?asOf=${encodeURIComponent(dmy)}`, 'dashboard-as-of-lists'],
    ] as const) {
      for (const lang of ['vi', 'en'] as const) {
        await page.goto(`${s.origin}/language/${lang}?next=${encodeURIComponent(path)}`);
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        const other = lang === 'vi' ? 'en' : 'vi';
        const overdue = await rowsByCode(page, '#overdue-table');
        const atRisk = await rowsByCode(page, '#at-risk-table');
        const cases: [string, Map<string, string>, string, { vi: string; en: string }][] = [
          ['overdue (history in English)', overdue, old.late, OLD.late],
          ['at risk (history in English)', atRisk, old.open, OLD.open],
        ];
        // The task registered today through the API (its history is Vietnamese) is overdue at present only.
        if (path === '/dashboard')
          cases.push(['overdue (today)', overdue, s.tasks.overdue, { vi: TITLE_VI, en: TITLE_EN }]);
        for (const [what, rows, code, text] of cases) {
          const row = rows.get(code) ?? `no row ${code} in ${[...rows.keys()].join(' ')}`;
          expect([path, lang, what, row.includes(text[lang]), row.includes(text[other])]).toEqual([
            path,
            lang,
            what,
            true,
            false,
          ]);
        }
        await screenshot(page, name);
      }
    }
    // The API gives both, from the same row.
    const api = await request(s.app)
      .get('/api/dashboard/overdue')
      .set('Authorization', `Bearer ${s.tokens['home-affairs']}`);
    const item = (api.body.items as { code: string; title: string; titles: unknown }[]).find(
      (i) => i.code === old.late,
    );
    expect(item && { title: item.title, titles: item.titles }).toEqual({ title: OLD.late.vi, titles: OLD.late });
    await context.close();
  });
});

describe('a page shown for a refused form post', () => {
  type Who = 'home-affairs' | 'ministry:BGDDT' | null;
  // Each form sent empty: refused, and the refusal shown at the form's address, which only takes POST.
  const forms: { who: Who; page: () => string; action: () => string; status?: number }[] = [
    { who: null, page: () => '/sign-in', action: () => '/sign-in/token', status: 400 },
    { who: null, page: () => '/sign-in', action: () => '/sign-in/email', status: 400 },
    { who: 'ministry:BGDDT', page: () => '/documents', action: () => '/documents' },
    { who: 'ministry:BGDDT', page: () => '/documents', action: () => '/documents/settlements' },
    {
      who: 'ministry:BGDDT',
      page: () => `/tasks/${s.tasks.overdue}`,
      action: () => `/tasks/${s.tasks.overdue}/milestone`,
    },
    { who: 'home-affairs', page: () => '/rounds', action: () => '/rounds' },
    { who: 'home-affairs', page: () => '/leadership-contacts?edit=BGDDT', action: () => '/leadership-contacts/BGDDT' },
  ];

  it("when its language switch is followed, then it opens the form's page in the other language (not the form's address), for every form", async () => {
    let visitor = await newVisitor(browser);
    let signedIn: Who = null;
    const seen: string[] = [];
    for (const f of forms) {
      if (f.who !== signedIn) {
        await visitor.context.close();
        visitor = await newVisitor(browser);
        if (f.who) await signInWithToken(visitor.page, s.origin, s.tokens[f.who]);
        signedIn = f.who;
      }
      const { page } = visitor;
      await page.goto(`${s.origin}${f.page()}`);
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.frame() === page.mainFrame()),
        page.click(`form[method=post][action="${f.action()}"] [type=submit]`),
      ]).catch((err: Error) => {
        throw new Error(`sending ${f.action()} from ${f.page()}: ${err.message}`);
      });
      await page.waitForLoadState();
      const at = new URL(page.url());
      await switchLanguage(page, 'en');
      const back = new URL(page.url());
      seen.push(`${f.action()} ${refused.status()} at ${at.pathname} → ${back.pathname}${back.search}`);
      await switchLanguage(page, 'vi');
    }
    expect(seen).toEqual(forms.map((f) => `${f.action()} ${f.status ?? 422} at ${f.action()} → ${f.page()}`));
    await visitor.context.close();
  });
});

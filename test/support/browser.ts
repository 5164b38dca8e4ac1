import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * The browser the page tests drive (Playwright's own browser download is not reachable here): Debian's
 * `chromium-headless-shell`, Chromium's engine without the desktop browser around it, as Playwright
 * itself runs headless Chromium; a page suite costs about a third less CPU in it than in the full
 * `chromium` (test/web/commune-pages.test.ts: 27 against 41 CPU-s). Debian's `chromium` when the shell is
 * not installed; CHROMIUM_PATH names another. .ci/run installs both (Lighthouse, `npm run bench:pages`,
 * needs the full browser).
 */
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
export const CHROMIUM =
  process.env.CHROMIUM_PATH ?? (fs.existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : '/usr/bin/chromium');

/**
 * Where every run saves a screenshot of every page, in each language (git ignores it). With
 * UPDATE_SCREENSHOTS=1 they are also written to docs/screenshots, the committed copies the README
 * shows: a plain test run must not leave a checkout with changed files.
 */
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', 'screenshots');
export const COMMITTED_SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'docs', 'screenshots');

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A fresh browser profile (no cookies) speaking `locale`, as a person's own browser would. */
export async function newVisitor(browser: Browser, locale = 'vi-VN'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale, viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  return { context, page };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core inside the page and returns the serious and critical violations. The script is
 * evaluated through the DevTools protocol, so the page's CSP (no inline scripts) stays as it is.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a full-page screenshot as test/screenshots/<name>-<lang>.png (and docs/screenshots, see above). */
export async function screenshot(page: Page, name: string): Promise<string> {
  const lang = (await page.getAttribute('html', 'lang')) ?? 'xx';
  const dirs = [SCREENSHOT_DIR, ...(process.env.UPDATE_SCREENSHOTS === '1' ? [COMMITTED_SCREENSHOT_DIR] : [])];
  const image = await page.screenshot({ fullPage: true });
  for (const dir of dirs) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}-${lang}.png`), image);
  }
  return path.join(SCREENSHOT_DIR, `${name}-${lang}.png`);
}

/** Every request the page made was answered from this origin (no CDN, nothing external). */
export function sameOrigin(page: Page, origin: string): () => string[] {
  const foreign: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  return () => foreign;
}

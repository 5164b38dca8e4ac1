import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchBrowser, newVisitor } from '../support/browser';
import { makeApp, startWorkflowStack, type WorkflowStack } from '../support/harness';

// /docs in a real browser: Swagger UI renders every operation of /openapi.json from this server's
// own files, and the page's Content-Security-Policy refuses nothing (no inline script, no CDN).
let stack: WorkflowStack;
let server: http.Server;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  stack = await startWorkflowStack('docs-');
  server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', makeApp(stack, { env: { PUBLIC_BASE_URL: origin } }));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stack?.stop();
});

describe('the API reference', () => {
  it('when /docs is opened in Chromium, then every operation renders, nothing is fetched from elsewhere and the CSP refuses nothing', async () => {
    const { context, page } = await newVisitor(browser, 'en-US');
    const refused: string[] = [];
    const elsewhere: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    try {
      await page.goto(`${origin}/docs`);
      await page.waitForSelector('.opblock', { timeout: 30_000 });
      const doc = (await (await fetch(`${origin}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
      );
      // An operation with two tags is shown under each: compare the set. A deprecated one's path is struck through (its own class).
      const shown = await page
        .locator('.opblock-summary')
        .evaluateAll((blocks) =>
          blocks.map(
            (b) =>
              `${b.querySelector('.opblock-summary-method')?.textContent ?? ''} ${b.querySelector('.opblock-summary-path, .opblock-summary-path__deprecated')?.getAttribute('data-path') ?? ''}`,
          ),
        );
      expect([...new Set(shown)].sort()).toEqual(documented.sort());
      expect(refused).toEqual([]);
      expect(elsewhere).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

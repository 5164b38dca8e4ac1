import request from 'supertest';
import type { Express } from 'express';
import { createLogger } from '../../logging/logger';
import type { AddressInfo } from 'node:net';
import { makeApp, startWorkflowStack, type WorkflowStack } from '../support/harness';
import { launchBrowser, newVisitor, screenshot, seriousAxeViolations } from '../support/browser';

// Pages refuse bad bodies as the API does: a clear 4xx page in the person's language, nothing
// changed, and no error line with a stack trace; pages and open data have a per-address limit.

let stack: WorkflowStack;
let app: Express;
const logged: Record<string, unknown>[] = [];
const logger = createLogger({
  level: 'info',
  destination: { write: (line: string) => logged.push(JSON.parse(line) as Record<string, unknown>) },
});

beforeAll(async () => {
  stack = await startWorkflowStack('forms-');
  app = makeApp(stack, { logger, env: { OPEN_DATA_RATE_LIMIT_PER_MINUTE: '3', PAGE_RATE_LIMIT_PER_MINUTE: '40' } });
});

afterAll(async () => {
  await stack?.stop();
});

const FORM = 'application/x-www-form-urlencoded';

function noStackTraces(): void {
  expect(logged.filter((l) => Number(l.level) >= 50)).toEqual([]);
  expect(logged.some((l) => JSON.stringify(l).includes('    at '))).toBe(false);
}

describe('bad form bodies on the pages', () => {
  it('when a form has 2,100 fields, then /locality/report answers a 413 page, not a 500', async () => {
    const body = Array.from({ length: 2100 }, (_, i) => `f${i}=x`).join('&');
    const res = await request(app).post('/locality/report').type(FORM).send(body);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('Biểu mẫu không được nhận');
    expect(res.text).toContain('quá nhiều trường');
    noStackTraces();
  });

  it('when a milestone form carries a 60 KB note, then it answers 413 in the chosen language', async () => {
    const res = await request(app)
      .post('/tasks/BYT-001/milestone')
      .set('Cookie', 'lang=en')
      .type(FORM)
      .send(`name=DRAFTING&note=${'a'.repeat(60 * 1024)}`);
    expect(res.status).toBe(413);
    expect(res.text).toContain('too many fields');
    noStackTraces();
  });

  it('when a 20 KB token is posted to /sign-in/token, then it answers 413', async () => {
    const res = await request(app)
      .post('/sign-in/token')
      .type(FORM)
      .send(`token=${'t'.repeat(20 * 1024)}`);
    expect(res.status).toBe(413);
    noStackTraces();
  });

  it('when /sign-out gets a koi8-r form, then it answers 415 naming UTF-8', async () => {
    const res = await request(app)
      .post('/sign-out')
      .set('Content-Type', 'application/x-www-form-urlencoded; charset=koi8-r')
      .send('csrf=x');
    expect(res.status).toBe(415);
    expect(res.text).toContain('UTF-8');
    noStackTraces();
  });
});

describe('rate limits on pages and open data', () => {
  it('when one address downloads open data past its limit, then it gets 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(app).get('/open-data/tasks.json')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await request(app).get('/open-data/tasks.json');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toContain('application/problem+json');
  });

  it('when one address asks for pages past its limit, then it gets a 429 page', async () => {
    let last = 0;
    for (let i = 0; i < 45 && last !== 429; i++) last = (await request(app).get('/')).status;
    expect(last).toBe(429);
    const res = await request(app).get('/');
    expect(res.status).toBe(429);
    expect(res.text).toContain('Quá nhiều');
  });
});

describe('the refused-form page in the browser', () => {
  it('when a browser posts a 20 KB token, then it sees the 413 page in Vietnamese, axe-clean', async () => {
    const server = makeApp(stack, { env: { PAGE_RATE_LIMIT_PER_MINUTE: '1000' } }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const browser = await launchBrowser();
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { page } = await newVisitor(browser);
      await page.goto(`${origin}/sign-in`);
      const answered = page.waitForResponse((r) => r.url().endsWith('/sign-in/token'));
      await page.evaluate(
        (token) => {
          const form = document.createElement('form');
          form.method = 'post';
          form.action = '/sign-in/token';
          const input = document.createElement('input');
          input.name = 'token';
          input.value = token;
          form.append(input);
          document.body.append(form);
          form.submit();
        },
        't'.repeat(20 * 1024),
      );
      expect((await answered).status()).toBe(413);
      await page.waitForLoadState();
      expect(await page.textContent('h1')).toContain('Biểu mẫu không được nhận');
      expect(await seriousAxeViolations(page)).toEqual([]);
      await screenshot(page, 'form-refused-413');
    } finally {
      await browser.close();
      await new Promise((r) => server.close(r));
    }
  });
});

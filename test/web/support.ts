import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import type { Page, Response } from 'playwright-core';
import { loadConfig, type Env } from '../../config/env';
import { issueToken } from '../../db/tokens';
import { addDays, vietnamDate } from '../../domain/dates';
import { subtractWorkingDays } from '../../domain/working-days';
import { screenshot, seriousAxeViolations } from '../support/browser';
import { makeApp as makeTestApp, startWorkflowStack, uid, type WorkflowStack } from '../support/harness';

export const PRINCIPALS = ['home-affairs', 'ministry:BGDDT', 'ministry:BYT', 'locality:HNI'] as const;
export type TestPrincipal = (typeof PRINCIPALS)[number];

export interface PagesStack {
  stack: WorkflowStack;
  app: Express;
  origin: string;
  tokens: Record<TestPrincipal, string>;
  /** The tasks the tests act on, by role in the story. */
  tasks: { overdue: string; dueSoon: string; adjustment: string; feasible: string; coordinated: string };
  focalEmail: string;
  makeApp(env: Partial<Record<keyof Env, string>>): Express;
  stop(): Promise<void>;
}

/**
 * A test file's own stack for the pages: database, worker, SMTP server, the app listening on a
 * free loopback port, tokens, and a handful of tasks registered through the API.
 */
export async function startPagesStack(prefix: string): Promise<PagesStack> {
  const stack = await startWorkflowStack(prefix);
  const { db } = stack;
  const makeApp = (env: Partial<Record<keyof Env, string>>) =>
    makeTestApp(stack, {
      env: { SESSION_SECRET: 'pages-test-secret-0123456789abcdef0123', SIGN_IN_RATE_LIMIT_PER_MINUTE: '1000', ...env },
    });
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const app = makeApp({ PUBLIC_BASE_URL: origin });
  server.on('request', app);
  const tokens = {} as Record<TestPrincipal, string>;
  for (const p of PRINCIPALS) tokens[p] = await issueToken(db, p);
  const today = vietnamDate(Date.now());
  // Due in ten days, or on the last working day before: the API moves a due date off a day off, and
  // after a break (Tết's is nine days) it would fall outside the dashboard's "due in the next 14 days".
  const { calendar } = loadConfig({});
  const dueSoonDate = subtractWorkingDays(calendar, addDays(today, 11), 1);
  if (dueSoonDate <= today) throw new Error(`no working day in the ten days after ${today}`);
  const focalEmail = `an.${uid('').toLowerCase()}@bgddt.test`;
  const register = async (body: Record<string, unknown>) => {
    const code = uid(`${String(body.leadMinistry)}-`);
    const res = await request(app)
      .post('/api/tasks')
      .set('Authorization', `Bearer ${tokens['home-affairs']}`)
      .send({ code, sector: 'Giáo dục', level: 'commune', coordinatingMinistries: [], ...body });
    if (res.status !== 201) throw new Error(`registering a task: ${res.status} ${JSON.stringify(res.body)}`);
    return code;
  };
  const focalPoint = { name: 'Nguyễn Văn An', email: focalEmail };
  const tasks = {
    // Bilingual, as the catalog gives it: Vietnamese first, with the English renderings.
    overdue: await register({
      title: 'Thẩm quyền tuyển dụng viên chức giáo dục tại đơn vị sự nghiệp cấp xã',
      titleEn: 'Recruitment authority for education employees at commune public service units',
      sectorEn: 'Education',
      legalBasis: 'Điều 20 Nghị định 58/2025/NĐ-CP',
      legalBasisEn: 'Decree 58/2025/ND-CP, Art. 20',
      status: 'REQUIRES_GUIDANCE',
      leadMinistry: 'BGDDT',
      coordinatingMinistries: ['BNV'],
      focalPoint,
      dueDate: addDays(today, -20),
    }),
    dueSoon: await register({
      title: 'Hướng dẫn công nhận trường đạt chuẩn quốc gia cấp xã',
      status: 'REQUIRES_GUIDANCE',
      leadMinistry: 'BGDDT',
      focalPoint,
      dueDate: dueSoonDate,
    }),
    adjustment: await register({
      title: 'Cấp giấy phép hoạt động khám bệnh, chữa bệnh cho trạm y tế xã sau sắp xếp',
      status: 'AUTHORITY_ADJUSTMENT',
      leadMinistry: 'BYT',
      sector: 'Y tế',
      focalPoint: { name: 'Trần Thị Bình', email: 'binh@byt.test' },
    }),
    feasible: await register({
      title: 'Quản lý ngân sách sự nghiệp giáo dục cấp xã',
      status: 'FEASIBLE',
      leadMinistry: 'BTC',
      sector: 'Tài chính',
      focalPoint: { name: 'Lê Văn Cường', email: 'cuong@btc.test' },
    }),
    coordinated: await register({
      title: 'Y tế trường học tại cấp xã',
      status: 'REQUIRES_GUIDANCE',
      leadMinistry: 'BYT',
      coordinatingMinistries: ['BGDDT'],
      sector: 'Y tế',
      focalPoint: { name: 'Trần Thị Bình', email: 'binh@byt.test' },
      dueDate: addDays(today, 40),
    }),
  };
  const report = await request(app)
    .post(`/api/tasks/${tasks.adjustment}/reports`)
    .set('Authorization', `Bearer ${tokens['home-affairs']}`)
    .send({
      locality: 'HCM',
      kind: 'OBSTACLE',
      description: 'Chưa có hướng dẫn về điều kiện nhân lực của trạm y tế xã.',
    });
  if (report.status !== 200) throw new Error(`reporting: ${report.status}`);
  return {
    stack,
    app,
    origin,
    tokens,
    tasks,
    focalEmail,
    makeApp,
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await stack.stop();
    },
  };
}

/**
 * Follows the page's own language switch, as a person would, and checks where it leads: a page (not
 * an error, e.g. a form's POST-only address) in that language.
 */
export async function switchLanguage(page: Page, lang: 'vi' | 'en'): Promise<void> {
  const statuses: number[] = [];
  const onResponse = (r: Response) => {
    if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) statuses.push(r.status());
  };
  page.on('response', onResponse);
  try {
    await page.click('a.lang-switch');
    await page.waitForLoadState();
  } finally {
    page.off('response', onResponse);
  }
  if (statuses.at(-1) !== 200) throw new Error(`the language switch led to ${page.url()}, answered ${statuses.at(-1)}`);
  expect(await page.getAttribute('html', 'lang')).toBe(lang);
}

/**
 * Checks the page with axe and saves it in Vietnamese, then (through its language switch) in
 * English, and comes back to Vietnamese the same way.
 */
export async function checkAndShoot(page: Page, name: string): Promise<void> {
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, name);
  await switchLanguage(page, 'en');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, name);
  await switchLanguage(page, 'vi');
}

/** Signs in on the sign-in page by pasting an API token. */
export async function signInWithToken(page: Page, origin: string, token: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.fill('#token', token);
  await page.click('form[action="/sign-in/token"] button[type=submit]');
  await page.waitForLoadState();
}

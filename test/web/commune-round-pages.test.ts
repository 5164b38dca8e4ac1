import fs from 'node:fs';
import request from 'supertest';
import type { Browser } from 'playwright-core';
import { parseCommunes, type Commune } from '../../catalog/communes';
import { resolveCommuneDataFile } from '../../embedded/commune-reference';
import { seedCommunes } from '../../embedded/commune-seed';
import { listRounds } from '../../db/reporting-rounds';
import { issueToken } from '../../db/tokens';
import { addDays, vietnamDate } from '../../domain/dates';
import { launchBrowser, newVisitor, screenshot, seriousAxeViolations } from '../support/browser';
import { uid } from '../support/harness';
import { checkAndShoot, signInWithToken, startPagesStack, type PagesStack } from './support';

// Commune-level rounds on the pages (issue 26), with Lai Châu's 38 real units: the rounds page opens one
// with the level select (bad levels and "no communes yet" shown beside the field), shows "n trên N
// xã/phường đã báo cáo" and the provinces still lagging; the province's communes page shows who has not
// reported. Each figure is the API's own, read from the same rows.
let s: PagesStack;
let browser: Browser;
let lcu: Commune[];
const today = vietnamDate(Date.now());
const ddmmyyyy = (iso: string) => iso.split('-').reverse().join('/');
const ROUND = uid('xa-').toLowerCase();
const api = (path: string) => request(s.app).get(path).set('Authorization', `Bearer ${s.tokens['home-affairs']}`);

beforeAll(async () => {
  s = await startPagesStack('web-cround-');
  browser = await launchBrowser();
  lcu = parseCommunes(fs.readFileSync(resolveCommuneDataFile(), 'utf8')).filter((c) => c.locality === 'LCU');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

/** A signed-in Home Affairs form post without a browser (for values the select cannot send). */
async function postOpenForm(fields: Record<string, string>) {
  const agent = request.agent(s.app);
  const signIn = await agent.get('/sign-in');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(signIn.text)?.[1] ?? '';
  await agent.post('/sign-in/token').type('form').send({ _csrf: csrf, token: s.tokens['home-affairs'] });
  const page = await agent.get('/rounds');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? csrf;
  return agent
    .post('/rounds')
    .type('form')
    .send({ _csrf: token, ...fields });
}

describe('commune rounds on the pages', () => {
  it('when the level is not province or commune, then the page says so beside the select and no round opens', async () => {
    const before = await listRounds(s.stack.db);
    const res = await postOpenForm({ 'open-dueDate': ddmmyyyy(addDays(today, 30)), 'open-level': 'district' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/id="open-level-error"[^>]*>Chọn cấp tỉnh hoặc cấp xã\./);
    expect(await listRounds(s.stack.db)).toEqual(before);
  });

  it('when no commune is prepared yet, then opening a commune round is refused beside the select, and nothing opens', async () => {
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['home-affairs']);
    await page.goto(`${s.origin}/rounds`);
    const before = await listRounds(s.stack.db);
    await page.fill('#open-dueDate', ddmmyyyy(addDays(today, 30)));
    await page.selectOption('#open-level', 'commune');
    await page.click('form[action="/rounds"] button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('#open-level-error').textContent()).resolves.toBe(
      'Chưa có dữ liệu cấp xã: chưa thể mở đợt báo cáo cấp xã.',
    );
    await expect(page.locator('#open-level').inputValue()).resolves.toBe('commune');
    expect(await listRounds(s.stack.db)).toEqual(before);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'rounds-commune-level-refused');
    await context.close();
  });

  it('when Home Affairs opens a commune round from the page and two communes report, then the rounds page and the province’s communes page show the API’s n of N and who has not reported', async () => {
    expect(await seedCommunes(s.stack.db, { communes: lcu, localities: ['LCU'] })).not.toBeNull();
    const { context, page } = await newVisitor(browser);
    await signInWithToken(page, s.origin, s.tokens['home-affairs']);
    await page.goto(`${s.origin}/rounds`);
    await page.fill('#open-dueDate', ddmmyyyy(addDays(today, 30)));
    await page.fill('#open-id', ROUND);
    await page.selectOption('#open-level', 'commune');
    await page.click('form[action="/rounds"] button[type=submit]');
    await page.waitForURL(/done=opened/);
    const opened = (await listRounds(s.stack.db)).find((r) => r.id === ROUND);
    expect(opened).toMatchObject({ level: 'commune', status: 'OPEN', reported: 0, total: lcu.length });

    // Two communes report in the round through the API (with their own commune tokens).
    const [a, b] = lcu;
    for (const c of [a!, b!]) {
      const token = await issueToken(s.stack.db, `commune:${c.code}`);
      const res = await request(s.app)
        .post(`/api/communes/${c.code}/report`)
        .set('Authorization', `Bearer ${token}`)
        .send({ round: ROUND, cells: [{ task: s.tasks.feasible, state: 'WORKABLE' }] });
      expect(res.status).toBe(200);
    }

    const round = await api(`/api/rounds/${ROUND}`);
    expect(round.status).toBe(200);
    expect(round.body).toMatchObject({ level: 'commune', reported: 2, total: lcu.length });
    await page.goto(`${s.origin}/rounds`);
    const row = page.locator(`[id="round-${ROUND}"]`);
    const rowText = await row.textContent();
    expect(rowText).toContain('Cấp báo cáo: Cấp xã');
    expect(rowText).toContain(`${round.body.reported} trên ${round.body.total} xã/phường đã báo cáo`);
    const lagging = await row.locator('li').allTextContents();
    const [lcuProgress] = round.body.provinces;
    expect(lcuProgress).toEqual({ locality: 'LCU', reported: 2, total: lcu.length });
    expect(lagging).toEqual([`Lai Châu: ${lcuProgress.total - lcuProgress.reported}/${lcuProgress.total}`]);
    await checkAndShoot(page, 'rounds-commune');

    const province = await api('/api/localities/LCU/communes');
    expect(province.status).toBe(200);
    expect(province.body.round).toMatchObject({ round: ROUND, status: 'OPEN', reported: 2, total: lcu.length });
    await page.goto(`${s.origin}/localities/LCU/communes`);
    await expect(page.locator('#commune-round-figure').textContent()).resolves.toBe(
      `${province.body.round.reported} trên ${province.body.round.total} xã/phường đã báo cáo`,
    );
    const notReported = await page
      .locator('#commune-round-not-reported a')
      .evaluateAll((links) => links.map((l) => l.getAttribute('href')));
    expect(notReported).toEqual(province.body.round.notReported.map((code: string) => `/communes/${code}`));
    expect(notReported).not.toContain(`/communes/${a!.code}`);
    expect(notReported).toHaveLength(lcu.length - 2);
    await checkAndShoot(page, 'communes-province-round');
    await context.close();
  }, 180_000);

  it('when the public opens the province’s communes page, then it sees the round’s figure without signing in', async () => {
    const res = await request(s.app).get('/localities/LCU/communes');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`2 trên ${lcu.length} xã/phường đã báo cáo`);
  });
});

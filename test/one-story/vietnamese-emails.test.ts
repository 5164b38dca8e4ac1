/**
 * Issue 25: every kind of e-mail, for Vietnamese offices. On the real stack (PostgreSQL, the Temporal
 * dev server and worker, SMTP on loopback): the round notices, "remind now", closing the loop, the
 * hold-up release and the sign-in link go through the API or the pages; the reminder, the escalation
 * step, the round's scheduled reminder and escalation and the digests are the worker's activities,
 * called as the workflows call them. Each message is read back and checked: Vietnamese first,
 * dd/mm/yyyy, page links only, no ISO date and no English ministry or locality name in the
 * Vietnamese part, a text and an HTML part. Each kind's HTML is rendered in Chromium.
 */
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import request from 'supertest';
import type { Browser } from 'playwright-core';
import { createActivities } from '../../activities';
import reference from '../../catalog/reference.json';
import { addDays, vietnamDate } from '../../domain/dates';
import type { TaskView } from '../../domain/task';
import { taskWorkflowId } from '../../workflows/messages';
import { COMMITTED_SCREENSHOT_DIR, SCREENSHOT_DIR, launchBrowser } from '../support/browser';
import { useApiFixture } from '../support/api-fixture';
import { eventually, smtpMailer, uid } from '../support/harness';

const BASE = 'http://tracker.test';
const f = useApiFixture('vi-mails-');
let browser: Browser;
const HOME_AFFAIRS = 'home-affairs@tracker.test';

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Mail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

async function received(): Promise<Mail[]> {
  return Promise.all(
    f.stack.smtp.received.map(async (m) => {
      const p = await simpleParser(m.raw);
      return { to: m.to, subject: p.subject ?? '', text: p.text ?? '', html: typeof p.html === 'string' ? p.html : '' };
    }),
  );
}

/** English names of ministries and localities whose Vietnamese name differs (the Vietnamese part must not use them). */
const ENGLISH_NAMES = [...reference.ministries, ...reference.localities]
  .filter((x) => x.name !== x.nameVi)
  .map((x) => x.name);
const ISO_DATE = /\d{4}-\d{2}-\d{2}/;
const VI_DATE = /\b\d{2}\/\d{2}\/\d{4}\b/;

/** The checks every kind passes; `dated`: the message names a date. */
function checkVietnameseFirst(kind: string, mail: Mail, dated = true): void {
  const [vi, en] = mail.text.split('\n----\n');
  expect([kind, typeof en]).toEqual([kind, 'string']);
  // Vietnamese first: the text's first part, the HTML's first section and the subject's first half.
  expect([kind, mail.html]).toEqual([kind, expect.stringContaining('<html lang="vi">')]);
  expect(mail.html.indexOf('<section lang="vi">')).toBeGreaterThan(-1);
  expect(mail.html.indexOf('<section lang="vi">')).toBeLessThan(mail.html.indexOf('<section lang="en">'));
  expect([kind, vi]).toEqual([kind, expect.stringMatching(/[ạảấầẩậắằẳặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]/i)]);
  const subjectVi = mail.subject.split(' / ')[0] ?? '';
  expect([kind, subjectVi]).toEqual([kind, expect.stringMatching(/^\[[^\]]+\] /)]);
  // dd/mm/yyyy, never an ISO date, in the subject and in both parts (text and HTML).
  for (const part of [mail.subject, vi ?? '', en ?? '', mail.html])
    expect([kind, ISO_DATE.test(part)]).toEqual([kind, false]);
  if (dated) expect([kind, VI_DATE.test(vi ?? '')]).toEqual([kind, true]);
  // Ministries and localities by their Vietnamese names in the Vietnamese part.
  const viHtml = mail.html.slice(mail.html.indexOf('<section lang="vi">'), mail.html.indexOf('<section lang="en">'));
  for (const name of ENGLISH_NAMES) {
    expect([kind, name, (vi ?? '').includes(name) || viHtml.includes(name)]).toEqual([kind, name, false]);
  }
  // Page links only, on this site, never the API.
  const urls = [...`${mail.text} ${mail.html}`.matchAll(/https?:\/\/[^\s<>"')\]]+/g)].map((m) => m[0]);
  expect([kind, urls.length > 0]).toEqual([kind, true]);
  for (const url of urls) {
    expect([kind, url.startsWith(`${BASE}/`)]).toEqual([kind, true]);
    expect([kind, url]).toEqual([kind, expect.not.stringMatching(/^https?:\/\/[^/]+\/api(\/|$)/)]);
  }
}

const shots: [string, Mail][] = [];

describe('e-mails for Vietnamese offices (issue 25), every kind', () => {
  let code: string;
  let view: TaskView;
  const acts = () =>
    createActivities({
      db: f.db,
      mailer: smtpMailer(f.stack.smtp),
      mailFrom: 'tracker@tracker.test',
      digests: { homeAffairsEmail: HOME_AFFAIRS, publicBaseUrl: BASE, dueSoonDays: 14 },
    });
  const today = vietnamDate(Date.now());
  const dueDate = addDays(today, 7);

  beforeAll(async () => {
    code = await f.createTask({
      title: 'Thẩm quyền tuyển dụng viên chức y tế tại trạm y tế cấp xã',
      titleEn: 'Recruitment authority for health employees at commune health stations',
      sector: 'Y tế',
      sectorEn: 'Health',
      leadMinistry: 'BYT',
      focalPoint: { name: 'Bùi Minh Châu', email: 'chau@byt.test' },
      dueDate,
    });
    view = await f.dev.client.workflow.getHandle(taskWorkflowId(code)).query<TaskView>('state');
    expect(view.policy.publicBaseUrl).toBe(BASE);
  });

  it('when a reminder, a deadline notice and an overdue notice go out, then each is Vietnamese first with dd/mm/yyyy and the ministry by its Vietnamese name', async () => {
    const a = acts();
    await a.sendReminder({
      point: { kind: 'REMINDER', at: 0, offsetDays: 7, dueDate },
      recipients: ['chau@byt.test'],
      task: view,
    });
    await a.sendReminder({
      point: { kind: 'ESCALATION', at: 0, offsetDays: 0, dueDate },
      recipients: [HOME_AFFAIRS],
      task: view,
    });
    await a.sendReminder({
      point: { kind: 'OVERDUE', at: 0, offsetDays: -3, dueDate },
      recipients: [HOME_AFFAIRS],
      task: view,
    });
    const mails = (await received()).filter((m) => m.subject.startsWith(`[${code}]`));
    expect(mails).toHaveLength(3);
    const reminder = mails.find((m) => m.subject.includes('Còn 7 ngày'))!;
    expect(reminder.subject).toBe(
      `[${code}] Còn 7 ngày đến hạn ${dueDate.split('-').reverse().join('/')} / Due in 7 days (${dueDate.split('-').reverse().join('/')})`,
    );
    for (const m of mails) checkVietnameseFirst('reminder', m);
    expect(reminder.text).toContain('Bộ Y tế');
    expect(reminder.text).toContain('Ministry of Health');
    expect(reminder.text).toContain('Recruitment authority for health employees');
    shots.push(['reminder', reminder]);
  });

  it('when an escalation step goes out, then it is Vietnamese first, names the step and the ministry in Vietnamese', async () => {
    await acts().sendEscalationStep({
      step: { index: 1, recipient: 'ministry-leadership', afterWorkingDays: 5, date: addDays(dueDate, 7), at: 0 },
      task: view,
    });
    const mail = (await received()).find((m) => m.subject.startsWith(`[${code}] Cảnh báo bậc 2`))!;
    expect(mail).toBeDefined();
    checkVietnameseFirst('escalation', mail);
    expect(mail.text).toContain('Bộ chủ trì:');
    shots.push(['escalation', mail]);
  });

  it('when the daily and weekly digests go out, then they are Vietnamese first, dated dd/mm/yyyy, with ministries by their Vietnamese names', async () => {
    const a = acts();
    const daily = await a.sendDailyDigests({ nowMs: Date.now() });
    const weekly = await a.sendWeeklyBottleneckDigest({ nowMs: Date.now() });
    expect(weekly.sent + weekly.alreadySent).toBe(1);
    const mails = await received();
    const weeklyMail = mails.find((m) => m.to.includes(HOME_AFFAIRS) && m.subject.includes('Điểm nghẽn tuần'))!;
    checkVietnameseFirst('weekly digest', weeklyMail);
    shots.push(['digest-weekly', weeklyMail]);
    if (daily.workingDay) {
      const dailyMail = mails.find((m) => m.to.includes('chau@byt.test') && m.subject.includes('Tổng hợp ngày'))!;
      checkVietnameseFirst('daily digest', dailyMail);
      expect(dailyMail.text).toContain(code);
      shots.push(['digest-daily', dailyMail]);
    }
  });

  it('when a round opens, is chased ("remind now"), reminds and reaches its due date, then every notice names the locality in Vietnamese', async () => {
    const roundId = uid('r-').toLowerCase();
    const roundDue = addDays(today, 20);
    expect(
      (await request(f.app).post('/api/rounds').set(f.as('home-affairs')).send({ id: roundId, dueDate: roundDue }))
        .status,
    ).toBe(201);
    const opened = await eventually(
      async () => {
        const m = (await received()).filter((x) => x.subject.startsWith(`[${roundId}] Mở đợt báo cáo`));
        return m.length === 34 ? m : null;
      },
      60_000,
      '34 round-opened e-mails',
    );
    for (const m of opened) checkVietnameseFirst('round opened', m);
    const hn = opened.find((m) => m.text.startsWith('Kính gửi Hà Nội,'));
    expect(hn).toBeDefined();
    shots.push(['round-opened', hn!]);

    expect(
      (await request(f.app).post(`/api/rounds/${roundId}/reminders`).set(f.as('home-affairs')).send({})).status,
    ).toBe(200);
    const chased = await eventually(
      async () => {
        const m = (await received()).filter((x) => x.subject.startsWith(`[${roundId}] Bộ Nội vụ đề nghị`));
        return m.length === 34 ? m : null;
      },
      60_000,
      '34 remind-now e-mails (sent by the worker)',
    );
    for (const m of chased) checkVietnameseFirst('remind now', m);
    shots.push([
      'round-remind-now',
      chased.find((m) => m.text.startsWith('Kính gửi Thành phố Hồ Chí Minh,')) ?? chased[0]!,
    ]);

    const a = acts();
    await a.sendRoundNotices({
      roundId,
      point: { kind: 'REMINDER', at: 0, offsetWorkingDays: 3, dueDate: roundDue, key: 'r3' },
      homeAffairsEmail: HOME_AFFAIRS,
      publicBaseUrl: BASE,
    });
    await a.sendRoundNotices({
      roundId,
      point: { kind: 'ESCALATION', at: 0, offsetWorkingDays: 0, dueDate: roundDue, key: 'r0' },
      homeAffairsEmail: HOME_AFFAIRS,
      publicBaseUrl: BASE,
    });
    const mails = await received();
    const reminders = mails.filter((m) => m.subject.startsWith(`[${roundId}] Nhắc gửi báo cáo`));
    expect(reminders).toHaveLength(34);
    for (const m of reminders) checkVietnameseFirst('round reminder', m);
    shots.push(['round-reminder', reminders[0]!]);
    const escalation = mails.find((m) => m.subject.startsWith(`[${roundId}] Đến hạn`))!;
    checkVietnameseFirst('round escalation', escalation);
    expect(escalation.text.split('\n----\n')[0]).toContain('HNI Hà Nội');
    shots.push(['round-escalation', escalation]);
  });

  it('when an obstacle is answered by a document (closing the loop) and a hold-up is released, then both notices are Vietnamese first', async () => {
    const task = await f.createTask({ titleEn: 'Recruitment at commune units', title: 'Tuyển dụng tại đơn vị cấp xã' });
    await request(f.app)
      .post('/api/localities/HCM/report')
      .set(f.as('locality:HCM'))
      .send({ cells: [{ task, state: 'OBSTACLE', category: 'LEGAL_BASIS', text: 'chưa có thông tư' }] })
      .expect(200);
    const number = `${Math.floor(Math.random() * 900) + 10}/2026/TT-BGDĐT`;
    await request(f.app)
      .post(`/api/tasks/${task}/transitions`)
      .set(f.as('ministry:BGDDT'))
      .send({ from: 'REQUIRES_GUIDANCE', to: 'FEASIBLE', document: { number, issuedOn: today } })
      .expect(200);
    const closing = await eventually(
      async () => (await received()).find((m) => m.subject.startsWith(`[${task}] Đã ban hành văn bản`)),
      30_000,
      'the closing-the-loop notice',
    );
    checkVietnameseFirst('closing the loop', closing);
    expect(closing.text).toMatch(/^Kính gửi Thành phố Hồ Chí Minh,/);
    shots.push(['closing-the-loop', closing]);

    const held = await f.createTask();
    const awaited = `${Math.floor(Math.random() * 900) + 10}/2026/TT-BTC`;
    await request(f.app)
      .put(`/api/tasks/${held}/held-up`)
      .set(f.as('ministry:BGDDT'))
      .send({ ministry: 'BTC', description: 'thông tư về kinh phí', documentNumber: awaited })
      .expect(200);
    await request(f.app)
      .post('/api/documents')
      .set(f.as('ministry:BTC'))
      .send({ number: awaited, kind: 'CIRCULAR', issuer: 'BTC', title: 'Kinh phí', issuedOn: today })
      .expect(201);
    const released = await eventually(
      async () => (await received()).find((m) => m.subject.startsWith(`[${held}] Hết vướng`)),
      30_000,
      'the hold-up release notice',
    );
    checkVietnameseFirst('hold-up released', released);
    expect(released.text.split('\n----\n')[0]).toContain('Bộ Tài chính');
    shots.push(['unblocked', released]);
  });

  it('when someone asks for a sign-in link, then the worker sends it through the outbox, Vietnamese first, and the link is not kept once sent', async () => {
    const agent = request.agent(f.app);
    const form = await agent.get('/sign-in');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
    const address = 'office.hcm@localities.example';
    const before = f.stack.smtp.received.length;
    await agent.post('/sign-in/email').type('form').send({ _csrf: csrf, email: address }).expect(200);
    const mail = await eventually(
      async () =>
        (await received()).slice(before).find((m) => m.to.includes(address) && m.text.includes('/sign-in/link/')),
      30_000,
      'the sign-in link',
    );
    checkVietnameseFirst('sign-in link', mail, false);
    expect(mail.subject).toBe('[Đăng nhập] Đường dẫn đăng nhập / Your sign-in link');
    shots.push(['sign-in-link', mail]);
    const row = await eventually(async () => {
      const r = await f.db.pool.query<{ status: string; body: string; html_body: string | null }>(
        "SELECT status, body, html_body FROM notifications WHERE kind = 'SIGN_IN_LINK' AND $1 = ANY(recipients)",
        [address],
      );
      return r.rows[0]?.status === 'SENT' ? r.rows[0] : null;
    });
    expect(row).toEqual({ status: 'SENT', body: '', html_body: null });
  });

  it('when each kind of e-mail is rendered in Chromium, then it shows Vietnamese first (screenshots committed)', async () => {
    expect(shots.map(([k]) => k)).toEqual(
      expect.arrayContaining([
        'reminder',
        'escalation',
        'digest-weekly',
        'round-opened',
        'round-remind-now',
        'round-reminder',
        'round-escalation',
        'closing-the-loop',
        'unblocked',
        'sign-in-link',
      ]),
    );
    const context = await browser.newContext({ viewport: { width: 800, height: 600 }, javaScriptEnabled: false });
    const page = await context.newPage();
    for (const [kind, mail] of shots) {
      await page.setContent(mail.html);
      await expect(page.locator('section[lang=vi]').first().isVisible()).resolves.toBe(true);
      const box = await page.locator('section[lang=vi]').boundingBox();
      const boxEn = await page.locator('section[lang=en]').boundingBox();
      expect(box!.y).toBeLessThan(boxEn!.y);
      const image = await page.screenshot({ fullPage: true });
      for (const dir of [
        SCREENSHOT_DIR,
        ...(process.env.UPDATE_SCREENSHOTS === '1' ? [COMMITTED_SCREENSHOT_DIR] : []),
      ]) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `email-${kind}.png`), image);
      }
    }
    await context.close();
  });
});

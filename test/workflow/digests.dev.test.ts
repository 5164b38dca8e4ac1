import { simpleParser } from 'mailparser';
import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { Mailer } from '../../activities/mailer';
import { digestRows, preferencesFor } from '../../db/digests';
import { addressOfUnsubscribeToken } from '../../domain/unsubscribe-link';
import { DAY_MS, addDays, deadlineInstant, vietnameseDate } from '../../domain/dates';
import type { WorkingCalendar } from '../../domain/working-days';
import { digestScheduleIds, ensureDigestSchedules } from '../../temporal/digest-schedules';
import { startTaskWorkflow } from '../../temporal/task-client';
import { milestoneUpdate, taskWorkflowId } from '../../workflows/messages';
import { createTaskWorker } from '../../worker/create-worker';
import {
  TEST_POLICY,
  TestSmtpServer,
  createTestDatabase,
  definition,
  env,
  eventually,
  makeApp,
  quietTemporalLogs,
  smtpMailer,
  uid,
  vietnamTodayFor,
  type TestDatabase,
} from '../support/harness';

// Digests end to end: tasks run as real workflows (dev server), the runs read the real audit log in
// PostgreSQL and deliver to a real SMTP server on loopback; the schedules are real Temporal Schedules.
let db: TestDatabase;
let smtp: TestSmtpServer;
let worker: Worker;
let running: Promise<void>;
let nativeConnection: NativeConnection;
let connection: Connection;
let client: Client;
const taskQueue = uid('digest-');
/**
 * The day the file runs on, taken in `beforeAll` with the whole file ahead of Viet Nam's midnight:
 * the tasks' changes are dated by the real clock, and the schedule-triggered run digests the real
 * today, so the day must not turn between them.
 */
let today: string;
/** The file's worst run time, with room: a day that ends sooner is waited out. */
const FILE_SPAN_MS = 3 * 60_000;
// Whatever day the suite runs on, today and the next five days are working days here, except the
// third, so the schedule-triggered run has something to do and a day off is known (filled in by beforeAll).
const calendar: WorkingCalendar = { firstYear: 2000, lastYear: 2100, daysOff: [], workingWeekendDays: [] };
const settings = {
  homeAffairsEmail: 'moha@tracker.test',
  publicBaseUrl: 'http://tracker.test',
  calendar,
  dueSoonDays: 14,
};
/** 07:00 in Viet Nam on `date`. */
const morningOf = (date: string) => deadlineInstant(date) - DAY_MS + 7 * 3600_000;
const focal = (name: string) => ({
  name: `Focal ${name}`,
  email: `${name.toLowerCase()}-${taskQueue.toLowerCase()}@ministry.test`,
});
const A = focal('A');
const B = focal('B');

beforeAll(async () => {
  today = await vietnamTodayFor(FILE_SPAN_MS);
  calendar.daysOff = [addDays(today, 3)];
  calendar.workingWeekendDays = [0, 1, 2, 4, 5].map((d) => addDays(today, d));
  quietTemporalLogs();
  db = await createTestDatabase();
  smtp = new TestSmtpServer();
  await smtp.start();
  nativeConnection = await NativeConnection.connect({ address: env('TEST_TEMPORAL_ADDRESS') });
  worker = await createTaskWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: { db, mailer: smtpMailer(smtp), mailFrom: 'tracker@tracker.test', digests: settings },
    workflowBundle: { codePath: env('TEST_WORKFLOW_BUNDLE') },
  });
  running = worker.run();
  connection = await Connection.connect({ address: env('TEST_TEMPORAL_ADDRESS') });
  client = new Client({ connection, namespace: 'default' });

  // A: one task overdue, one due in 5 days, one far off that gets a milestone today. B: one far-off task.
  const tasks = [
    definition({ focalPoint: A, dueDate: addDays(today, -3) }),
    definition({ focalPoint: A, dueDate: addDays(today, 5) }),
    definition({ focalPoint: A, dueDate: addDays(today, 200) }),
    definition({ focalPoint: B, dueDate: addDays(today, 300) }),
  ];
  for (const def of tasks)
    await startTaskWorkflow(client, {
      taskQueue,
      definition: def,
      policy: TEST_POLICY,
      createdBy: { kind: 'home-affairs' },
    });
  for (const def of tasks)
    await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }), 20_000, 'task rows');
  await client.workflow
    .getHandle(taskWorkflowId(tasks[2]!.code))
    .executeUpdate(milestoneUpdate, { args: [{ actor: { kind: 'home-affairs' }, name: 'DRAFTING' }] });
}, FILE_SPAN_MS + 120_000);

afterAll(async () => {
  for (const id of Object.values(digestScheduleIds(taskQueue)))
    await client?.schedule
      .getHandle(id)
      .delete()
      .catch(() => undefined);
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await connection?.close();
  await smtp?.stop();
  await db?.drop();
});

async function received(to: string) {
  const mails = smtp.received.filter((m) => m.to.includes(to));
  return Promise.all(mails.map(async (m) => ({ to: m.to, messageId: m.messageId, parsed: await simpleParser(m.raw) })));
}

const activities = (mailer: Mailer = smtpMailer(smtp)) =>
  createActivities({ db, mailer, mailFrom: 'tracker@tracker.test', digests: settings });

describe('daily digests', () => {
  it('when tomorrow’s run goes, then each focal point gets one e-mail listing all their tasks with deadlines, links and what changed since, text and HTML, Vietnamese first', async () => {
    const tomorrow = addDays(today, 1);
    const run = await activities().sendDailyDigests({ nowMs: morningOf(tomorrow) });
    // B's only task is far off, but it was registered today: that is news.
    expect(run).toMatchObject({ period: tomorrow, workingDay: true, sent: 2, alreadySent: 0, nothingToSay: 0 });
    const forB = await received(B.email);
    expect(forB).toHaveLength(1);
    expect(forB[0]!.parsed.text).toContain('Nhiệm vụ mới được giao');
    expect(forB[0]!.parsed.text).toContain('Task newly registered');
    const mails = await received(A.email);
    expect(mails).toHaveLength(1);
    const { parsed } = mails[0]!;
    expect(parsed.subject).toBe(
      `[Nhiệm vụ phân cấp] Tổng hợp ngày ${vietnameseDate(tomorrow)}: 1 quá hạn, 1 sắp đến hạn / Digest ${vietnameseDate(tomorrow)}: 1 overdue, 1 due soon`,
    );
    const text = parsed.text ?? '';
    const rows = (
      await db.prisma.task.findMany({ where: { focalPointEmail: A.email }, orderBy: { dueDate: 'asc' } })
    ).map((t) => t.code);
    expect(rows).toHaveLength(3);
    for (const code of rows) {
      expect(text).toContain(`http://tracker.test/tasks/${code}`);
      expect(parsed.html).toContain(`<a href="http://tracker.test/tasks/${code}">${code}</a>`);
    }
    expect(text).toContain(`quá hạn 4 ngày (hạn ${vietnameseDate(addDays(today, -3))})`);
    expect(text).toContain(`hạn ${vietnameseDate(addDays(today, 5))}, còn 4 ngày`);
    expect(text).toContain('Ghi nhận tiến độ: DRAFTING');
    expect(text.indexOf('Kính gửi')).toBeLessThan(text.indexOf('Dear'));
    expect(text).toContain('http://tracker.test/preferences');
    // The unsubscribe link names the address and is signed for that one purpose.
    const link = /http:\/\/tracker\.test\/unsubscribe\/([A-Za-z0-9_.-]+)/.exec(text)?.[1];
    expect(addressOfUnsubscribeToken(link ?? '')).toBe(A.email);
    // Mail programs offer the same link as their own unsubscribe button.
    const raw = smtp.received.find((m) => m.to.includes(A.email))?.raw ?? '';
    expect(/^List-Unsubscribe: <(.*)>\r?$/m.exec(raw)?.[1]).toBe(`http://tracker.test/unsubscribe/${link}`);
  });

  it('when the same day’s run is retried after dying midway, then every recipient still has exactly one e-mail, and one with nothing due, overdue or changed gets none', async () => {
    const day = addDays(today, 2);
    // A mailer that dies on its second message, as a worker killed mid-run would.
    let sends = 0;
    const real = smtpMailer(smtp);
    const dying: Mailer = {
      async send(mail) {
        if (++sends === 2) throw new Error('worker died');
        await real.send(mail);
      },
      close: () => undefined,
    };
    // A second recipient with something due, so the run has two messages to send.
    const def = definition({ focalPoint: focal('C'), dueDate: addDays(today, 1) });
    await startTaskWorkflow(client, {
      taskQueue,
      definition: def,
      policy: TEST_POLICY,
      createdBy: { kind: 'home-affairs' },
    });
    await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }), 20_000, 'task row');

    await expect(activities(dying).sendDailyDigests({ nowMs: morningOf(day) })).rejects.toThrow('worker died');
    const retry = await activities().sendDailyDigests({ nowMs: morningOf(day) });
    expect(retry.sent + retry.alreadySent).toBe(2);
    expect(retry.nothingToSay).toBe(1);
    expect((await received(B.email)).filter((m) => m.parsed.subject?.includes(vietnameseDate(day)))).toEqual([]);
    const again = await activities().sendDailyDigests({ nowMs: morningOf(day) + 3600_000 });
    expect(again).toMatchObject({ sent: 0, alreadySent: 2 });
    for (const email of [A.email, focal('C').email]) {
      const forDay = (await received(email)).filter((m) => m.parsed.subject?.includes(vietnameseDate(day)));
      expect(forDay).toHaveLength(1);
    }
    expect((await digestRows(db, 'DAILY', day)).map((r) => r.status)).toEqual(['SENT', 'SENT']);
  });

  it('when the day is not a working day, then nothing is sent', async () => {
    const before = smtp.received.length;
    const run = await activities().sendDailyDigests({ nowMs: morningOf(addDays(today, 3)) });
    expect(run).toMatchObject({ workingDay: false, sent: 0 });
    expect(smtp.received.length).toBe(before);
  });

  it('when a focal point unsubscribes through the link, then the daily digest stops, and the language preference is kept', async () => {
    const app = makeApp({ db, dev: { client } }, { env: { PUBLIC_BASE_URL: 'http://tracker.test' } });
    const token = (await preferencesFor(db, [A.email])).get(A.email)!.token;
    const shown = await request(app).get(`/api/preferences/${token}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ email: A.email, language: 'vi+en', dailyDigest: true, weeklyDigest: true });
    expect(shown.body.mandatory.length).toBeGreaterThan(0);
    const bad = await request(app).put(`/api/preferences/${token}`).send({ dailyDigest: 'no' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.dailyDigest']);
    expect(
      (await request(app).put(`/api/preferences/not-a-real-token-000000000000`).send({ dailyDigest: false })).status,
    ).toBe(404);
    try {
      const changed = await request(app).put(`/api/preferences/${token}`).send({ dailyDigest: false, language: 'en' });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ dailyDigest: false, language: 'en' });
      const run = await activities().sendDailyDigests({ nowMs: morningOf(addDays(today, 4)) });
      expect(run).toMatchObject({ workingDay: true, unsubscribed: 1 });
      expect(
        (await received(A.email)).filter((m) => m.parsed.subject?.includes(vietnameseDate(addDays(today, 4)))),
      ).toEqual([]);
      // Back on, in English only.
      expect((await request(app).put(`/api/preferences/${token}`).send({ dailyDigest: true })).body).toMatchObject({
        dailyDigest: true,
        language: 'en',
      });
      await activities().sendDailyDigests({ nowMs: morningOf(addDays(today, 5)) });
      const [english] = (await received(A.email)).filter((m) =>
        m.parsed.subject?.includes(vietnameseDate(addDays(today, 5))),
      );
      expect(english!.parsed.subject).toBe(
        `[Delegated tasks] Digest ${vietnameseDate(addDays(today, 5))}: 1 overdue, 1 due soon`,
      );
      expect(english!.parsed.text).not.toContain('Kính gửi');
    } finally {
      await request(app).put(`/api/preferences/${token}`).send({ dailyDigest: true, language: 'vi+en' });
    }
  });
});

describe('Home Affairs’ weekly digest', () => {
  it('when the weekly run goes twice, then Home Affairs gets one e-mail naming the overdue ministry', async () => {
    const acts = activities();
    // One run retried: the workflow hands both attempts the same instant (two clock readings could straddle Monday's start).
    const nowMs = Date.now();
    const first = await acts.sendWeeklyBottleneckDigest({ nowMs });
    const second = await acts.sendWeeklyBottleneckDigest({ nowMs });
    expect(first.sent).toBe(1);
    expect(second).toMatchObject({ sent: 0, alreadySent: 1 });
    const mails = await received('moha@tracker.test');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.parsed.text).toContain('BGDDT');
    expect(mails[0]!.parsed.text).toContain('quá hạn');
    expect(mails[0]!.parsed.html).toContain('lang="vi"');
  });
});

describe('Temporal Schedules', () => {
  it('when the schedules are ensured twice and the daily one is triggered, then one run delivers today’s digest through the outbox', async () => {
    const ids = await ensureDigestSchedules(client, { taskQueue, hour: 7 });
    expect(await ensureDigestSchedules(client, { taskQueue, hour: 7 })).toEqual(ids);
    const daily = await client.schedule.getHandle(ids[0]!).describe();
    expect(daily.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 7, end: 7, step: 1 }] });
    expect(daily.spec.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(daily.action).toMatchObject({ type: 'startWorkflow', workflowType: 'dailyDigestWorkflow', taskQueue });
    await client.schedule.getHandle(ids[0]!).trigger();
    const rows = await eventually(
      async () => {
        const r = await digestRows(db, 'DAILY', today);
        return r.length > 0 && r.every((x) => x.status === 'SENT') ? r : null;
      },
      30_000,
      'the scheduled run',
    );
    expect(rows.map((r) => r.recipient)).toContain(A.email);
    expect((await received(A.email)).filter((m) => m.parsed.subject?.includes(vietnameseDate(today)))).toHaveLength(1);
  });
});

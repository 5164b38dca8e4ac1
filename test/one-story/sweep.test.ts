/**
 * One story (issue 23, the Done-when sweep): on a stack seeded as `npm start` seeds it (the 949 tasks of
 * the catalog, the baseline round's cells) with some activity (transitions, a bulk locality report with
 * obstacles, a document that closes the loop, a settlement, a round opened and a reminder, the
 * escalations of the overdue tasks), the consistency sweep reads 20 random tasks and all 34 localities
 * in every place a figure appears (API, as of today, CSV, open data, pages, e-mails): 0 disagreements.
 * And the sweep can fail: a row altered behind the application's back, or an e-mail that says
 * otherwise than the API, is reported.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { CATALOG_FILE, importTasks, validateCatalog } from '../../catalog/importer';
import { reference } from '../../catalog/reference-data';
import { prepareLocalityStore } from '../../catalog/seed-round';
import { loadConfig } from '../../config/env';
import { addDays, deadlineInstant } from '../../domain/dates';
import { settleDueDate } from '../../domain/deadline-policy';
import { DEFAULT_LADDER, WEEKENDS_ONLY, ladderStepDue } from '../../domain/escalation-ladder';
import { parseCommunes } from '../../catalog/communes';
import { resolveCommuneDataFile } from '../../embedded/commune-reference';
import { seedCommunes } from '../../embedded/commune-seed';
import { recentObstacleReports } from '../../db/task-pages';
import { issueToken } from '../../db/tokens';
import { consistencySweep, type SweepResult } from '../../scripts/consistency-sweep';
import { asOfInstant } from '../../app/schemas';
import { STATUS_EN, STATUS_VI } from '../../domain/digest';
import { mailDate } from '../../domain/mail';
import type { TaskStatus } from '../../domain/statuses';
import { launchBrowser, newVisitor } from '../support/browser';
import { checkAndShoot, signInWithToken } from '../web/support';
import { policyFromConfig } from '../../temporal/task-client';
import { eventually, makeApp, startWorkflowStack, uid, vietnamTodayFor, type WorkflowStack } from '../support/harness';

const ministries = new Set(reference.ministries.map((m) => m.code));
// Codes get a per-run prefix: the shared dev server keeps the workflows of earlier runs.
const prefix = uid('S');
const catalog = validateCatalog(fs.readFileSync(CATALOG_FILE, 'utf8'), ministries).tasks.map((t) => ({
  ...t,
  code: `${prefix}-${t.code}`,
}));

let stack: WorkflowStack;
let server: http.Server;
let origin = '';
let app: ReturnType<typeof makeApp>;
const tokens: Record<string, string> = {};
const roundId = uid('sweep-').toLowerCase();
const HOAN_KIEM = '00070';
/** Two commune-level tasks Hà Nội's communes reported on. */
const communeTasks: string[] = [];
let today = '';
/** When the bulk report was sent: the dashboard of a moment before it does not list its obstacle. */
let beforeReport = 0;
const raw = () => stack.smtp.received.map((m) => m.raw);
const auth = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
/** The e-mails whose subject (as the SMTP server decoded it) holds the text. */
const mailsWith = (text: string) => stack.smtp.received.filter((m) => m.subject.includes(text)).length;

beforeAll(async () => {
  // The whole seed inside one Viet Nam day: the step due "now" is the same for the test and the workers.
  today = await vietnamTodayFor(15 * 60_000);
  stack = await startWorkflowStack('one-story-sweep-');
  const cfg = loadConfig({ TEMPORAL_TASK_QUEUE: stack.taskQueue, LOG_REQUESTS: 'false' });
  // The policy `npm start` gives the seeded tasks: the escalation ladder on Viet Nam's working days.
  const policy = policyFromConfig(cfg);
  const seeded = await importTasks({
    db: stack.db,
    temporal: stack.dev.sameConnectionClient,
    eagerStart: true,
    taskQueue: stack.taskQueue,
    policy,
    tasks: catalog,
    concurrency: 16,
    window: 128,
  });
  expect(seeded.started).toBe(949);
  expect((await prepareLocalityStore(stack.db, { seed: true, log: () => undefined })).seededLocalities).toBe(30);

  // The overdue tasks' escalations (the step due now, each with its e-mail): the seed's own activity.
  const now = Date.now();
  let overdue = 0;
  for (const t of catalog) {
    if (t.status === 'FEASIBLE' || !t.dueDate) continue;
    const dueDate = settleDueDate(policy, t.dueDate);
    if (deadlineInstant(dueDate) >= now) continue;
    if (ladderStepDue(dueDate, policy.escalationLadder ?? DEFAULT_LADDER, policy.calendar ?? WEEKENDS_ONLY, 0, now))
      overdue++;
  }
  expect(overdue).toBeGreaterThanOrEqual(188);
  await eventually(
    async () => mailsWith('Cảnh báo bậc') + mailsWith('Đến hạn hôm nay') >= overdue,
    300_000,
    `${overdue} escalation e-mails`,
  );

  server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  app = makeApp(stack, {
    env: {
      SESSION_SECRET: 'sweep-test-secret-0123456789abcdef0123',
      SIGN_IN_RATE_LIMIT_PER_MINUTE: '1000',
      PUBLIC_BASE_URL: origin,
    },
  });
  server.on('request', app);
  for (const who of ['home-affairs', 'ministry:BYT', 'locality:HNI', `commune:${HOAN_KIEM}`])
    tokens[who] = await issueToken(stack.db, who);

  // The commune level: Hà Nội's 126 communes seeded with a cell per commune-level task, two of them reporting
  // (one itself, one through its province on its behalf), so the sweep has roll-ups and report chains to read.
  const communes = parseCommunes(fs.readFileSync(resolveCommuneDataFile(), 'utf8'));
  expect(await seedCommunes(stack.db, { communes, localities: ['HNI'] })).not.toBeNull();
  const hoanKiem = await request(app).get(`/api/communes/${HOAN_KIEM}`).set(auth('home-affairs')).expect(200);
  const [t1, t2] = (hoanKiem.body.cells as { task: string }[]).map((c) => c.task);
  communeTasks.push(t1 as string, t2 as string);
  const other = communes.find((c) => c.locality === 'HNI' && c.code !== HOAN_KIEM)?.code as string;
  for (const [who, commune, cells] of [
    [
      `commune:${HOAN_KIEM}`,
      HOAN_KIEM,
      [
        { task: t1, state: 'OBSTACLE', category: 'STAFFING', text: 'Thiếu viên chức phụ trách' },
        { task: t2, state: 'WORKABLE' },
      ],
    ],
    ['locality:HNI', other, [{ task: t1, state: 'IMPLEMENTING' }]],
  ] as const) {
    const res = await request(app).post(`/api/communes/${commune}/report`).set(auth(who)).send({ cells });
    expect(res.status).toBe(200);
  }
}, 900_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stack?.stop();
});

describe('the consistency sweep on the seeded stack', () => {
  it('when a round opens, a locality reports obstacles, a document closes the loop, another task is settled by it, Home Affairs moves a task and chases the localities, then every notice goes out', async () => {
    const open = catalog.filter((t) => t.status === 'REQUIRES_GUIDANCE' && t.leadMinistry === 'BYT');
    const [closed, settled, moved] = open.map((t) => t.code);
    expect([closed, settled, moved].every(Boolean)).toBe(true);

    const dueDate = addDays(today, 20);
    expect(
      (await request(app).post('/api/rounds').set(auth('home-affairs')).send({ id: roundId, dueDate })).status,
    ).toBe(201);
    await eventually(async () => mailsWith(`[${roundId}] Mở đợt báo cáo`) === 34, 60_000, '34 round-opened e-mails');

    beforeReport = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    const report = await request(app)
      .post('/api/localities/HNI/report')
      .set(auth('locality:HNI'))
      .send({
        cells: [
          { task: closed, state: 'OBSTACLE', category: 'LEGAL_BASIS', text: 'Chưa có thông tư hướng dẫn' },
          { task: settled, state: 'OBSTACLE', category: 'STAFFING', text: 'Thiếu cán bộ chuyên môn' },
          { task: moved, state: 'WORKABLE' },
        ],
      });
    expect(report.status).toBe(200);

    // The lead ministry cites its own circular: registered in the same step, the obstacles resolved, the localities told.
    const number = `${Math.floor(Math.random() * 900) + 10}/${today.slice(0, 4)}/TT-BYT`;
    const feasible = await request(app)
      .post(`/api/tasks/${closed}/transitions`)
      .set(auth('ministry:BYT'))
      .send({ from: 'REQUIRES_GUIDANCE', to: 'FEASIBLE', document: { number, issuedOn: today } });
    expect([feasible.status, feasible.body.status]).toEqual([200, 'FEASIBLE']);
    const settlement = await request(app)
      .post(`/api/documents/${encodeURIComponent(number)}/settlements`)
      .set(auth('ministry:BYT'))
      .send({ tasks: [settled] });
    expect(settlement.status).toBe(200);
    expect(settlement.body.results).toEqual([expect.objectContaining({ task: settled, outcome: 'FEASIBLE' })]);
    const adjusted = await request(app)
      .post(`/api/tasks/${moved}/transitions`)
      .set(auth('home-affairs'))
      .send({ from: 'REQUIRES_GUIDANCE', to: 'AUTHORITY_ADJUSTMENT', reason: 'Cần sửa đổi luật để phân cấp' });
    expect(adjusted.status).toBe(200);

    const chased = await request(app).post(`/api/rounds/${roundId}/reminders`).set(auth('home-affairs')).send({});
    expect(chased.status).toBe(200);
    expect(chased.body.reminded).toHaveLength(33);
    expect(chased.body.reminded).not.toContain('HNI');

    // Each task's obstacles (the 30 baseline reporters', HNI's among them, now in its own words) are told their document.
    for (const code of [closed, settled]) {
      const cells = await request(app)
        .get(`/api/matrix?task=${code}&state=OBSTACLE`)
        .set(auth('home-affairs'))
        .expect(200);
      expect(cells.body.items.length).toBe(30);
      await eventually(
        async () => {
          const sent = await stack.db.prisma.notification.findMany({
            where: { taskCode: code, kind: 'OBSTACLE_RESOLVED' },
          });
          return (
            sent.length === cells.body.items.length &&
            sent.every((n) => n.status === 'SENT') &&
            mailsWith(`[${code}] Đã ban hành văn bản`) === sent.length
          );
        },
        60_000,
        `the closing-the-loop e-mails of ${code}`,
      );
    }
    await eventually(async () => mailsWith(`[${roundId}] Bộ Nội vụ đề nghị`) === 33, 60_000, '33 chase e-mails');
  }, 300_000);

  let result: SweepResult;
  it('when the sweep runs for 20 random tasks and all 34 localities, then every figure in every place agrees, e-mails included: 0 disagreements', async () => {
    const lines: string[] = [];
    const mails = raw();
    result = await consistencySweep({
      apiUrl: origin,
      token: tokens['home-affairs'] as string,
      tasks: 20,
      seed: 23,
      mails,
      log: (l) => lines.push(l),
    });
    console.log(lines.join('\n'));
    expect(result.tasks).toHaveLength(20);
    expect(result.localities).toBe(34);
    expect(result.mails).toBe(mails.length);
    // Hà Nội's commune level: every commune-level task's roll-up (by state, by category) in four places,
    // five of them on the pages, the province as a whole (two figures), and the two communes' report chains.
    const communeLevel = catalog.filter((t) => t.level !== 'province').length;
    expect(result.communes).toEqual({ provinces: ['HNI'], rollups: expect.any(Number), chains: 2 });
    expect(result.communes.rollups).toBeGreaterThan(communeLevel / 2);
    expect(result.communes.rollups).toBeLessThanOrEqual(communeLevel);
    expect(result.communeComparisons).toBe(result.communes.rollups * 2 + 5 + 2 + 2);
    // Five figures of each task in up to six places, who reported in each locality, the communes, and the e-mails.
    expect(result.comparisons).toBe(20 * 5 + 34 + 1 + result.communeComparisons + result.mailComparisons);
    // Round e-mails (34 opened, 33 chased, due dates), closing-the-loop notices, and the e-mailed tasks' escalations.
    expect(result.mailComparisons).toBeGreaterThan(34 + 33 * 2);
    expect(result.mailTasks.length).toBeGreaterThanOrEqual(10);
    expect({ disagreements: result.disagreements, lines }).toEqual({ disagreements: [], lines: expect.any(Array) });
  }, 300_000);

  it('when the dashboard reads the obstacle reports as of now from the cells’ history, then they are the cells’; a moment before the bulk report, its obstacle is not listed', async () => {
    const now = await recentObstacleReports(stack.db, 20, null);
    expect(now.length).toBe(20);
    expect(await recentObstacleReports(stack.db, 20, Date.now())).toEqual(now);
    const hni = (rows: typeof now) => rows.filter((r) => r.locality === 'HNI' && r.description.startsWith('Chưa có'));
    expect(hni(now)).toHaveLength(1);
    expect(hni(await recentObstacleReports(stack.db, 20, beforeReport))).toHaveLength(0);
  });

  it('when the dashboard is opened as of yesterday, then its obstacle list is the cells as their history had them then (the baseline round’s), in Vietnamese and English', async () => {
    const yesterday = addDays(today, -1);
    const at = asOfInstant(yesterday) as number;
    const then = await recentObstacleReports(stack.db, 20, at);
    expect(then).toHaveLength(20);
    expect(then.every((r) => r.at.startsWith('2025-12-06') && r.description.includes('minh hoạ'))).toBe(true);
    const browser = await launchBrowser();
    try {
      const { context, page } = await newVisitor(browser);
      await signInWithToken(page, origin, tokens['home-affairs'] as string);
      await page.goto(`${origin}/dashboard?asOf=${encodeURIComponent(yesterday.split('-').reverse().join('/'))}`);
      const table = page.locator('table:has(caption:has-text("Báo cáo của địa phương"))');
      const codes = await table.locator('tbody tr td:first-child a').allTextContents();
      expect(codes).toEqual(then.map((r) => r.taskCode));
      await checkAndShoot(page, 'dashboard-as-of-obstacles');
      await context.close();
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('when a task row of the read model is altered behind the application, then the sweep reports that task’s due date as a disagreement', async () => {
    const { rows } = await stack.db.pool.query<{ code: string }>(
      `SELECT code FROM tasks WHERE code = ANY($1) AND due_date IS NOT NULL AND status <> 'FEASIBLE' ORDER BY code LIMIT 1`,
      [result.tasks],
    );
    const code = rows[0]?.code as string;
    expect(code).toBeDefined();
    await stack.db.pool.query(`UPDATE tasks SET due_date = due_date + 1 WHERE code = $1`, [code]);
    try {
      const r = await consistencySweep({
        apiUrl: origin,
        token: tokens['home-affairs'] as string,
        tasks: 20,
        seed: 23,
        log: () => undefined,
      });
      expect(r.tasks).toEqual(result.tasks);
      expect(r.disagreements).toEqual(
        expect.arrayContaining([expect.objectContaining({ subject: code, figure: 'dueDate' })]),
      );
    } finally {
      await stack.db.pool.query(`UPDATE tasks SET due_date = due_date - 1 WHERE code = $1`, [code]);
    }
  }, 120_000);

  it('when a province’s roll-up row and a commune’s report are altered behind the application, then the sweep reports the roll-up and the broken chain', async () => {
    const [task] = communeTasks as [string];
    const c = await stack.db.sql.connect();
    const alter = async (sign: 1 | -1) => {
      await c.query(`SET session_replication_role = replica`);
      await c.query(
        `UPDATE commune_rollups SET workable = workable + $3, not_started = not_started - $3 WHERE locality_code = $1 AND task_code = $2`,
        ['HNI', task, sign],
      );
      await c.query(
        sign > 0
          ? `UPDATE commune_reports SET details = details || '{"changed": 0}' WHERE commune_code = $1 AND seq = 1`
          : `UPDATE commune_reports SET details = details || '{"changed": 2}' WHERE commune_code = $1 AND seq = 1`,
        [HOAN_KIEM],
      );
      await c.query(`SET session_replication_role = origin`);
    };
    try {
      await alter(1);
      const r = await consistencySweep({
        apiUrl: origin,
        token: tokens['home-affairs'] as string,
        tasks: 20,
        seed: 23,
        log: () => undefined,
      });
      expect(r.disagreements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            subject: `HNI · ${task}`,
            figure: 'commune roll-up by state',
            values: expect.objectContaining({ 'api locality': expect.stringContaining('WORKABLE 1,') }),
          }),
          expect.objectContaining({ subject: 'HNI', figure: 'communes, reported and cells by state' }),
          expect.objectContaining({
            subject: `HNI · ${HOAN_KIEM}`,
            figure: 'commune report chain',
            values: { 'commune_reports recomputed': 'broken at 1: content does not match its hash', expected: 'valid' },
          }),
        ]),
      );
    } finally {
      await alter(-1);
      c.release();
    }
  }, 120_000);

  it('when an e-mail says a locality that had reported was chased, or states another status than the task had, then the sweep reports both', async () => {
    const localities = await request(app).get('/api/localities').set(auth('home-affairs')).expect(200);
    const hanoi = (localities.body.items as { code: string; name: string }[]).find((l) => l.code === 'HNI')?.name;
    const mime = (s: string) => `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
    const message = (subject: string, text: string) =>
      [
        'From: tracker@tracker.test',
        'To: someone@localities.example',
        `Subject: ${mime(subject)}`,
        `Date: ${new Date().toUTCString()}`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from(text, 'utf8').toString('base64'),
        '',
      ].join('\r\n');
    // Written as the tracker writes its e-mails (domain/mail.ts): dd/mm/yyyy, statuses by their names.
    const due = mailDate(addDays(today, 20));
    const chasedHanoi = message(
      `[${roundId}] Bộ Nội vụ đề nghị gửi báo cáo (hạn ${due}) / Home Affairs asks for your report (due ${due})`,
      `Kính gửi ${hanoi ?? '?'},\nBộ Nội vụ chưa nhận được báo cáo của địa phương trong đợt ${roundId} (hạn ${due}).`,
    );
    const task = result.tasks[0] as string;
    const json = (await request(app).get(`/api/tasks/${task}`).set(auth('home-affairs'))).body as {
      status: string;
      dueDate: string | null;
    };
    const otherStatus: TaskStatus = json.status === 'FEASIBLE' ? 'REQUIRES_GUIDANCE' : 'FEASIBLE';
    const dueVi = json.dueDate ? `${mailDate(json.dueDate)} (hết ngày, giờ Việt Nam)` : 'không có';
    const dueEn = json.dueDate ? `${mailDate(json.dueDate)} (end of day, Viet Nam time)` : 'none';
    const wrongStatus = message(
      `[${task}] Còn 3 ngày đến hạn ${mailDate(json.dueDate)} / Due in 3 days (${mailDate(json.dueDate)})`,
      `Nhắc việc: nhiệm vụ ${task}.\n\nTrạng thái:   ${STATUS_VI[otherStatus]}\nHạn:          ${dueVi}\n\n----\n\n` +
        `This is a reminder.\n\nStatus:        ${STATUS_EN[otherStatus]}\nDue date:      ${dueEn}\n`,
    );
    const r = await consistencySweep({
      apiUrl: origin,
      token: tokens['home-affairs'] as string,
      tasks: 20,
      seed: 23,
      mails: [...raw(), chasedHanoi, wrongStatus],
      log: () => undefined,
    });
    expect(r.disagreements).toEqual([
      expect.objectContaining({
        subject: `${task}`,
        figure: expect.stringContaining('status in the e-mail'),
        values: { 'e-mail': otherStatus, 'api asOf when sent': json.status },
      }),
      expect.objectContaining({
        subject: `${roundId} · HNI`,
        figure: 'had not reported when asked',
        values: { 'e-mail': 'not reported', 'api round': expect.stringMatching(/^reported /) },
      }),
    ]);
  }, 120_000);
});

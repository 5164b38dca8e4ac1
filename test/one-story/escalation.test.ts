import fs from 'node:fs';
import request from 'supertest';
import type { Express } from 'express';
import { CATALOG_FILE, importTasks, validateCatalog } from '../../catalog/importer';
import reference from '../../catalog/reference.json';
import { loadConfig } from '../../config/env';
import { addDays, deadlineInstant } from '../../domain/dates';
import { settleDueDate } from '../../domain/deadline-policy';
import { DEFAULT_LADDER, WEEKENDS_ONLY, ladderStepDue } from '../../domain/escalation-ladder';
import { issueToken } from '../../db/tokens';
import { policyFromConfig } from '../../temporal/task-client';
import { stateQuery, taskWorkflowId } from '../../workflows/messages';
import {
  eventually,
  makeApp,
  smtpMailer,
  startDevWorker,
  startWorkflowStack,
  uid,
  vietnamTodayFor,
  type WorkflowStack,
} from '../support/harness';

// One story (issue 23): every overdue task escalates, once per step; deadlines belong to Home Affairs.
// The real stack: PostgreSQL, the Temporal dev server, the worker with its real activities, SMTP on loopback.

let stack: WorkflowStack;
let app: Express;
let ha: string;
let byt: string;
/** The worker of the second start, once the first is stopped. */
let restarted: Awaited<ReturnType<typeof startDevWorker>> | undefined;

beforeAll(async () => {
  stack = await startWorkflowStack('one-story-esc-');
  app = makeApp(stack);
  ha = await issueToken(stack.db, 'home-affairs');
  byt = await issueToken(stack.db, 'ministry:BYT');
});

afterAll(async () => {
  if (restarted) {
    // The stack's own stop would stop the first worker again: stop the second and the rest.
    await restarted.stop();
    await stack.smtp.stop();
    await stack.db.drop();
  } else await stack?.stop();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
/** The policy `npm start` gives the seeded tasks: the escalation ladder on Viet Nam's working days. */
const config = () => loadConfig({ TEMPORAL_TASK_QUEUE: stack.taskQueue, LOG_REQUESTS: 'false' });

async function laddersOf(prefix: string) {
  const rows = await stack.db.prisma.auditEvent.findMany({
    where: { taskCode: { startsWith: prefix }, kind: 'ESCALATION_STEP' },
    orderBy: [{ taskCode: 'asc' }, { seq: 'asc' }],
  });
  return rows.map((r) => ({
    code: r.taskCode,
    ...(r.details as { dueDate: string; step: number; recipients: string[] }),
  }));
}

/** Each (task, recipient) of the ladder e-mails of the tasks under `prefix` (the Message-ID names the task). */
function ladderMails(prefix: string): string[] {
  return stack.smtp.received
    .filter((m) => m.raw.includes(`<${prefix}-`))
    .flatMap((m) => m.to.map((to) => `${/^<([^.]+)\.LADDER\./.exec(m.messageId ?? '')?.[1] ?? '?'}|${to}`));
}

describe('every overdue task escalates, once per step', () => {
  it('when the seeded catalog starts, then each overdue task gets exactly one escalation (the step due now) and its e-mail, and a second start adds none', async () => {
    // A whole import inside one Viet Nam day: the step due "now" is the same for the test and the workers.
    await vietnamTodayFor(10 * 60_000);
    const cfg = config();
    const policy = policyFromConfig(cfg);
    const prefix = uid('E');
    const ministries = new Set(reference.ministries.map((m) => m.code));
    // Codes get a per-run prefix: the shared dev server keeps the workflows of earlier runs.
    const catalog = validateCatalog(fs.readFileSync(CATALOG_FILE, 'utf8'), ministries).tasks.map((t) => ({
      ...t,
      code: `${prefix}-${t.code}`,
    }));
    expect(catalog).toHaveLength(949);

    const now = Date.now();
    const ladder = policy.escalationLadder ?? DEFAULT_LADDER;
    const calendar = policy.calendar ?? WEEKENDS_ONLY;
    // The step each overdue task is due now, by the domain's own schedule.
    const expected = new Map<string, { dueDate: string; step: number }>();
    for (const t of catalog) {
      if (t.status === 'FEASIBLE' || !t.dueDate) continue;
      const dueDate = settleDueDate(policy, t.dueDate);
      if (deadlineInstant(dueDate) >= now) continue;
      const step = ladderStepDue(dueDate, ladder, calendar, 0, now);
      if (step) expected.set(t.code, { dueDate, step: step.index });
    }
    // Due dates in the past at the end of their day: overdue, each with a step due (188 on the day the issue was filed).
    expect(expected.size).toBeGreaterThanOrEqual(188);
    // Every overdue task of the catalog and every fifth of the others (FEASIBLE, due later): the whole
    // catalog took minutes on a loaded 2-core machine, and the tasks not overdue only have to stay quiet.
    const tasks = catalog.filter((t, i) => expected.has(t.code) || i % 5 === 0);
    expect(tasks.length).toBeGreaterThan(expected.size);

    // First start: the import as `npm start` seeds it.
    await importTasks({
      db: stack.db,
      temporal: stack.dev.sameConnectionClient,
      eagerStart: true,
      taskQueue: stack.taskQueue,
      policy,
      tasks,
      concurrency: 16,
      window: 64,
    });
    // The read model's own overdue count (the dashboard's figure) is the count of overdue tasks.
    const summary = await request(app).get('/api/dashboard/summary').set(auth(ha)).expect(200);
    const overdue = (summary.body.byMinistry as { overdue: number }[]).reduce((n, m) => n + m.overdue, 0);
    expect(overdue).toBe(expected.size);

    await eventually(
      async () => (await laddersOf(prefix)).length >= expected.size,
      180_000,
      `${expected.size} escalations`,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    const first = await laddersOf(prefix);
    expect(first).toHaveLength(expected.size);
    expect(new Set(first.map((e) => e.code)).size).toBe(expected.size);
    for (const e of first)
      expect([e.code, e.dueDate, e.step]).toEqual([e.code, expected.get(e.code)?.dueDate, expected.get(e.code)?.step]);
    // The e-mails of that step: one outbox row per task, sent, keyed on task, due date and step.
    const outbox = await stack.db.prisma.notification.findMany({
      where: { taskCode: { startsWith: prefix }, kind: 'ESCALATION_STEP' },
    });
    expect(outbox).toHaveLength(expected.size);
    for (const n of outbox) {
      const want = expected.get(n.taskCode ?? '');
      expect([n.key, n.status]).toEqual([`${n.taskCode}:LADDER:${want?.dueDate}:${want?.step}`, 'SENT']);
    }
    const mailed = stack.smtp.received.filter((m) => m.raw.includes(`<${prefix}-`)).length;
    expect(mailed).toBe(expected.size);
    // Each recipient the step names gets it once: one message per task, to exactly the event's recipients.
    const firstPairs = ladderMails(prefix);
    expect(new Set(firstPairs).size).toBe(firstPairs.length);
    expect(firstPairs.sort()).toEqual(first.flatMap((e) => e.recipients.map((r) => `${e.code}|${r}`)).sort());

    // Second start: a new worker (its cache empty, so every workflow replays) and the seed again, which finds the tasks.
    await stack.dev.stop();
    const second = await startDevWorker({ db: stack.db, mailer: smtpMailer(stack.smtp), taskQueue: stack.taskQueue });
    restarted = second;
    const again = await importTasks({
      db: stack.db,
      temporal: second.client,
      taskQueue: stack.taskQueue,
      policy,
      tasks,
    });
    expect(again.started).toBe(0);
    // Each overdue task's workflow is replayed on the new worker (a query needs its state).
    for (const code of [...expected.keys()].slice(0, 40))
      await second.client.workflow.getHandle(taskWorkflowId(code)).query(stateQuery);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await laddersOf(prefix)).toHaveLength(expected.size);
    expect(
      await stack.db.prisma.notification.count({
        where: { taskCode: { startsWith: prefix }, kind: 'ESCALATION_STEP' },
      }),
    ).toBe(expected.size);
    expect(stack.smtp.received.filter((m) => m.raw.includes(`<${prefix}-`)).length).toBe(expected.size);
    expect(ladderMails(prefix).sort()).toEqual(firstPairs);
    // The later tests use the running worker.
    stack.dev = second;
    app = makeApp(stack);
  }, 600_000);

  it('when Home Affairs moves a deadline into the past, then the step due now goes out at once, once; the same date again sends nothing more', async () => {
    const today = await vietnamTodayFor(60_000);
    const code = uid('ESC-');
    await request(app)
      .post('/api/tasks')
      .set(auth(ha))
      .send({
        code,
        title: 'Deadline moved into the past',
        sector: 'Health',
        status: 'REQUIRES_GUIDANCE',
        leadMinistry: 'BYT',
      })
      .expect(201);
    const past = addDays(today, -30);
    const moved = await request(app)
      .put(`/api/tasks/${code}/deadline`)
      .set(auth(ha))
      .send({ dueDate: past, reason: 'the statutory date had passed' })
      .expect(200);
    const dueDate = moved.body.dueDate as string;
    const policy = policyFromConfig(config());
    const step = ladderStepDue(
      dueDate,
      policy.escalationLadder ?? DEFAULT_LADDER,
      policy.calendar ?? WEEKENDS_ONLY,
      0,
      Date.now(),
    );
    expect(step).not.toBeNull();
    await eventually(async () => (await laddersOf(code)).length === 1, 20_000, 'the escalation');
    // The same date set again: a new deadline event, but the step of that due date is recorded already.
    await request(app)
      .put(`/api/tasks/${code}/deadline`)
      .set(auth(ha))
      .send({ dueDate: past, reason: 'confirmed' })
      .expect(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await laddersOf(code)).map((e) => [e.dueDate, e.step])).toEqual([[dueDate, step?.index]]);
    expect(await stack.db.prisma.notification.count({ where: { taskCode: code, kind: 'ESCALATION_STEP' } })).toBe(1);
  });
});

describe('deadlines belong to Home Affairs', () => {
  it('when a ministry bounces its overdue task REQUIRES_GUIDANCE → AUTHORITY_ADJUSTMENT → back, then the due date stays and the task stays overdue; only Home Affairs gives a new one', async () => {
    const today = await vietnamTodayFor(60_000);
    const year = today.slice(0, 4);
    const code = uid('BOUNCE-');
    const dueDate = settleDueDate(policyFromConfig(config()), addDays(today, -140));
    await request(app)
      .post('/api/tasks')
      .set(auth(ha))
      .send({
        code,
        title: 'Overdue task bounced',
        sector: 'Health',
        status: 'REQUIRES_GUIDANCE',
        leadMinistry: 'BYT',
        dueDate,
      })
      .expect(201);

    const out = await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(auth(byt))
      .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'the decree must change first' })
      .expect(200);
    expect(out.body).toMatchObject({ status: 'AUTHORITY_ADJUSTMENT', dueDate });
    // The adjusting act, registered by the ministry that issued it, then cited.
    const number = `${Number(uid('').replace(/\D/g, '').slice(0, 4)) + 1}/${year}/TT-BYT`;
    await request(app).post('/api/documents').set(auth(byt)).send({
      number,
      kind: 'CIRCULAR',
      issuer: 'BYT',
      title: 'Thông tư điều chỉnh',
      issuedOn: today,
      effectiveOn: today,
    });
    const back = await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(auth(byt))
      .send({ to: 'REQUIRES_GUIDANCE', document: { number, issuedOn: today } })
      .expect(200);
    expect(back.body).toMatchObject({ status: 'REQUIRES_GUIDANCE', dueDate });
    expect(back.body.daysOverdue).toBeGreaterThan(0);
    // A ministry cannot name a date on an edge either.
    const named = await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(auth(byt))
      .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'again', dueDate: addDays(today, 90) });
    expect(named.status).toBe(403);
    expect((await request(app).get(`/api/tasks/${code}`).set(auth(ha))).body).toMatchObject({
      status: 'REQUIRES_GUIDANCE',
      dueDate,
    });
    // The task's ladder kept its place across the bounce: one escalation for the due date, not one per entry.
    await eventually(async () => (await laddersOf(code)).length === 1, 20_000, 'the escalation');
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await laddersOf(code)).every((e) => e.dueDate === dueDate)).toBe(true);
    expect(await laddersOf(code)).toHaveLength(1);

    // Home Affairs decides a fresh deadline, on the edge or by the deadline form.
    const fresh = addDays(today, 120);
    const byHa = await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(auth(ha))
      .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'law-making programme', dueDate: fresh })
      .expect(200);
    expect(byHa.body.dueDate >= fresh).toBe(true);
    expect(byHa.body.daysOverdue).toBe(0);
  });
});

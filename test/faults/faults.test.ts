import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { Client, Connection } from '@temporalio/client';
import { verifyChain } from '../../db/audit-chain';
import { connectDb } from '../../db/client';
import { applyMigrations } from '../../db/migrations';
import { startTaskWorkflow } from '../../temporal/task-client';
import { startTemporalDevServer } from '../../embedded/temporal-dev-server';
import { issueToken } from '../../db/tokens';
import { loadReferenceData } from '../../catalog/reference-data';
import { stateQuery, taskWorkflowId, transitionUpdate } from '../../workflows/messages';
import { freePort } from '../../embedded/ports';
import {
  TEST_POLICY,
  TestSmtpServer,
  createTestDatabase,
  definition,
  env,
  eventually,
  makeApp,
  reminderSoon,
  smtpMailer,
  startDevWorker,
  uid,
  type TestDatabase,
} from '../support/harness';
import { runTs } from '../../embedded/run-ts';
import { workerProcess } from '../support/worker-process';

// Faults are real: processes are SIGKILLed, servers stopped and restarted, all on loopback.
// Each test is bounded by its own timeout.

let db: TestDatabase;
let client: Client;
let connection: Connection;

beforeAll(async () => {
  db = await createTestDatabase();
  connection = await Connection.connect({ address: env('TEST_TEMPORAL_ADDRESS') });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  await db?.drop();
});

async function sentFor(code: string) {
  return db.prisma.notification.findMany({ where: { taskCode: code } });
}

describe('worker killed', () => {
  it('when the worker is SIGKILLed in the middle of persisting a transition, then after a restart the transition completes exactly once', async () => {
    const smtp = new TestSmtpServer();
    await smtp.start();
    const taskQueue = uid('kill-');
    let worker = await workerProcess({ databaseUrl: db.url, taskQueue, smtpUrl: smtp.url });
    const def = definition();
    try {
      await startTaskWorkflow(client, {
        taskQueue,
        definition: def,
        policy: TEST_POLICY,
        createdBy: { kind: 'home-affairs' },
      });
      await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }));

      // Hold the task's row so the persisting transaction blocks, then kill the worker inside it.
      const lock = await db.sql.connect();
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM tasks WHERE code = $1 FOR UPDATE', [def.code]);
      const handle = client.workflow.getHandle(taskWorkflowId(def.code));
      const update = handle.executeUpdate(transitionUpdate, {
        args: [{ actor: { kind: 'home-affairs' }, to: 'AUTHORITY_ADJUSTMENT', reason: 'needs law change' }],
      });
      await eventually(
        async () => {
          const r = await db.sql.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
          );
          return r.rows[0].n > 0;
        },
        20_000,
        'the persisting transaction to block',
      );
      await worker.kill();
      await lock.query('ROLLBACK');
      lock.release();

      worker = await workerProcess({ databaseUrl: db.url, taskQueue, smtpUrl: smtp.url });
      const view = await update;
      expect(view).toMatchObject({ status: 'AUTHORITY_ADJUSTMENT', seq: 2 });
      const events = await db.prisma.auditEvent.findMany({ where: { taskCode: def.code }, orderBy: { seq: 'asc' } });
      expect(events.map((e) => [e.seq, e.kind])).toEqual([
        [1, 'CREATED'],
        [2, 'TRANSITION'],
      ]);
      expect(await verifyChain(db, def.code)).toEqual({ valid: true, checked: 2 });
      expect((await db.prisma.task.findUniqueOrThrow({ where: { code: def.code } })).status).toBe(
        'AUTHORITY_ADJUSTMENT',
      );
    } finally {
      await worker.stop();
      await smtp.stop();
    }
  }, 90_000);

  it('when the worker is SIGKILLed while an e-mail is being sent, then after a restart exactly one e-mail is delivered', async () => {
    const smtp = new TestSmtpServer();
    await smtp.start();
    smtp.hold = true;
    const taskQueue = uid('killmail-');
    let worker = await workerProcess({ databaseUrl: db.url, taskQueue, smtpUrl: smtp.url });
    const { dueDate, policy } = reminderSoon(3);
    const def = definition({ dueDate });
    try {
      await startTaskWorkflow(client, { taskQueue, definition: def, policy, createdBy: { kind: 'home-affairs' } });
      await eventually(async () => smtp.heldCount > 0, 20_000, 'the reminder to reach the SMTP server');
      await worker.kill();
      // The dead sender's message was never acknowledged: it does not count as delivered.
      smtp.releaseHeldAsRefused();
      worker = await workerProcess({ databaseUrl: db.url, taskQueue, smtpUrl: smtp.url });
      await eventually(
        async () => (await sentFor(def.code))[0]?.status === 'SENT',
        75_000,
        'the reminder to be sent after the restart',
      );
      expect(smtp.received.filter((m) => m.subject.includes(`[${def.code}]`))).toHaveLength(1);
      const rows = await sentFor(def.code);
      expect(rows).toHaveLength(1);
      await eventually(() => db.prisma.auditEvent.findFirst({ where: { taskCode: def.code, kind: 'REMINDER_SENT' } }));
      expect(await db.prisma.auditEvent.count({ where: { taskCode: def.code, kind: 'REMINDER_SENT' } })).toBe(1);
    } finally {
      await worker.stop();
      await smtp.stop();
    }
  }, 120_000);
});

describe('SMTP server down', () => {
  it('when the SMTP server is down at reminder time, then the reminder waits, retries and is delivered exactly once when it returns', async () => {
    const smtp = new TestSmtpServer();
    await smtp.start();
    const port = smtp.port;
    await smtp.stop();
    const taskQueue = uid('smtp-');
    const dev = await startDevWorker({ db, mailer: smtpMailer(smtp), taskQueue });
    const { dueDate, policy } = reminderSoon(2);
    const def = definition({ dueDate });
    try {
      await startTaskWorkflow(dev.client, { taskQueue, definition: def, policy, createdBy: { kind: 'home-affairs' } });
      const pending = await eventually(
        async () => (await sentFor(def.code)).find((n) => n.attempts >= 1),
        30_000,
        'a failed attempt',
      );
      expect(pending.status).toBe('PENDING');
      expect(pending.lastError).toMatch(/ECONNREFUSED|connect/i);
      await smtp.start(port);
      await eventually(
        async () => (await sentFor(def.code))[0]?.status === 'SENT',
        60_000,
        'delivery after the server returns',
      );
      expect(smtp.received.filter((m) => m.subject.includes(`[${def.code}]`))).toHaveLength(1);
      await eventually(() => db.prisma.auditEvent.findFirst({ where: { taskCode: def.code, kind: 'REMINDER_SENT' } }));
    } finally {
      await dev.stop();
      await smtp.stop();
    }
  }, 120_000);
});

describe('Temporal dev server restarted', () => {
  it('when the file-backed dev server stops and restarts, then open workflows and a pending reminder survive and fire', async () => {
    const dir = path.join(env('TEST_DATA_DIR'), uid('temporal-'));
    fs.mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const start = () =>
      startTemporalDevServer({
        cli: env('TEST_TEMPORAL_CLI'),
        port,
        headless: true,
        namespace: 'default',
        dbFile: path.join(dir, 'temporal.sqlite'),
        logFile: path.join(dir, 'server.log'),
      });
    let temporal = await start();
    const smtp = new TestSmtpServer();
    await smtp.start();
    const taskQueue = uid('restart-');
    const dev = await startDevWorker({ db, mailer: smtpMailer(smtp), taskQueue, address: temporal.address });
    const { dueDate, policy } = reminderSoon(8);
    const def = definition({ dueDate });
    try {
      await startTaskWorkflow(dev.client, { taskQueue, definition: def, policy, createdBy: { kind: 'home-affairs' } });
      await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }));
      await temporal.stop();
      // The reminder falls due while the server is down.
      await new Promise((r) => setTimeout(r, 10_000));
      expect(await sentFor(def.code)).toEqual([]);
      temporal = await start();
      // If the stop cut off the first workflow task's completion, the worker evicts the run and the
      // restarted server times that task out (10 s) and runs it again, after the reminder fell due.
      await eventually(
        async () => (await sentFor(def.code))[0]?.status === 'SENT',
        120_000,
        'the reminder after the restart',
      );
      expect(smtp.received.filter((m) => m.subject.includes(`[${def.code}]`))).toHaveLength(1);
      const state = await dev.client.workflow.getHandle(taskWorkflowId(def.code)).query(stateQuery);
      expect(state).toMatchObject({ code: def.code, status: 'REQUIRES_GUIDANCE' });
      await eventually(
        async () => (await dev.client.workflow.getHandle(taskWorkflowId(def.code)).query(stateQuery)).seq === 2,
        20_000,
        'the reminder event',
      );
    } finally {
      await dev.stop();
      await temporal.stop();
      await smtp.stop();
    }
  }, 220_000);
});

describe('first workflow task late', () => {
  it('when a new task first runs after its reminder fell due (its first workflow task lost or late), then the reminder is still sent once', async () => {
    // What a lost completion of the first workflow task leads to (the server retries it after its
    // timeout): the run's code first runs later than the run started. No worker polls until then.
    const smtp = new TestSmtpServer();
    await smtp.start();
    const taskQueue = uid('late-');
    const { dueDate, policy } = reminderSoon(2);
    const def = definition({ dueDate });
    await startTaskWorkflow(client, { taskQueue, definition: def, policy, createdBy: { kind: 'home-affairs' } });
    await new Promise((r) => setTimeout(r, 4000));
    const dev = await startDevWorker({ db, mailer: smtpMailer(smtp), taskQueue });
    try {
      await eventually(
        async () => (await sentFor(def.code))[0]?.status === 'SENT',
        30_000,
        'the reminder that fell due before the first workflow task',
      );
      await eventually(() => db.prisma.auditEvent.findFirst({ where: { taskCode: def.code, kind: 'REMINDER_SENT' } }));
      expect(smtp.received.filter((m) => m.subject.includes(`[${def.code}]`))).toHaveLength(1);
      expect(await sentFor(def.code)).toHaveLength(1);
      expect(await db.prisma.auditEvent.count({ where: { taskCode: def.code, kind: 'REMINDER_SENT' } })).toBe(1);
    } finally {
      await dev.stop();
      await smtp.stop();
    }
  }, 60_000);
});

describe('PostgreSQL stopped', () => {
  it('when PostgreSQL is down, then the API answers 503 and /readyz names it; an accepted transition is persisted once when it returns', async () => {
    const dataDir = path.join(env('TEST_DATA_DIR'), uid('pg-'));
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
    fs.chmodSync(dataDir, 0o755);
    const port = await freePort();
    const startPg = () => runTs('test/support/postgres-process.ts', [dataDir, String(port)], {}, /^\{"url"/);
    let pgProc = await startPg();
    const url = (JSON.parse(pgProc.readyLine) as { url: string }).url;
    await applyMigrations(url);
    const pgDb = connectDb(url, { max: 4 });
    await loadReferenceData(pgDb);
    const smtp = new TestSmtpServer();
    await smtp.start();
    const taskQueue = uid('pgdown-');
    const dev = await startDevWorker({ db: pgDb, mailer: smtpMailer(smtp), taskQueue });
    const app = makeApp({ db: pgDb, dev, taskQueue });
    const token = await issueToken(pgDb, 'home-affairs');
    const auth = { Authorization: `Bearer ${token}` };
    try {
      const code = uid('PG-');
      await request(app)
        .post('/api/tasks')
        .set(auth)
        .send({ code, title: 'Task', sector: 'Health', status: 'REQUIRES_GUIDANCE', leadMinistry: 'BYT' })
        .expect(201);

      await pgProc.stop();
      const list = await request(app).get('/api/tasks').set(auth);
      expect(list.status).toBe(503);
      expect(list.headers['content-type']).toContain('application/problem+json');
      const write = await request(app)
        .post(`/api/tasks/${code}/transitions`)
        .set(auth)
        .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'law' });
      expect(write.status).toBe(503);
      const ready = await request(app).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ postgres: 'down', temporal: 'up' });

      // A transition the workflow accepted while the database was away waits for it, then lands once.
      const handle = dev.client.workflow.getHandle(taskWorkflowId(code));
      const accepted = handle.executeUpdate(transitionUpdate, {
        args: [{ actor: { kind: 'home-affairs' }, to: 'AUTHORITY_ADJUSTMENT', reason: 'law' }],
      });
      await new Promise((r) => setTimeout(r, 3000));
      pgProc = await startPg();
      expect((await accepted).seq).toBe(2);
      expect((await request(app).get('/readyz')).status).toBe(200);
      const history = await request(app).get(`/api/tasks/${code}/history`).set(auth).expect(200);
      expect(history.body.items.map((i: { seq: number; kind: string }) => [i.seq, i.kind])).toEqual([
        [1, 'CREATED'],
        [2, 'TRANSITION'],
      ]);
      expect((await request(app).get(`/api/tasks/${code}`).set(auth)).body.status).toBe('AUTHORITY_ADJUSTMENT');
    } finally {
      await dev.stop();
      await smtp.stop();
      await pgDb.close();
      await pgProc.stop();
    }
  }, 120_000);
});

describe('concurrency and retries at the API', () => {
  let dev: Awaited<ReturnType<typeof startDevWorker>>;
  let smtp: TestSmtpServer;
  const taskQueue = uid('race-');
  let token: string;

  beforeAll(async () => {
    smtp = new TestSmtpServer();
    await smtp.start();
    dev = await startDevWorker({ db, mailer: smtpMailer(smtp), taskQueue });
    token = await issueToken(db, 'home-affairs');
  });
  afterAll(async () => {
    await dev?.stop();
    await smtp?.stop();
  });

  async function newTask(app: Express) {
    const code = uid('RACE-');
    await request(app)
      .post('/api/tasks')
      .set('Authorization', `Bearer ${token}`)
      .send({ code, title: 'Task', sector: 'Health', status: 'REQUIRES_GUIDANCE', leadMinistry: 'BYT' })
      .expect(201);
    return code;
  }

  it('when two conflicting transitions with the same from arrive at once, then exactly one wins and the other is 409', async () => {
    const app = makeApp({ db, dev, taskQueue });
    const code = await newTask(app);
    const send = (body: object) =>
      request(app).post(`/api/tasks/${code}/transitions`).set('Authorization', `Bearer ${token}`).send(body);
    const [a, b] = await Promise.all([
      send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'law', from: 'REQUIRES_GUIDANCE' }),
      send({
        to: 'FEASIBLE',
        document: { number: '1/2026/TT-BGDDT', issuedOn: '2026-11-01' },
        from: 'REQUIRES_GUIDANCE',
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await db.prisma.auditEvent.count({ where: { taskCode: code } })).toBe(2);
    expect((await verifyChain(db, code)).valid).toBe(true);
  });

  it('when a request is retried with the same Idempotency-Key after the API restarts, then there is one event', async () => {
    const before = makeApp({ db, dev, taskQueue });
    const code = await newTask(before);
    const send = (app: Express) =>
      request(app)
        .post(`/api/tasks/${code}/milestones`)
        .set('Authorization', `Bearer ${token}`)
        .set('Idempotency-Key', 'retry-after-restart')
        .send({ name: 'DRAFTING' });
    const first = await send(before);
    // A new app instance (a restarted process) shares only the database and Temporal.
    const after = makeApp({ db, dev, taskQueue }, { db: connectDb(db.url, { max: 2 }) });
    const second = await send(after);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await db.prisma.auditEvent.count({ where: { taskCode: code, kind: 'MILESTONE' } })).toBe(1);
  });
});

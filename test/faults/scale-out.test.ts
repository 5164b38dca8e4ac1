import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { issueToken } from '../../db/tokens';
import { startTaskWorkflow } from '../../temporal/task-client';
import { freePort } from '../../embedded/ports';
import {
  TEST_POLICY,
  TestSmtpServer,
  createTestDatabase,
  definition,
  env,
  eventually,
  reminderSoon,
  uid,
  type TestDatabase,
} from '../support/harness';
import { runTs, type Proc } from '../../embedded/run-ts';
import { workerProcess } from '../support/worker-process';

// The production layout on one machine: two API processes and two workers (each `npm run api` /
// `npm run worker`) against one Temporal server and one PostgreSQL, with a real SMTP server.

let db: TestDatabase;
let smtp: TestSmtpServer;
let connection: Connection;
let client: Client;
let taskQueue: string;
let token: string;
const workers: Proc[] = [];
const apis: (Proc & { url: string })[] = [];

async function apiProcess() {
  const port = await freePort();
  const proc = await runTs(
    'stack/api-main.ts',
    [],
    {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: env('TEST_TEMPORAL_ADDRESS'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: path.join(env('TEST_DATA_DIR'), uid('a-')),
      LOG_REQUESTS: 'false',
      RATE_LIMIT_PER_MINUTE: '100000',
      // Far longer than any wait below: a page that changes is seen through PostgreSQL's notification, not expiry.
      LIST_CACHE_SECONDS: '600',
    },
    /listening on http/,
  );
  return Object.assign(proc, { url: `http://127.0.0.1:${port}` });
}

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = new TestSmtpServer();
  await smtp.start();
  connection = await Connection.connect({ address: env('TEST_TEMPORAL_ADDRESS') });
  client = new Client({ connection });
  taskQueue = uid('scale-');
  token = await issueToken(db, 'home-affairs', 'scale-out test');
  const started = await Promise.all([
    workerProcess({ databaseUrl: db.url, taskQueue, smtpUrl: smtp.url }),
    workerProcess({ databaseUrl: db.url, taskQueue, smtpUrl: smtp.url }),
    apiProcess(),
    apiProcess(),
  ]);
  workers.push(started[0], started[1]);
  apis.push(started[2], started[3]);
}, 180_000);

afterAll(async () => {
  await Promise.all([...apis, ...workers].map((p) => p.stop()));
  await connection?.close();
  await smtp?.stop();
  await db?.drop();
});

const headers = () => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });

/** One transition through `api`, retried with the same Idempotency-Key until it answers 200. */
async function transition(api: { url: string }, code: string, from: string, key: string): Promise<number> {
  const body =
    from === 'REQUIRES_GUIDANCE'
      ? { from, to: 'AUTHORITY_ADJUSTMENT', reason: 'scale-out test' }
      : { from, to: 'REQUIRES_GUIDANCE', document: { number: `${key.length}/2026/ND-CP`, issuedOn: '2026-11-20' } };
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${api.url}/api/tasks/${code}/transitions`, {
        method: 'POST',
        headers: { ...headers(), 'Idempotency-Key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer();
      if (res.status === 200) return attempt;
      if (res.status < 500) throw new Error(`transition ${code} (${key}) answered ${res.status}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('transition ')) throw err;
    }
    if (attempt >= 20) throw new Error(`transition ${code} (${key}) did not succeed after ${attempt} attempts`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('scale-out: two APIs and two workers', () => {
  it('when a worker is SIGKILLed under load, then every transition, audit event and reminder e-mail is there exactly once', async () => {
    const rounds = 4;
    const moving = Array.from({ length: 16 }, () => definition({ code: uid('SO-') }));
    // Reminders that fall due after the kill, so they are drained by the surviving worker.
    const { dueDate, policy } = reminderSoon(40);
    const reminded = Array.from({ length: 16 }, (_, i) =>
      definition({ code: uid('SR-'), dueDate, focalPoint: { name: 'Focal point', email: `focal${i}@tracker.test` } }),
    );
    await Promise.all([
      ...moving.map((d) =>
        startTaskWorkflow(client, {
          taskQueue,
          definition: d,
          policy: TEST_POLICY,
          createdBy: { kind: 'home-affairs' },
        }),
      ),
      ...reminded.map((d) =>
        startTaskWorkflow(client, { taskQueue, definition: d, policy, createdBy: { kind: 'home-affairs' } }),
      ),
    ]);
    const all = [...moving, ...reminded].map((d) => d.code);
    await eventually(
      async () => (await db.prisma.task.count({ where: { code: { in: all } } })) === all.length,
      60_000,
      'every task persisted',
    );

    // Each task moves `rounds` times; requests alternate between the two APIs, 8 at a time.
    const jobs = moving.flatMap((d, i) =>
      Array.from({ length: rounds }, (_, r) => ({ code: d.code, r, api: apis[(i + r) % 2] as { url: string } })),
    );
    const status = new Map(moving.map((d) => [d.code, 'REQUIRES_GUIDANCE']));
    const queues = new Map(moving.map((d) => [d.code, Promise.resolve()]));
    let done = 0;
    let killed = false;
    const t0 = Date.now();
    const retried: number[] = [];
    await Promise.all(
      jobs.map((job) => {
        // Transitions of one task go in order (each names the state it starts from); tasks run side by side.
        const next = (queues.get(job.code) as Promise<void>).then(async () => {
          const attempts = await transition(job.api, job.code, status.get(job.code) as string, `${job.code}-${job.r}`);
          if (attempts > 1) retried.push(attempts);
          status.set(
            job.code,
            status.get(job.code) === 'REQUIRES_GUIDANCE' ? 'AUTHORITY_ADJUSTMENT' : 'REQUIRES_GUIDANCE',
          );
          done++;
          if (!killed && (done >= jobs.length / 3 || Date.now() - t0 > 10_000)) {
            killed = true;
            await (workers[0] as Proc).kill();
          }
        });
        queues.set(job.code, next);
        return next;
      }),
    );
    expect(killed).toBe(true);
    expect(done).toBe(jobs.length);

    // Transitions: exactly `rounds` per task, sequence numbers 1..n without gaps or repeats, state as sent.
    for (const d of moving) {
      const events = await db.prisma.auditEvent.findMany({ where: { taskCode: d.code }, orderBy: { seq: 'asc' } });
      expect(events.filter((e) => e.kind === 'TRANSITION')).toHaveLength(rounds);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const row = await db.prisma.task.findUnique({ where: { code: d.code } });
      expect(row?.status).toBe(status.get(d.code));
    }

    // Reminders: one outbox row, one REMINDER_SENT event and one e-mail per task.
    const codes = reminded.map((d) => d.code);
    await eventually(
      async () =>
        (await db.prisma.notification.count({ where: { taskCode: { in: codes }, status: 'SENT' } })) === codes.length,
      90_000,
      'every reminder sent',
    );
    await eventually(
      async () =>
        (await db.prisma.auditEvent.count({ where: { taskCode: { in: codes }, kind: 'REMINDER_SENT' } })) ===
        codes.length,
      30_000,
      'every reminder recorded',
    );
    expect(await db.prisma.notification.count({ where: { taskCode: { in: codes } } })).toBe(codes.length);
    const mails = smtp.received.filter((m) => codes.some((c) => m.subject.includes(`[${c}]`)));
    expect(mails).toHaveLength(codes.length);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(codes.length);
    console.log(
      `scale-out: ${jobs.length} transitions through 2 APIs, worker killed after ${done >= jobs.length / 3 ? 'a third' : '10 s'}; ${retried.length} needed a retry; ${codes.length} reminders sent once each`,
    );
  }, 300_000);

  it('when a task changes through one API, then the other API, which had the list page cached, shows the change at once', async () => {
    const d = definition({ code: uid('SC-') });
    await startTaskWorkflow(client, {
      taskQueue,
      definition: d,
      policy: TEST_POLICY,
      createdBy: { kind: 'home-affairs' },
    });
    await eventually(() => db.prisma.task.findUnique({ where: { code: d.code } }), 30_000, 'task persisted');
    const one = apis[0] as { url: string };
    const two = apis[1] as { url: string };
    const listed = async (api: { url: string }, status: string) => {
      const res = await fetch(`${api.url}/api/tasks?status=${status}&limit=200`, { headers: headers() });
      const page = (await res.json()) as { items: { code: string }[] };
      return page.items.some((t) => t.code === d.code);
    };
    // API two renders and caches both pages.
    expect(await listed(two, 'REQUIRES_GUIDANCE')).toBe(true);
    expect(await listed(two, 'AUTHORITY_ADJUSTMENT')).toBe(false);
    expect(await transition(one, d.code, 'REQUIRES_GUIDANCE', `${d.code}-x`)).toBe(1);
    const t0 = Date.now();
    await eventually(
      async () => (await listed(two, 'AUTHORITY_ADJUSTMENT')) && !(await listed(two, 'REQUIRES_GUIDANCE')),
      5_000,
      'the other API to show the change',
    );
    console.log(`scale-out: a write through API one was in API two's list after ${Date.now() - t0} ms`);
  }, 120_000);
});

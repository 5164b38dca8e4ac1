import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { importTasks, type CatalogTask } from '../../catalog/importer';
import { loadConfig, type Config } from '../../config/env';
import { connectDb, type Db } from '../../db/client';
import { issueToken } from '../../db/tokens';
import { freePort } from '../../embedded/ports';
import { runtimeFile } from '../../embedded/runtime-target';
import { runTs, type Proc } from '../../embedded/run-ts';
import { findTemporalServer } from '../../embedded/temporal-server-binaries';
import { startTaskWorkflow } from '../../temporal/task-client';
import { stateQuery, taskWorkflowId } from '../../workflows/messages';
import { TEST_POLICY, TestSmtpServer, definition, env, eventually, reminderSoon, uid } from '../support/harness';

// The production topology on this machine (`npm run start:cluster`): the Temporal server built from
// source (`npm run tools:temporal-server`, provisioned by .ci/run) as four processes on PostgreSQL,
// two APIs behind one round-robin address and two workers. Services are killed with SIGKILL for
// longer than the SDK's own retries (about 20 s); what the SDK gives up on, the importer and the API
// send again with the same workflow id / update id, so nothing is lost or doubled.

/** Longer than the SDK's retry window. */
const DOWN_MS = 25_000;

let cfg: Config;
let stack: Proc & { readyLine: string };
let apiUrl: string;
let smtp: TestSmtpServer;
let db: Db;
let connection: Connection;
let client: Client;
let token: string;
let vars: Record<string, string>;
/** Every task this file created, checked against its workflow at the end. */
const created: string[] = [];

/** `npm run start:cluster` as a child process (as a user runs it), until it says it is up. */
async function startCluster(): Promise<void> {
  stack = await runTs('scripts/start-cluster.ts', [], vars, /is up on a Temporal cluster/, 400_000);
  const pages = stack.output.map((l) => /Pages:\s+(http:\/\/\S+?)\/\s/.exec(l)?.[1]).find(Boolean);
  apiUrl = pages as string;
  const runtime = JSON.parse(fs.readFileSync(runtimeFile(cfg), 'utf8')) as {
    ownerDatabaseUrl: string;
    temporalAddress: string;
  };
  db = connectDb(runtime.ownerDatabaseUrl, { max: 4 });
  connection = await Connection.connect({ address: runtime.temporalAddress });
  client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
}

async function stopCluster(): Promise<void> {
  await connection?.close();
  await db?.close();
  await stack?.stop();
}

/** SIGKILLs a Temporal service and keeps it down for `ms` (its hold file), as a crashed host would be. */
function crashService(service: 'history' | 'matching', ms: number): void {
  const dir = path.join(cfg.dataDir, 'temporal-cluster');
  fs.writeFileSync(path.join(dir, `${service}.hold-until`), String(Date.now() + ms));
  process.kill(Number(fs.readFileSync(path.join(dir, `${service}.pid`), 'utf8')), 'SIGKILL');
}

/** The pids of the worker processes, from the start-up summary. */
function workerPids(): number[] {
  const line = stack.output.find((l) => /Processes:.*worker/.test(l)) as string;
  return ((/worker ([\d ]+)/.exec(line) as RegExpExecArray)[1] as string).trim().split(/\s+/).map(Number);
}

beforeAll(async () => {
  // Fails (never skips) when the server is not provisioned: .ci/run builds it before the tests.
  findTemporalServer();
  smtp = new TestSmtpServer();
  await smtp.start();
  vars = {
    DATA_DIR: path.join(env('TEST_DATA_DIR'), uid('cluster-')),
    EMBEDDED_PG_PORT: String(await freePort()),
    TEMPORAL_CLUSTER_PORT: String(20_000 + Math.floor(Math.random() * 12_000)),
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    SEED_CATALOG: 'false',
    SMTP_URL: smtp.url,
    TEMPORAL_TASK_QUEUE: uid('cluster-'),
    ROUND_DAY_OF_MONTH: '0',
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
    LOG_REQUESTS: 'false',
  };
  cfg = loadConfig({ ...process.env, ...vars });
  await startCluster();
  token = await issueToken(db, 'home-affairs', 'cluster test');
}, 420_000);

afterAll(async () => {
  await stopCluster();
  await smtp?.stop();
}, 120_000);

/** One transition through the cluster's one address, retried with the same Idempotency-Key until it answers 200. */
async function transition(code: string, from: string, key: string): Promise<number> {
  const body =
    from === 'REQUIRES_GUIDANCE'
      ? { from, to: 'AUTHORITY_ADJUSTMENT', reason: 'cluster test' }
      : { from, to: 'REQUIRES_GUIDANCE', document: { number: `${key.length}/2026/ND-CP`, issuedOn: '2026-11-20' } };
  const deadline = Date.now() + 180_000;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${apiUrl}/api/tasks/${code}/transitions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(40_000),
      });
      const text = await res.text();
      if (res.status === 200) return attempt;
      // The same key still in progress (the first try is still being retried by an API): documented as "try again".
      const inUse = res.status === 409 && text.includes('IDEMPOTENCY_KEY_IN_USE');
      if (res.status < 500 && !inUse)
        throw new Error(`transition ${code} (${key}) answered ${res.status}: ${text.slice(0, 300)}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('transition ')) throw err;
    }
    if (Date.now() > deadline) throw new Error(`transition ${code} (${key}) did not succeed after ${attempt} attempts`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** `rounds` transitions of each task, in order per task, tasks side by side; `during` runs once a third are done. */
async function moveUnderLoad(codes: string[], rounds: number, during: () => void): Promise<Map<string, string>> {
  const status = new Map(codes.map((c) => [c, 'REQUIRES_GUIDANCE']));
  const total = codes.length * rounds;
  let done = 0;
  let fired = false;
  await Promise.all(
    codes.map(async (code) => {
      for (let r = 0; r < rounds; r++) {
        const from = status.get(code) as string;
        await transition(code, from, `${code}-${r}`);
        status.set(code, from === 'REQUIRES_GUIDANCE' ? 'AUTHORITY_ADJUSTMENT' : 'REQUIRES_GUIDANCE');
        if (!fired && ++done >= total / 3) {
          fired = true;
          during();
        }
      }
    }),
  );
  expect(fired).toBe(true);
  return status;
}

async function startTasks(defs: ReturnType<typeof definition>[], policy = TEST_POLICY): Promise<string[]> {
  await Promise.all(
    defs.map((d) =>
      startTaskWorkflow(client, {
        taskQueue: cfg.TEMPORAL_TASK_QUEUE,
        definition: d,
        policy,
        createdBy: { kind: 'home-affairs' },
      }),
    ),
  );
  const codes = defs.map((d) => d.code);
  created.push(...codes);
  await eventually(
    async () => (await db.prisma.task.count({ where: { code: { in: codes } } })) === codes.length,
    90_000,
    'every task persisted',
  );
  return codes;
}

/** Each task's read model (status, events 1..seq once each) equals what its workflow holds. */
async function expectReadModelsEqualWorkflows(codes: string[]): Promise<void> {
  for (const code of codes) {
    const state = await client.workflow.getHandle(taskWorkflowId(code)).query(stateQuery);
    const row = await db.prisma.task.findUnique({ where: { code } });
    const events = await db.prisma.auditEvent.findMany({ where: { taskCode: code }, orderBy: { seq: 'asc' } });
    expect({ code, status: row?.status, seqs: events.map((e) => e.seq) }).toEqual({
      code,
      status: state.status,
      seqs: Array.from({ length: state.seq }, (_, i) => i + 1),
    });
  }
}

async function expectTransitions(status: Map<string, string>, rounds: number): Promise<void> {
  for (const [code, expected] of status) {
    const moves = await db.prisma.auditEvent.count({ where: { taskCode: code, kind: 'TRANSITION' } });
    expect({ code, moves }).toEqual({ code, moves: rounds });
    expect((await db.prisma.task.findUnique({ where: { code } }))?.status).toBe(expected);
  }
}

describe('the Temporal cluster (four services on PostgreSQL, two APIs, two workers)', () => {
  it('when the history service is SIGKILLed for longer than the SDK retries during an import, then every task is started and stored exactly once', async () => {
    const tasks: CatalogTask[] = Array.from({ length: 120 }, () => ({ ...definition({ code: uid('CH-') }) }));
    const codes = tasks.map((t) => t.code);
    created.push(...codes);
    const importing = importTasks({
      db,
      temporal: client,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      policy: TEST_POLICY,
      tasks,
      concurrency: 8,
      window: 32,
    });
    await eventually(
      async () => (await db.prisma.task.count({ where: { code: { in: codes } } })) >= 10,
      60_000,
      'the import under way',
    );
    const killedAt = Date.now();
    crashService('history', DOWN_MS);
    const result = await importing;
    expect(Date.now() - killedAt).toBeGreaterThan(DOWN_MS);
    expect(result.started + result.existing).toBe(codes.length);
    expect(await db.prisma.task.count({ where: { code: { in: codes } } })).toBe(codes.length);
    // One CREATED event each: no task started twice.
    expect(await db.prisma.auditEvent.count({ where: { taskCode: { in: codes }, kind: 'CREATED' } })).toBe(
      codes.length,
    );
    await expectReadModelsEqualWorkflows(codes);
  }, 300_000);

  it('when the matching service is SIGKILLed for longer than the SDK retries during transitions through both APIs, then each transition is applied exactly once', async () => {
    const codes = await startTasks(Array.from({ length: 12 }, () => definition({ code: uid('CM-') })));
    const rounds = 3;
    const status = await moveUnderLoad(codes, rounds, () => crashService('matching', DOWN_MS));
    await expectTransitions(status, rounds);
    await expectReadModelsEqualWorkflows(codes);
  }, 300_000);

  it('when a worker process is SIGKILLed under load, then every transition, and every reminder e-mail, is there exactly once', async () => {
    const moving = await startTasks(Array.from({ length: 12 }, () => definition({ code: uid('CW-') })));
    const { dueDate, policy } = reminderSoon(45);
    const reminded = await startTasks(
      Array.from({ length: 8 }, (_, i) =>
        definition({ code: uid('CR-'), dueDate, focalPoint: { name: 'Focal point', email: `focal${i}@tracker.test` } }),
      ),
      policy,
    );
    const rounds = 3;
    const victim = workerPids()[0];
    expect(victim).toBeGreaterThan(0);
    const status = await moveUnderLoad(moving, rounds, () => process.kill(victim as number, 'SIGKILL'));
    await expectTransitions(status, rounds);
    await eventually(
      async () =>
        (await db.prisma.notification.count({ where: { taskCode: { in: reminded }, status: 'SENT' } })) ===
        reminded.length,
      120_000,
      'every reminder sent',
    );
    expect(await db.prisma.notification.count({ where: { taskCode: { in: reminded } } })).toBe(reminded.length);
    const mails = smtp.received.filter((m) => reminded.some((c) => m.subject.includes(`[${c}]`)));
    expect(mails).toHaveLength(reminded.length);
    await expectReadModelsEqualWorkflows([...moving, ...reminded]);
  }, 300_000);

  it('when the whole cluster is stopped and started again on its data, then every task answers from its workflow as the read model says, and takes new transitions', async () => {
    const before = await db.prisma.task.count();
    await stopCluster();
    await startCluster();
    expect(await db.prisma.task.count()).toBe(before);
    await expectReadModelsEqualWorkflows(created);
    const [code] = await startTasks([definition({ code: uid('CX-') })]);
    expect(await transition(code as string, 'REQUIRES_GUIDANCE', `${code}-after-restart`)).toBeGreaterThan(0);
    await expectReadModelsEqualWorkflows([code as string]);
  }, 300_000);
});

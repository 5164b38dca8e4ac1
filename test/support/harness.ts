import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createMailer, type Mailer } from '../../activities/mailer';
import { createDatabaseFrom, databaseUrlFor, dropDatabase } from '../../db/admin';
import { connectDb, openPool, type Db, type SqlPool } from '../../db/client';
import type { DeadlinePolicy, TaskDefinition } from '../../domain/task';
import { DAY_MS, addDays, deadlineInstant, vietnamDate } from '../../domain/dates';
import type { Express } from 'express';
import { createHttpApp } from '../../stack/http-app';
import type { ListCache } from '../../app/list-cache';
import { loadConfig, type Env } from '../../config/env';
import { createLogger, type Logger } from '../../logging/logger';
import { createTaskWorker } from '../../worker/create-worker';
import { LoopbackSmtpServer } from '../../embedded/loopback-smtp';
import { DEFAULT_DUE_DAYS } from '../../domain/statuses';
import { installTestRuntime } from './time-skipping-worker';

/** The tests' SMTP server: a real one on loopback (embedded/loopback-smtp.ts, which the benchmarks use too). */
export { LoopbackSmtpServer as TestSmtpServer, type CapturedMail } from '../../embedded/loopback-smtp';

/** Keeps the SDK's INFO lines out of test output. */
export function quietTemporalLogs(): void {
  installTestRuntime('WARN');
}

/**
 * The logger of an API or worker the harness makes when the test gives none: every line also goes to
 * the run's TEST_LOG_COPY file, which the global teardown scans for tokens (test/support/log-secrets.mjs).
 * Request lines go only there, so test output stays as quiet as with LOG_REQUESTS=false. Null outside jest.
 */
function copiedLogger(): Logger | null {
  const copy = process.env.TEST_LOG_COPY;
  if (!copy) return null;
  return createLogger({
    level: 'info',
    destination: {
      write(line: string) {
        fs.appendFileSync(copy, line);
        // A request line (api/request-logging.ts) has a route and a duration; read as text, not parsed.
        if (!(line.includes('"route":') && line.includes('"ms":'))) process.stdout.write(line);
      },
    },
  });
}

export function env(name: string): string {
  const v = process.env[name];
  if (!v)
    throw new Error(
      `${name} is not set: run the tests through jest (test/support/global-setup.mjs starts the services)`,
    );
  return v;
}

export const uid = (prefix = 'T') => `${prefix}${crypto.randomBytes(4).toString('hex').toUpperCase()}`;

/** The application's `Db` on a database of its own, plus what tests need around it. */
export interface TestDatabase extends Db {
  url: string;
  /** A plain pg pool for checks that go around the application. */
  sql: SqlPool;
  drop(): Promise<void>;
}

/**
 * A fresh database on the shared test PostgreSQL server, migrated and loaded with reference data: a
 * copy of the run's template database (TEST_PG_TEMPLATE, made once by test/support/services.ts), which
 * costs PostgreSQL a file copy instead of every migration and the reference data again for each file.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = env('TEST_PG_ADMIN_URL');
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  await createDatabaseFrom(admin, name, env('TEST_PG_TEMPLATE'));
  const url = databaseUrlFor(admin, name);
  const db = connectDb(url, { max: 5 });
  const sql = openPool(url, 2);
  return {
    ...db,
    url,
    sql,
    async drop() {
      await db.close();
      await sql.end();
      await dropDatabase(admin, name);
    },
  };
}

/**
 * A due date that stays ahead for as long as these tests live: the fixed "2027-06-30" used before would
 * fall due on 1 July 2027 and turn every task built on it overdue. A Wednesday (as 2027-06-30 is), and
 * beyond the calendar's years (this year to four ahead), so no day off moves it.
 */
export const FAR_DUE_DATE = '2094-06-30';

export const TEST_POLICY: DeadlinePolicy = {
  reminderOffsetsDays: [14, 7, 1],
  overdueIntervalDays: 7,
  defaultDueDays: DEFAULT_DUE_DAYS,
  homeAffairsEmail: 'moha@tracker.test',
  publicBaseUrl: 'http://tracker.test',
  // The first version's notices, which most workflow tests exercise; the ladder has its own tests.
  perTaskReminders: true,
};

export function definition(overrides: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    code: uid('T-'),
    title: 'Recruitment authority for education-sector employees at commune-level public service units',
    sector: 'Education',
    legalBasis: 'Decree 1/2025/ND-CP',
    level: 'commune',
    status: 'REQUIRES_GUIDANCE',
    leadMinistry: 'BGDDT',
    coordinatingMinistries: ['BNV'],
    focalPoint: { name: 'Nguyen Van An', email: 'focal@bgddt.test' },
    dueDate: null,
    ...overrides,
  };
}

/** A worker on its own task queue against the shared dev server, with real activities. */
export async function startDevWorker(deps: {
  db: Db;
  mailer: Mailer;
  taskQueue: string;
  address?: string;
  logger?: Logger;
}): Promise<{
  worker: Worker;
  client: Client;
  /** A client on the worker's own connection: its starts may hand the first workflow task straight to this worker (eager start). */
  sameConnectionClient: Client;
  stop(): Promise<void>;
}> {
  quietTemporalLogs();
  const address = deps.address ?? env('TEST_TEMPORAL_ADDRESS');
  const nativeConnection = await NativeConnection.connect({ address });
  const workerLogger = deps.logger ?? copiedLogger();
  const worker = await createTaskWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue: deps.taskQueue,
    deps: {
      db: deps.db,
      mailer: deps.mailer,
      mailFrom: 'tracker@tracker.test',
      ...(workerLogger ? { logger: workerLogger } : {}),
    },
    workflowBundle: { codePath: env('TEST_WORKFLOW_BUNDLE') },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  return {
    worker,
    client,
    sameConnectionClient: new Client({ connection: nativeConnection, namespace: 'default' }),
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}

export function smtpMailer(smtp: LoopbackSmtpServer): Mailer {
  return createMailer({ smtpUrl: smtp.url, outboxDir: path.join(env('TEST_DATA_DIR'), 'unused-outbox') });
}

export async function eventually<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Deadlines are whole days; a fractional reminder offset puts one reminder `secondsAhead` from now,
 * so fault tests can watch a real reminder fire on a real-time server. Due tomorrow (Viet Nam): the
 * escalation at the deadline is then a day away at least, never inside a test that counts the task's
 * mails (due today, a run started minutes before 17:00 UTC could meet it across a server restart).
 */
export function reminderSoon(secondsAhead: number, nowMs = Date.now()): { dueDate: string; policy: DeadlinePolicy } {
  const dueDate = addDays(vietnamDate(nowMs), 1);
  const offsetDays = (deadlineInstant(dueDate) - nowMs - secondsAhead * 1000) / DAY_MS;
  return { dueDate, policy: { ...TEST_POLICY, reminderOffsetsDays: [offsetDays] } };
}

/**
 * Viet Nam's date, once at least `spanMs` of it remain: when its midnight (17:00 UTC) is nearer,
 * waits until it has passed. A test that takes "today" here and lets the server take its own within
 * `spanMs` sees the same day, whatever the hour CI runs it.
 */
export async function vietnamTodayFor(spanMs: number): Promise<string> {
  const now = Date.now();
  const left = deadlineInstant(vietnamDate(now)) - now;
  if (left < spanMs) await new Promise((r) => setTimeout(r, left + 1_000));
  return vietnamDate(Date.now());
}

export interface WorkflowStack {
  db: TestDatabase;
  smtp: LoopbackSmtpServer;
  dev: Awaited<ReturnType<typeof startDevWorker>>;
  taskQueue: string;
  stop(): Promise<void>;
}

/** A test file's own database, SMTP server and worker (on its own task queue) against the shared dev server. */
export async function startWorkflowStack(queuePrefix: string, opts: { logger?: Logger } = {}): Promise<WorkflowStack> {
  const taskQueue = uid(queuePrefix);
  const db = await createTestDatabase();
  const smtp = new LoopbackSmtpServer();
  await smtp.start();
  const dev = await startDevWorker({ db, mailer: smtpMailer(smtp), taskQueue, logger: opts.logger });
  return {
    db,
    smtp,
    dev,
    taskQueue,
    async stop() {
      await dev.stop();
      await smtp.stop();
      await db.drop();
    },
  };
}

export interface AppOverrides {
  /** Environment variables on top of the test defaults (LOG_REQUESTS=false, the task queue). */
  env?: Partial<Record<keyof Env, string>>;
  /** Another connection (an API process that restarted, another role). */
  db?: Db;
  listCache?: ListCache;
  logger?: Logger;
}

/**
 * The API app as the tests build it, on a test file's database and worker: the one place tests call
 * createApp. `overrides` changes only what a test is about.
 */
export function makeApp(
  base: { db: Db; dev: { client: Client }; taskQueue?: string },
  overrides: AppOverrides = {},
): Express {
  // Without a logger of the test's own, request lines are logged too, into the run's copy only.
  const logger = overrides.logger ?? copiedLogger() ?? undefined;
  return createHttpApp({
    db: overrides.db ?? base.db,
    temporal: base.dev.client,
    config: loadConfig({
      ...(base.taskQueue ? { TEMPORAL_TASK_QUEUE: base.taskQueue } : {}),
      LOG_REQUESTS: !overrides.logger && logger ? 'true' : 'false',
      ...overrides.env,
    }),
    listCache: overrides.listCache,
    logger,
  });
}

import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { workerTaskMessenger } from '../../worker/create-worker';
import { ensureSearchAttributes } from '../../temporal/search-attributes';
import {
  TestSmtpServer,
  createTestDatabase,
  env,
  quietTemporalLogs,
  smtpMailer,
  uid,
  type TestDatabase,
} from './harness';

export interface TimeSkippingStack {
  testEnv: TestWorkflowEnvironment;
  db: TestDatabase;
  smtp: TestSmtpServer;
  taskQueue: string;
  /** Lets the test server's clock run to `instant` (epoch ms); nothing when it is there already. */
  sleepUntil(instant: number): Promise<void>;
}

/**
 * A test file's time-skipping stack: its own database, an SMTP server on loopback, a time-skipping
 * test server and a worker (the workflow bundle, the real activities) on its own task queue, started
 * before its tests and stopped after them. The fields are filled in by `beforeAll`: read them inside
 * tests; `sleepUntil` may be taken at once.
 */
export function useTimeSkippingStack(
  queuePrefix: string,
  opts: {
    /** What the activities get besides the database and the mailer (e.g. `leadershipEmails`). */
    activities?: Omit<Parameters<typeof createActivities>[0], 'db' | 'mailer' | 'mailFrom'>;
    /** Runs on the fresh database before the worker starts (rows the workflows expect). */
    seed?: (db: TestDatabase) => Promise<unknown>;
  } = {},
): TimeSkippingStack {
  const s = { taskQueue: uid(queuePrefix) } as TimeSkippingStack;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  beforeAll(async () => {
    quietTemporalLogs();
    s.db = await createTestDatabase();
    await opts.seed?.(s.db);
    s.smtp = new TestSmtpServer();
    await s.smtp.start();
    s.testEnv = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: env('TEMPORAL_TEST_SERVER') } },
    });
    await ensureSearchAttributes(s.testEnv.connection, 'default');
    worker = await Worker.create({
      connection: s.testEnv.nativeConnection,
      taskQueue: s.taskQueue,
      workflowBundle: { codePath: env('TEST_WORKFLOW_BUNDLE') },
      activities: createActivities({
        tasks: workerTaskMessenger(),
        ...opts.activities,
        db: s.db,
        mailer: smtpMailer(s.smtp),
        mailFrom: 'tracker@tracker.test',
      }),
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await s.testEnv?.teardown();
    await s.smtp?.stop();
    await s.db?.drop();
  });
  s.sleepUntil = async (instant) => {
    const now = await s.testEnv.currentTimeMs();
    if (instant > now) await s.testEnv.sleep(instant - now);
  };
  return s;
}

import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities';
import { workerTaskMessenger } from '../../worker/create-worker';
import { TestSmtpServer, createTestDatabase, env, smtpMailer, uid, type TestDatabase } from './harness';
import { startTimeSkippingWorker, type TimeSkippingWorker } from './time-skipping-worker';

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
  let server: TimeSkippingWorker | undefined;
  beforeAll(async () => {
    s.db = await createTestDatabase();
    await opts.seed?.(s.db);
    s.smtp = new TestSmtpServer();
    await s.smtp.start();
    server = await startTimeSkippingWorker({
      serverPath: env('TEMPORAL_TEST_SERVER'),
      bundlePath: env('TEST_WORKFLOW_BUNDLE'),
      taskQueue: s.taskQueue,
      logLevel: 'WARN',
      activities: createActivities({
        tasks: workerTaskMessenger(),
        ...opts.activities,
        db: s.db,
        mailer: smtpMailer(s.smtp),
        mailFrom: 'tracker@tracker.test',
      }),
    });
    s.testEnv = server.testEnv;
  });
  afterAll(async () => {
    await server?.stop();
    await s.smtp?.stop();
    await s.db?.drop();
  });
  s.sleepUntil = (instant) => (server as TimeSkippingWorker).sleepUntil(instant);
  return s;
}

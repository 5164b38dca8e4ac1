import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { ensureSearchAttributes } from '../../temporal/search-attributes';

/**
 * One worker on a time-skipping test server of its own: the set-up that the full suite's
 * time-skipping stack (time-skipping.ts: real activities, database, SMTP) and the fast tier
 * (workflow/fast/fast-env.ts: in-memory activities) share. Nothing here reads the database or the
 * dev server, so the fast tier can use it without PostgreSQL.
 */
export interface TimeSkippingWorker {
  testEnv: TestWorkflowEnvironment;
  /** Lets the test server's clock run to `instant` (epoch ms); nothing when it is there already. */
  sleepUntil(instant: number): Promise<void>;
  /** Stops the worker, then the test server. */
  stop(): Promise<void>;
}

let runtimeInstalled = false;
/** Keeps the SDK's lines below `level` out of test output (once per process; the first level wins). */
export function installTestRuntime(level: 'WARN' | 'ERROR'): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // Already installed by an earlier file in this process.
  }
}

/** Starts the test server (the binary at `serverPath`), registers the search attributes, runs the worker. */
export async function startTimeSkippingWorker(opts: {
  serverPath: string;
  bundlePath: string;
  taskQueue: string;
  activities: WorkerOptions['activities'];
  logLevel: 'WARN' | 'ERROR';
}): Promise<TimeSkippingWorker> {
  installTestRuntime(opts.logLevel);
  const testEnv = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: opts.serverPath } },
  });
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    await ensureSearchAttributes(testEnv.connection, 'default');
    worker = await Worker.create({
      connection: testEnv.nativeConnection,
      taskQueue: opts.taskQueue,
      workflowBundle: { codePath: opts.bundlePath },
      activities: opts.activities,
    });
    running = worker.run();
  } catch (err) {
    await testEnv.teardown();
    throw err;
  }
  return {
    testEnv,
    async sleepUntil(instant) {
      const now = await testEnv.currentTimeMs();
      if (instant > now) await testEnv.sleep(instant - now);
    },
    async stop() {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running;
      await testEnv.teardown();
    },
  };
}

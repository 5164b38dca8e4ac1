import path from 'node:path';
import { runTs, type Proc } from '../../embedded/run-ts';
import { env, uid } from './harness';

/**
 * `worker/main.ts` as its own process on the run's shared Temporal dev server and workflow bundle,
 * as production runs it, for tests that SIGKILL it and start another: resolves once it polls.
 * `extra` adds settings (e.g. PUBLIC_BASE_URL for e-mails with links).
 */
export function workerProcess(opts: {
  databaseUrl: string;
  taskQueue: string;
  smtpUrl: string;
  extra?: Record<string, string>;
}): Promise<Proc & { readyLine: string }> {
  return runTs(
    'worker/main.ts',
    [],
    {
      DATABASE_URL: opts.databaseUrl,
      TEMPORAL_ADDRESS: env('TEST_TEMPORAL_ADDRESS'),
      TEMPORAL_TASK_QUEUE: opts.taskQueue,
      WORKFLOW_BUNDLE: env('TEST_WORKFLOW_BUNDLE'),
      SMTP_URL: opts.smtpUrl,
      DATA_DIR: path.join(env('TEST_DATA_DIR'), uid('w-')),
      ...opts.extra,
    },
    /polling task queue/,
  );
}

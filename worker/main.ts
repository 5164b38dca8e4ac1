import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ensureMonthlyRoundSchedule, roundPolicyFromConfig } from '../temporal/round-client';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import type { Config } from '../config/env';
import { connectDb } from '../db/client';
import { applyMigrations } from '../db/migrations';
import type { Logger } from '../logging/logger';
import { createMailer } from '../activities/mailer';
import { digestSettingsFromConfig } from '../activities/digests';
import { ensureDigestSchedules } from '../temporal/digest-schedules';
import { createTaskWorker } from './create-worker';
import { workerTuning } from './tuning';
import { exitWithSupervisor } from '../embedded/supervisor-watch';
import { runAfterGate } from '../embedded/startup-gate';

/** Production entry point: `npm run worker` with DATABASE_URL and TEMPORAL_ADDRESS set. */
async function main(cfg: Config, logger: Logger): Promise<void> {
  if (!cfg.DATABASE_URL || !cfg.TEMPORAL_ADDRESS) {
    logger.fatal('npm run worker needs DATABASE_URL and TEMPORAL_ADDRESS (use `npm start` for the embedded default).');
    process.exit(2);
  }
  const db = connectDb(cfg.DATABASE_URL);
  const mailer = createMailer({ smtpUrl: cfg.SMTP_URL, outboxDir: path.join(cfg.dataDir, 'outbox') });
  // Independent start-up steps run at once (each is a round trip or two); all are done before the worker
  // polls: the schema and the search attributes are in place before any workflow or activity runs.
  const connecting = NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const steps = await Promise.allSettled([
    applyMigrations(cfg.DATABASE_URL),
    registerSearchAttributes(cfg.TEMPORAL_ADDRESS, cfg.TEMPORAL_NAMESPACE, logger),
    ensureRoundSchedule(cfg, logger),
    ensureSchedules(cfg, logger),
    connecting,
  ]);
  const failed = steps.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const connection = await connecting;
  const worker = await createTaskWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    deps: {
      db,
      mailer,
      mailFrom: cfg.MAIL_FROM,
      leadershipEmails: cfg.MINISTRY_LEADERSHIP_EMAILS,
      digests: digestSettingsFromConfig(cfg),
      logger,
    },
    tuning: workerTuning(cfg),
    ...(cfg.WORKFLOW_BUNDLE ? { workflowBundle: { codePath: cfg.WORKFLOW_BUNDLE } } : {}),
  });
  logger.info(`polling task queue ${cfg.TEMPORAL_TASK_QUEUE} on ${cfg.TEMPORAL_ADDRESS}`);
  exitWithSupervisor(cfg.SUPERVISOR_PID, (message) => logger.warn(message));
  // Worker.run() ends after SIGINT/SIGTERM once in-flight tasks are done (the SDK installs the handlers).
  await worker.run();
  await connection.close();
  await db.close();
  mailer.close();
}

/** The digest schedules, created or brought up to date at every start (idempotent). */
async function ensureSchedules(cfg: Config, log: Logger): Promise<void> {
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  try {
    const ids = await ensureDigestSchedules(new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }), {
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      hour: cfg.DIGEST_HOUR,
    });
    log.info(`digest schedules ${ids.join(', ')} at ${cfg.DIGEST_HOUR}:00 Asia/Ho_Chi_Minh`);
  } finally {
    await connection.close();
  }
}

/** Workflows fail their tasks if the search attributes they upsert are unknown: register missing ones. */
async function registerSearchAttributes(address: string, namespace: string, log: Logger): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const added = await ensureSearchAttributes(connection, namespace);
    if (added.length > 0) log.info(`registered search attributes ${added.join(', ')} in ${namespace}`);
  } catch (err) {
    log.warn(
      { err },
      `could not check search attributes; register TaskStatus, LeadMinistry (Keyword) and DueDate (Datetime) by hand.`,
    );
  } finally {
    await connection.close();
  }
}

/** The Temporal Schedule that opens the monthly reporting round: created if missing (any worker may). */
async function ensureRoundSchedule(cfg: Config, log: Logger): Promise<void> {
  if (cfg.ROUND_DAY_OF_MONTH === 0) return;
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  try {
    const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
    const created = await ensureMonthlyRoundSchedule(client, {
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      policy: roundPolicyFromConfig(cfg),
      dayOfMonth: cfg.ROUND_DAY_OF_MONTH,
    });
    if (created)
      log.info(
        `created the Temporal Schedule for the monthly reporting round (day ${cfg.ROUND_DAY_OF_MONTH}, 08:00 Viet Nam time)`,
      );
  } catch (err) {
    // The worker still serves tasks and open rounds; the schedule is retried at the next start.
    log.error({ err }, 'could not create the Temporal Schedule for the monthly reporting round');
  } finally {
    await connection.close();
  }
}

runAfterGate('worker', 'the worker', main);

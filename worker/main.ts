import path from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { config } from '../config/env';
import { createPrisma } from '../infra/db';
import { applyMigrations } from '../infra/migrations';
import { createMailer } from '../activities/mailer';
import { createTaskWorker } from './create-worker';

/** Production entry point: `npm run worker` with DATABASE_URL and TEMPORAL_ADDRESS set. */
async function main(): Promise<void> {
  const cfg = config();
  if (!cfg.DATABASE_URL || !cfg.TEMPORAL_ADDRESS) {
    console.error('npm run worker needs DATABASE_URL and TEMPORAL_ADDRESS (use `npm start` for the embedded default).');
    process.exit(2);
  }
  await applyMigrations(cfg.DATABASE_URL);
  const prisma = createPrisma(cfg.DATABASE_URL);
  const mailer = createMailer({ smtpUrl: cfg.SMTP_URL, outboxDir: path.join(cfg.dataDir, 'outbox') });
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const worker = await createTaskWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    deps: { prisma, mailer, mailFrom: cfg.MAIL_FROM },
  });
  console.log(`worker: polling task queue ${cfg.TEMPORAL_TASK_QUEUE} on ${cfg.TEMPORAL_ADDRESS}`);
  // Worker.run() ends after SIGINT/SIGTERM once in-flight tasks are done (the SDK installs the handlers).
  await worker.run();
  await connection.close();
  await prisma.$disconnect();
  mailer.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

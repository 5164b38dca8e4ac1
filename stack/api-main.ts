/**
 * Production entry point of the API: `npm run api` with DATABASE_URL and TEMPORAL_ADDRESS set.
 * (The embedded default, `npm start`, runs this same entry point as a child process.)
 */
import http from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/env';
import { connectDb } from '../db/client';
import { applyMigrations } from '../db/migrations';
import type { Logger } from '../logging/logger';
import { createHttpApp } from './http-app';
import { ListCache } from '../app/list-cache';
import { exitWithSupervisor } from '../embedded/supervisor-watch';
import { runAfterGate } from '../embedded/startup-gate';

async function main(cfg: Config, logger: Logger): Promise<void> {
  if (!cfg.DATABASE_URL || !cfg.TEMPORAL_ADDRESS) {
    logger.fatal('npm run api needs DATABASE_URL and TEMPORAL_ADDRESS (use `npm start` for the embedded default).');
    process.exit(2);
  }
  await applyMigrations(cfg.DATABASE_URL);
  const db = connectDb(cfg.DATABASE_URL);
  // One Temporal connection for the process, shared by every request.
  const connection = await Connection.connect({ address: cfg.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const listCache =
    cfg.LIST_CACHE_SECONDS > 0
      ? await new ListCache(cfg.DATABASE_URL, cfg.LIST_CACHE_SECONDS * 1000).start()
      : undefined;
  // No mailer here: the API and the pages queue e-mails in the outbox; the worker sends them.
  const server = http.createServer(createHttpApp({ db, temporal, config: cfg, listCache, logger }));
  server.listen(cfg.PORT, cfg.HOST, () => logger.info(`listening on http://${cfg.HOST}:${cfg.PORT}`));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: closing the API`);
    server.close(async () => {
      await listCache?.stop();
      await connection.close();
      await db.close();
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  exitWithSupervisor(cfg.SUPERVISOR_PID, (message) => logger.warn(message));
}

runAfterGate('api', 'the API', main);

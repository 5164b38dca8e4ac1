import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Config } from '../config/env';
import { createMailer } from '../activities/mailer';
import { digestSettingsFromConfig } from '../activities/digests';
import { ensureDigestSchedules } from '../temporal/digest-schedules';
import { createHttpApp } from './http-app';
import { ListCache } from '../app/list-cache';
import { loadReferenceData, reference } from '../catalog/reference-data';
import { CATALOG_FILE, importTasks, validateCatalog } from '../catalog/importer';
import { ensureAppRole } from '../db/app-role';
import { connectDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrations';
import { hasTasks } from '../db/tasks';
import { ensureDevTokens } from '../embedded/dev-tokens';
import { seedCommunesInBackground } from '../embedded/commune-seed';
import { readOrCreateSecret, startEmbeddedPostgres, type RunningPostgres } from '../embedded/embedded-postgres';
import { runtimeFile } from '../embedded/runtime-target';
import { resolveTemporalCli } from '../embedded/temporal-binaries';
import { ensureEmbeddedPortsFree } from '../embedded/ports';
import { claimDataDir } from '../embedded/data-dir-claim';
import { startTemporalDevServer, type RunningTemporal } from '../embedded/temporal-dev-server';
import { policyFromConfig } from '../temporal/task-client';
import { ensureMonthlyRoundSchedule, roundPolicyFromConfig } from '../temporal/round-client';
import { prepareLocalityStore } from '../catalog/seed-round';
import { createLogger, type Logger } from '../logging/logger';
import { createTaskWorker } from '../worker/create-worker';
import { workerTuning } from '../worker/tuning';

export interface Stack {
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  apiUrl: string;
  tokensFile: string | null;
  db: Db;
  temporal: Client;
  /** A worker on the task queue runs in this process on `temporal`'s connection (starts may be eager). */
  workerInProcess: boolean;
  stop(): Promise<void>;
}

/** PostgreSQL and Temporal as the embedded default provides them (or as configured). */
export interface Services {
  /** The schema owner's URL (migrations, tools). */
  ownerUrl: string;
  /** The restricted application role's URL (API and worker). */
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  /** Restart none of the processes these services supervise any more: the first step of a shutdown. */
  holdRestarts?: () => void;
}

/**
 * PostgreSQL (embedded unless DATABASE_URL) with migrations applied and the application role, and the
 * Temporal dev server (unless TEMPORAL_ADDRESS). Pushes a stop for each piece it started onto `stops`.
 */
export async function startServices(
  cfg: Config,
  log: (line: string) => void,
  stops: (() => Promise<void>)[],
): Promise<Services> {
  // Before anything starts: a port taken by a first `npm start` must stop this one with the
  // setting that fixes it, not let it share the first one's Temporal in silence.
  await ensureEmbeddedPortsFree([
    ...(cfg.DATABASE_URL ? [] : [{ port: cfg.EMBEDDED_PG_PORT, host: '127.0.0.1', setting: 'EMBEDDED_PG_PORT' }]),
    ...(cfg.TEMPORAL_ADDRESS
      ? []
      : [
          { port: cfg.TEMPORAL_DEV_PORT, host: '127.0.0.1', setting: 'TEMPORAL_DEV_PORT' },
          { port: cfg.TEMPORAL_UI_PORT, host: '127.0.0.1', setting: 'TEMPORAL_UI_PORT' },
        ]),
    ...(cfg.PORT === 0 ? [] : [{ port: cfg.PORT, host: cfg.HOST, setting: 'PORT' }]),
  ]);
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  if (!cfg.DATABASE_URL || !cfg.TEMPORAL_ADDRESS) {
    const release = claimDataDir(cfg.dataDir);
    stops.push(async () => release());
  }

  // PostgreSQL (then its migrations and role) and the Temporal dev server do not depend on each other:
  // both start at once. Each one's stop is pushed in a fixed order once both have settled (Temporal
  // stops before PostgreSQL, as before), and a failure of either still stops the other.
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  let pgStop: (() => Promise<void>) | undefined;
  let temporalStop: (() => Promise<void>) | undefined;
  const database = (async () => {
    let ownerUrl = cfg.DATABASE_URL;
    if (!ownerUrl) {
      const pg: RunningPostgres = await startEmbeddedPostgres({ dataDir: cfg.dataDir, port: cfg.EMBEDDED_PG_PORT });
      pgStop = () => pg.stop();
      ownerUrl = pg.url;
      log(
        `postgres: embedded PostgreSQL on 127.0.0.1:${cfg.EMBEDDED_PG_PORT} (data in ${path.join(cfg.dataDir, 'postgres')}) [${since()}]`,
      );
    }
    const migrations = await applyMigrations(ownerUrl);
    if (migrations.applied.length > 0)
      log(`postgres: applied migrations ${migrations.applied.join(', ')} [${since()}]`);
    // The embedded default runs the API and worker as a restricted role (no UPDATE/DELETE on the
    // audit log); with DATABASE_URL the operator chooses the role (README, Production).
    const databaseUrl =
      cfg.DATABASE_URL ?? (await ensureAppRole(ownerUrl, readOrCreateSecret(cfg.dataDir, 'postgres-app-password')));
    return { ownerUrl, databaseUrl };
  })();
  const temporal = (async () => {
    if (cfg.TEMPORAL_ADDRESS) return { temporalAddress: cfg.TEMPORAL_ADDRESS, temporalUiUrl: null };
    const cli = resolveTemporalCli();
    const t: RunningTemporal = await startTemporalDevServer({
      cli,
      port: cfg.TEMPORAL_DEV_PORT,
      uiPort: cfg.TEMPORAL_UI_PORT,
      dbFile: path.join(cfg.dataDir, 'temporal', 'temporal.sqlite'),
      namespace: cfg.TEMPORAL_NAMESPACE,
      logFile: path.join(cfg.dataDir, 'temporal', 'server.log'),
    });
    temporalStop = () => t.stop();
    log(
      `temporal: dev server on ${t.address} (state in ${path.join(cfg.dataDir, 'temporal', 'temporal.sqlite')}) [${since()}]`,
    );
    return { temporalAddress: t.address, temporalUiUrl: t.uiUrl };
  })();
  const [db, tp] = await Promise.allSettled([database, temporal]);
  if (pgStop) stops.push(pgStop);
  if (temporalStop) stops.push(temporalStop);
  if (db.status === 'rejected') throw db.reason;
  if (tp.status === 'rejected') throw tp.reason;
  return { ...db.value, ...tp.value };
}

/** Runs `stops` in reverse order, logging (not throwing) what fails, and empties the list. */
export function stopper(stops: (() => Promise<void>)[], log: (line: string) => void): () => Promise<void> {
  return async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        log(`shutdown: ${String(err)}`);
      }
    }
    stops.length = 0;
  };
}

/**
 * The embedded default in one process, as the benchmark and tests use it: PostgreSQL, migrations,
 * the Temporal dev server, the worker, the API, the seeded catalog and dev tokens. (`npm start`
 * runs the API and the worker as child processes instead: stack/supervised-stack.ts.)
 * Every piece started here is stopped by `stop()`, in reverse order.
 */
export async function startStack(
  cfg: Config,
  opts: { log?: (line: string) => void; logger?: Logger; seed?: boolean; devTokens?: boolean; worker?: boolean } = {},
): Promise<Stack> {
  const logger = opts.logger ?? createLogger({ level: cfg.LOG_LEVEL });
  // Start-up progress for a terminal; otherwise log lines.
  const log = opts.log ?? ((l: string) => logger.info(l));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = stopper(stops, log);
  try {
    const { ownerUrl, databaseUrl, temporalAddress, temporalUiUrl } = await startServices(cfg, log, stops);

    const db = connectDb(databaseUrl);
    stops.push(() => db.close());
    await loadReferenceData(db);

    // One native (Rust) connection serves the client and the worker: cheaper than a second gRPC
    // stack in JavaScript.
    const connection = await NativeConnection.connect({ address: temporalAddress });
    stops.push(() => connection.close());
    const temporal = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });

    let listCache: ListCache | undefined;
    if (cfg.LIST_CACHE_SECONDS > 0) {
      const cache = await new ListCache(databaseUrl, cfg.LIST_CACHE_SECONDS * 1000).start();
      stops.push(() => cache.stop());
      listCache = cache;
    }
    // One CSRF signing secret across restarts, kept in the data folder like the database password.
    const appConfig = {
      ...cfg,
      SESSION_SECRET: cfg.SESSION_SECRET ?? readOrCreateSecret(cfg.dataDir, 'session-secret'),
    };
    const app = createHttpApp({ db, temporal, config: appConfig, listCache, logger });
    const server = http.createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(cfg.PORT, cfg.HOST, () => resolve());
    });
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 5_000).unref();
        }),
    );
    const port = (server.address() as AddressInfo).port;
    const apiUrl = `http://${cfg.HOST === '0.0.0.0' ? 'localhost' : cfg.HOST}:${port}`;

    // The worker shares the client's NativeConnection: starts can hand it their first workflow task (eager start).
    const workerInProcess = opts.worker !== false;
    if (workerInProcess) {
      const mailer = createMailer({ smtpUrl: cfg.SMTP_URL, outboxDir: path.join(cfg.dataDir, 'outbox') });
      const worker: Worker = await createTaskWorker({
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
      });
      const running = worker.run();
      stops.push(async () => {
        // Finish in-flight activities and workflow tasks before the database goes away.
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch((err: unknown) => log(`worker: ${String(err)}`));
        mailer.close();
      });
      log(`worker: polling task queue ${cfg.TEMPORAL_TASK_QUEUE}`);
      const schedules = await ensureDigestSchedules(temporal, {
        taskQueue: cfg.TEMPORAL_TASK_QUEUE,
        hour: cfg.DIGEST_HOUR,
      });
      log(`digests: schedules ${schedules.join(', ')} at ${cfg.DIGEST_HOUR}:00 Asia/Ho_Chi_Minh`);
    }

    if (opts.seed !== false && !(await hasTasks(db))) {
      const ministries = new Set(reference.ministries.map((m) => m.code));
      const { tasks, errors } = validateCatalog(fs.readFileSync(CATALOG_FILE, 'utf8'), ministries);
      if (errors.length > 0)
        throw new Error(
          `The bundled catalog is invalid: ${errors.map((e) => `line ${e.line}: ${e.reason}`).join('; ')}`,
        );
      log(`seed: importing ${tasks.length} tasks from ${path.relative(process.cwd(), CATALOG_FILE)} ...`);
      const r = await importTasks({
        db,
        temporal,
        taskQueue: cfg.TEMPORAL_TASK_QUEUE,
        policy: policyFromConfig(cfg),
        tasks,
        eagerStart: workerInProcess,
      });
      log(`seed: ${r.started} task workflows started and persisted in ${r.seconds.toFixed(1)} s`);
    }
    // The cells are the one store of what localities report; the seed round's 30 reporters' cells (once).
    await prepareLocalityStore(db, { seed: opts.seed !== false, log });
    if (opts.worker !== false && cfg.ROUND_DAY_OF_MONTH > 0) {
      const created = await ensureMonthlyRoundSchedule(temporal, {
        taskQueue: cfg.TEMPORAL_TASK_QUEUE,
        policy: roundPolicyFromConfig(cfg),
        dayOfMonth: cfg.ROUND_DAY_OF_MONTH,
      });
      if (created)
        log(
          `temporal: schedule for the monthly reporting round (day ${cfg.ROUND_DAY_OF_MONTH} of each month, 08:00 Viet Nam time)`,
        );
    }

    let tokensFile: string | null = null;
    if (opts.devTokens !== false) {
      const t = await ensureDevTokens(
        db,
        cfg.dataDir,
        reference.ministries.map((m) => m.code),
        reference.localities.map((l) => l.code),
      );
      tokensFile = t.file;
    }

    // The commune level (3,321 units, about 1.44 M cells) seeds after the stack is up: pages answer meanwhile.
    if (opts.seed !== false) stops.push(seedCommunesInBackground(db, log));

    const file = runtimeFile(cfg);
    fs.writeFileSync(
      file,
      `${JSON.stringify({ pid: process.pid, databaseUrl, ownerDatabaseUrl: ownerUrl, temporalAddress, apiUrl }, null, 2)}\n`,
      { mode: 0o600 },
    );
    stops.unshift(async () => fs.rmSync(file, { force: true }));

    return {
      databaseUrl,
      temporalAddress,
      temporalUiUrl,
      apiUrl,
      tokensFile,
      db,
      temporal,
      workerInProcess,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

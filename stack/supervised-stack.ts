import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Config } from '../config/env';
import { loadReferenceData, reference } from '../catalog/reference-data';
import { CATALOG_FILE, importTasks, validateCatalog } from '../catalog/importer';
import { connectDb } from '../db/client';
import { hasTasks } from '../db/tasks';
import { prepareLocalityStore } from '../catalog/seed-round';
import { ensureDevTokens } from '../embedded/dev-tokens';
import { readOrCreateSecret } from '../embedded/embedded-postgres';
import { runtimeFile } from '../embedded/runtime-target';
import { SupervisedChild } from '../embedded/supervised-child';
import { policyFromConfig } from '../temporal/task-client';
import { WORKFLOW_BUNDLE_OPTIONS } from '../worker/create-worker';
import { startRoundRobinProxy } from '../embedded/round-robin-proxy';
import { freePort } from '../embedded/ports';
import { startServices, stopper, type Services } from './stack';

export interface SupervisedStack {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  tokensFile: string | null;
  /** Process ids of what runs under this process (for operators and the signal test); `apis`/`workers` list every one. */
  pids: { api?: number; worker?: number; apis: (number | undefined)[]; workers: (number | undefined)[] };
  stop(): Promise<void>;
}

/**
 * `npm start`: PostgreSQL and the Temporal dev server (as stack.ts starts them), then the worker
 * (`worker/main.ts`) and the API (`stack/api-main.ts`) as separate child processes, each on its own event
 * loop and so on its own core, restarted if they exit on their own. Seeds the catalog on first run and
 * writes the dev tokens. stop() ends the API and the worker first (each finishes what it has in hand),
 * then Temporal, then PostgreSQL.
 */
export async function startSupervisedStack(
  cfg: Config,
  opts: {
    log?: (line: string) => void;
    /** What provides PostgreSQL and Temporal (default: startServices, the embedded default); pushes its stops. */
    services?: (stops: (() => Promise<void>)[]) => Promise<Services>;
    /** API processes (default 1). With more than one, each listens on a port of its own and a round-robin proxy on PORT hands out the connections. */
    apis?: number;
    /** Worker processes (default 1). */
    workers?: number;
  } = {},
): Promise<SupervisedStack> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = stopper(stops, log);
  try {
    const { ownerUrl, databaseUrl, temporalAddress, temporalUiUrl } = await (opts.services
      ? opts.services(stops)
      : startServices(cfg, log, stops));
    // The worker loads a bundle built here once per start (as production loads a prebuilt one), so a
    // restarted worker is polling again within a second or two.
    const bundle = path.join(cfg.dataDir, 'workflow-bundle.js');
    const quiet = { info() {}, warn: log, error: log, debug() {}, trace() {}, log() {} };
    fs.writeFileSync(bundle, (await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quiet as never })).code);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: cfg.dataDir,
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: cfg.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: cfg.TEMPORAL_TASK_QUEUE,
      HOST: cfg.HOST,
      PORT: String(cfg.PORT),
      PUBLIC_BASE_URL: cfg.publicBaseUrl,
      SUPERVISOR_PID: String(process.pid),
      WORKFLOW_BUNDLE: bundle,
      // Page sessions survive a restarted API child (and `npm start` restarts) with one kept secret.
      // (The kept secret is 24 characters; the environment's schema wants 32 or more: its SHA-256 in hex.)
      SESSION_SECRET:
        cfg.SESSION_SECRET ??
        crypto.createHash('sha256').update(readOrCreateSecret(cfg.dataDir, 'session-secret')).digest('hex'),
    };
    const apiCount = Math.max(1, opts.apis ?? 1);
    const workerCount = Math.max(1, opts.workers ?? 1);
    const named = (kind: string, i: number, n: number) => (n === 1 ? kind : `${kind}-${i + 1}`);
    const workers = Array.from(
      { length: workerCount },
      (_, i) =>
        new SupervisedChild({
          name: named('worker', i, workerCount),
          script: 'worker/main.ts',
          env,
          ready: /polling task queue/,
          log,
        }),
    );
    const apiPorts =
      apiCount === 1 ? [cfg.PORT] : await Promise.all(Array.from({ length: apiCount }, () => freePort()));
    const apis = apiPorts.map(
      (port, i) =>
        new SupervisedChild({
          name: named('api', i, apiCount),
          script: 'stack/api-main.ts',
          env: { ...env, PORT: String(port) },
          ready: /listening on http/,
          log,
        }),
    );
    // Stopped in reverse order: the API first (no new writes), then the worker, then Temporal and PostgreSQL.
    for (const w of workers) stops.push(() => w.stop());
    for (const a of apis) stops.push(() => a.stop());
    await Promise.all([...workers.map((w) => w.start()), ...apis.map((a) => a.start())]);
    let port = cfg.PORT;
    if (apiCount > 1) {
      const host = cfg.HOST === '0.0.0.0' ? '127.0.0.1' : cfg.HOST;
      const proxy = await startRoundRobinProxy({
        host: cfg.HOST,
        port: cfg.PORT,
        backends: () => apiPorts.map((port) => ({ host, port })),
      });
      stops.push(() => proxy.stop());
      port = proxy.port;
      log(`proxy: ${cfg.HOST}:${port} round-robin over the APIs on ports ${apiPorts.join(', ')}`);
    }
    const apiUrl = `http://${cfg.HOST === '0.0.0.0' ? 'localhost' : cfg.HOST}:${port}`;

    const db = connectDb(databaseUrl, { max: 4 });
    stops.push(() => db.close());
    await loadReferenceData(db);
    if (cfg.SEED_CATALOG && !(await hasTasks(db))) {
      const ministries = new Set(reference.ministries.map((m) => m.code));
      const { tasks, errors } = validateCatalog(fs.readFileSync(CATALOG_FILE, 'utf8'), ministries);
      if (errors.length > 0)
        throw new Error(
          `The bundled catalog is invalid: ${errors.map((e) => `line ${e.line}: ${e.reason}`).join('; ')}`,
        );
      log(`seed: importing ${tasks.length} tasks from ${path.relative(process.cwd(), CATALOG_FILE)} ...`);
      const connection = await Connection.connect({ address: temporalAddress });
      try {
        const temporal = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
        const r = await importTasks({
          db,
          temporal,
          taskQueue: cfg.TEMPORAL_TASK_QUEUE,
          policy: policyFromConfig(cfg),
          tasks,
        });
        log(`seed: ${r.started} task workflows started and persisted in ${r.seconds.toFixed(1)} s`);
      } finally {
        await connection.close();
      }
    }
    // The cells are the one store of what localities report; the seed round's 30 reporters' cells (once).
    await prepareLocalityStore(db, { seed: cfg.SEED_CATALOG, log });
    const tokens = await ensureDevTokens(
      db,
      cfg.dataDir,
      reference.ministries.map((m) => m.code),
      reference.localities.map((l) => l.code),
    );

    const file = runtimeFile(cfg);
    fs.writeFileSync(
      file,
      `${JSON.stringify({ pid: process.pid, databaseUrl, ownerDatabaseUrl: ownerUrl, temporalAddress, apiUrl }, null, 2)}\n`,
      { mode: 0o600 },
    );
    stops.unshift(async () => fs.rmSync(file, { force: true }));

    return {
      apiUrl,
      temporalAddress,
      temporalUiUrl,
      tokensFile: tokens.file,
      get pids() {
        return {
          api: apis[0]?.pid,
          worker: workers[0]?.pid,
          apis: apis.map((a) => a.pid),
          workers: workers.map((w) => w.pid),
        };
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

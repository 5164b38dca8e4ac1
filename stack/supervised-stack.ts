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
import { seedCommunesInBackground } from '../embedded/commune-seed';
import { readOrCreateSecret } from '../embedded/embedded-postgres';
import { runtimeFile } from '../embedded/runtime-target';
import { SupervisedChild } from '../embedded/supervised-child';
import { policyFromConfig } from '../temporal/task-client';
import { WORKFLOW_BUNDLE_OPTIONS } from '../worker/create-worker';
import { startServices, stopper } from './stack';

export interface SupervisedStack {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  tokensFile: string | null;
  /** Process ids of what runs under this process (for operators and the signal test). */
  pids: { api?: number; worker?: number };
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
  opts: { log?: (line: string) => void } = {},
): Promise<SupervisedStack> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const stops: (() => Promise<void>)[] = [];
  const stopAll = stopper(stops, log);
  try {
    const { ownerUrl, databaseUrl, temporalAddress, temporalUiUrl } = await startServices(cfg, log, stops);
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
    const worker = new SupervisedChild({
      name: 'worker',
      script: 'worker/main.ts',
      env,
      ready: /polling task queue/,
      log,
    });
    const api = new SupervisedChild({ name: 'api', script: 'stack/api-main.ts', env, ready: /listening on http/, log });
    // Stopped in reverse order: the API first (no new writes), then the worker, then Temporal and PostgreSQL.
    stops.push(() => worker.stop());
    stops.push(() => api.stop());
    await Promise.all([worker.start(), api.start()]);
    const apiUrl = `http://${cfg.HOST === '0.0.0.0' ? 'localhost' : cfg.HOST}:${cfg.PORT}`;

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

    // The commune level (3,321 units, about 1.44 M cells) seeds after the stack is up: pages answer meanwhile.
    if (cfg.SEED_CATALOG) stops.push(seedCommunesInBackground(db, log));

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
        return { api: api.pid, worker: worker.pid };
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

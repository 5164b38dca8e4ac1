import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { Config } from '../config/env';
import { loadReferenceData, reference } from '../catalog/reference-data';
import { CATALOG_FILE, importTasks, validateCatalog, type CatalogTask } from '../catalog/importer';
import { connectDb } from '../db/client';
import { hasTasks } from '../db/tasks';
import { prepareLocalityStore } from '../catalog/seed-round';
import { clearSeedPending, markSeedPending, seedPending } from '../catalog/seed-progress';
import type { Db } from '../db/client';
import { ensureDevTokens } from '../embedded/dev-tokens';
import { seedCommunesInBackground } from '../embedded/commune-seed';
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
  /** The catalog's seed going on behind the running tracker (null: none was needed); never rejects. */
  seeding: Promise<void> | null;
  /** Process ids of what runs under this process (for operators and the signal test); `apis`/`workers` list every one. */
  pids: { api?: number; worker?: number; apis: (number | undefined)[]; workers: (number | undefined)[] };
  stop(): Promise<void>;
}

/**
 * `npm start`: PostgreSQL and the Temporal dev server (as stack.ts starts them), and the worker
 * (`worker/main.ts`) and the API (`stack/api-main.ts`) as separate child processes, each on its own event
 * loop and so on its own core, restarted if they exit on their own; the children are spawned first and
 * load their code while the services start (embedded/startup-gate.ts). Seeds the catalog on first run and
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
  const stopInOrder = stopper(stops, log);
  /** What stops the restarts of a child that exits (a Ctrl-C reaches every child at once): asked before the stops. */
  const holds: (() => void)[] = [];
  const stopAll = async () => {
    for (const hold of holds) hold();
    await stopInOrder();
  };
  /** The API and worker processes until their stops are in `stops` (after the services', so they stop first). */
  let stopEarlyChildren: (() => Promise<void>) | null = null;
  try {
    const t0 = Date.now();
    const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    // The worker loads a prebuilt bundle (as production does), so a restarted worker is polling again
    // within a second or two. It is kept in the data folder under the hash of what goes into it: a
    // warm start with the same workflow code reuses it; otherwise it is built while PostgreSQL and
    // Temporal start (held in memory until the data folder is claimed).
    const bundle = path.join(cfg.dataDir, 'workflow-bundle.js');
    const bundleKeyFile = path.join(cfg.dataDir, 'workflow-bundle.key');
    const key = workflowBundleKey();
    const cached = fs.existsSync(bundle) && readOr(bundleKeyFile, '') === key;
    const quiet = { info() {}, warn: log, error: log, debug() {}, trace() {}, log() {} };
    const building = cached
      ? Promise.resolve(null)
      : bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quiet as never }).then((b) => b.code);
    // Settled before anything throws, so a failed start leaves no bundling behind.
    const built = building.then(
      (code) => ({ code, err: undefined }),
      (err: unknown) => ({ code: null, err }),
    );
    // The API and the worker are spawned now, while PostgreSQL and Temporal start, and load their code
    // meanwhile; what only the started services can tell them follows on their stdin (`late`).
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: cfg.dataDir,
      TEMPORAL_NAMESPACE: cfg.TEMPORAL_NAMESPACE,
      TEMPORAL_TASK_QUEUE: cfg.TEMPORAL_TASK_QUEUE,
      HOST: cfg.HOST,
      PORT: String(cfg.PORT),
      PUBLIC_BASE_URL: cfg.publicBaseUrl,
      SUPERVISOR_PID: String(process.pid),
      WORKFLOW_BUNDLE: bundle,
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
    let sendLate!: (env: NodeJS.ProcessEnv) => void;
    let withholdLate!: (err: unknown) => void;
    const late = new Promise<NodeJS.ProcessEnv>((resolve, reject) => {
      sendLate = resolve;
      withholdLate = reject;
    });
    const children = Promise.all([...workers.map((w) => w.start(late)), ...apis.map((a) => a.start(late))]).then(() =>
      log(`api and worker: ready [${since()}]`),
    );
    // Awaited below once the services are up; a start that fails before that stops them (stopEarlyChildren).
    children.catch(() => undefined);
    stopEarlyChildren = async () => {
      await Promise.all([...workers, ...apis].map((c) => c.stop()));
      withholdLate(new Error('start-up failed'));
    };
    const services = await (opts.services ? opts.services(stops) : startServices(cfg, log, stops)).catch(
      async (err: unknown) => {
        await built;
        throw err;
      },
    );
    const { ownerUrl, databaseUrl, temporalAddress, temporalUiUrl } = services;
    if (services.holdRestarts) holds.push(services.holdRestarts);
    const b = await built;
    if (b.err) throw b.err;
    if (b.code !== null) {
      fs.writeFileSync(`${bundle}.tmp`, b.code);
      fs.renameSync(`${bundle}.tmp`, bundle);
      fs.writeFileSync(bundleKeyFile, `${key}\n`);
      log(`worker: workflow bundle built [${since()}]`);
    } else log(`worker: workflow bundle unchanged, reused from ${path.relative(process.cwd(), bundle)} [${since()}]`);
    sendLate({
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      // Page sessions survive a restarted API child (and `npm start` restarts) with one kept secret.
      // (The kept secret is 24 characters; the environment's schema wants 32 or more: its SHA-256 in hex.)
      SESSION_SECRET:
        cfg.SESSION_SECRET ??
        crypto.createHash('sha256').update(readOrCreateSecret(cfg.dataDir, 'session-secret')).digest('hex'),
    });
    for (const child of [...workers, ...apis]) holds.push(() => child.hold());
    // Stopped in reverse order: the API first (no new writes), then the worker, then Temporal and PostgreSQL.
    for (const w of workers) stops.push(() => w.stop());
    for (const a of apis) stops.push(() => a.stop());
    stopEarlyChildren = null;
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
    // While the API and the worker load (their own processes), this one reads what it needs from
    // PostgreSQL, checks the catalog and writes the dev tokens; both halves settle before either's failure is thrown.
    const apiUrl = `http://${cfg.HOST === '0.0.0.0' ? 'localhost' : cfg.HOST}:${port}`;

    const db = connectDb(databaseUrl, { max: 4 });
    stops.push(() => db.close());
    const prepared = (async () => {
      await loadReferenceData(db);
      // The seed runs behind the tracker: it is up (pages, API, sign-in) as soon as the API and worker
      // are, and the pages say "seeding: n of 949" until the last task is in. A marker in the data folder
      // (catalog/seed-progress.ts) makes a start after a Ctrl-C mid-seed resume it, none doubled.
      let seed: { tasks: CatalogTask[]; resumed: boolean } | null = null;
      if (cfg.SEED_CATALOG && (seedPending(cfg.dataDir) !== null || !(await hasTasks(db)))) {
        const ministries = new Set(reference.ministries.map((m) => m.code));
        const { tasks, errors } = validateCatalog(fs.readFileSync(CATALOG_FILE, 'utf8'), ministries);
        if (errors.length > 0)
          throw new Error(
            `The bundled catalog is invalid: ${errors.map((e) => `line ${e.line}: ${e.reason}`).join('; ')}`,
          );
        seed = { tasks, resumed: seedPending(cfg.dataDir) !== null };
        markSeedPending(cfg.dataDir, tasks.length);
      } else {
        // The cells are the one store of what localities report (adopted at every start; idempotent).
        await prepareLocalityStore(db, { seed: cfg.SEED_CATALOG, log });
      }
      const tokens = await ensureDevTokens(
        db,
        cfg.dataDir,
        reference.ministries.map((m) => m.code),
        reference.localities.map((l) => l.code),
      );
      log(`postgres: reference data, catalog and dev tokens ready [${since()}]`);
      return { seed, tokens };
    })();
    const [c, p] = await Promise.allSettled([children, prepared]);
    if (c.status === 'rejected') throw c.reason;
    if (p.status === 'rejected') throw p.reason;
    const { seed, tokens } = p.value;

    let seeding: Promise<void> | null = null;
    if (seed) {
      const abort = new AbortController();
      seeding = seedInBackground({ cfg, db, temporalAddress, ...seed, signal: abort.signal, log, since });
      // Stopped first (pushed last): no new start once stopping; the starts in flight complete.
      stops.push(async () => {
        abort.abort();
        await seeding;
      });
    }

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
      seeding,
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
    await stopEarlyChildren?.();
    await stopAll();
    throw err;
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
}

/**
 * What the workflow bundle is made of, hashed: every file of workflows/ and domain/ (all the bundle
 * imports from this repository), the bundling options' file, the lock file (the SDK's and the libraries'
 * versions) and Node's version. A change to any of them builds the bundle again.
 */
export function workflowBundleKey(): string {
  const root = path.resolve(__dirname, '..');
  const hash = crypto.createHash('sha256');
  const add = (rel: string) => {
    hash.update(rel).update('\0');
    hash.update(fs.readFileSync(path.join(root, rel))).update('\0');
  };
  for (const dir of ['workflows', 'domain']) {
    const walk = (d: string) => {
      for (const e of fs
        .readdirSync(path.join(root, d), { withFileTypes: true })
        .sort((a, b) => (a.name < b.name ? -1 : 1)))
        if (e.isDirectory()) walk(path.posix.join(d, e.name));
        else add(path.posix.join(d, e.name));
    };
    walk(dir);
  }
  for (const f of ['worker/create-worker.ts', 'package-lock.json']) if (fs.existsSync(path.join(root, f))) add(f);
  hash.update(process.version);
  return hash.digest('hex');
}

/**
 * The catalog's workflows started (16 at a time, each task's first event awaited in PostgreSQL), then
 * the seed round's cells, then the marker removed. Interrupted by `signal` (a stop) it leaves the
 * marker for the next start. A failure is logged, not thrown: the tracker keeps running and the next
 * start resumes the seed.
 */
async function seedInBackground(opts: {
  cfg: Config;
  db: Db;
  temporalAddress: string;
  tasks: CatalogTask[];
  resumed: boolean;
  signal: AbortSignal;
  log: (line: string) => void;
  since: () => string;
}): Promise<void> {
  const { cfg, db, log, since } = opts;
  log(
    `seed: ${opts.resumed ? 'resuming the import of' : 'importing'} ${opts.tasks.length} tasks from ${path.relative(process.cwd(), CATALOG_FILE)} in the background (the pages say how far it is) ...`,
  );
  try {
    const connection = await Connection.connect({ address: opts.temporalAddress });
    try {
      const temporal = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
      const r = await importTasks({
        db,
        temporal,
        taskQueue: cfg.TEMPORAL_TASK_QUEUE,
        policy: policyFromConfig(cfg),
        tasks: opts.tasks,
        signal: opts.signal,
      });
      if (r.interrupted) {
        log(`seed: stopped part-way (${r.started} started this time); the next npm start finishes it`);
        return;
      }
      log(
        `seed: ${r.started} task workflows started and persisted in ${r.seconds.toFixed(1)} s${r.existing > 0 ? ` (${r.existing} already there)` : ''} [${since()}]`,
      );
    } finally {
      await connection.close();
    }
    // The seed round's 30 reporters' cells (once), from the tasks' seeded statuses.
    await prepareLocalityStore(db, { seed: true, log });
    clearSeedPending(cfg.dataDir);
    log(`seed: done, all ${opts.tasks.length} tasks in [${since()}]`);
  } catch (err) {
    if (opts.signal.aborted) return;
    log(
      `seed: failed (${err instanceof Error ? err.message : String(err)}); the tracker runs on, and the next npm start resumes the seed`,
    );
  }
}

/**
 * `npm run bench:cluster [-- --tasks 949 --n 200]`: the same measurements, in the same run, on the
 * dev server (`npm start`'s Temporal) and on the Temporal cluster (`npm run start:cluster`'s four
 * services on PostgreSQL), each with two APIs behind the round-robin address and two workers, each
 * on a fresh data folder: bulk start of the catalog beside a bare start loop, transition p50/p99
 * through the API beside a no-op Update, list p50. Writes bench/out/cluster.json and prints a table.
 * Needs `npm run tools:temporal-server` once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { CATALOG_FILE, importTasks, validateCatalog } from '../catalog/importer';
import { reference } from '../catalog/reference-data';
import { loadConfig } from '../config/env';
import { connectDb } from '../db/client';
import { freePort } from '../embedded/ports';
import { runtimeFile } from '../embedded/runtime-target';
import { startClusterServices } from '../stack/cluster-services';
import { startSupervisedStack } from '../stack/supervised-stack';
import { policyFromConfig } from '../temporal/task-client';
import { noopUpdate } from './workflows/noop';
import { pool, summary, timed } from './stats';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) || dflt : dflt;
};
const TASKS = arg('--tasks', 949);
const N = arg('--n', 200);
const CONCURRENCY = 16;
const WARM_UP = 20;

type Figures = Record<string, number>;

async function measure(target: 'dev server' | 'cluster'): Promise<Figures> {
  const t0 = Date.now();
  const log = (s: string) => console.log(`[${target} ${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-bench-cluster-'));
  const cfg = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    EMBEDDED_PG_PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    SEED_CATALOG: 'false',
    ROUND_DAY_OF_MONTH: '0',
    RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
    LOG_REQUESTS: 'false',
  });
  // The API and worker processes read their settings from the environment they inherit.
  process.env.RATE_LIMIT_PER_MINUTE = '100000000';
  process.env.RATE_LIMIT_PER_ADDRESS_PER_MINUTE = '100000000';
  process.env.LOG_REQUESTS = 'false';
  const quiet = () => {};
  const stack = await startSupervisedStack(cfg, {
    log: quiet,
    apis: 2,
    workers: 2,
    ...(target === 'cluster'
      ? {
          services: (stops) =>
            startClusterServices(cfg, { basePort: 20_000 + Math.floor(Math.random() * 12_000) }, log, stops),
        }
      : {}),
  });
  log(`up in ${((Date.now() - t0) / 1000).toFixed(1)} s (Temporal at ${stack.temporalAddress})`);
  const runtime = JSON.parse(fs.readFileSync(runtimeFile(cfg), 'utf8')) as { databaseUrl: string };
  const db = connectDb(runtime.databaseUrl, { max: 4 });
  const token = (JSON.parse(fs.readFileSync(stack.tokensFile as string, 'utf8')) as Record<string, string>)[
    'home-affairs'
  ];
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const native = await NativeConnection.connect({ address: stack.temporalAddress });
  const noopWorker = await Worker.create({
    connection: native,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: 'bench-noop',
    workflowsPath: path.join(__dirname, 'workflows', 'noop.ts'),
  });
  const noopRunning = noopWorker.run();
  const f: Figures = {};
  try {
    const all = validateCatalog(
      fs.readFileSync(CATALOG_FILE, 'utf8'),
      new Set(reference.ministries.map((m) => m.code)),
    ).tasks.slice(0, TASKS);
    log(`bulk start of ${all.length} task workflows through the two workers`);
    const imported = await importTasks({
      db,
      temporal: client,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      policy: policyFromConfig(cfg),
      tasks: all,
      concurrency: CONCURRENCY,
    });
    const [, bareMs] = await timed(() =>
      pool(
        all.map((_, i) => i),
        CONCURRENCY,
        async (i) => {
          await client.workflow.start('noopWorkflow', { taskQueue: 'bench-noop', workflowId: `noop-${i}` });
        },
      ),
    );
    f.bulkPerSecond = Math.round((all.length / imported.seconds) * 10) / 10;
    f.bareStartPerSecond = Math.round((all.length / (bareMs / 1000)) * 10) / 10;
    f.bulkRatio = Math.round((f.bulkPerSecond / f.bareStartPerSecond) * 100) / 100;

    log(`${N} transitions through the round-robin address`);
    const open = all
      .filter((t) => t.status === 'REQUIRES_GUIDANCE')
      .slice(0, 50)
      .map((t) => t.code);
    const state = new Map(open.map((c) => [c, 'REQUIRES_GUIDANCE']));
    const transitionMs: number[] = [];
    for (let i = 0; i < N + WARM_UP; i++) {
      const code = open[i % open.length] as string;
      const from = state.get(code);
      const body =
        from === 'REQUIRES_GUIDANCE'
          ? { to: 'AUTHORITY_ADJUSTMENT', from, reason: 'benchmark' }
          : { to: 'REQUIRES_GUIDANCE', from, document: { number: `${i}/2026/ND-CP`, issuedOn: '2026-11-20' } };
      const [res, ms] = await timed(() =>
        fetch(`${stack.apiUrl}/api/tasks/${code}/transitions`, { method: 'POST', headers, body: JSON.stringify(body) }),
      );
      if (res.status !== 200) throw new Error(`transition ${code} answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      if (i >= WARM_UP) transitionMs.push(ms);
      state.set(code, body.to);
    }
    const noop = client.workflow.getHandle('noop-0');
    const noopMs: number[] = [];
    for (let i = 0; i < N + WARM_UP; i++) {
      const [, ms] = await timed(() => noop.executeUpdate(noopUpdate, { args: [i] }));
      if (i >= WARM_UP) noopMs.push(ms);
    }
    const ts = summary(transitionMs);
    const ns = summary(noopMs);
    Object.assign(f, {
      transitionP50: ts.p50,
      transitionP99: ts.p99,
      noopUpdateP50: ns.p50,
      noopUpdateP99: ns.p99,
      transitionRatio: Math.round((ts.p50 / ns.p50) * 100) / 100,
    });

    log(`${N} list requests`);
    const listMs: number[] = [];
    for (let i = 0; i < N + WARM_UP; i++) {
      const [res, ms] = await timed(() =>
        fetch(`${stack.apiUrl}/api/tasks?status=REQUIRES_GUIDANCE&limit=50`, { headers }),
      );
      await res.arrayBuffer();
      if (i >= WARM_UP) listMs.push(ms);
    }
    const ls = summary(listMs);
    Object.assign(f, { listP50: ls.p50, listP99: ls.p99 });
  } finally {
    noopWorker.shutdown();
    await noopRunning.catch(() => undefined);
    await native.close();
    await connection.close();
    await db.close();
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  log(JSON.stringify(f));
  return f;
}

async function main(): Promise<void> {
  const dev = await measure('dev server');
  const cluster = await measure('cluster');
  const rows: [string, string][] = [
    ['bulk start, tasks/s (bare start loop)', 'bulkPerSecond'],
    ['bare start loop of a no-op workflow, starts/s', 'bareStartPerSecond'],
    ['bulk ÷ bare (target ≥ 0.5)', 'bulkRatio'],
    ['transition p50 ms (through the API)', 'transitionP50'],
    ['transition p99 ms', 'transitionP99'],
    ['no-op Update p50 ms', 'noopUpdateP50'],
    ['no-op Update p99 ms', 'noopUpdateP99'],
    ['transition p50 ÷ no-op p50 (target ≤ 2)', 'transitionRatio'],
    ['list p50 ms (50 per page)', 'listP50'],
    ['list p99 ms', 'listP99'],
  ];
  const table = [
    `| ${TASKS} tasks, ${N} requests each; 2 APIs, 2 workers | dev server | cluster |`,
    '| --- | ---: | ---: |',
    ...rows.map(([label, key]) => `| ${label} | ${dev[key]} | ${cluster[key]} |`),
  ].join('\n');
  console.log(`\n${table}\n`);
  fs.mkdirSync(path.join(__dirname, 'out'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'out', 'cluster.json'),
    `${JSON.stringify({ at: new Date().toISOString(), tasks: TASKS, n: N, load: os.loadavg(), dev, cluster }, null, 2)}\n`,
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

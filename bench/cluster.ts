/**
 * `npm run bench:cluster [-- --tasks 949 --n 200 --storm 949]`: the same measurements, in the same run, on
 * the dev server (`npm start`'s Temporal) and on the Temporal cluster (`npm run start:cluster`'s four
 * services on PostgreSQL), each with two APIs behind the round-robin address and two workers, each
 * on a fresh data folder: bulk start of the catalog beside a bare start loop, transition p50/p99
 * through the API beside a no-op Update, an update storm (transitions 16 at a time), a deadline storm
 * (reminders falling due at one instant), list p50. Prints a Markdown table (with the command, date,
 * Node version and load average) ready to paste into BENCHMARKS.md, and writes bench/out/cluster.json.
 * Needs `npm run tools:temporal-server` once. About 7 minutes on an idle 2-core machine.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { CATALOG_FILE, importTasks, validateCatalog } from '../catalog/importer';
import { reference } from '../catalog/reference-data';
import { loadConfig } from '../config/env';
import { connectDb } from '../db/client';
import { DAY_MS, addDays, deadlineInstant, vietnamDate } from '../domain/dates';
import type { TaskDefinition } from '../domain/task';
import { freePort } from '../embedded/ports';
import { runtimeFile } from '../embedded/runtime-target';
import { startClusterServices } from '../stack/cluster-services';
import { startSupervisedStack } from '../stack/supervised-stack';
import { policyFromConfig, startTaskWorkflow } from '../temporal/task-client';
import { busyShare } from './machine';
import { noopUpdate } from './workflows/noop';
import { pool, summary, timed } from './stats';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) || dflt : dflt;
};
const TASKS = arg('--tasks', 949);
const N = arg('--n', 200);
const STORM = arg('--storm', 949);
const CONCURRENCY = 16;
const WARM_UP = 20;

type Figures = Record<string, number>;

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

async function measure(target: 'dev server' | 'cluster'): Promise<Figures> {
  const t0 = Date.now();
  const log = (s: string) => console.log(`[${target} ${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-bench-cluster-'));
  // PostgreSQL runs as another user when this runs as root: it must be able to enter the folder.
  if (os.userInfo().uid === 0) fs.chmodSync(dataDir, 0o755);
  const outside = { ...process.env };
  delete outside.DATABASE_URL;
  delete outside.TEMPORAL_ADDRESS;
  delete outside.SMTP_URL;
  const cfg = loadConfig({
    ...outside,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
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
  delete process.env.SMTP_URL;
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
  const upSeconds = (Date.now() - t0) / 1000;
  log(`up in ${upSeconds.toFixed(1)} s (Temporal at ${stack.temporalAddress})`);
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
  const f: Figures = { upSeconds: r1(upSeconds) };
  const load = () => r1(os.loadavg()[0] as number);
  try {
    const all = validateCatalog(
      fs.readFileSync(CATALOG_FILE, 'utf8'),
      new Set(reference.ministries.map((m) => m.code)),
    ).tasks.slice(0, TASKS);
    f.loadAtBulk = load();
    f.busyAtBulk = r2(await busyShare());
    log(`bulk start of ${all.length} task workflows through the two workers (load ${f.loadAtBulk})`);
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
    f.bulkPerSecond = r1(all.length / imported.seconds);
    f.bareStartPerSecond = r1(all.length / (bareMs / 1000));
    f.bulkRatio = r2(f.bulkPerSecond / f.bareStartPerSecond);

    f.loadAtTransition = load();
    log(
      `${N} transitions through the round-robin address, one at a time, then ${N} no-op Updates (load ${f.loadAtTransition})`,
    );
    const open = all
      .filter((t) => t.status === 'REQUIRES_GUIDANCE')
      .slice(0, 50)
      .map((t) => t.code);
    const state = new Map(open.map((c) => [c, 'REQUIRES_GUIDANCE']));
    let docNo = 0;
    /** One transition through the API (back and forth between the two open states), its time in ms. */
    const transition = async (code: string): Promise<number> => {
      const from = state.get(code);
      const body =
        from === 'REQUIRES_GUIDANCE'
          ? { to: 'AUTHORITY_ADJUSTMENT', from, reason: 'benchmark' }
          : { to: 'REQUIRES_GUIDANCE', from, document: { number: `${++docNo}/2026/ND-CP`, issuedOn: '2026-11-20' } };
      const [res, ms] = await timed(() =>
        fetch(`${stack.apiUrl}/api/tasks/${code}/transitions`, { method: 'POST', headers, body: JSON.stringify(body) }),
      );
      if (res.status !== 200) throw new Error(`transition ${code} answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      state.set(code, body.to);
      return ms;
    };
    const transitionMs: number[] = [];
    for (let i = 0; i < N + WARM_UP; i++) {
      const ms = await transition(open[i % open.length] as string);
      if (i >= WARM_UP) transitionMs.push(ms);
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
      transitionRatio: r2(ts.p50 / ns.p50),
    });

    // Update storm: the same transitions, 16 tasks at a time (each task's own transitions one after another).
    f.loadAtUpdateStorm = load();
    const perTask = Math.max(1, Math.round(N / open.length));
    log(`update storm: ${perTask * open.length} transitions, ${CONCURRENCY} at a time (load ${f.loadAtUpdateStorm})`);
    const stormMs: number[] = [];
    const [, stormWall] = await timed(() =>
      pool(open, CONCURRENCY, async (code) => {
        for (let k = 0; k < perTask; k++) stormMs.push(await transition(code));
      }),
    );
    const ss = summary(stormMs);
    Object.assign(f, {
      updateStormPerSecond: r1(stormMs.length / (stormWall / 1000)),
      updateStormP50: ss.p50,
      updateStormP99: ss.p99,
    });

    f.loadAtList = load();
    log(`${N} list requests (load ${f.loadAtList})`);
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

    // Deadline storm: STORM reminders fall due at one instant (as bench/run.ts step 5). The lead time
    // covers starting them at the bulk rate just measured, with room.
    if (STORM > 0) {
      f.loadAtDeadlineStorm = load();
      const leadSeconds = Math.max(30, Math.ceil((STORM / Math.max(1, f.bulkPerSecond)) * 1.5) + 15);
      const dueAt = Date.now() + leadSeconds * 1000;
      let dueDate = vietnamDate(dueAt);
      if (deadlineInstant(dueDate) - dueAt < 60_000) dueDate = addDays(dueDate, 1);
      // Deadlines are whole days; a fractional offset puts the reminder at exactly `dueAt`.
      const policy = {
        ...policyFromConfig(cfg),
        perTaskReminders: true,
        reminderOffsetsDays: [(deadlineInstant(dueDate) - dueAt) / DAY_MS],
      };
      log(`deadline storm: ${STORM} reminders due in ${leadSeconds} s (load ${f.loadAtDeadlineStorm})`);
      const stormTasks: TaskDefinition[] = Array.from({ length: STORM }, (_, i) => ({
        ...(all[i % all.length] as TaskDefinition),
        code: `STORM-${String(i).padStart(4, '0')}`,
        status: 'REQUIRES_GUIDANCE',
        dueDate,
        focalPoint: { name: 'Focal point', email: `focal${i}@ministries.example` },
      }));
      await pool(stormTasks, CONCURRENCY, async (t) => {
        await startTaskWorkflow(client, {
          taskQueue: cfg.TEMPORAL_TASK_QUEUE,
          definition: t,
          policy,
          createdBy: { kind: 'system' },
        });
      });
      if (Date.now() > dueAt) throw new Error('the storm tasks were not all started before their reminders fell due');
      let sent: { sentAt: Date | null }[] = [];
      while (Date.now() < dueAt + 180_000) {
        sent = await db.prisma.notification.findMany({
          where: { taskCode: { startsWith: 'STORM-' }, status: 'SENT' },
          select: { sentAt: true },
        });
        if (sent.length >= STORM) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const rows = await db.prisma.notification.count({ where: { taskCode: { startsWith: 'STORM-' } } });
      const lags = summary(sent.map((s) => ((s.sentAt as Date).getTime() - dueAt) / 1000));
      Object.assign(f, {
        deadlineStormSent: sent.length,
        deadlineStormRows: rows,
        deadlineStormLagP50: lags.p50,
        deadlineStormLagP99: lags.p99,
      });
    }
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
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const started = new Date();
  const uptimeBefore = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const dev = await measure('dev server');
  const cluster = await measure('cluster');
  const uptimeAfter = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const minutes = r1((Date.now() - started.getTime()) / 60_000);
  const rows: [string, string][] = [
    ['stack up (PostgreSQL, Temporal, 2 APIs, 2 workers), s', 'upSeconds'],
    [`bulk start of ${TASKS} tasks, tasks/s`, 'bulkPerSecond'],
    ['bare start loop of a no-op workflow, starts/s', 'bareStartPerSecond'],
    ['**bulk ÷ bare** (target ≥ 0.5)', 'bulkRatio'],
    ['transition p50 ms (through the API, one at a time)', 'transitionP50'],
    ['transition p99 ms', 'transitionP99'],
    ['no-op Update p50 ms (client)', 'noopUpdateP50'],
    ['no-op Update p99 ms', 'noopUpdateP99'],
    ['**transition p50 ÷ no-op Update p50** (target ≤ 2)', 'transitionRatio'],
    [`update storm: transitions/s, ${CONCURRENCY} at a time`, 'updateStormPerSecond'],
    ['update storm p50 ms', 'updateStormP50'],
    ['update storm p99 ms', 'updateStormP99'],
    ['list p50 ms (50 per page)', 'listP50'],
    ['list p99 ms', 'listP99'],
    ...(STORM > 0
      ? ([
          [`deadline storm: reminders sent of ${STORM} (notification rows)`, 'deadlineStorm'],
          ['deadline storm lag p50 s', 'deadlineStormLagP50'],
          ['deadline storm lag p99 s (target < 20)', 'deadlineStormLagP99'],
        ] as [string, string][])
      : []),
    ['1-min load average as the bulk start began', 'loadAtBulk'],
    ['1-min load average as the transitions began', 'loadAtTransition'],
  ];
  const cell = (fig: Figures, key: string) =>
    key === 'deadlineStorm' ? `${fig.deadlineStormSent} (${fig.deadlineStormRows})` : String(fig[key]);
  const command = ['npm run bench:cluster', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(
    ' ',
  );
  const table = [
    `\`${command}\`, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${minutes} min, Node ${process.version},`,
    `${os.cpus().length} cores; \`uptime\` before: ${uptimeBefore.replace(/^.*load/, 'load')}; after: ${uptimeAfter.replace(/^.*load/, 'load')}.`,
    'The dev server first, then the cluster, each on a fresh data folder (PostgreSQL, Temporal, 2 APIs behind one',
    'round-robin address, 2 workers as child processes); each ratio is taken within one target, minutes apart.',
    '',
    `| ${TASKS} tasks, ${N} requests each | dev server | cluster |`,
    '| --- | ---: | ---: |',
    ...rows.map(([label, key]) => `| ${label} | ${cell(dev, key)} | ${cell(cluster, key)} |`),
  ].join('\n');
  console.log(`\n${table}\n`);
  fs.mkdirSync(path.join(__dirname, 'out'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'out', 'cluster.json'),
    `${JSON.stringify({ at: started.toISOString(), command, tasks: TASKS, n: N, storm: STORM, uptimeBefore, uptimeAfter, node: process.version, dev, cluster }, null, 2)}\n`,
  );
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

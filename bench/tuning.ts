/**
 * `npm run bench:tuning [-- --tasks N --rounds R]`: the figures behind the worker's defaults
 * (worker/tuning.ts). One embedded PostgreSQL and Temporal dev server; each candidate worker
 * setting runs in a fresh worker process (as `npm run worker` does) through the same workload:
 *   1. bulk start of N task workflows (Update-with-Start, 16 at a time), each returning once its CREATED event is stored;
 *   2. one locality report (a Workflow Update with a local activity) to each of the N, 16 at a time;
 *   3. N reminders falling due at one instant (a remote activity each, then a persisted event);
 * and reports times, rates and the worker's RSS. Candidates differ from the chosen setting in one
 * knob each; rounds interleave them so the machine's noise falls on all alike. Prints a Markdown table.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Client } from '@temporalio/client';
import { NativeConnection, bundleWorkflowCode } from '@temporalio/worker';
import { createMailer } from '../activities/mailer';
import { CATALOG_FILE, importTasks, validateCatalog } from '../catalog/importer';
import { reference } from '../catalog/reference-data';
import { loadConfig, type Config } from '../config/env';
import { DAY_MS, addDays, deadlineInstant, vietnamDate } from '../domain/dates';
import type { TaskDefinition } from '../domain/task';
import { connectDb } from '../db/client';
import { startFreshStack } from './fresh-stack';
import { policyFromConfig } from '../temporal/task-client';
import { WORKFLOW_BUNDLE_OPTIONS, createTaskWorker } from '../worker/create-worker';
import { workerTuning, type WorkerTuning } from '../worker/tuning';
import { localityReportUpdate, taskWorkflowId } from '../workflows/messages';
import { settle } from './machine';
import { pool, summary } from './stats';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) || dflt : dflt;
};
const TASKS = arg('--tasks', 600);
const ROUNDS = arg('--rounds', 3);
/** `--only 0,2`: run only these candidates (by index). */
const ONLY = process.argv.includes('--only')
  ? (process.argv[process.argv.indexOf('--only') + 1] as string).split(',').map(Number)
  : null;

type Knobs = Partial<
  Record<'cache' | 'wftSlots' | 'atSlots' | 'laSlots' | 'wftPollers' | 'atPollers', number> & {
    reuseV8Context: boolean;
    sdkDefaults: boolean;
  }
>;
/** The chosen setting (the defaults in config/env.ts), then one knob changed at a time. */
const CANDIDATES: [string, Knobs][] = [
  ['chosen', {}],
  ['SDK defaults (cache by heap, 40/100/100 slots, 10/10 pollers)', { sdkDefaults: true }],
  ['workflow task slots 2 (pollers 2)', { wftSlots: 2, wftPollers: 2 }],
  ['activity slots 100, pollers 10; local 100', { atSlots: 100, atPollers: 10, laSlots: 100 }],
  ['cache 100 (below the task count)', { cache: 100 }],
  ['reuseV8Context false', { reuseV8Context: false }],
  ['workflow task slots 10, local activity slots 20 (the choice before eager imports)', { wftSlots: 10, laSlots: 20 }],
  ['workflow task slots 80, local activity slots 80', { wftSlots: 80, laSlots: 80 }],
];

function tuningFor(cfg: Config, k: Knobs): Partial<WorkerTuning> {
  if (k.sdkDefaults) return {};
  const env = {
    ...(k.cache !== undefined ? { WORKER_MAX_CACHED_WORKFLOWS: String(k.cache) } : {}),
    ...(k.wftSlots !== undefined ? { WORKER_WORKFLOW_TASK_SLOTS: String(k.wftSlots) } : {}),
    ...(k.atSlots !== undefined ? { WORKER_ACTIVITY_TASK_SLOTS: String(k.atSlots) } : {}),
    ...(k.laSlots !== undefined ? { WORKER_LOCAL_ACTIVITY_SLOTS: String(k.laSlots) } : {}),
    ...(k.wftPollers !== undefined ? { WORKER_WORKFLOW_POLLERS: String(k.wftPollers) } : {}),
    ...(k.atPollers !== undefined ? { WORKER_ACTIVITY_POLLERS: String(k.atPollers) } : {}),
    ...(k.reuseV8Context !== undefined ? { WORKER_REUSE_V8_CONTEXT: String(k.reuseV8Context) } : {}),
  };
  return workerTuning(loadConfig({ ...process.env, ...env, DATA_DIR: cfg.DATA_DIR }));
}

interface Figures {
  startSeconds: number;
  updatesPerSecond: number;
  updateP99: number;
  stormDrainSeconds: number;
  stormSent: number;
  rssMiB: number;
  /** 1 when the updates were still running as the reminders fell due (the storm then drains later). */
  updatesOverlapStorm: number;
}

/** One candidate in its own process: a worker with the setting, the client on its connection. */
async function child(spec: { knobs: Knobs; prefix: string; bundle: string; dataDir: string }): Promise<Figures> {
  const cfg = loadConfig({ ...process.env, DATA_DIR: spec.dataDir });
  const db = connectDb(cfg.DATABASE_URL as string);
  const mailer = createMailer({ outboxDir: path.join(spec.dataDir, 'outbox') });
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS as string });
  const taskQueue = `tuning-${spec.prefix}`;
  const worker = await createTaskWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue,
    deps: { db, mailer, mailFrom: cfg.MAIL_FROM },
    workflowBundle: { codePath: spec.bundle },
    tuning: tuningFor(cfg, spec.knobs),
  });
  const running = worker.run();
  const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  try {
    const catalog = validateCatalog(
      fs.readFileSync(CATALOG_FILE, 'utf8'),
      new Set(reference.ministries.map((m) => m.code)),
    ).tasks;
    // The storm: every task's one reminder falls due at the same instant, after the other two steps.
    const dueAt = Date.now() + 15_000 + TASKS * 70;
    let dueDate = vietnamDate(dueAt);
    if (deadlineInstant(dueDate) - dueAt < 60_000) dueDate = addDays(dueDate, 1);
    const policy = {
      ...policyFromConfig(cfg),
      perTaskReminders: true,
      reminderOffsetsDays: [(deadlineInstant(dueDate) - dueAt) / DAY_MS],
    };
    const tasks: TaskDefinition[] = Array.from({ length: TASKS }, (_, i) => ({
      ...(catalog[i % catalog.length] as TaskDefinition),
      code: `${spec.prefix}-${String(i).padStart(5, '0')}`,
      status: 'REQUIRES_GUIDANCE',
      dueDate,
      focalPoint: { name: 'Focal point', email: `focal${i}@ministries.example` },
    }));
    // Eager, as the embedded stack and `npm run import` beside a worker start them: the client shares the worker's connection.
    const imported = await importTasks({
      db,
      temporal: client,
      taskQueue,
      policy,
      tasks,
      concurrency: 16,
      eagerStart: true,
    });

    const updateMs: number[] = [];
    const t1 = Date.now();
    await pool(tasks, 16, async (t) => {
      const s = performance.now();
      await client.workflow.getHandle(taskWorkflowId(t.code)).executeUpdate(localityReportUpdate, {
        args: [{ actor: { kind: 'locality', code: 'HNI' }, locality: 'HNI', kind: 'WORKABLE', description: '' }],
      });
      updateMs.push(performance.now() - s);
    });
    const updatesPerSecond = TASKS / ((Date.now() - t1) / 1000);
    const updatesOverlapStorm = Date.now() > dueAt ? 1 : 0;

    const until = dueAt + 180_000;
    let last = { n: 0, at: null as Date | null };
    while (Date.now() < until) {
      const r = await db.prisma.notification.aggregate({
        where: { taskCode: { startsWith: `${spec.prefix}-` }, status: 'SENT' },
        _count: true,
        _max: { sentAt: true },
      });
      last = { n: r._count, at: r._max.sentAt };
      if (last.n >= TASKS) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return {
      startSeconds: round(imported.seconds),
      updatesPerSecond: round(updatesPerSecond),
      updateP99: summary(updateMs).p99,
      stormDrainSeconds: last.at ? round((last.at.getTime() - dueAt) / 1000) : NaN,
      stormSent: last.n,
      rssMiB: round(process.memoryUsage().rss / 2 ** 20),
      updatesOverlapStorm,
    };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await db.close();
    mailer.close();
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return round(s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2);
}

async function main(): Promise<void> {
  const childArg = process.argv.indexOf('--child');
  if (childArg > 0) {
    const figures = await child(JSON.parse(process.argv[childArg + 1] as string));
    console.log(`RESULT ${JSON.stringify(figures)}`);
    return;
  }
  const fresh = await startFreshStack('tracker-tuning-', {}, { worker: false, devTokens: false });
  const { cfg, stack, dataDir } = fresh;
  const bundle = path.join(dataDir, 'workflow-bundle.js');
  const quiet = { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} };
  fs.writeFileSync(bundle, (await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quiet as never })).code);
  const results = new Map<string, Figures[]>(CANDIDATES.map(([name]) => [name, []]));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [i, [name, knobs]] of CANDIDATES.entries()) {
        if (ONLY && !ONLY.includes(i)) continue;
        const busy = await settle();
        const spec = { knobs, prefix: `TUNE${round}${i}`, bundle, dataDir };
        const childEnv = {
          ...process.env,
          DATA_DIR: dataDir,
          DATABASE_URL: stack.databaseUrl,
          TEMPORAL_ADDRESS: stack.temporalAddress,
          TEMPORAL_NAMESPACE: cfg.TEMPORAL_NAMESPACE,
        };
        const proc = spawn(
          process.execPath,
          ['--import', 'tsx', __filename, '--tasks', String(TASKS), '--child', JSON.stringify(spec)],
          { env: childEnv, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let figures: Figures | undefined;
        readline.createInterface({ input: proc.stdout }).on('line', (line) => {
          if (line.startsWith('RESULT ')) figures = JSON.parse(line.slice(7)) as Figures;
        });
        const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
        if (code !== 0 || !figures) throw new Error(`candidate "${name}" failed (exit ${code})`);
        (results.get(name) as Figures[]).push(figures);
        console.log(
          `[round ${round}/${ROUNDS}, machine ${(busy * 100).toFixed(0)}% busy before] ${name}: ${JSON.stringify(figures)}`,
        );
      }
    }
  } finally {
    await fresh.stop();
  }
  const keys: (keyof Figures)[] = [
    'startSeconds',
    'updatesPerSecond',
    'updateP99',
    'stormDrainSeconds',
    'stormSent',
    'rssMiB',
    'updatesOverlapStorm',
  ];
  console.log(
    `\nWorker tuning, ${TASKS} tasks, medians of ${ROUNDS} rounds (each candidate a fresh worker process):\n`,
  );
  console.log(`| candidate | ${keys.join(' | ')} |`);
  console.log(`| --- | ${keys.map(() => '---').join(' | ')} |`);
  for (const [name, runs] of results) {
    if (runs.length === 0) continue;
    console.log(
      `| ${name} | ${keys.map((k) => `${median(runs.map((r) => r[k]))} (${runs.map((r) => r[k]).join(', ')})`).join(' | ')} |`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

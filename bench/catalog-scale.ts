/**
 * `npm run bench:scale [-- --tasks 9490 --runs 1]`: how the cost grows with the catalog. On a fresh
 * embedded stack (as `npm run bench`), a synthetic catalog of N tasks (the 949 repeated under new
 * codes), each with one reminder falling due at the same instant. Measures, in order:
 *   1. bulk start of the N task workflows until each CREATED event is in PostgreSQL (time, rate);
 *   2. the anchor: N bare starts of a no-op workflow, same concurrency;
 *   3. GET /api/dashboard/summary p50 over 200 sequential requests at N tasks;
 *   4. the storm: N reminders due at once, sent through a real SMTP server on loopback (lag, and per
 *      task: one outbox row, one REMINDER_SENT event, one e-mail received; any task with none or with
 *      two is counted as lost or doubled);
 *   5. RSS of the process hosting the worker (with the API and this client) after 1 and after 4;
 * and the CPU seconds each process spent in 1 and in 4 (this process, the Temporal dev server,
 * PostgreSQL), which shows where the time goes. Writes bench/scale-results.json.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { CATALOG_FILE, importTasks, validateCatalog } from '../catalog/importer';
import { reference } from '../catalog/reference-data';
import { DAY_MS, addDays, deadlineInstant, vietnamDate } from '../domain/dates';
import type { TaskDefinition } from '../domain/task';
import { startFreshStack } from './fresh-stack';
import { policyFromConfig } from '../temporal/task-client';
import { LoopbackSmtpServer } from '../embedded/loopback-smtp';
import { settle } from './machine';
import { pool, summary, timed } from './stats';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) || dflt : dflt;
};
const TASKS = arg('--tasks', 9490);
const RUNS = arg('--runs', 1);
/** `--cache N`: the worker's workflow cache (WORKER_MAX_CACHED_WORKFLOWS; default the configured one, 2,000). */
const CACHE = arg('--cache', 0);
const CONCURRENCY = 16;

/** CPU seconds (user + system, including reaped children) of `pids`, from /proc. */
function cpuSeconds(pids: number[]): number {
  const tick = 100;
  let total = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / tick;
    } catch {
      // gone
    }
  }
  return total;
}

/** Processes whose command line contains `needle`, and (with `children`) their direct children. */
function pidsOf(needle: string, children = false): number[] {
  const all = fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number);
  const cmd = (pid: number) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      return '';
    }
  };
  const parent = (pid: number) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return -1;
    }
  };
  const roots = all.filter((p) => p !== process.pid && cmd(p).includes(needle));
  return children ? [...roots, ...all.filter((p) => roots.includes(parent(p)))] : roots;
}

const round = (x: number) => Math.round(x * 100) / 100;

interface ScaleRun {
  tasks: number;
  figures: Record<string, number>;
}

async function runOnce(run: number): Promise<ScaleRun> {
  const t0 = Date.now();
  // Real SMTP on loopback: the storm's e-mails are counted by recipient as they arrive.
  const smtp = new LoopbackSmtpServer();
  await smtp.start();
  const fresh = await startFreshStack('tracker-scale-', {
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    ...(CACHE > 0 ? { WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) } : {}),
    RATE_LIMIT_PER_MINUTE: '100000000',
  });
  const { cfg, stack, dataDir } = fresh;
  const log = (s: string) =>
    console.log(`[scale ${TASKS} run ${run}/${RUNS} ${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}`);
  log(`fresh embedded stack in ${dataDir}`);
  const token = fresh.tokenOf('home-affairs');
  const nativeConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  const noopWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: 'bench-noop',
    workflowsPath: path.join(__dirname, 'workflows', 'noop.ts'),
  });
  const noopRunning = noopWorker.run();
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  const temporalPids = pidsOf(`--port ${cfg.TEMPORAL_DEV_PORT} `);
  const postgresPids = () => pidsOf(path.join(dataDir, 'postgres'), true);
  const cpu = () => ({
    tracker: cpuSeconds([process.pid]),
    temporal: cpuSeconds(temporalPids),
    postgres: cpuSeconds(postgresPids()),
  });
  const f: Record<string, number> = {};
  try {
    const busyBefore = await settle();
    f.machineBusyPctBefore = round(busyBefore * 100);
    f.rssMiBBefore = round(process.memoryUsage().rss / 2 ** 20);
    const catalog = validateCatalog(
      fs.readFileSync(CATALOG_FILE, 'utf8'),
      new Set(reference.ministries.map((m) => m.code)),
    ).tasks;
    // Every task's one reminder falls at `dueAt`: late enough for the start, the anchor and the
    // dashboard figures to finish first even on a loaded machine (12.5 starts a second).
    const dueAt = Date.now() + (60 + TASKS * 0.08) * 1000;
    let dueDate = vietnamDate(dueAt);
    if (deadlineInstant(dueDate) - dueAt < 60_000) dueDate = addDays(dueDate, 1);
    const policy = {
      ...policyFromConfig(cfg),
      perTaskReminders: true,
      reminderOffsetsDays: [(deadlineInstant(dueDate) - dueAt) / DAY_MS],
    };
    const tasks: TaskDefinition[] = Array.from({ length: TASKS }, (_, i) => {
      const base = catalog[i % catalog.length] as TaskDefinition;
      const copy = Math.floor(i / catalog.length);
      return {
        ...base,
        code: copy === 0 ? base.code : `${base.code}-X${copy}`,
        status: 'REQUIRES_GUIDANCE',
        dueDate,
        focalPoint: { name: 'Focal point', email: `focal${i}@ministries.example` },
      };
    });

    log(`1. bulk start of ${TASKS} task workflows`);
    const cpu0 = cpu();
    const imported = await importTasks({
      db: stack.db,
      temporal: stack.temporal,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      policy,
      tasks,
      concurrency: CONCURRENCY,
      eagerStart: stack.workerInProcess,
    });
    const cpu1 = cpu();
    f.startSeconds = round(imported.seconds);
    f.startPerSecond = round(TASKS / imported.seconds);
    f.rssMiBAfterStart = round(process.memoryUsage().rss / 2 ** 20);
    f.cpuStartTracker = round(cpu1.tracker - cpu0.tracker);
    f.cpuStartTemporal = round(cpu1.temporal - cpu0.temporal);
    f.cpuStartPostgres = round(cpu1.postgres - cpu0.postgres);
    log(JSON.stringify(f));

    // A short pause, not settle(): on a shared machine that can wait a minute, and the storm is timed.
    await new Promise((r) => setTimeout(r, 5_000));
    log(`2. anchor: ${TASKS} bare starts of a no-op workflow`);
    const [, bareMs] = await timed(() =>
      pool(
        tasks.map((_, i) => i),
        CONCURRENCY,
        async (i) => {
          await client.workflow.start('noopWorkflow', { taskQueue: 'bench-noop', workflowId: `noop-${i}` });
        },
      ),
    );
    f.bareStartPerSecond = round(TASKS / (bareMs / 1000));
    f.startRatio = round(f.startPerSecond / f.bareStartPerSecond);

    await new Promise((r) => setTimeout(r, 5_000));
    log('3. dashboard summary p50');
    const ms: number[] = [];
    for (let i = 0; i < 200; i++) {
      const [res, t] = await timed(() =>
        fetch(`${stack.apiUrl}/api/dashboard/summary`, { headers: { Authorization: `Bearer ${token}` } }),
      );
      await res.arrayBuffer();
      ms.push(t);
    }
    f.summaryP50 = summary(ms).p50;
    log(JSON.stringify(f));

    f.startDoneBeforeStorm = Date.now() < dueAt ? 1 : 0;
    if (Date.now() < dueAt) await new Promise((r) => setTimeout(r, dueAt - Date.now()));
    log(`4. storm: ${TASKS} reminders due at ${new Date(dueAt).toISOString()}`);
    const cpu2 = cpu();
    const until = dueAt + Math.max(300, TASKS * 0.2) * 1000;
    let sent: { sentAt: Date | null }[] = [];
    while (Date.now() < until) {
      const n = await stack.db.prisma.notification.count({ where: { status: 'SENT' } });
      if (n >= TASKS) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const cpu3 = cpu();
    sent = await stack.db.prisma.notification.findMany({ where: { status: 'SENT' }, select: { sentAt: true } });
    const lags = summary(sent.map((s) => ((s.sentAt as Date).getTime() - dueAt) / 1000));
    // Recorded once per task: the REMINDER_SENT audit events follow the e-mail by one local activity.
    const deadline = Date.now() + 60_000;
    let events = 0;
    while (Date.now() < deadline) {
      events = await stack.db.prisma.auditEvent.count({ where: { kind: 'REMINDER_SENT' } });
      if (events >= TASKS) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    f.reminders = TASKS;
    f.sent = sent.length;
    f.notificationRows = await stack.db.prisma.notification.count();
    f.reminderEvents = events;
    // Per task, against what each must have: exactly one outbox row (SENT), one REMINDER_SENT event,
    // one e-mail to its focal point (each task has its own address).
    const perTask = async (sql: string) =>
      new Map((await stack.db.pool.query<{ code: string; n: number }>(sql)).rows.map((r) => [r.code, Number(r.n)]));
    const rows = await perTask(
      `SELECT task_code AS code, count(*) FILTER (WHERE status = 'SENT') AS n FROM notifications GROUP BY task_code`,
    );
    const audited = await perTask(
      `SELECT task_code AS code, count(*) AS n FROM audit_events WHERE kind = 'REMINDER_SENT' GROUP BY task_code`,
    );
    const mails = new Map<string, number>();
    for (const m of smtp.received) for (const to of m.to) mails.set(to, (mails.get(to) ?? 0) + 1);
    const count = (m: Map<string, number>, key: string) => m.get(key) ?? 0;
    const off = (pick: (t: TaskDefinition) => number) => ({
      lost: tasks.filter((t) => pick(t) === 0).length,
      doubled: tasks.filter((t) => pick(t) > 1).length,
    });
    const byRow = off((t) => count(rows, t.code));
    const byEvent = off((t) => count(audited, t.code));
    const byMail = off((t) => count(mails, t.focalPoint.email as string));
    f.emailsReceived = smtp.received.length;
    f.lostOutboxRows = byRow.lost;
    f.doubledOutboxRows = byRow.doubled;
    f.lostEvents = byEvent.lost;
    f.doubledEvents = byEvent.doubled;
    f.lostEmails = byMail.lost;
    f.doubledEmails = byMail.doubled;
    f.lagP50s = lags.p50;
    f.lagP99s = lags.p99;
    f.drainSeconds = lags.max;
    f.drainPerSecond = round(sent.length / Math.max(lags.max, 0.001));
    f.cpuStormTracker = round(cpu3.tracker - cpu2.tracker);
    f.cpuStormTemporal = round(cpu3.temporal - cpu2.temporal);
    f.cpuStormPostgres = round(cpu3.postgres - cpu2.postgres);
    f.rssMiBAfterStorm = round(process.memoryUsage().rss / 2 ** 20);
    const sqlite = path.join(dataDir, 'temporal', 'temporal.sqlite');
    f.temporalSqliteMiB = round(
      [sqlite, `${sqlite}-wal`].filter((p) => fs.existsSync(p)).reduce((a, p) => a + fs.statSync(p).size, 0) / 2 ** 20,
    );
  } finally {
    noopWorker.shutdown();
    await noopRunning;
    await nativeConnection.close();
    await connection.close();
    await fresh.stop();
    await smtp.stop();
  }
  log(JSON.stringify(f));
  return { tasks: TASKS, figures: f };
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--child');
  if (child > 0) {
    fs.writeFileSync(process.argv[child + 2] as string, JSON.stringify(await runOnce(Number(process.argv[child + 1]))));
    return;
  }
  const runs: ScaleRun[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-scale-runs-'));
  try {
    for (let run = 1; run <= RUNS; run++) {
      const out = path.join(dir, `run-${run}.json`);
      // Each run in a fresh process, as npm run bench does.
      const code = await new Promise<number | null>((resolve) =>
        spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            __filename,
            '--tasks',
            String(TASKS),
            '--runs',
            String(RUNS),
            '--cache',
            String(CACHE),
            '--child',
            String(run),
            out,
          ],
          { stdio: 'inherit' },
        ).once('exit', resolve),
      );
      if (code !== 0) throw new Error(`scale run ${run} failed (exit ${code})`);
      runs.push(JSON.parse(fs.readFileSync(out, 'utf8')) as ScaleRun);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const file = path.join(__dirname, 'scale-results.json');
  const existing = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  existing[String(TASKS)] = {
    date: new Date().toISOString(),
    command: `npm run bench:scale -- --tasks ${TASKS} --runs ${RUNS}${CACHE > 0 ? ` --cache ${CACHE}` : ''}`,
    runs: runs.map((r) => r.figures),
  };
  fs.writeFileSync(file, `${JSON.stringify(existing, null, 2)}\n`);
  for (const r of runs) console.log(JSON.stringify(r.figures));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

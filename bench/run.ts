/**
 * `npm run bench [-- --quick]`: measures the tracker on a fresh embedded stack (its own ports and
 * data folder, so a running `npm start` is untouched), each figure beside an anchor measured in the
 * same run. Writes bench/results.json and the results section of BENCHMARKS.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { CATALOG_FILE, importTasks, validateCatalog } from '../catalog/importer';
import { reference } from '../catalog/reference-data';
import { DAY_MS, addDays, deadlineInstant, vietnamDate } from '../domain/dates';
import type { TaskDefinition } from '../domain/task';
import { startFreshStack } from './fresh-stack';
import { policyFromConfig, startTaskWorkflow } from '../temporal/task-client';
import { resolveTemporalCli } from '../embedded/temporal-binaries';
import { freePort } from '../embedded/ports';
import { runTs } from '../embedded/run-ts';
import { noopUpdate } from './workflows/noop';
import { benchSettlement, settlementResults } from './documents';
import { benchLocalities, localityResults } from './localities';
import { mixedLoad, movableCodes } from './mixed-load';
import { settle } from './machine';
import { pool, summary, timed } from './stats';
import { pageServerTimes, signInToPages } from './page-session';

const quick = process.argv.includes('--quick');
const runsArg = process.argv.indexOf('--runs');
/** Medians over several runs, each on a fresh stack: 3 by default for the full suite, 1 for --quick. */
const RUNS = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 1) : quick ? 1 : 3;
const ROOT = path.resolve(__dirname, '..');

interface Result {
  name: string;
  figure: Record<string, number>;
  anchor: Record<string, number> | null;
  ratio: number | null;
  target: string;
  /** Which of CHECKS decides whether the target is met. */
  id: keyof typeof CHECKS;
  note?: string;
}

type Figures = Record<string, number>;
/**
 * Whether each target is met by a set of figures: applied to the medians, and for a correctness
 * target (`everyRun`) to every run as well.
 */
const CHECKS = {
  bulk: { everyRun: false, met: (_f: Figures, _a: Figures | null, r: number | null) => (r as number) >= 0.5 },
  transition: {
    everyRun: false,
    met: (f: Figures, _a: Figures | null, r: number | null) =>
      (f.p50 as number) < 25 && (f.p99 as number) < 75 && (r as number) <= 2,
  },
  list: {
    everyRun: false,
    met: (f: Figures, _a: Figures | null, r: number | null) => (r as number) >= 0.5 && (f.p99 as number) < 50,
  },
  dashboard: {
    everyRun: false,
    met: (f: Figures, a: Figures | null) => (a?.summaryP50 as number) < 10 && (f.summaryP50 as number) < 100,
  },
  storm: {
    everyRun: true,
    met: (f: Figures) =>
      f.sent === f.reminders &&
      f.notificationRows === f.reminders &&
      f.outboxFiles === f.reminders &&
      (f.lagP99s as number) < 20,
  },
  memory: { everyRun: false, met: (f: Figures) => (f.rssMiBWithTasksCached as number) < 1024 },
  pages: { everyRun: false, met: (f: Figures) => (f.publicP50 as number) < 50 && (f.dashboardP50 as number) < 50 },
  localityReport: { everyRun: false, met: (f: Figures) => (f.firstMs as number) < 2000 },
  matrix: { everyRun: false, met: (f: Figures) => (f.ministryP50 as number) < 50 && (f.localityP50 as number) < 50 },
  // At least the published matrix (949 × 34): in the full run the earlier steps' synthetic tasks add cells of their own.
  matrixCsv: { everyRun: false, met: (f: Figures) => (f.cells as number) >= 32266 && (f.p50Ms as number) < 2000 },
  roundStorm: {
    everyRun: true,
    met: (f: Figures) =>
      f.sent === f.localities &&
      f.outboxRows === f.localities &&
      f.outboxFiles === f.localities &&
      (f.seconds as number) < 10,
  },
  roundMemory: { everyRun: false, met: (f: Figures) => (f.rssMB as number) < 1024 },
  settlement: { everyRun: false, met: (f: Figures) => (f.allFeasibleSeconds as number) < 10 },
  mixedLoad: {
    everyRun: false,
    met: (f: Figures) => f.failures === 0 && (f.listP99 as number) < 100 && (f.transitionP99 as number) < 2000,
  },
};

interface Run {
  results: Result[];
  postgres: string;
  /** Share of both cores busy (0..1) in the second before each benchmark, after waiting for quiet: the other tenants' load. */
  busy: Record<string, number>;
  /** The 1-minute load average as each benchmark began (2 = both cores' worth of runnable work), and at the end of the run. */
  load?: Record<string, number>;
}

async function runOnce(run: number): Promise<Run> {
  const t0 = Date.now();
  const log = (s: string) => console.log(`[bench run ${run}/${RUNS} ${((Date.now() - t0) / 1000).toFixed(0)}s] ${s}`);
  log(`starting a fresh embedded stack${quick ? ' (quick mode)' : ''}`);
  const fresh = await startFreshStack('tracker-bench-', {
    RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
  });
  const { cfg, stack, dataDir } = fresh;
  log(`the stack runs in ${dataDir}`);
  const results: Result[] = [];
  let postgres = '?';
  const busy: Record<string, number> = {};
  const load: Record<string, number> = {};
  /** Waits for quiet before a benchmark and notes how loaded the machine still was. */
  const mark = async (name: string) => {
    busy[name] = await settle();
    load[name] = round(os.loadavg()[0] as number);
  };
  const token = fresh.tokenOf('home-affairs');
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

  // The anchor workflow runs on its own worker and task queue against the same server.
  const noopQueue = 'bench-noop';
  const nativeConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  const noopWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: noopQueue,
    workflowsPath: path.join(__dirname, 'workflows', 'noop.ts'),
  });
  const noopRunning = noopWorker.run();
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });

  try {
    await mark('bulk');
    const rssBeforeImport = process.memoryUsage().rss / 2 ** 20;
    // 1. Bulk start.
    const all = validateCatalog(
      fs.readFileSync(CATALOG_FILE, 'utf8'),
      new Set(reference.ministries.map((m) => m.code)),
    ).tasks;
    const tasks = quick ? all.slice(0, 200) : all;
    const concurrency = 16;
    log(`1. bulk start of ${tasks.length} task workflows (each with its first persisted event)`);
    const imported = await importTasks({
      db: stack.db,
      temporal: stack.temporal,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      policy: policyFromConfig(cfg),
      tasks,
      concurrency,
      eagerStart: stack.workerInProcess,
    });
    // Memory with every task workflow cached, before anything else is started.
    const rssAfterImport = process.memoryUsage().rss / 2 ** 20;
    const [, bareMs] = await timed(() =>
      pool(
        tasks.map((_, i) => i),
        concurrency,
        async (i) => {
          await client.workflow.start('noopWorkflow', { taskQueue: noopQueue, workflowId: `noop-${i}` });
        },
      ),
    );
    const ours = tasks.length / imported.seconds;
    const bare = tasks.length / (bareMs / 1000);
    results.push({
      name: `bulk start (${tasks.length} workflows)`,
      figure: { seconds: round(imported.seconds), perSecond: round(ours) },
      anchor: { seconds: round(bareMs / 1000), perSecond: round(bare) },
      ratio: round(ours / bare),
      target: '>= 0.5x the bare start rate',
      id: 'bulk',
      note: 'anchor: bare client.workflow.start of a no-op workflow (no persistence), same concurrency (16)',
    });

    await mark('transition');
    // 2. Transition round trip through the API vs a no-op update.
    const n = quick ? 100 : 500;
    const open = tasks
      .filter((t) => t.status === 'REQUIRES_GUIDANCE')
      .slice(0, 50)
      .map((t) => t.code);
    log(`2. ${n} transitions through the API over ${open.length} tasks`);
    // As deployed: one log line per request (the default), to the benchmark's pipe.
    const apiEnv = (cacheSeconds: number) => ({ ...fresh.apiEnv(), LIST_CACHE_SECONDS: String(cacheSeconds) });
    const state = new Map(open.map((c) => [c, 'REQUIRES_GUIDANCE']));
    // As deployed (npm start and production alike): the API in its own process, the worker here.
    const apiProc = await runTs(
      'stack/api-main.ts',
      [],
      { ...apiEnv(cfg.LIST_CACHE_SECONDS), PORT: String(await freePort()) },
      /listening on http/,
    );
    const api = (/https?:\/\/[^/\s"]+/.exec(apiProc.readyLine) as RegExpExecArray)[0];
    const transitionMs: number[] = [];
    // The first 20 of each warm up (JIT, connection pools, prepared statements) and are not counted.
    const warmUp = 20;
    for (let i = 0; i < n + warmUp; i++) {
      const code = open[i % open.length] as string;
      const from = state.get(code);
      const body =
        from === 'REQUIRES_GUIDANCE'
          ? { to: 'AUTHORITY_ADJUSTMENT', from, reason: 'benchmark' }
          : { to: 'REQUIRES_GUIDANCE', from, document: { number: `${i}/2026/ND-CP`, issuedOn: '2026-11-20' } };
      const [res, ms] = await timed(() =>
        fetch(`${api}/api/tasks/${code}/transitions`, { method: 'POST', headers, body: JSON.stringify(body) }),
      );
      if (res.status !== 200) throw new Error(`transition ${code} answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      if (i >= warmUp) transitionMs.push(ms);
      state.set(code, body.to);
    }
    await apiProc.stop();
    const noop = client.workflow.getHandle('noop-0');
    const noopMs: number[] = [];
    for (let i = 0; i < n + warmUp; i++) {
      const [, ms] = await timed(() => noop.executeUpdate(noopUpdate, { args: [i] }));
      if (i >= warmUp) noopMs.push(ms);
    }
    const ts = summary(transitionMs);
    const ns = summary(noopMs);
    results.push({
      name: `transition round trip (${n})`,
      figure: { p50: ts.p50, p95: ts.p95, p99: ts.p99 },
      anchor: { p50: ns.p50, p95: ns.p95, p99: ns.p99 },
      ratio: round(ts.p50 / ns.p50),
      target: 'p50 < 25 ms and <= 2x the no-op update, p99 < 75 ms',
      id: 'transition',
      note: `ms, after ${warmUp} uncounted of each; the API (npm run api) in its own process, the worker in the benchmark process: HTTP + auth + Workflow Update + audit/read-model statement + response; anchor: a no-op Workflow Update sent with the client`,
    });

    await mark('list');
    // 3. List throughput vs an Express hello-world. Both servers run in their own process, as
    // `npm run api` does in production, so the load generator (here) does not share their event loop.
    const duration = quick ? 3 : 10;
    log(`3. list throughput, 50 connections for ${duration} s each`);
    const listPath = '/api/tasks?status=REQUIRES_GUIDANCE&limit=50';
    const cannon = (url: string, h: Record<string, string> = {}) =>
      autocannon({ url, connections: 50, duration, headers: h });
    const measure = async (
      script: string,
      env: NodeJS.ProcessEnv,
      ready: RegExp,
      path: string,
      h: Record<string, string> = {},
    ) => {
      const proc = await runTs(script, [], env, ready);
      try {
        // The API logs JSON lines now (pino): the URL ends at the closing quote.
        const base = (/https?:\/\/[^/\s"]+/.exec(proc.readyLine) as RegExpExecArray)[0];
        await cannon(`${base}${path}`, h); // warm-up (JIT, prepared statements, caches)
        const run = await cannon(`${base}${path}`, h);
        if (run.non2xx > 0) throw new Error(`${script} answered ${run.non2xx} non-2xx`);
        return run;
      } finally {
        await proc.stop();
      }
    };
    const auth = { Authorization: `Bearer ${token}` };
    const list = await measure(
      'stack/api-main.ts',
      { ...apiEnv(cfg.LIST_CACHE_SECONDS), PORT: String(await freePort()) },
      /listening on http/,
      listPath,
      auth,
    );
    const uncached = await measure(
      'stack/api-main.ts',
      { ...apiEnv(0), PORT: String(await freePort()) },
      /listening on http/,
      listPath,
      auth,
    );
    const helloRun = await measure('bench/hello-server.ts', {}, /hello: listening/, '/');
    results.push({
      name: `list GET ${listPath}`,
      figure: {
        reqPerSec: round(list.requests.average),
        p99: list.latency.p99,
        uncachedReqPerSec: round(uncached.requests.average),
        uncachedP99: uncached.latency.p99,
        uncachedRatio: round(uncached.requests.average / helloRun.requests.average),
      },
      anchor: { reqPerSec: round(helloRun.requests.average), p99: helloRun.latency.p99 },
      ratio: round(list.requests.average / helloRun.requests.average),
      target: '>= 50% of the hello-world req/s and p99 < 50 ms',
      id: 'list',
      note: `autocannon in the benchmark process, 50 connections, loopback; the API (npm run api) and the hello-world each in their own process, warmed up for one round first; reqPerSec/p99 as deployed (page cache on, LIST_CACHE_SECONDS=${cfg.LIST_CACHE_SECONDS}), uncached* with LIST_CACHE_SECONDS=0 (every request reads PostgreSQL)`,
    });

    await mark('dashboard');
    // 4. Dashboards at the seeded size and at 100,000 tasks.
    const reps = quick ? 50 : 200;
    const dash = async () => {
      const out: Record<string, number> = {};
      for (const p of ['summary', 'bottlenecks']) {
        const ms: number[] = [];
        for (let i = 0; i < reps; i++) {
          const [res, t] = await timed(() => fetch(`${stack.apiUrl}/api/dashboard/${p}`, { headers }));
          await res.arrayBuffer();
          ms.push(t);
        }
        const s = summary(ms);
        out[`${p}P50`] = s.p50;
        out[`${p}P95`] = s.p95;
      }
      return out;
    };
    log(`4. dashboards at ${tasks.length} tasks`);
    const small = await dash();
    await settle();
    // 4b. Pages, server-rendered, at the seeded size: the public page and the Home Affairs dashboard
    // (signed in with a session, as a person is), beside the API's summary from the same stack.
    log(`4b. pages at ${tasks.length} tasks`);
    // The stack's own API (the transitions' API process has stopped by now), as the dashboards above.
    const { visitor, session } = await signInToPages(stack.apiUrl, token);
    const publicPage = await pageServerTimes(stack.apiUrl, '/', visitor, reps);
    const dashboardPage = await pageServerTimes(stack.apiUrl, '/dashboard', session, reps);
    results.push({
      name: `pages at ${tasks.length} tasks (public page, Home Affairs dashboard)`,
      figure: {
        publicP50: publicPage.p50,
        publicP95: publicPage.p95,
        dashboardP50: dashboardPage.p50,
        dashboardP95: dashboardPage.p95,
      },
      anchor: { apiSummaryP50: small.summaryP50 as number, apiBottlenecksP50: small.bottlenecksP50 as number },
      ratio: round(dashboardPage.p50 / ((small.summaryP50 as number) + (small.bottlenecksP50 as number))),
      target: 'p50 < 50 ms for both pages',
      id: 'pages',
      note: `ms over ${reps} sequential requests each, loopback, rendered on the server (what a first load transfers: npm run bench:pages, Lighthouse); anchor: the API's summary and bottlenecks p50 (the dashboard reads both); ratio = dashboard p50 / their sum`,
    });

    const synthetic = quick ? 10_000 : 100_000;
    log(`4. inserting ${synthetic} synthetic read-model rows`);
    const ministries = reference.ministries.filter((m) => m.delegates).map((m) => m.code);
    await stack.db.prisma.$executeRawUnsafe(`
      INSERT INTO tasks (code, title, sector, status, status_since, lead_ministry_code, coordinating_ministries, due_date, reports_obstacle, updated_at)
      SELECT 'SYN-' || lpad(g::text, 6, '0'), 'Synthetic task ' || g, 'Synthetic',
             (ARRAY['FEASIBLE','FEASIBLE','REQUIRES_GUIDANCE','AUTHORITY_ADJUSTMENT'])[1 + g % 4]::"TaskStatus",
             now() - (g % 400) * interval '1 day',
             (ARRAY[${ministries.map((m) => `'${m}'`).join(',')}])[1 + g % ${ministries.length}],
             '{}', CASE WHEN g % 4 = 0 OR g % 4 = 1 THEN NULL ELSE current_date + (g % 600 - 300) END, g % 5, now()
        FROM generate_series(1, ${synthetic}) g`);
    await stack.db.prisma.$executeRawUnsafe('ANALYZE tasks');
    const large = await dash();
    results.push({
      name: `dashboard at ${tasks.length} vs ${tasks.length + synthetic} tasks`,
      figure: { tasks: tasks.length + synthetic, ...large },
      anchor: { tasks: tasks.length, ...small },
      ratio: round((large.summaryP50 as number) / (small.summaryP50 as number)),
      target: 'summary p50 < 10 ms at 949 and < 100 ms at 100,000',
      id: 'dashboard',
      note: `ms over ${reps} sequential requests each; ratio = growth of the summary p50`,
    });
    await stack.db.prisma.$executeRawUnsafe(`DELETE FROM tasks WHERE code LIKE 'SYN-%'`);

    await mark('storm');
    // 5. Deadline storm: every reminder falls due at the same instant.
    const stormN = quick ? 100 : 949;
    const leadSeconds = quick ? 25 : 60;
    const dueAt = Date.now() + leadSeconds * 1000;
    let dueDate = vietnamDate(dueAt);
    if (deadlineInstant(dueDate) - dueAt < 60_000) dueDate = addDays(dueDate, 1);
    // Deadlines are whole days; a fractional offset puts the reminder at exactly `dueAt`.
    const policy = {
      ...policyFromConfig(cfg),
      perTaskReminders: true,
      reminderOffsetsDays: [(deadlineInstant(dueDate) - dueAt) / DAY_MS],
    };
    log(`5. deadline storm: ${stormN} reminders due at ${new Date(dueAt).toISOString()}`);
    const stormTasks: TaskDefinition[] = Array.from({ length: stormN }, (_, i) => ({
      ...(tasks[i % tasks.length] as TaskDefinition),
      code: `STORM-${String(i).padStart(4, '0')}`,
      status: 'REQUIRES_GUIDANCE',
      dueDate,
      focalPoint: { name: 'Focal point', email: `focal${i}@ministries.example` },
    }));
    await pool(stormTasks, 16, async (t) => {
      await startTaskWorkflow(stack.temporal, {
        taskQueue: cfg.TEMPORAL_TASK_QUEUE,
        definition: t,
        policy,
        createdBy: { kind: 'system' },
      });
    });
    if (Date.now() > dueAt)
      throw new Error('the storm tasks were not all started before their reminders fell due; raise leadSeconds');
    const deadline = dueAt + 180_000;
    let sent: { sentAt: Date | null }[] = [];
    while (Date.now() < deadline) {
      sent = await stack.db.prisma.notification.findMany({
        where: { taskCode: { startsWith: 'STORM-' }, status: 'SENT' },
        select: { sentAt: true },
      });
      if (sent.length >= stormN) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const rows = await stack.db.prisma.notification.count({ where: { taskCode: { startsWith: 'STORM-' } } });
    const files = fs.readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.startsWith('STORM-')).length;
    const lags = sent.map((s) => ((s.sentAt as Date).getTime() - dueAt) / 1000);
    const ls = summary(lags);
    results.push({
      name: `deadline storm (${stormN} reminders due at once)`,
      figure: {
        reminders: stormN,
        sent: sent.length,
        notificationRows: rows,
        outboxFiles: files,
        lagP50s: ls.p50,
        lagP99s: ls.p99,
        drainSeconds: ls.max,
      },
      anchor: null,
      ratio: null,
      target: 'every reminder sent once, p99 lag < 20 s, in every run',
      id: 'storm',
      note: 'embedded default e-mail (outbox folder); lag = sent time - due time',
    });

    await settle();
    // 7. The localities' half: a whole report, the matrix, its CSV, a round's reminder storm.
    results.push(...localityResults(await benchLocalities(stack, cfg, dataDir, quick, log)));

    await settle();
    // 8. One document settles many tasks (one request, a batch workflow).
    results.push(...settlementResults(await benchSettlement(stack, cfg, quick ? 50 : 100, log)));

    await mark('mixedLoad');
    // 9. Fifty clients at once, reads and writes mixed (issue 28's load), with what the p99 waits on.
    const seconds = quick ? 10 : 30;
    const mixed = await mixedLoad({
      apiEnv: fresh.apiEnv(),
      db: stack.db,
      token,
      // Past the tasks step 2 moved, so each mover starts from REQUIRES_GUIDANCE.
      codes: movableCodes(tasks, 50, 25),
      clients: 50,
      seconds,
      log,
    });
    results.push({
      name: `mixed load (50 clients, ${seconds} s: lists and transitions)`,
      figure: { ...mixed },
      anchor: null,
      ratio: null,
      target: 'list p99 < 100 ms and transition p99 < 2 s at 50 clients, every answer 200',
      id: 'mixedLoad',
      note: 'half the clients read task lists, half move their own task back and forth (REQUIRES_GUIDANCE <-> AUTHORITY_ADJUSTMENT, with a document back); the API in its own process; apiLoop* is its event-loop delay, workerLoop* the benchmark process (worker and load generator), lockWait* PostgreSQL sessions waiting on a lock (sampled every 100 ms)',
    });

    // 6. Memory with every workflow cached.
    const open2 = tasks.length + stormN + tasks.length;
    const rss = process.memoryUsage().rss / 2 ** 20;
    results.push({
      name: 'worker memory',
      figure: {
        rssMiBWithTasksCached: round(rssAfterImport),
        tasks: tasks.length,
        rssMiBAtEnd: round(rss),
        workflowsAtEnd: open2,
      },
      anchor: { rssMiBBeforeImport: round(rssBeforeImport) },
      ratio: null,
      target: '< 1 GB RSS with 949 cached',
      id: 'memory',
      note: 'RSS of the one process that runs the worker, the API and the benchmark client (an upper bound for the worker); at the end it also caches the storm and no-op workflows',
    });
  } finally {
    noopWorker.shutdown();
    await noopRunning;
    await nativeConnection.close();
    await connection.close();
    postgres = (
      (await stack.db.prisma.$queryRawUnsafe<{ version: string }[]>('SELECT version()'))[0]?.version ?? '?'
    ).split(' on ')[0] as string;
    await fresh.stop();
  }
  log('done');
  load.end = round(os.loadavg()[0] as number);
  return { results, postgres, busy, load };
}

/**
 * Each run is a fresh process (`--child <n> <file>`), so no run inherits the memory, JIT state or
 * caches of the one before; this process collects them and writes the medians.
 */
async function main(): Promise<void> {
  const child = process.argv.indexOf('--child');
  if (child > 0) {
    const run = await runOnce(Number(process.argv[child + 1]));
    fs.writeFileSync(process.argv[child + 2] as string, JSON.stringify(run));
    return;
  }
  const runs: Run[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-bench-runs-'));
  try {
    for (let run = 1; run <= RUNS; run++) {
      const out = path.join(dir, `run-${run}.json`);
      const args = [
        '--import',
        'tsx',
        __filename,
        ...(quick ? ['--quick'] : []),
        '--runs',
        String(RUNS),
        '--child',
        String(run),
        out,
      ];
      const code = await new Promise<number | null>((resolve) =>
        spawn(process.execPath, args, { stdio: 'inherit' }).once('exit', resolve),
      );
      if (code !== 0) throw new Error(`benchmark run ${run} failed (exit ${code})`);
      runs.push(JSON.parse(fs.readFileSync(out, 'utf8')) as Run);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  writeResults(runs, quick);
  // `--skip-insight`: the figures above only (the insight step takes minutes of its own).
  if (process.argv.includes('--skip-insight')) return;
  // The insight figures (as-of summary, digest run) on their own fresh database: bench/insight.ts.
  const insight = await new Promise<number | null>((resolve) =>
    spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'insight.ts'), ...(quick ? ['--quick'] : [])], {
      stdio: 'inherit',
    }).once('exit', resolve),
  );
  if (insight !== 0) throw new Error(`the insight benchmark failed (exit ${insight})`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return round(s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2);
}

function medianOf(records: Record<string, number>[]): Record<string, number> {
  const first = records[0] as Record<string, number>;
  return Object.fromEntries(Object.keys(first).map((k) => [k, median(records.map((r) => r[k] as number))]));
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function writeResults(runs: Run[], isQuick: boolean): void {
  const pkg = (name: string) =>
    (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
      .version;
  let temporalCli = '?';
  try {
    temporalCli = execFileSync(resolveTemporalCli(process.env, { install: false }), ['--version'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    // reported as unknown
  }
  const command = `npm run bench${isQuick ? ' -- --quick' : ''}${runsArg > 0 ? `${isQuick ? '' : ' --'} --runs ${RUNS}` : ''}`;
  const meta = {
    date: new Date().toISOString(),
    mode: isQuick ? 'quick' : 'full',
    runs: runs.length,
    command,
    machine: { cores: os.cpus().length, memoryGiB: round(os.totalmem() / 2 ** 30), cpu: os.cpus()[0]?.model ?? '?' },
    versions: {
      node: process.version,
      temporalCli,
      temporalSdk: pkg('@temporalio/worker'),
      prisma: pkg('@prisma/client'),
      postgres: runs[0]?.postgres ?? '?',
    },
  };
  const first = (runs[0] as Run).results;
  const medians = first.map((r, i) => {
    const each = runs.map((run) => run.results[i] as Result);
    const figure = medianOf(each.map((e) => e.figure));
    const anchor = r.anchor ? medianOf(each.map((e) => e.anchor as Record<string, number>)) : null;
    const ratio = r.ratio === null ? null : median(each.map((e) => e.ratio as number));
    const check = CHECKS[r.id];
    const met =
      check.met(figure, anchor, ratio) &&
      (!check.everyRun || each.every((e) => check.met(e.figure, e.anchor, e.ratio)));
    return {
      name: r.name,
      figure,
      anchor,
      ratio,
      target: r.target,
      met,
      note: r.note,
      runs: each.map((e) => ({ figure: e.figure, anchor: e.anchor, ratio: e.ratio })),
    };
  });
  const busyEach = runs.flatMap((r) => Object.values(r.busy ?? {}));
  const noise = {
    busyBeforeEachBenchmark: runs.map((r) => r.busy),
    busyMedianPct: round(median(busyEach) * 100),
    busyMaxPct: round(Math.max(...busyEach) * 100),
    loadAverageEachBenchmark: runs.map((r) => r.load ?? {}),
  };
  const loadEach = runs.flatMap((r) => Object.values(r.load ?? {}));
  fs.writeFileSync(
    path.join(__dirname, 'results.json'),
    `${JSON.stringify({ ...meta, noise, results: medians }, null, 2)}\n`,
  );
  const fmt = (o: Record<string, number> | null) =>
    o
      ? Object.entries(o)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')
      : '-';
  const lines = [
    `## Results (${meta.mode}, ${meta.runs === 1 ? 'one run' : `medians of ${meta.runs} runs`}, ${meta.date.slice(0, 10)})`,
    '',
    `Command: \`${meta.command}\`. Machine: ${meta.machine.cores} cores, ${meta.machine.memoryGiB} GiB (${meta.machine.cpu}).`,
    `Versions: Node ${meta.versions.node}; ${meta.versions.temporalCli}; Temporal SDK ${meta.versions.temporalSdk}; Prisma ${meta.versions.prisma}; ${meta.versions.postgres}.`,
    `Noise: the other tenants kept the 2 cores ${noise.busyMedianPct}% busy (median; at most ${noise.busyMaxPct}%) in the second before each benchmark, after waiting up to 60 s for quiet; per run and benchmark: ${runs
      .map(
        (r, i) =>
          `run ${i + 1}: ${Object.entries(r.busy ?? {})
            .map(([k, v]) => `${k} ${Math.round(v * 100)}%`)
            .join(', ')}`,
      )
      .join('; ')}.`,
    `Load average (1 min; the benchmark's own work included) as each benchmark began: median ${loadEach.length > 0 ? median(loadEach) : '?'}, at most ${loadEach.length > 0 ? Math.max(...loadEach) : '?'}; ${runs
      .map(
        (r, i) =>
          `run ${i + 1}: ${Object.entries(r.load ?? {})
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
      )
      .join('; ')}.`,
    '',
    '| benchmark | figure | anchor (same run) | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...medians.map(
      (r) =>
        `| ${r.name} | ${fmt(r.figure)} | ${fmt(r.anchor)} | ${r.ratio ?? '-'} | ${r.target} | ${r.met ? 'yes' : 'NO'} |`,
    ),
    '',
    ...(runs.length > 1
      ? [
          'Each run (figure; ratio):',
          '',
          ...medians.map(
            (r) =>
              `- ${r.name}: ${r.runs.map((x, i) => `run ${i + 1}: ${fmt(x.figure)}${x.ratio === null ? '' : `; ratio ${x.ratio}`}`).join(' | ')}`,
          ),
          '',
        ]
      : []),
    ...medians.filter((r) => r.note).map((r) => `- ${r.name}: ${r.note}`),
    '',
  ];
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const marker = '<!-- results -->';
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${marker}\n`;
  const head = existing.includes(marker)
    ? existing.slice(0, existing.indexOf(marker) + marker.length)
    : `${existing.trimEnd()}\n\n${marker}`;
  fs.writeFileSync(file, `${head}\n${lines.join('\n')}`);
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

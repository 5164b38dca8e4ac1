/**
 * The mixed load of issue 28: 50 clients for a bounded time against the API as deployed (its own
 * process), half reading a task list, half moving their own task back and forth across an edge
 * (REQUIRES_GUIDANCE -> AUTHORITY_ADJUSTMENT with a reason, back with a document). Besides the
 * latencies it records what a p99 may wait on: the API process's event-loop delay (bench/loop-delay-probe.mjs),
 * the benchmark process's (the worker runs there), and PostgreSQL sessions seen waiting on a lock.
 *
 * Part of `npm run bench` (step 9); alone: `npx tsx bench/mixed-load.ts [--seconds 30] [--clients 50]`
 * (a fresh stack with 200 catalog tasks; prints the figures, writes nothing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CATALOG_FILE, importTasks, validateCatalog } from '../catalog/importer';
import { reference } from '../catalog/reference-data';
import type { Config } from '../config/env';
import type { Db } from '../db/client';
import { freePort } from '../embedded/ports';
import { runTs } from '../embedded/run-ts';
import { policyFromConfig } from '../temporal/task-client';
import { startFreshStack } from './fresh-stack';
import { summary, timed } from './stats';

export interface MixedLoadFigures {
  clients: number;
  seconds: number;
  lists: number;
  listP50: number;
  listP99: number;
  transitions: number;
  transitionP50: number;
  transitionP99: number;
  /** Answers other than 200 (every one a failure of the target), and of them 409s (a stale status) and 503s. */
  failures: number;
  failures409: number;
  failures503: number;
  /** The API process's event-loop delay over the load, ms. */
  apiLoopP99: number;
  apiLoopMax: number;
  /** The benchmark process's (worker, load generator) event-loop delay, ms. */
  workerLoopP99: number;
  workerLoopMax: number;
  /** PostgreSQL sessions waiting on a lock, sampled every 100 ms: the most seen at once, and the share of samples with any. */
  lockWaitMax: number;
  lockWaitShare: number;
}

export async function mixedLoad(opts: {
  apiEnv: Record<string, string>;
  db: Db;
  token: string;
  /** Tasks in REQUIRES_GUIDANCE nobody else moves during the load: one per transition client. */
  codes: string[];
  clients: number;
  seconds: number;
  log: (s: string) => void;
}): Promise<MixedLoadFigures> {
  const headers = { Authorization: `Bearer ${opts.token}`, 'Content-Type': 'application/json' };
  const movers = Math.min(Math.floor(opts.clients / 2), opts.codes.length);
  const readers = opts.clients - movers;
  const probe = path.join(__dirname, 'loop-delay-probe.mjs');
  const api = await runTs(
    'stack/api-main.ts',
    [],
    { ...opts.apiEnv, PORT: String(await freePort()) },
    /listening on http/,
    60_000,
    undefined,
    ['--import', probe],
  );
  const base = (/https?:\/\/[^/\s"]+/.exec(api.readyLine) as RegExpExecArray)[0];
  const local = monitorEventLoopDelay({ resolution: 10 });
  let lockSamples = 0;
  let lockSamplesWithWaits = 0;
  let lockWaitMax = 0;
  try {
    // A short warm-up (JIT, pools, prepared statements), then the counted load.
    for (let i = 0; i < 20; i++) await (await fetch(`${base}/api/tasks?limit=50`, { headers })).arrayBuffer();
    api.child.kill('SIGUSR2');
    local.enable();
    const listMs: number[] = [];
    const transitionMs: number[] = [];
    let failures = 0;
    let failures409 = 0;
    let failures503 = 0;
    let documents = 0;
    const until = Date.now() + opts.seconds * 1000;
    const sampler = (async () => {
      while (Date.now() < until) {
        const { rows } = await opts.db.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`,
        );
        const n = Number(rows[0]?.n ?? 0);
        lockSamples++;
        if (n > 0) lockSamplesWithWaits++;
        lockWaitMax = Math.max(lockWaitMax, n);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const reader = async (i: number) => {
      const paths = [
        '/api/tasks?limit=50',
        '/api/tasks?status=REQUIRES_GUIDANCE&limit=50',
        '/api/tasks?page=2&limit=50',
      ];
      for (let k = 0; Date.now() < until; k++) {
        const [res, ms] = await timed(() => fetch(`${base}${paths[(i + k) % paths.length]}`, { headers }));
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
        listMs.push(ms);
      }
    };
    const mover = async (code: string) => {
      let from = 'REQUIRES_GUIDANCE';
      while (Date.now() < until) {
        const body =
          from === 'REQUIRES_GUIDANCE'
            ? { to: 'AUTHORITY_ADJUSTMENT', from, reason: 'mixed load' }
            : {
                to: 'REQUIRES_GUIDANCE',
                from,
                document: { number: `${90_000 + documents++}/2026/ND-CP`, issuedOn: '2026-11-20' },
              };
        const [res, ms] = await timed(() =>
          fetch(`${base}/api/tasks/${code}/transitions`, { method: 'POST', headers, body: JSON.stringify(body) }),
        );
        const text = await res.text();
        transitionMs.push(ms);
        if (res.status !== 200) {
          failures++;
          if (res.status === 409) failures409++;
          if (res.status === 503) failures503++;
          if (failures <= 3) opts.log(`transition ${code} answered ${res.status}: ${text.slice(0, 200)}`);
          // Read the task's state again rather than guess it.
          const now = (await (await fetch(`${base}/api/tasks/${code}`, { headers })).json()) as { status: string };
          from = now.status;
        } else from = body.to;
      }
    };
    opts.log(`9. mixed load: ${readers} list readers and ${movers} movers for ${opts.seconds} s`);
    await Promise.all([
      ...Array.from({ length: readers }, (_, i) => reader(i)),
      ...opts.codes.slice(0, movers).map((c) => mover(c)),
      sampler,
    ]);
    local.disable();
    const delay = new Promise<string>((resolve) => {
      const seen = api.output.length;
      const check = setInterval(() => {
        const line = api.output.slice(seen).find((l) => l.startsWith('loop-delay '));
        if (line) {
          clearInterval(check);
          resolve(line);
        }
      }, 50);
    });
    api.child.kill('SIGUSR2');
    const apiLoop = JSON.parse((await delay).slice('loop-delay '.length)) as { p99: number; max: number };
    const ls = summary(listMs);
    const ts = summary(transitionMs);
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    return {
      clients: opts.clients,
      seconds: opts.seconds,
      lists: ls.n,
      listP50: ls.p50,
      listP99: ls.p99,
      transitions: ts.n,
      transitionP50: ts.p50,
      transitionP99: ts.p99,
      failures,
      failures409,
      failures503,
      apiLoopP99: apiLoop.p99,
      apiLoopMax: apiLoop.max,
      workerLoopP99: ms(local.percentile(99)),
      workerLoopMax: ms(local.max),
      lockWaitMax,
      lockWaitShare: lockSamples === 0 ? 0 : Math.round((lockSamplesWithWaits / lockSamples) * 100) / 100,
    };
  } finally {
    await api.stop();
  }
}

/** Tasks of the catalog in REQUIRES_GUIDANCE, from the `skip`-th on: the movers' own. */
export function movableCodes(tasks: { code: string; status: string }[], skip: number, n: number): string[] {
  return tasks
    .filter((t) => t.status === 'REQUIRES_GUIDANCE')
    .slice(skip, skip + n)
    .map((t) => t.code);
}

async function main(): Promise<void> {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) || dflt : dflt;
  };
  const seconds = arg('--seconds', 30);
  const clients = arg('--clients', 50);
  const log = (s: string) => console.log(`[mixed load] ${s}`);
  const fresh = await startFreshStack('tracker-mixed-', {
    RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
  });
  try {
    const cfg: Config = fresh.cfg;
    const tasks = validateCatalog(
      fs.readFileSync(CATALOG_FILE, 'utf8'),
      new Set(reference.ministries.map((m) => m.code)),
    ).tasks.slice(0, 200);
    log(`importing ${tasks.length} catalog tasks`);
    await importTasks({
      db: fresh.stack.db,
      temporal: fresh.stack.temporal,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      policy: policyFromConfig(cfg),
      tasks,
      concurrency: 16,
      eagerStart: fresh.stack.workerInProcess,
    });
    const figures = await mixedLoad({
      apiEnv: fresh.apiEnv(),
      db: fresh.stack.db,
      token: fresh.tokenOf('home-affairs'),
      codes: movableCodes(tasks, 0, Math.floor(clients / 2)),
      clients,
      seconds,
      log,
    });
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await fresh.stop();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

import fs from 'node:fs';
import { CATALOG_FILE, importTasks, validateCatalog } from '../catalog/importer';
import { reference } from '../catalog/reference-data';
import type { Config } from '../config/env';
import { vietnamDate } from '../domain/dates';
import type { Stack } from '../stack/stack';
import { policyFromConfig } from '../temporal/task-client';
import { pool, timed } from './stats';

export interface SettlementFigures {
  tasks: number;
  /** POST /api/documents/{number}/settlements until its answer (the batch workflow has finished). */
  requestSeconds: number;
  /** From the request until the read model shows every task FEASIBLE. */
  allFeasibleSeconds: number;
  perTaskMs: number;
  /** The anchor: as many other tasks moved by one transition request each, 10 at a time. */
  oneByOneSeconds: number;
}

/**
 * One document settling many tasks: Home Affairs registers a Government decree and settles `n` open
 * tasks with it in one request; the anchor moves `n` other open tasks with one transition each.
 * Tasks are the catalog's REQUIRES_GUIDANCE ones, imported here if the stack has too few.
 */
export async function benchSettlement(
  stack: Stack,
  cfg: Config,
  n: number,
  log: (s: string) => void,
): Promise<SettlementFigures> {
  const api = stack.apiUrl;
  const token = (JSON.parse(fs.readFileSync(stack.tokensFile as string, 'utf8')) as Record<string, string>)[
    'home-affairs'
  ] as string;
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const pg = stack.db.pool;
  const openTasks = async () =>
    (
      await pg.query<{ code: string }>(
        // Only tasks with a workflow (their CREATED event is stored): in npm run bench the localities'
        // step has inserted read-model rows of its own (LOCB-*) that no workflow backs.
        `SELECT code FROM tasks t WHERE status = 'REQUIRES_GUIDANCE' AND feasible_from IS NULL AND held_up IS NULL
            AND EXISTS (SELECT 1 FROM audit_events a WHERE a.task_code = t.code AND a.seq = 1) ORDER BY code LIMIT $1`,
        [2 * n],
      )
    ).rows.map((r) => r.code);
  let codes = await openTasks();
  if (codes.length < 2 * n) {
    const catalog = validateCatalog(
      fs.readFileSync(CATALOG_FILE, 'utf8'),
      new Set(reference.ministries.map((m) => m.code)),
    ).tasks;
    const wanted = catalog.filter((t) => t.status === 'REQUIRES_GUIDANCE').slice(0, 2 * n);
    log(`8. importing ${wanted.length} REQUIRES_GUIDANCE tasks for the settlement`);
    await importTasks({
      db: stack.db,
      temporal: stack.temporal,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      policy: policyFromConfig(cfg),
      tasks: wanted,
      concurrency: 16,
      eagerStart: stack.workerInProcess,
    });
    codes = await openTasks();
  }
  if (codes.length < 2) throw new Error(`only ${codes.length} open tasks to settle`);
  const half = Math.min(n, Math.floor(codes.length / 2));
  const settled = codes.slice(0, half);
  const oneByOne = codes.slice(half, 2 * half);

  const today = vietnamDate(Date.now());
  const number = `${(Date.now() % 90000) + 10000}/${today.slice(0, 4)}/NĐ-CP`;
  const registered = await fetch(`${api}/api/documents`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      number,
      kind: 'DECREE',
      issuer: 'CP',
      title: 'Nghị định hướng dẫn các nhiệm vụ phân cấp (benchmark)',
      issuedOn: today,
    }),
  });
  if (registered.status !== 201)
    throw new Error(`registering ${number}: ${registered.status} ${await registered.text()}`);

  log(`8. one document settles ${settled.length} tasks in one request`);
  const feasibleCount = async (list: string[]) =>
    Number(
      (
        await pg.query<{ n: string }>(`SELECT count(*) AS n FROM tasks WHERE code = ANY($1) AND status = 'FEASIBLE'`, [
          list,
        ])
      ).rows[0]?.n ?? 0,
    );
  const t0 = process.hrtime.bigint();
  const [res, requestMs] = await timed(() =>
    fetch(`${api}/api/documents/${encodeURIComponent(number)}/settlements`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ tasks: settled }),
    }),
  );
  const body = (await res.json()) as { results?: { outcome: string }[] };
  if (res.status !== 200 || body.results?.filter((r) => r.outcome === 'FEASIBLE').length !== settled.length) {
    throw new Error(`settlement: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
  }
  // The answer comes once every task's update returned, and an update returns once its event is stored.
  while ((await feasibleCount(settled)) < settled.length) await new Promise((r) => setTimeout(r, 10));
  const allFeasibleMs = Number(process.hrtime.bigint() - t0) / 1e6;

  log(`8. the anchor: ${oneByOne.length} transitions, one request each, 10 at a time`);
  const [, oneByOneMs] = await timed(() =>
    pool(oneByOne, 10, async (code, i) => {
      const r = await fetch(`${api}/api/tasks/${code}/transitions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          from: 'REQUIRES_GUIDANCE',
          to: 'FEASIBLE',
          document: { number: `${i + 1}/${today.slice(0, 4)}/TT-BNV`, issuedOn: today },
        }),
      });
      if (r.status !== 200) throw new Error(`transition of ${code}: ${r.status} ${await r.text()}`);
    }),
  );
  if ((await feasibleCount(oneByOne)) !== oneByOne.length)
    throw new Error('the one-by-one transitions did not all land');

  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    tasks: settled.length,
    requestSeconds: round(requestMs / 1000),
    allFeasibleSeconds: round(allFeasibleMs / 1000),
    perTaskMs: round(allFeasibleMs / settled.length),
    oneByOneSeconds: round(oneByOneMs / 1000),
  };
}

/** The figure as a benchmark result. */
export function settlementResults(f: SettlementFigures) {
  return [
    {
      name: `one document settles ${f.tasks} tasks`,
      figure: {
        tasks: f.tasks,
        requestSeconds: f.requestSeconds,
        allFeasibleSeconds: f.allFeasibleSeconds,
        perTaskMs: f.perTaskMs,
      },
      anchor: { oneByOneSeconds: f.oneByOneSeconds },
      ratio: f.allFeasibleSeconds > 0 ? Math.round((f.oneByOneSeconds / f.allFeasibleSeconds) * 100) / 100 : null,
      target: 'all FEASIBLE in < 10 s for 100 tasks',
      id: 'settlement' as const,
      note: 'POST /api/documents/{number}/settlements as Home Affairs (a registered Government decree); time from the request until the read model shows every task FEASIBLE; anchor: the same number of other tasks moved by one transition request each, 10 at a time; ratio = anchor / figure',
    },
  ];
}

/** `npm run bench:documents`: only this figure, on a fresh embedded stack (about a minute). */
if (require.main === module) {
  void (async () => {
    const os = await import('node:os');
    const { busyShare } = await import('./machine');
    const { startFreshStack } = await import('./fresh-stack');
    const n = Number(process.argv[process.argv.indexOf('--tasks') + 1]) || 100;
    const fresh = await startFreshStack('tracker-bench-doc-', {
      RATE_LIMIT_PER_MINUTE: '100000000',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000',
      ROUND_DAY_OF_MONTH: '0',
    });
    const { cfg, stack } = fresh;
    try {
      console.log(
        `load average before: ${os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}; busy share over 1 s: ${(await busyShare()).toFixed(2)}`,
      );
      for (const r of settlementResults(await benchSettlement(stack, cfg, n, (s) => console.log(s)))) {
        console.log(
          `| ${r.name} | ${Object.entries(r.figure)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')} | ${Object.entries(r.anchor)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')} | ${r.target} |`,
        );
      }
      console.log(
        `load average after: ${os
          .loadavg()
          .map((x) => x.toFixed(2))
          .join(' ')}`,
      );
    } finally {
      await fresh.stop();
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

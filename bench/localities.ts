import fs from 'node:fs';
import path from 'node:path';
import { createActivities } from '../activities';
import { createMailer } from '../activities/mailer';
import { reference } from '../catalog/reference-data';
import type { Config } from '../config/env';
import { addDays, vietnamDate } from '../domain/dates';
import { OBSTACLE_CATEGORIES } from '../domain/locality-cells';
import { morningOf } from '../domain/reporting-round';
import { roundPolicyFromConfig } from '../temporal/round-client';
import type { Stack } from '../stack/stack';
import { summary, timed } from './stats';

/** Rounds kept open at once for the memory figure. */
const ROUNDS_OPEN = 12;

export interface LocalityFigures {
  report: { cells: number; firstMs: number; resendMs: number; allLocalitiesSeconds: number };
  matrix: {
    cells: number;
    ministryFirstMs: number;
    ministryP50: number;
    ministryP95: number;
    localityFirstMs: number;
    localityP50: number;
    localityP95: number;
    ministryCells: number;
    localityCells: number;
  };
  csv: { cells: number; p50Ms: number; maxMs: number; bytes: number };
  storm: { localities: number; sent: number; outboxRows: number; outboxFiles: number; seconds: number };
  memory: { roundsOpen: number; rssMB: number; heapUsedMB: number };
}

/**
 * The localities' half at the published size: 949 tasks × 34 localities. Tasks missing from the
 * read model (quick mode imports 200) are added as read-model rows, which is all reports and the
 * matrix read. The reminder storm runs the round's notice activity for a round nobody has answered.
 */
export async function benchLocalities(
  stack: Stack,
  cfg: Config,
  dataDir: string,
  quick: boolean,
  log: (s: string) => void,
): Promise<LocalityFigures> {
  const api = stack.apiUrl;
  const tokens = JSON.parse(fs.readFileSync(stack.tokensFile as string, 'utf8')) as Record<string, string>;
  const auth = (principal: string) => ({
    Authorization: `Bearer ${tokens[principal]}`,
    'Content-Type': 'application/json',
  });
  const pg = stack.db.pool;

  const have = Number((await pg.query<{ n: string }>('SELECT count(*) AS n FROM tasks')).rows[0]?.n ?? 0);
  if (have < 949) {
    const ministries = reference.ministries.filter((m) => m.delegates).map((m) => m.code);
    await pg.query(
      `INSERT INTO tasks (code, title, sector, status, status_since, lead_ministry_code, coordinating_ministries, updated_at)
       SELECT 'LOCB-' || lpad(g::text, 4, '0'), 'Locality bench task ' || g, 'Bench',
              (ARRAY['FEASIBLE','FEASIBLE','REQUIRES_GUIDANCE'])[1 + g % 3]::"TaskStatus", now(),
              (ARRAY[${ministries.map((m) => `'${m}'`).join(',')}])[1 + g % ${ministries.length}], '{}', now()
         FROM generate_series(1, $1::int) g`,
      [949 - have],
    );
  }
  const tasks = (await pg.query<{ code: string }>('SELECT code FROM tasks ORDER BY code LIMIT 949')).rows.map(
    (r) => r.code,
  );
  const localities = reference.localities.map((l) => l.code);

  const today = vietnamDate(Date.now());
  const open = async (id: string) => {
    const res = await fetch(`${api}/api/rounds`, {
      method: 'POST',
      headers: auth('home-affairs'),
      body: JSON.stringify({ id, dueDate: addDays(today, 30) }),
    });
    if (res.status !== 201) throw new Error(`opening round ${id}: ${res.status} ${await res.text()}`);
  };
  await open(`bench-${Date.now()}`);

  const cellsFor = (locality: string, variant: number) =>
    tasks.map((task, i) =>
      (i + variant) % 4 === 0
        ? {
            task,
            state: 'OBSTACLE',
            category: OBSTACLE_CATEGORIES[(i + variant) % OBSTACLE_CATEGORIES.length],
            text: `Vướng mắc ${i} tại ${locality}: thiếu hướng dẫn, cần bổ sung nhân lực và kinh phí.`,
          }
        : { task, state: (i + variant) % 4 === 1 ? 'IMPLEMENTING' : 'WORKABLE' },
    );
  const report = async (locality: string, variant: number) => {
    const [res, ms] = await timed(() =>
      fetch(`${api}/api/localities/${locality}/report`, {
        method: 'POST',
        headers: auth(`locality:${locality}`),
        body: JSON.stringify({ cells: cellsFor(locality, variant) }),
      }),
    );
    const body = (await res.json()) as { changed?: number };
    if (res.status !== 200) throw new Error(`report of ${locality}: ${res.status} ${JSON.stringify(body)}`);
    return { ms, changed: body.changed ?? 0 };
  };

  log(`7. a locality's whole report (${tasks.length} cells), then all ${localities.length} localities`);
  const first = await report('HNI', 0);
  if (first.changed !== tasks.length) throw new Error(`expected ${tasks.length} changed cells, got ${first.changed}`);
  const resend = await report('HNI', 0);
  const t0 = Date.now();
  for (const l of localities.filter((c) => c !== 'HNI')) await report(l, 1);
  const allLocalitiesSeconds = (Date.now() - t0) / 1000;

  log('7. matrix reads for one ministry and one locality');
  const reps = quick ? 50 : 200;
  const read = async (query: string) => {
    const ms: number[] = [];
    let total = 0;
    for (let i = 0; i < reps; i++) {
      const [res, t] = await timed(() => fetch(`${api}/api/matrix?${query}`, { headers: auth('home-affairs') }));
      total = ((await res.json()) as { total: number }).total;
      ms.push(t);
    }
    // The first read renders; later ones find the answer kept until a cell or task changes.
    return { ...summary(ms.slice(1)), first: Math.round((ms[0] as number) * 100) / 100, total };
  };
  const ministry = await read('ministry=BYT');
  const locality = await read('locality=HCM');

  log('7. the full matrix as CSV');
  const csvMs: number[] = [];
  let bytes = 0;
  let lines = 0;
  for (let i = 0; i < 5; i++) {
    const [res, t] = await timed(async () => {
      const r = await fetch(`${api}/api/matrix?format=csv`, { headers: auth('home-affairs') });
      return r.text();
    });
    bytes = Buffer.byteLength(res);
    lines = res.trimEnd().split('\r\n').length - 1;
    csvMs.push(t);
  }

  log(`7. a round's reminder storm (${localities.length} localities, none reported)`);
  const stormRound = `bench-storm-${Date.now()}`;
  await open(stormRound);
  const mailer = createMailer({ outboxDir: path.join(dataDir, 'outbox') });
  const activities = createActivities({ db: stack.db, mailer, mailFrom: cfg.MAIL_FROM });
  const dueDate = addDays(today, 30);
  const policy = roundPolicyFromConfig(cfg);
  const point = {
    kind: 'REMINDER' as const,
    at: morningOf(addDays(dueDate, -5)),
    offsetWorkingDays: 5,
    dueDate,
    key: `REMINDER:${dueDate}:5`,
  };
  const [notices, stormMs] = await timed(() =>
    activities.sendRoundNotices({
      roundId: stormRound,
      point,
      homeAffairsEmail: policy.homeAffairsEmail,
      publicBaseUrl: policy.publicBaseUrl,
    }),
  );
  mailer.close();
  const outboxRows = Number(
    (
      await pg.query<{ n: string }>(`SELECT count(*) AS n FROM notifications WHERE round_id = $1 AND status = 'SENT'`, [
        stormRound,
      ])
    ).rows[0]?.n ?? 0,
  );
  const outboxFiles = fs
    .readdirSync(path.join(dataDir, 'outbox'))
    .filter((f) => f.startsWith(`round.${stormRound}`)).length;

  log(`7. worker memory with ${ROUNDS_OPEN} rounds running`);
  // A year of monthly rounds left open at once (far more than ever run together), each a round
  // workflow waiting on its reminder timers in the worker, after the reports and the storm above.
  const openNow = Number(
    (await pg.query<{ n: string }>(`SELECT count(*) AS n FROM reporting_rounds WHERE status = 'OPEN'`)).rows[0]?.n ?? 0,
  );
  for (let i = openNow; i < ROUNDS_OPEN; i++) await open(`bench-mem-${i}-${Date.now()}`);
  const roundsOpen = Number(
    (await pg.query<{ n: string }>(`SELECT count(*) AS n FROM reporting_rounds WHERE status = 'OPEN'`)).rows[0]?.n ?? 0,
  );
  // The benchmark's stack runs the worker and the API in this one process: its RSS bounds the worker's.
  (globalThis as { gc?: () => void }).gc?.();
  const mem = process.memoryUsage();

  return {
    memory: { roundsOpen, rssMB: Math.round(mem.rss / 2 ** 20), heapUsedMB: Math.round(mem.heapUsed / 2 ** 20) },
    report: {
      cells: tasks.length,
      firstMs: Math.round(first.ms),
      resendMs: Math.round(resend.ms),
      allLocalitiesSeconds: Math.round(allLocalitiesSeconds * 100) / 100,
    },
    matrix: {
      cells: lines,
      ministryFirstMs: ministry.first,
      localityFirstMs: locality.first,
      ministryP50: ministry.p50,
      ministryP95: ministry.p95,
      localityP50: locality.p50,
      localityP95: locality.p95,
      ministryCells: ministry.total,
      localityCells: locality.total,
    },
    csv: { cells: lines, p50Ms: summary(csvMs).p50, maxMs: summary(csvMs).max, bytes },
    storm: {
      localities: localities.length,
      sent: notices.notified,
      outboxRows,
      outboxFiles,
      seconds: Math.round(stormMs / 10) / 100,
    },
  };
}

/** The figures as benchmark results (ids are CHECKS in bench/run.ts). */
export function localityResults(f: LocalityFigures): {
  name: string;
  figure: Record<string, number>;
  anchor: null;
  ratio: null;
  target: string;
  id: 'localityReport' | 'matrix' | 'matrixCsv' | 'roundStorm' | 'roundMemory';
  note: string;
}[] {
  return [
    {
      name: `a locality's whole report (${f.report.cells} cells)`,
      figure: {
        firstMs: f.report.firstMs,
        resendMs: f.report.resendMs,
        allLocalitiesSeconds: f.report.allLocalitiesSeconds,
      },
      anchor: null,
      ratio: null,
      target: 'one request < 2 s',
      id: 'localityReport',
      note: 'POST /api/localities/HNI/report over HTTP: validated, every cell and its audited event written in one transaction; resend = the same report again (no cell changes); allLocalitiesSeconds = the other 33 in turn',
    },
    {
      name: 'matrix for one ministry and one locality',
      figure: {
        ministryFirstMs: f.matrix.ministryFirstMs,
        ministryP50: f.matrix.ministryP50,
        ministryP95: f.matrix.ministryP95,
        ministryCells: f.matrix.ministryCells,
        localityFirstMs: f.matrix.localityFirstMs,
        localityP50: f.matrix.localityP50,
        localityP95: f.matrix.localityP95,
        localityCells: f.matrix.localityCells,
      },
      anchor: null,
      ratio: null,
      target: 'p50 < 50 ms each',
      id: 'matrix',
      note: 'GET /api/matrix?ministry=BYT and ?locality=HCM (JSON) as Home Affairs, sequential, every cell written; *FirstMs = the first read (renders from the stored cell JSON), p50/p95 = the reads after it (answer kept per API process until a cell or task changes)',
    },
    {
      name: `full matrix CSV (${f.csv.cells} cells)`,
      figure: { cells: f.csv.cells, p50Ms: f.csv.p50Ms, maxMs: f.csv.maxMs, bytes: f.csv.bytes },
      anchor: null,
      ratio: null,
      target: 'at least the 32,266 cells, < 2 s',
      id: 'matrixCsv',
      note: 'GET /api/matrix?format=csv, five times; built by PostgreSQL as one string; maxMs is the first (uncached) read',
    },
    {
      name: `a round's reminder storm (${f.storm.localities} localities)`,
      figure: f.storm,
      anchor: null,
      ratio: null,
      target: 'every locality reminded once, < 10 s',
      id: 'roundStorm',
      note: "the round workflow's sendRoundNotices activity for a round nobody answered; outbox row then .eml file per locality (embedded default e-mail)",
    },
    {
      name: `worker memory with ${f.memory.roundsOpen} rounds running`,
      figure: f.memory,
      anchor: null,
      ratio: null,
      target: 'RSS < 1 GB',
      id: 'roundMemory',
      note: 'RSS of the benchmark process, which hosts the worker and the API together (an upper bound of the worker alone), after every report above, the CSV reads and the storm, with that many round workflows open and waiting on their timers',
    },
  ];
}

/**
 * `npm run bench:localities`: only this section, on a fresh embedded stack (about a minute), for
 * working on it; `npm run bench` runs it with the rest.
 */
if (require.main === module) {
  void (async () => {
    const { startFreshStack } = await import('./fresh-stack');
    const fresh = await startFreshStack('tracker-bench-loc-', {
      RATE_LIMIT_PER_MINUTE: '100000000',
      ROUND_DAY_OF_MONTH: '0',
    });
    const { cfg, stack, dataDir } = fresh;
    try {
      const results = localityResults(await benchLocalities(stack, cfg, dataDir, false, (s) => console.log(s)));
      for (const r of results)
        console.log(
          `| ${r.name} | ${Object.entries(r.figure)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')} | ${r.target} |`,
        );
    } finally {
      await fresh.stop();
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

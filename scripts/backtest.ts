/**
 * `npm run backtest [-- --recorded]`: scores the at-risk forecast (domain/at-risk.ts) by forecasting
 * from the log as it stood at a cutoff and comparing with what the log says happened next.
 * Always on a SIMULATED history (bench/simulated-history.ts: no real history of the 949 tasks exists
 * yet); with --recorded, also on this deployment's recorded audit log (DATABASE_URL or the running
 * embedded stack), cut at the midpoint of its span (by effective time) and at the 6 December 2025 baseline,
 * or at `--cutoff=YYYY-MM-DD` (the end of that day in Viet Nam).
 */
import { TOP_N, backtest, type BacktestResult } from '../domain/backtest';
import { DAY_MS, deadlineInstant } from '../domain/dates';
import { effectiveAt } from '../domain/as-of';
import { simulateHistory } from '../bench/simulated-history';
import { MINISTRY_CODES } from '../bench/simulated-ministries';

function row(label: string, r: BacktestResult): string {
  return `| ${label} | ${r.cutoff.slice(0, 10)} | ${r.scored} | ${r.baseRate} | ${r.brier} | ${r.baseRateBrier} | ${r.topLateShare} | ${r.naiveTopLateShare} | ${r.accuracy} | ${r.precision} | ${r.recall} |`;
}

/** The day of the assessment the catalog's baseline records (the report of 6 December 2025). */
const BASELINE_DAY = '2025-12-06';

async function main(): Promise<void> {
  const start = '2025-07-01T00:00:00Z';
  const days = 400;
  const events = simulateHistory({ seed: 15, tasks: 949, ministries: MINISTRY_CODES, start, days });
  const startMs = Date.parse(start);
  const lines = [
    `command: npm run backtest${process.argv.includes('--recorded') ? ' -- --recorded' : ''}`,
    `Brier: mean squared error of the probabilities (lower is better); top ${TOP_N}: share of the ${TOP_N} riskiest (not yet overdue at the cutoff) that did miss their deadline, beside the naive rule (nearest due date first)`,
    '',
    `| history | cutoff | tasks scored | missed (base rate) | Brier | Brier of the base rate | late in top ${TOP_N} | late in top ${TOP_N}, nearest due first | accuracy | precision (late) | recall (late) |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const cutoffDays of [60, 90, 120, 150, 180]) {
    lines.push(
      row(
        `simulated (seed 15, ${events.length} events), day ${cutoffDays}`,
        backtest(events, startMs + cutoffDays * DAY_MS, startMs + days * DAY_MS),
      ),
    );
  }
  if (process.argv.includes('--recorded')) {
    const { config } = await import('../config/env');
    const { connectDb } = await import('../db/client');
    const { recordedEvents } = await import('../db/audit-events');
    const { runtimeTarget } = await import('../embedded/runtime-target');
    const db = connectDb(runtimeTarget(config(), { temporal: false }).databaseUrl);
    try {
      const now = Date.now();
      const recorded = await recordedEvents(db, now);
      // When each event became true (the baseline's assessed dates), not when it was recorded.
      const times = recorded.map((e) => Date.parse(effectiveAt(e)));
      if (times.length > 0) {
        const first = times.reduce((a, b) => Math.min(a, b));
        const cutoffArg = process.argv.find((a) => a.startsWith('--cutoff='))?.slice('--cutoff='.length);
        const cutoffs = cutoffArg
          ? [deadlineInstant(cutoffArg)]
          : [first + (now - first) / 2, deadlineInstant(BASELINE_DAY)];
        for (const cutoff of cutoffs) {
          if (cutoff > first && cutoff < now)
            lines.push(row(`recorded (${recorded.length} events)`, backtest(recorded, cutoff, now)));
        }
      }
    } finally {
      await db.close();
    }
  }
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});

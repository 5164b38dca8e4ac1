/**
 * `npm run calendar:apply -- [--concurrency N] [CODE ...]`: after the operator updates the calendar
 * file (CALENDAR_FILE), running tasks take it: their reminders re-plan at once, and a due date that
 * now falls on a day off moves to the next working day (a DEADLINE event, "calendar updated: <version>").
 * Every task in PostgreSQL's read model when no code is given. Safe to re-run (after a crash, or
 * to retry failures): a task that already has this calendar version changes nothing. A bad file
 * stops it before anything is sent, as it stops start-up. Exit code 1 if any task failed. Uses
 * DATABASE_URL and TEMPORAL_ADDRESS, or the running embedded stack.
 */
import { taskStatuses } from '../db/locality-cells';
import { applyCalendarToTasks } from '../temporal/calendar-updates';
import { runOperatorCommand } from './operator-session';

const args = process.argv.slice(2);
const ci = args.indexOf('--concurrency');
const concurrency = ci >= 0 ? Number(args[ci + 1]) : 8;
const named = args.filter((a, i) => !a.startsWith('--') && !(ci >= 0 && i === ci + 1));
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error('usage: npm run calendar:apply -- [--concurrency N] [CODE ...]');
  process.exit(2);
}

runOperatorCommand(async ({ cfg, db, client }) => {
  const codes = named.length > 0 ? named : (await taskStatuses(db)).map((t) => t.code);
  console.log(
    `${cfg.CALENDAR_FILE}: calendar version ${cfg.calendar.version} (${cfg.calendar.firstYear}–${cfg.calendar.lastYear}), ${codes.length} task(s)`,
  );
  const t0 = Date.now();
  // A counter on a terminal; a log (not a TTY) gets only the summary.
  const r = await applyCalendarToTasks(client, codes, cfg.calendar, {
    concurrency,
    ...(process.stderr.isTTY
      ? { onProgress: (done: number, total: number) => process.stderr.write(`\r  ${done}/${total}   `) }
      : {}),
  });
  if (process.stderr.isTTY) process.stderr.write('\n');
  for (const f of r.failed) console.log(`${f.code}: FAILED: ${f.error}`);
  console.log(
    `${r.tasks} task(s): ${r.applied} took the new calendar (${r.dueDatesMoved} due date(s) moved off a day off), ${r.alreadyCurrent} already had it, ${r.failed.length} failed, in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );
  if (r.failed.length > 0) process.exitCode = 1;
});

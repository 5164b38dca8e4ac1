/**
 * `npm run import -- <file.csv|file.xlsx> [--update] [--concurrency N]`
 * Validates every row first and imports nothing if any row is bad (each bad row is named with its
 * line; in a spreadsheet, also the cell). Existing codes are left alone unless --update, which changes their definition through the
 * workflow (an audit event). Safe to re-run after an interruption.
 */
import fs from 'node:fs';
import { importTasks, validateCatalog, validateCatalogXlsx } from '../catalog/importer';
import { loadReferenceData } from '../catalog/reference-data';
import { allMinistryCodes } from '../db/reference-data';
import { policyFromConfig } from '../temporal/task-client';
import { runOperatorCommand } from './operator-session';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const update = args.includes('--update');
const ci = args.indexOf('--concurrency');
const concurrency = ci >= 0 ? Number(args[ci + 1]) : 16;
if (!file || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('usage: npm run import -- <file.csv|file.xlsx> [--update] [--concurrency N]');
  process.exit(2);
}

runOperatorCommand(
  async ({ cfg, db, client }) => {
    await loadReferenceData(db);
    const ministries = await allMinistryCodes(db);
    const { tasks, errors } = /\.xlsx$/i.test(file)
      ? await validateCatalogXlsx(fs.readFileSync(file), ministries)
      : validateCatalog(fs.readFileSync(file, 'utf8'), ministries);
    if (errors.length > 0) {
      console.error(`${file}: ${errors.length} bad row(s); nothing was imported.`);
      for (const e of errors) console.error(`  line ${e.line}${e.code ? ` (${e.code})` : ''}: ${e.reason}`);
      process.exitCode = 1;
      return;
    }
    const r = await importTasks({
      db,
      temporal: client,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      policy: policyFromConfig(cfg),
      tasks,
      update,
      concurrency,
      onProgress: (p) =>
        process.stderr.write(
          `\r  ${p.done}/${p.total} stored, ${p.ratePerSecond.toFixed(1)}/s, ${p.secondsLeft === null ? '?' : Math.ceil(p.secondsLeft)} s left   `,
        ),
    });
    process.stderr.write('\n');
    console.log(
      `${file}: ${tasks.length} rows; ${r.started} started, ${r.existing} already present, ${r.updated} updated, in ${r.seconds.toFixed(1)} s`,
    );
  },
  { migrate: true },
);

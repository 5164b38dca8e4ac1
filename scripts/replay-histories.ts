/**
 * `npm run replay -- [dir|file.json ...]`: replays recorded workflow histories (Temporal's JSON
 * format, e.g. from `temporal workflow show --output json`) against the current workflow code and
 * fails on any non-determinism. Default: test/fixtures/histories. Run it before deploying a
 * workflow change; wrap incompatible changes in patched().
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../worker/create-worker';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const bundleArg = args.indexOf('--bundle');
  const bundle = bundleArg >= 0 ? args.splice(bundleArg, 2)[1] : undefined;
  const targets = args.length > 0 ? args : [path.resolve(__dirname, '..', 'test', 'fixtures', 'histories')];
  const files = targets.flatMap((t) =>
    fs.statSync(t).isDirectory()
      ? fs
          .readdirSync(t)
          .filter((f) => f.endsWith('.json'))
          .map((f) => path.join(t, f))
      : [t],
  );
  if (files.length === 0) throw new Error(`no history files in ${targets.join(', ')}`);
  const options: Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> = bundle
    ? { workflowBundle: { codePath: bundle } }
    : { workflowsPath: WORKFLOWS_PATH };
  for (const file of files) {
    await Worker.runReplayHistory(options, JSON.parse(fs.readFileSync(file, 'utf8')), path.basename(file));
    console.log(`replayed ${path.relative(process.cwd(), file)}: deterministic`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

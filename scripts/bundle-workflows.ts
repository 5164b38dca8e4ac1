/**
 * Writes the workflow bundle a production worker loads (WORKFLOW_BUNDLE), so workers start without
 * bundling. Usage: npm run build:workflows -- [out-file]   (default dist/workflow-bundle.js)
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_OPTIONS } from '../worker/create-worker';

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? path.join('dist', 'workflow-bundle.js'));
  const quiet = { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} };
  const { code } = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quiet as never });
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, code);
  console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * Run by fast-setup.mjs (`tsx test/workflow/fast/prepare.ts <dir>`) when the fast tier runs on its
 * own: writes the workflow bundle (webpack's loaders do not run inside jest) and prints one JSON
 * line with where it is and where the time-skipping test server is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../../worker/create-worker';
import { resolveTemporalTestServer } from '../../../embedded/temporal-binaries';

async function main(): Promise<void> {
  const dir = process.argv[2] as string;
  const quiet = { info() {}, warn: console.warn, error: console.error, debug() {}, trace() {}, log() {} };
  const { code } = await bundleWorkflowCode({ ...WORKFLOW_BUNDLE_OPTIONS, logger: quiet as never });
  const bundle = path.join(dir, 'workflow-bundle.js');
  fs.writeFileSync(bundle, code);
  process.stdout.write(
    `${JSON.stringify({ TEST_WORKFLOW_BUNDLE: bundle, TEMPORAL_TEST_SERVER: resolveTemporalTestServer() })}\n`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

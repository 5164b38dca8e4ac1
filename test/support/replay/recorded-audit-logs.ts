/**
 * `tsx test/support/replay/recorded-audit-logs.ts <out.json>`: replays every recorded history of
 * test/fixtures/histories against the current workflow code and writes the audit log each wrote (the
 * (event, snapshot) pairs it handed to persistEvent, the first of each seq). Run as a child process:
 * bundling the workflow (webpack) does not run inside jest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../../worker/create-worker';

const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures', 'histories');

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const out: Record<string, unknown[]> = {};
  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))) {
    const pairs = new Map<number, unknown>();
    await Worker.runReplayHistory(
      {
        workflowsPath: WORKFLOWS_PATH,
        interceptors: { workflowModules: [require.resolve('./persist-recorder')] },
        sinks: {
          recorder: {
            persisted: {
              fn: (_info: unknown, input: { event: { seq: number } }) => {
                if (!pairs.has(input.event.seq)) pairs.set(input.event.seq, input);
              },
              callDuringReplay: true,
            },
          },
        },
      },
      JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')),
      file,
    );
    out[file] = [...pairs.values()];
  }
  fs.writeFileSync(process.argv[2] as string, JSON.stringify(out));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

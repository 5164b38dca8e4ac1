// The fast tier's global setup (jest.fast.config.js): no PostgreSQL, no dev server; only the
// workflow bundle and the time-skipping test server's path, found once for every fast test file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default async function fastSetup() {
  const root = path.resolve(import.meta.dirname, '..', '..', '..');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-fast-'));
  const out = execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(import.meta.dirname, 'prepare.ts'), dir],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  Object.assign(process.env, JSON.parse(out.trim().split('\n').pop()));
  globalThis.__TRACKER_FAST_DIR__ = dir;
}

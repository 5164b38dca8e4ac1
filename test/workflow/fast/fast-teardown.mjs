import fs from 'node:fs';

export default async function fastTeardown() {
  if (globalThis.__TRACKER_FAST_DIR__) fs.rmSync(globalThis.__TRACKER_FAST_DIR__, { recursive: true, force: true });
}

import fs from 'node:fs';
import path from 'node:path';
import { isAlive, readPid } from './processes';

/** Another running `npm start` (or stack) keeps its PostgreSQL and Temporal state in this data folder. */
export class DataDirInUseError extends Error {}

/**
 * Claims `<dataDir>` for this process before the embedded PostgreSQL and Temporal start. Both stop a
 * server a killed run left behind in the folder (stale postmaster, stale dev server), so without this
 * claim a second `npm start` with the same DATA_DIR (and other ports) would stop the first one's
 * servers. A claim whose process is gone is stale and taken over. Returns the release.
 */
export function claimDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'stack.pid');
  fs.mkdirSync(dataDir, { recursive: true });
  const holder = readPid(file);
  if (holder !== null && holder !== process.pid && isNodeProcess(holder)) {
    throw new DataDirInUseError(
      `DATA_DIR ${dataDir} is in use by another npm start (process ${holder}); stop that one, or set DATA_DIR to another folder (and its ports: PORT, EMBEDDED_PG_PORT, TEMPORAL_DEV_PORT, TEMPORAL_UI_PORT).`,
    );
  }
  fs.writeFileSync(file, `${process.pid}\n`);
  return () => {
    if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
  };
}

/** Alive and a Node.js process (a reused pid of some other program does not hold the folder). */
function isNodeProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return /node/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    // No /proc (macOS): trust the pid file.
    return true;
  }
}

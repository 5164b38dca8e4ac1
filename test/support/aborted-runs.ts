import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopStalePostgres } from '../../embedded/embedded-postgres';
import { isAlive, readPid } from '../../embedded/processes';
import { stopStaleTemporal } from '../../embedded/temporal-dev-server';

/** Each test run's folder under the system temp folder (test/support/services.ts makes it). */
export const RUN_DIR_PREFIX = 'tracker-test-';
/** In a run's folder: the pid of the services process that owns it. */
export const OWNER_PID_FILE = 'services.pid';
/** In a run's folder: the pid of the shared in-memory Temporal dev server. */
export const TEMPORAL_PID_FILE = 'temporal.pid';

/**
 * Stops the servers of earlier test runs whose services process is gone (jest or the services
 * process killed outright, so the teardown never ran), and removes their folders: the shared
 * PostgreSQL and Temporal, and the ones fault tests start in subfolders (`<sub>/postgres`,
 * `<sub>/temporal.sqlite.pid`). A folder whose owner is alive is another run in progress and is
 * left alone, as is a folder without an owner pid (written before this existed).
 */
export async function stopAbortedRuns(tmpRoot = os.tmpdir()): Promise<string[]> {
  const stopped: string[] = [];
  for (const name of fs.readdirSync(tmpRoot)) {
    if (!name.startsWith(RUN_DIR_PREFIX)) continue;
    const dir = path.join(tmpRoot, name);
    const owner = readPid(path.join(dir, OWNER_PID_FILE));
    if (owner === null || isAlive(owner)) continue;
    await stopStaleTemporal(path.join(dir, TEMPORAL_PID_FILE));
    await stopStalePostgres(dir);
    for (const sub of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!sub.isDirectory()) continue;
      await stopStaleTemporal(path.join(dir, sub.name, 'temporal.sqlite.pid'));
      await stopStalePostgres(path.join(dir, sub.name));
    }
    fs.rmSync(dir, { recursive: true, force: true });
    stopped.push(dir);
  }
  return stopped;
}

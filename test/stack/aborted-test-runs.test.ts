import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from '../../embedded/processes';
import { OWNER_PID_FILE, TEMPORAL_PID_FILE, stopAbortedRuns } from '../support/aborted-runs';

// Stand-ins for servers: node processes whose command line names `start-dev`, as a Temporal dev
// server's does (the pid-file check looks for it), so nothing real is started or stopped here.
function fakeTemporal(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'server', 'start-dev'], { stdio: 'ignore' });
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid as number;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
}

describe('servers left by an aborted test run', () => {
  it("when a run's services process is gone, then the next setup stops its servers (the shared one and a fault test's) and removes its folder; a live run is left alone", async () => {
    const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'aborted-runs-'));
    const shared = fakeTemporal();
    const faultTests = fakeTemporal();
    const otherRun = fakeTemporal();
    try {
      const aborted = path.join(tmpRoot, 'tracker-test-aborted');
      fs.mkdirSync(path.join(aborted, 'temporal-1'), { recursive: true });
      fs.writeFileSync(path.join(aborted, OWNER_PID_FILE), String(await deadPid()));
      fs.writeFileSync(path.join(aborted, TEMPORAL_PID_FILE), String(shared.pid));
      fs.writeFileSync(path.join(aborted, 'temporal-1', 'temporal.sqlite.pid'), String(faultTests.pid));
      const live = path.join(tmpRoot, 'tracker-test-live');
      fs.mkdirSync(live);
      fs.writeFileSync(path.join(live, OWNER_PID_FILE), String(process.pid));
      fs.writeFileSync(path.join(live, TEMPORAL_PID_FILE), String(otherRun.pid));

      expect(await stopAbortedRuns(tmpRoot)).toEqual([aborted]);
      await Promise.all([exited(shared), exited(faultTests)]);
      expect(fs.existsSync(aborted)).toBe(false);
      expect(isAlive(otherRun.pid as number)).toBe(true);
      expect(fs.existsSync(path.join(live, TEMPORAL_PID_FILE))).toBe(true);
    } finally {
      for (const child of [shared, faultTests, otherRun]) child.kill('SIGKILL');
      fs.rmSync(tmpRoot, { recursive: true, force: true });
    }
  });
});

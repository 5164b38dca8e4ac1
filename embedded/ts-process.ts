import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The repository (entry points are named relative to it). */
export const ROOT = path.resolve(__dirname, '..');

/**
 * Where Node keeps the compiled code of the modules a process loaded (its compile cache, Node 22.1+),
 * so the next process that loads them skips compiling them: a worker process is ready on about a
 * fifth less CPU. Under node_modules, as other tools' caches are; NODE_COMPILE_CACHE, when set, wins.
 */
export const COMPILE_CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'node-compile-cache');

/**
 * Runs a TypeScript entry point as `node --import tsx <script>`: tsx in this very process (the tsx CLI
 * would add a parent process, and a signal would then miss the real one), with the compile cache. Its
 * output and errors are piped; its input too, or ignored.
 */
export function spawnTs(
  script: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; stdin: 'pipe' | 'ignore' },
  /** Node options before the script (e.g. --cpu-prof). */
  nodeArgs: string[] = [],
  /** Another checkout to run the script from (a benchmark's baseline); this repository by default. */
  root = ROOT,
): ChildProcessByStdio<Writable | null, Readable, Readable> {
  const argv = [...nodeArgs, '--import', 'tsx', path.join(root, script), ...args];
  const base = { cwd: root, env: { NODE_COMPILE_CACHE: COMPILE_CACHE_DIR, ...opts.env } };
  return opts.stdin === 'pipe'
    ? spawn(process.execPath, argv, { ...base, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, argv, { ...base, stdio: ['ignore', 'pipe', 'pipe'] });
}

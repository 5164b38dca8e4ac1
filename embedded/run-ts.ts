import type { ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { ROOT, spawnTs } from './ts-process';

export interface Proc {
  child: ChildProcess;
  output: string[];
  /** SIGKILL: the process gets no chance to clean up. */
  kill(): Promise<void>;
  /** SIGTERM and wait. */
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript entry point with tsx as a child process (the benchmark's API process, the fault
 * tests' workers and PostgreSQL); resolves once a line of its output matches `ready`.
 */
export async function runTs(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 60_000,
  /** Another checkout to run the script from (a benchmark's baseline); this repository by default. */
  root = ROOT,
  /** Node options before the script (e.g. --cpu-prof). */
  nodeArgs: string[] = [],
): Promise<Proc & { readyLine: string }> {
  const child = spawnTs(script, args, { env: { ...process.env, ...env }, stdin: 'pipe' }, nodeArgs, root);
  const output: string[] = [];
  const readyLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} not ready after ${timeoutMs} ms:\n${output.join('\n')}`)),
      timeoutMs,
    );
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        if (ready.test(line)) {
          clearTimeout(timer);
          resolve(line);
        }
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready:\n${output.join('\n')}`));
    });
  });
  const waitExit = () =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );
  return {
    child,
    output,
    readyLine,
    async kill() {
      child.kill('SIGKILL');
      await waitExit();
    },
    async stop() {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await waitExit();
      clearTimeout(t);
    },
  };
}

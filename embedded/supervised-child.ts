import type { ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { spawnTs } from './ts-process';

export interface ChildSpec {
  /** Prefix of its output lines, e.g. `api`. */
  name: string;
  /** TypeScript entry point relative to the repository root, e.g. `stack/api-main.ts`. */
  script: string;
  env: NodeJS.ProcessEnv;
  /** A line of its output that says it is ready. */
  ready: RegExp;
  log: (line: string) => void;
  /** How long start() waits for the ready line. */
  readyTimeoutMs?: number;
}

/**
 * One child process (`node --import tsx <script>`, no intermediate tsx process, so a signal reaches
 * the real one) that is restarted when it exits on its own: after 1 s, doubling to 30 s while it keeps
 * failing, back to 1 s once it has stayed up for a minute. stop() ends it with SIGTERM (SIGKILL after
 * 20 s) and ends the restarts.
 */
export class SupervisedChild {
  private child: ChildProcess | null = null;
  private stopping = false;
  private backoffMs = 1_000;
  private restartTimer: NodeJS.Timeout | null = null;

  constructor(private readonly spec: ChildSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns it and resolves with its ready line; rejects if it exits or times out first. */
  async start(): Promise<string> {
    const { spec } = this;
    const child = spawnTs(spec.script, [], { env: spec.env, stdin: 'ignore' });
    this.child = child;
    const startedAt = Date.now();
    const readyLine = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${spec.name} not ready after ${spec.readyTimeoutMs ?? 120_000} ms`)),
        spec.readyTimeoutMs ?? 120_000,
      );
      for (const stream of [child.stdout, child.stderr]) {
        readline.createInterface({ input: stream }).on('line', (line) => {
          spec.log(`[${spec.name}] ${line}`);
          if (spec.ready.test(line)) {
            clearTimeout(timer);
            resolve(line);
          }
        });
      }
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${spec.name} exited (${signal ?? code}) before it was ready`));
      });
    });
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = null;
      if (this.stopping) return;
      if (Date.now() - startedAt > 60_000) this.backoffMs = 1_000;
      spec.log(`${spec.name}: exited (${signal ?? code}); restarting in ${this.backoffMs / 1000} s`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        if (this.stopping) return;
        this.start().catch((err: unknown) => spec.log(`${spec.name}: ${String(err)}`));
      }, this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
    });
    return readyLine;
  }

  /**
   * Restarts it no more, leaving it running until stop(): a shutdown holds every child first, so one
   * that exits on the same Ctrl-C (the terminal signals the whole process group) is not started again.
   */
  hold(): void {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  /** Ends it (SIGTERM, then SIGKILL after `graceMs`) and stops restarting it. */
  async stop(graceMs = 20_000): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(kill);
  }
}

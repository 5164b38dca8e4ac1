import type { ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { STARTUP_GATE } from './startup-gate';
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
  /** The part of its environment that came after it was spawned (start's `late`), for its restarts. */
  private lateEnv: NodeJS.ProcessEnv = {};
  /** start's `late` while it has not come: a restart before then waits for it too. */
  private pendingLate: Promise<NodeJS.ProcessEnv> | undefined;

  constructor(private readonly spec: ChildSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Spawns it and resolves with its ready line; rejects if it exits or times out first. With `late`, it
   * is spawned at once, loads its code, and gets the rest of its environment as one line on its stdin
   * when `late` resolves (embedded/startup-gate.ts); its restarts get it in their environment.
   */
  async start(late?: Promise<NodeJS.ProcessEnv>): Promise<string> {
    const { spec } = this;
    const child = late
      ? spawnTs(spec.script, [], { env: { ...spec.env, [STARTUP_GATE]: 'stdin' }, stdin: 'pipe' })
      : spawnTs(spec.script, [], { env: { ...spec.env, ...this.lateEnv }, stdin: 'ignore' });
    this.child = child;
    this.pendingLate = late;
    if (late && child.stdin) {
      const stdin = child.stdin;
      // A child that died meanwhile closed its end: its exit is reported below, not as a write error here.
      stdin.on('error', () => undefined);
      late.then(
        (env) => {
          this.lateEnv = env;
          if (this.pendingLate === late) this.pendingLate = undefined;
          stdin.end(`${JSON.stringify(env)}\n`);
        },
        // No environment will come (the services did not start): the child ends at the end of its
        // input, and is not started again.
        () => {
          this.hold();
          stdin.end();
        },
      );
    }
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
        this.start(this.pendingLate).catch((err: unknown) => spec.log(`${spec.name}: ${String(err)}`));
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

import type { Db } from './client';
import { TasksChangedListener } from './tasks-changed-listener';

/**
 * Watches for tasks to arrive in the read model: each task's workflow stores its CREATED event
 * (and the task's row) in its first workflow task. Driven by PostgreSQL's NOTIFY on `tasks`
 * (migration 0003), not by a timer: every notification, and every (re)connection of the
 * listener, asks once for the codes still missing (one question in flight at a time), so the
 * work is linear in the number of rows stored. The importer uses it to start many workflows
 * back to back and still return only once every task can be read.
 */
export class TaskArrivals {
  private readonly missing = new Set<string>();
  private readonly waiters: { below: number; resolve: () => void; reject: (e: Error) => void }[] = [];
  private checking = false;
  private recheck = false;
  private lastProgressMs = Date.now();
  private failure: Error | null = null;
  private stallTimer: NodeJS.Timeout | null = null;
  private closed = false;

  private readonly listener: TasksChangedListener;

  private constructor(
    private readonly db: Db,
    private readonly stallMs: number,
  ) {
    this.listener = new TasksChangedListener(db.pool.options, () => this.check());
  }

  /** Listens before anything is started, so no arrival can be missed. */
  static async open(db: Db, opts: { stallMs: number }): Promise<TaskArrivals> {
    const arrivals = new TaskArrivals(db, opts.stallMs);
    await arrivals.listener.start();
    arrivals.stallTimer = setInterval(() => arrivals.checkStall(), Math.min(1_000, opts.stallMs));
    arrivals.stallTimer.unref();
    return arrivals;
  }

  /** Codes whose rows are awaited. */
  expect(codes: string[]): void {
    if (codes.length === 0) return;
    if (this.missing.size === 0) this.lastProgressMs = Date.now();
    for (const c of codes) this.missing.add(c);
    this.check();
  }

  get outstanding(): number {
    return this.missing.size;
  }

  /** Resolves once fewer than `n` awaited codes are missing (n = 1: all arrived). */
  whenFewerThan(n: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.missing.size < n) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ below: n, resolve, reject }));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.stallTimer) clearInterval(this.stallTimer);
    await this.listener.stop();
  }

  private check(): void {
    if (this.closed || this.missing.size === 0) return;
    if (this.checking) {
      this.recheck = true;
      return;
    }
    this.checking = true;
    this.recheck = false;
    void this.storedAmong([...this.missing])
      .then((stored) => {
        if (stored.length > 0) this.lastProgressMs = Date.now();
        for (const c of stored) this.missing.delete(c);
        this.settleWaiters();
      })
      .catch(() => {
        // PostgreSQL away for a moment: ask again in a second (not at once, which would spin while
        // it is down); the listener's reconnection asks too.
        setTimeout(() => this.check(), 1_000).unref();
      })
      .finally(() => {
        this.checking = false;
        if (this.recheck) this.check();
      });
  }

  private async storedAmong(codes: string[]): Promise<string[]> {
    const { rows } = await this.db.pool.query<{ code: string }>('SELECT code FROM tasks WHERE code = ANY($1::text[])', [
      codes,
    ]);
    return rows.map((r) => r.code);
  }

  private settleWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i] as (typeof this.waiters)[number];
      if (this.missing.size < w.below) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** No task arrived for `stallMs` while some are awaited: no worker is taking the workflows. */
  private checkStall(): void {
    if (this.failure || this.missing.size === 0 || Date.now() - this.lastProgressMs < this.stallMs) return;
    this.failure = new Error(
      `${this.missing.size} started task workflows stored no first event for ${Math.round(this.stallMs / 1000)} s (e.g. ${[...this.missing].slice(0, 3).join(', ')}); is the worker running?`,
    );
    for (const w of this.waiters.splice(0)) w.reject(this.failure);
  }
}

import crypto from 'node:crypto';
import { TasksChangedListener } from '../db/tasks-changed-listener';

/** A response body ready to send as it is, with its validator (a hit costs no encoding or hashing). */
export interface RenderedPage {
  body: Buffer;
  etag: string;
}

export function renderedPage(json: string): RenderedPage {
  const body = Buffer.from(json, 'utf8');
  return {
    body,
    etag: `W/"${body.length.toString(16)}-${crypto.createHash('sha1').update(body).digest('base64url')}"`,
  };
}

/**
 * Rendered task-list pages, kept by one API process until the read model changes.
 *
 * PostgreSQL tells every listening process when a transaction that changed `tasks` commits (a
 * statement trigger sends NOTIFY); each notification moves the generation on, and a page is served
 * only while the generation it was read at is current. So:
 * - a write through this process invalidates at once (`invalidate()` after the write returns),
 * - a write anywhere else (the worker, another API process, an import) within the notification's
 *   delivery, milliseconds,
 * - while the listening connection is down nothing is cached, and a reconnect starts a new generation,
 * - a page older than `maxAgeMs` is read again anyway (a bound even if a notification went missing).
 * Pages are keyed by the parsed query and the Viet Nam date, on which `daysOverdue` depends.
 */
export class ListCache {
  private generation = 0;
  private readonly listener: TasksChangedListener;
  private readonly pages = new Map<string, { generation: number; at: number; page: RenderedPage }>();

  constructor(
    connectionString: string,
    private readonly maxAgeMs: number,
    private readonly maxPages = 1000,
  ) {
    this.listener = new TasksChangedListener(connectionString, () => {
      this.generation++;
    });
  }

  /** Connects the listener; resolves once it listens (or rejects: the caller may run without a cache). */
  async start(): Promise<this> {
    await this.listener.start();
    return this;
  }

  private get listening(): boolean {
    return this.listener.listening;
  }

  /** The generation to read a page at (pass it to `put`). */
  current(): number {
    return this.generation;
  }

  get(key: string, now = Date.now()): RenderedPage | null {
    const page = this.listening ? this.pages.get(key) : undefined;
    if (!page || page.generation !== this.generation || now - page.at > this.maxAgeMs) return null;
    return page.page;
  }

  /** Keeps a page read at `generation`; a change noticed meanwhile makes it unusable at once. */
  put(key: string, generation: number, page: RenderedPage, now = Date.now()): void {
    if (!this.listening || generation !== this.generation) return;
    this.pages.delete(key);
    if (this.pages.size >= this.maxPages) this.pages.delete(this.pages.keys().next().value as string);
    this.pages.set(key, { generation, at: now, page });
  }

  /** After a write through this process: its own next read must see it. */
  invalidate(): void {
    this.generation++;
  }

  async stop(): Promise<void> {
    await this.listener.stop();
    this.pages.clear();
  }
}

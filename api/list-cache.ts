import crypto from 'node:crypto';
import pg from 'pg';

/** A response body ready to send as it is, with its validator (a hit costs no encoding or hashing). */
export interface RenderedPage {
  body: Buffer;
  etag: string;
}

export function renderedPage(json: string): RenderedPage {
  const body = Buffer.from(json, 'utf8');
  return { body, etag: `W/"${body.length.toString(16)}-${crypto.createHash('sha1').update(body).digest('base64url')}"` };
}

/** The channel the `tasks` trigger notifies on every committed change (migration 0003). */
export const TASKS_CHANGED_CHANNEL = 'tasks_changed';

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
  private listening = false;
  private stopped = false;
  private client: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly pages = new Map<string, { generation: number; at: number; page: RenderedPage }>();

  constructor(
    private readonly connectionString: string,
    private readonly maxAgeMs: number,
    private readonly maxPages = 1000,
  ) {}

  /** Connects the listener; resolves once it listens (or rejects: the caller may run without a cache). */
  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, connectionTimeoutMillis: 5_000 });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      this.listening = false;
      this.generation++;
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end().catch(() => undefined);
      this.scheduleRetry();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => {
      this.generation++;
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${TASKS_CHANGED_CHANNEL}`);
    } catch (err) {
      lost();
      throw err;
    }
    // Anything committed before LISTEN took effect is not in a page read from now on.
    this.generation++;
    this.listening = true;
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.listen().catch(() => undefined);
    }, 1_000);
    this.retryTimer.unref();
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
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    this.listening = false;
    this.pages.clear();
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}

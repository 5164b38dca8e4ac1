import pg from 'pg';

/** The channel the `tasks` trigger notifies on every committed change (migration 0003). */
export const TASKS_CHANGED_CHANNEL = 'tasks_changed';

/**
 * One connection that LISTENs on `tasks_changed` and reconnects (every second) when it is lost.
 * `onChange` runs on every notification, when the connection is lost, and once LISTEN takes
 * effect (anything committed before it was not seen); `listening` says whether notifications arrive.
 */
export class TasksChangedListener {
  private stopped = false;
  private client: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  listening = false;

  constructor(
    /** A connection string, or a pool's options (the listener opens its own connection with them). */
    private readonly connection: string | pg.ClientConfig,
    private readonly onChange: () => void,
  ) {}

  /** Connects; resolves once it listens (or rejects, and keeps retrying in the background). */
  async start(): Promise<void> {
    await this.listen();
  }

  private async listen(): Promise<void> {
    const config = typeof this.connection === 'string' ? { connectionString: this.connection } : this.connection;
    const client = new pg.Client({ ...config, connectionTimeoutMillis: 5_000 });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      this.listening = false;
      this.onChange();
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end().catch(() => undefined);
      this.scheduleRetry();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.onChange());
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${TASKS_CHANGED_CHANNEL}`);
    } catch (err) {
      lost();
      throw err;
    }
    this.onChange();
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

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    this.listening = false;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}

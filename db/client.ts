import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import pg from 'pg';
import type { WorkingCalendar } from '../domain/working-days';

export type { PrismaClient };
/** A node-postgres pool, for callers outside db/ that hold one (tests' checks around the application). */
export type SqlPool = pg.Pool;

/**
 * The one connection to PostgreSQL that the application holds: Prisma and the node-postgres pool
 * under it, side by side. Prepared SQL goes to `pool`, model calls to `prisma` (db/README.md says
 * which is used when). `close()` ends both.
 */
export interface Db {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
  /**
   * How the task JSON read through this handle counts days overdue: in working days of this calendar,
   * or (null or absent) in calendar days. Set by the composition root from DUE_DAYS_UNIT
   * (db/tasks.ts `withOverdueCalendar`), not by a module-global set at start-up.
   */
  readonly overdueCalendar?: WorkingCalendar | null;
}

/**
 * Prisma over node-postgres (the JS engine: nothing native is downloaded). The pool is ours and
 * shared, so prepared statements and Prisma queries count against one connection limit.
 */
export function connectDb(databaseUrl: string, opts: { max?: number } = {}): Db {
  const pool = openPool(databaseUrl, opts.max ?? 20);
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    // Prisma's defaults (2 s to get a connection, 5 s for the whole transaction) failed the start-up's
    // reference-data batch (about 80 upserts) on a 2-core machine at load average 24; a transaction
    // here is short and bounded, so a slow machine may take longer rather than fail the start.
    transactionOptions: { maxWait: 10_000, timeout: 30_000 },
  });
  return { prisma, pool, close: () => prisma.$disconnect() };
}

/** A plain pool (no Prisma). */
export function openPool(databaseUrl: string, max = 2): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: 5_000,
    allowExitOnIdle: true,
  });
  // An idle client that loses its connection (PostgreSQL restarted) must not crash the process;
  // the next query gets a fresh connection or a clear error.
  pool.on('error', () => undefined);
  // Nor a checked-out one: the pool drops its own listener while a client is lent (a transaction
  // between two statements, say), and PostgreSQL shutting down then ("terminating connection due to
  // administrator command") would be an unhandled 'error' event. The holder's next statement fails
  // with the error instead, and the client is discarded when released with it.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** Whether PostgreSQL answers (readiness). */
export async function ping(db: Db): Promise<void> {
  await db.pool.query('SELECT 1');
}

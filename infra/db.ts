import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import pg from 'pg';

export type { PrismaClient };

const pools = new WeakMap<PrismaClient, pg.Pool>();

/**
 * Prisma over node-postgres (the JS engine: nothing native is downloaded). The pool is ours and
 * shared: the few hot statements (persisting an event, the task list, the token lookup) go to it
 * directly through `sqlPool`, everything else through Prisma. `$disconnect()` ends the pool.
 */
export function createPrisma(databaseUrl: string, opts: { max?: number } = {}): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.max ?? 20, connectionTimeoutMillis: 5_000, allowExitOnIdle: true });
  // An idle client that loses its connection (PostgreSQL restarted) must not crash the process;
  // the next query gets a fresh connection or a clear error.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(prisma, pool);
  return prisma;
}

/** The node-postgres pool under a client made by `createPrisma`. */
export function sqlPool(prisma: PrismaClient): pg.Pool {
  const pool = pools.get(prisma);
  if (!pool) throw new Error('sqlPool: this PrismaClient was not made by createPrisma');
  return pool;
}

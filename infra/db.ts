import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';

export type { PrismaClient };

/** Prisma over node-postgres (the JS engine: nothing native is downloaded). */
export function createPrisma(databaseUrl: string, opts: { max?: number } = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: opts.max ?? 20, connectionTimeoutMillis: 5_000 });
  return new PrismaClient({ adapter });
}

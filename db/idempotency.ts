import { Prisma } from '@prisma/client';
import type { Db } from './client';

export interface StoredAnswer {
  requestHash: string;
  status: number;
  body: unknown;
}

/** The answer stored for (principal, Idempotency-Key), if any. */
export async function findStoredAnswer(db: Db, principal: string, key: string): Promise<StoredAnswer | null> {
  const row = await db.prisma.idempotencyRecord.findUnique({ where: { principal_key: { principal, key } } });
  return row ? { requestHash: row.requestHash, status: row.status, body: row.body } : null;
}

/** Stores the answer to a keyed request; if a concurrent request with the same key stored first, its answer stands. */
export async function storeAnswer(db: Db, principal: string, key: string, answer: StoredAnswer): Promise<void> {
  await db.prisma.idempotencyRecord
    .create({ data: { principal, key, requestHash: answer.requestHash, status: answer.status, body: answer.body as Prisma.InputJsonValue } })
    .catch((err: unknown) => {
      if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
    });
}

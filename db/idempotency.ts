import type { Db } from './client';

/** What reserving (principal, Idempotency-Key) found. */
export type Reservation =
  /** This request holds the key now: send it, then `completeReservation` or `releaseReservation`. */
  | { outcome: 'reserved' }
  /** An earlier request with this key was answered. */
  | { outcome: 'answered'; requestHash: string; status: number; body: unknown }
  /** An earlier request with this key is still being served. */
  | { outcome: 'in-flight'; requestHash: string };

/**
 * One statement reserves the key atomically: the first request inserts its row (with the request's
 * hash, no answer yet); a concurrent one conflicts and learns who holds it. A reservation whose
 * holder died (no answer by `reserved_until`) is taken over by a request with the same hash: it
 * sends the same Temporal update id, so the change still happens once.
 */
const RESERVE_SQL = `
INSERT INTO idempotency_records (principal, key, request_hash, reserved_until, created_at)
VALUES ($1, $2, $3, now() + $4::int * interval '1 millisecond', now())
ON CONFLICT (principal, key) DO UPDATE SET reserved_until = EXCLUDED.reserved_until
  WHERE idempotency_records.status IS NULL AND idempotency_records.reserved_until < now()
    AND idempotency_records.request_hash = EXCLUDED.request_hash
RETURNING 1`;

export async function reserveKey(
  db: Db,
  principal: string,
  key: string,
  requestHash: string,
  leaseMs: number,
): Promise<Reservation> {
  const inserted = await db.pool.query({
    name: 'idempotency-reserve',
    text: RESERVE_SQL,
    values: [principal, key, requestHash, leaseMs],
  });
  if (inserted.rowCount === 1) return { outcome: 'reserved' };
  // Read after the conflict, in a new snapshot, so the holder's row is visible.
  const row = await db.prisma.idempotencyRecord.findUnique({ where: { principal_key: { principal, key } } });
  if (!row) return reserveKey(db, principal, key, requestHash, leaseMs); // released meanwhile
  if (row.status === null) return { outcome: 'in-flight', requestHash: row.requestHash };
  return { outcome: 'answered', requestHash: row.requestHash, status: row.status, body: row.body };
}

/** Stores the answer of the request holding the reservation. */
export async function completeReservation(
  db: Db,
  principal: string,
  key: string,
  requestHash: string,
  answer: { status: number; body: unknown },
): Promise<void> {
  await db.pool.query({
    name: 'idempotency-complete',
    text: `UPDATE idempotency_records SET status = $4, body = $5::jsonb, reserved_until = NULL
            WHERE principal = $1 AND key = $2 AND request_hash = $3 AND status IS NULL`,
    values: [principal, key, requestHash, answer.status, JSON.stringify(answer.body ?? null)],
  });
}

/** Gives the key back unanswered (the request failed in a way a retry may fix). */
export async function releaseReservation(db: Db, principal: string, key: string, requestHash: string): Promise<void> {
  await db.pool.query({
    name: 'idempotency-release',
    text: `DELETE FROM idempotency_records WHERE principal = $1 AND key = $2 AND request_hash = $3 AND status IS NULL`,
    values: [principal, key, requestHash],
  });
}

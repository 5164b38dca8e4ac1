import type { Db } from './client';

/**
 * Fixed-window counters, one row per key, shared by every API process: each key's row is moved to
 * the current window (PostgreSQL's clock, so processes agree) and `n` hits are added, for any number
 * of keys in one statement. Rows are taken in key order, so two processes adding to the same keys
 * at once wait for each other instead of deadlocking.
 */
const HITS_SQL = `
WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM clock_timestamp()) * 1000 / $3::bigint) * $3::bigint / 1000.0) AT TIME ZONE 'UTC' AS start)
INSERT INTO rate_limit_hits (key, window_start, hits)
SELECT i.key, w.start, i.n FROM unnest($1::text[], $2::int[]) AS i(key, n), w ORDER BY i.key
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN rate_limit_hits.window_start = EXCLUDED.window_start THEN rate_limit_hits.hits + EXCLUDED.hits ELSE EXCLUDED.hits END,
  window_start = EXCLUDED.window_start
RETURNING key, hits, (extract(epoch FROM window_start) * 1000)::bigint AS window_start_ms`;

export interface CountedHits {
  key: string;
  /** Hits of the key in the current window, these included. */
  hits: number;
  /** When the current window ends (ms). */
  resetAtMs: number;
}

/** Adds `n` hits to each key in the current window; returns each key's count and when its window ends. */
export async function countHits(db: Db, adds: { key: string; n: number }[], windowMs: number): Promise<CountedHits[]> {
  const { rows } = await db.pool.query<{ key: string; hits: number; window_start_ms: string }>({
    name: 'rate-limit-hits',
    text: HITS_SQL,
    values: [adds.map((a) => a.key), adds.map((a) => a.n), windowMs],
  });
  return rows.map((r) => ({ key: r.key, hits: r.hits, resetAtMs: Number(r.window_start_ms) + windowMs }));
}

/** Drops counters of windows long gone (keys of clients that stopped calling). */
export async function forgetOldHits(db: Db, olderThanMs: number): Promise<void> {
  await db.pool.query(
    `DELETE FROM rate_limit_hits WHERE window_start < (now() AT TIME ZONE 'UTC') - $1::bigint * interval '1 millisecond'`,
    [olderThanMs],
  );
}

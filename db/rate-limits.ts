import type { Db } from './client';

/**
 * One fixed-window counter per key, shared by every API process: the row of the key is moved to
 * the current window (PostgreSQL's clock, so processes agree) and counted in one statement.
 */
const HIT_SQL = `
WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM clock_timestamp()) * 1000 / $2::bigint) * $2::bigint / 1000.0) AT TIME ZONE 'UTC' AS start)
INSERT INTO rate_limit_hits (key, window_start, hits) SELECT $1, w.start, 1 FROM w
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN rate_limit_hits.window_start = EXCLUDED.window_start THEN rate_limit_hits.hits + 1 ELSE 1 END,
  window_start = EXCLUDED.window_start
RETURNING hits, (extract(epoch FROM window_start) * 1000)::bigint AS window_start_ms`;

/** Counts one request against `key` in the current window; returns the count and when the window ends (ms). */
export async function countHit(db: Db, key: string, windowMs: number): Promise<{ hits: number; resetAtMs: number }> {
  const { rows } = await db.pool.query<{ hits: number; window_start_ms: string }>({ name: 'rate-limit-hit', text: HIT_SQL, values: [key, windowMs] });
  const row = rows[0] as { hits: number; window_start_ms: string };
  return { hits: row.hits, resetAtMs: Number(row.window_start_ms) + windowMs };
}

/** Drops counters of windows long gone (keys of clients that stopped calling). */
export async function forgetOldHits(db: Db, olderThanMs: number): Promise<void> {
  await db.pool.query(`DELETE FROM rate_limit_hits WHERE window_start < (now() AT TIME ZONE 'UTC') - $1::bigint * interval '1 millisecond'`, [olderThanMs]);
}

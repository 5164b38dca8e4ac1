import { documentNumberKey } from '../domain/legal-documents';
import type { Db } from './client';
import { openStatusSql } from './status-sql';

const OPEN = openStatusSql('status');

/**
 * Open tasks held up by `issuer` that the registration of document `number` releases: those that
 * named this number (in any letter case), and those listed by the registration (`codes`), if they are held up by it.
 */
export async function tasksReleasedBy(db: Db, issuer: string, number: string, codes: string[]): Promise<string[]> {
  const { rows } = await db.pool.query<{ code: string }>(
    `SELECT code FROM tasks
      WHERE held_up IS NOT NULL AND held_up ->> 'ministry' = $1 AND ${OPEN}
        AND (upper(translate(normalize(held_up ->> 'documentNumber', NFC), 'đ', 'Đ')) = $2 OR code = ANY($3::text[]))
      ORDER BY code`,
    [issuer, documentNumberKey(number), codes],
  );
  return rows.map((r) => r.code);
}

/** Of `codes`, those not held up by `issuer` (a registration may release only its own hold-ups). */
export async function notHeldUpBy(db: Db, issuer: string, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const { rows } = await db.pool.query<{ code: string }>(
    `SELECT c AS code FROM unnest($2::text[]) AS c
      WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.code = c AND t.held_up ->> 'ministry' = $1 AND ${openStatusSql('t.status')})`,
    [issuer, codes],
  );
  return rows.map((r) => r.code);
}

export interface HoldUpRank {
  ministry: string;
  /** Open tasks of other ministries it holds up. */
  tasks: number;
  /** How many other (lead) ministries those tasks belong to. */
  ministries: number;
  /** The longest-waiting of them, since when (ISO). */
  oldestSince: string | null;
}

/** Ministries ranked by how many other ministries' open tasks they hold up. */
export async function holdUpRanking(db: Db): Promise<HoldUpRank[]> {
  const { rows } = await db.pool.query<{ ministry: string; tasks: string; ministries: string; oldest: string | null }>(
    `SELECT held_up ->> 'ministry' AS ministry, count(*) AS tasks, count(DISTINCT lead_ministry_code) AS ministries,
            min(held_up ->> 'since') AS oldest
       FROM tasks
      WHERE held_up IS NOT NULL AND ${OPEN} AND held_up ->> 'ministry' <> lead_ministry_code
      GROUP BY 1 ORDER BY count(*) DESC, count(DISTINCT lead_ministry_code) DESC, 1`,
  );
  return rows.map((r) => ({
    ministry: r.ministry,
    tasks: Number(r.tasks),
    ministries: Number(r.ministries),
    oldestSince: r.oldest,
  }));
}

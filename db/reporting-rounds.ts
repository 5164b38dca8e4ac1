import type { Db } from './client';
import type { RoundKind, RoundLevel, RoundStatus } from '../domain/reporting-round';

/** Reporting rounds in PostgreSQL: the round, who was asked, who reported, and the frozen count at close. */

export interface RoundRow {
  id: string;
  kind: RoundKind;
  /** Who reports: the provinces or the communes. */
  level: RoundLevel;
  openedOn: string;
  dueDate: string;
  closesOn: string;
  status: RoundStatus;
  extensions: number;
  closedAt: string | null;
  closedEarly: boolean;
  closeReason: string | null;
  reported: number;
  total: number;
  note: string;
}

/** Who was asked in a round and who of them reported: its localities, or for a commune round its communes. */
const ASKED = (reported: boolean) => `CASE WHEN r.level = 'commune'
    THEN (SELECT count(*) FROM round_communes x WHERE x.round_id = r.id${reported ? ' AND x.reported_at IS NOT NULL' : ''})
    ELSE (SELECT count(*) FROM round_localities x WHERE x.round_id = r.id${reported ? ' AND x.reported_at IS NOT NULL' : ''}) END`;

const ROUND_COLUMNS = `
  r.id, r.kind, r.level, to_char(r.opened_on, 'YYYY-MM-DD') AS "openedOn", to_char(r.due_date, 'YYYY-MM-DD') AS "dueDate",
  to_char(r.closes_on, 'YYYY-MM-DD') AS "closesOn", r.status, r.extensions,
  to_char(r.closed_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "closedAt", r.closed_early AS "closedEarly", r.close_reason AS "closeReason",
  COALESCE(r.reported_count, ${ASKED(true)})::int AS reported,
  COALESCE(r.total_count, ${ASKED(false)})::int AS total,
  r.note`;

/**
 * Opens a round (idempotent): the round row and one row per locality asked, or for a commune round one
 * row per commune (3,321), in one statement.
 */
export async function openRound(
  db: Db,
  r: {
    id: string;
    kind: RoundKind;
    level?: RoundLevel;
    openedOn: string;
    dueDate: string;
    closesOn: string;
    note?: string;
  },
): Promise<void> {
  const level = r.level ?? 'province';
  await db.pool.query(
    level === 'commune'
      ? `WITH round AS (
           INSERT INTO reporting_rounds (id, kind, level, opened_on, due_date, closes_on, note) VALUES ($1, $2, 'commune', $3, $4, $5, $6)
           ON CONFLICT (id) DO NOTHING RETURNING id)
         INSERT INTO round_communes (round_id, commune_code, locality_code)
         SELECT round.id, c.code, c.locality_code FROM round, communes c ORDER BY c.code
         ON CONFLICT DO NOTHING`
      : `WITH round AS (
           INSERT INTO reporting_rounds (id, kind, opened_on, due_date, closes_on, note) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (id) DO NOTHING RETURNING id)
         INSERT INTO round_localities (round_id, locality_code) SELECT round.id, l.code FROM round, localities l
         ON CONFLICT DO NOTHING`,
    [r.id, r.kind, r.openedOn, r.dueDate, r.closesOn, r.note ?? ''],
  );
}

export interface CommuneContact {
  code: string;
  name: string;
  locality: string;
  contactEmail: string;
}

/**
 * One province's communes asked in a commune round that have not reported in it, by code: the batch a
 * chase activity e-mails (its partition of round_communes' index: one province, at most 168 rows).
 */
export async function unreportedCommunesOf(db: Db, roundId: string, locality: string): Promise<CommuneContact[]> {
  const { rows } = await db.pool.query<CommuneContact>({
    name: 'round-unreported-communes',
    text: `SELECT c.code, c.name_vi AS name, c.locality_code AS locality, c.contact_email AS "contactEmail"
             FROM round_communes rc JOIN communes c ON c.code = rc.commune_code
            WHERE rc.round_id = $1 AND rc.locality_code = $2 AND rc.reported_at IS NULL ORDER BY rc.commune_code`,
    values: [roundId, locality],
  });
  return rows;
}

/** The provinces whose communes a commune round asked, by code (the chase's batches). */
export async function roundProvinces(db: Db, roundId: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ code: string }>(
    'SELECT DISTINCT locality_code AS code FROM round_communes WHERE round_id = $1 ORDER BY 1',
    [roundId],
  );
  return rows.map((r) => r.code);
}

export interface ProvinceRoundProgress {
  round: string;
  dueDate: string;
  status: RoundStatus;
  /** Its communes asked in the round, and how many of them reported. */
  reported: number;
  total: number;
  /** Codes of its communes that have not reported in the round. */
  notReported: string[];
}

/**
 * A province's communes in the latest commune round (open, else the latest closed): how many reported and
 * who has not. Null when no commune round asked its communes. The counts come from round_communes, the
 * rows the round's own "n of N" sums.
 */
export async function provinceCommuneRound(db: Db, locality: string): Promise<ProvinceRoundProgress | null> {
  const { rows } = await db.pool.query<ProvinceRoundProgress>({
    name: 'province-commune-round',
    text: `SELECT r.id AS round, to_char(r.due_date, 'YYYY-MM-DD') AS "dueDate", r.status,
                  count(rc.reported_at)::int AS reported, count(*)::int AS total,
                  coalesce(array_agg(rc.commune_code ORDER BY rc.commune_code) FILTER (WHERE rc.reported_at IS NULL), '{}') AS "notReported"
             FROM (SELECT * FROM reporting_rounds WHERE level = 'commune'
                     AND EXISTS (SELECT 1 FROM round_communes x WHERE x.round_id = reporting_rounds.id AND x.locality_code = $1)
                    ORDER BY status = 'OPEN' DESC, opened_on DESC, created_at DESC, id DESC LIMIT 1) r
             JOIN round_communes rc ON rc.round_id = r.id AND rc.locality_code = $1
            GROUP BY r.id, r.due_date, r.status`,
    values: [locality],
  });
  return rows[0] ?? null;
}

/** A commune round's progress by province: communes asked and reported (each province's "n of N"). */
export async function roundCommuneProgress(
  db: Db,
  roundId: string,
): Promise<{ locality: string; reported: number; total: number }[]> {
  const { rows } = await db.pool.query<{ locality: string; reported: number; total: number }>(
    `SELECT locality_code AS locality, count(reported_at)::int AS reported, count(*)::int AS total
       FROM round_communes WHERE round_id = $1 GROUP BY 1 ORDER BY 1`,
    [roundId],
  );
  return rows;
}

export async function setRoundDueDate(
  db: Db,
  r: { id: string; dueDate: string; closesOn: string; extensions: number },
): Promise<void> {
  await db.pool.query(
    `UPDATE reporting_rounds SET due_date = $2, closes_on = $3, extensions = GREATEST(extensions, $4) WHERE id = $1 AND status = 'OPEN'`,
    [r.id, r.dueDate, r.closesOn, r.extensions],
  );
}

export interface LocalityContact {
  code: string;
  name: string;
  contactEmail: string;
}

/** Localities asked in the round that have not reported yet, by code. */
export async function unreportedLocalities(db: Db, roundId: string): Promise<LocalityContact[]> {
  const { rows } = await db.pool.query<LocalityContact>(
    `SELECT l.code, l.name, l.contact_email AS "contactEmail" FROM round_localities rl JOIN localities l ON l.code = rl.locality_code
      WHERE rl.round_id = $1 AND rl.reported_at IS NULL ORDER BY l.code`,
    [roundId],
  );
  return rows;
}

/** How many localities the round asked. */
export async function roundSize(db: Db, roundId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM round_localities WHERE round_id = $1',
    [roundId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Closes the round and freezes who reported. The row lock orders it against reports being written
 * (they hold the round FOR SHARE), so a report either made it before the close or is refused.
 * Idempotent: closing a closed round returns what was frozen.
 */
export async function closeRound(
  db: Db,
  r: { id: string; at: string; early: boolean; reason: string | null },
): Promise<RoundRow | null> {
  await db.pool.query(
    `UPDATE reporting_rounds r SET status = 'CLOSED', closed_at = ($2::timestamptz AT TIME ZONE 'UTC'), closed_early = $3, close_reason = $4,
            reported_count = ${ASKED(true)},
            total_count = ${ASKED(false)}
      WHERE r.id = $1 AND r.status = 'OPEN'`,
    [r.id, r.at, r.early, r.reason],
  );
  return getRound(db, r.id);
}

export async function getRound(db: Db, id: string): Promise<RoundRow | null> {
  const { rows } = await db.pool.query<RoundRow>(`SELECT ${ROUND_COLUMNS} FROM reporting_rounds r WHERE r.id = $1`, [
    id,
  ]);
  return rows[0] ?? null;
}

export async function listRounds(db: Db, filter: { status?: RoundStatus } = {}): Promise<RoundRow[]> {
  const { rows } = await db.pool.query<RoundRow>(
    `SELECT ${ROUND_COLUMNS} FROM reporting_rounds r WHERE ($1::text IS NULL OR r.status = $1) ORDER BY r.opened_on DESC, r.id DESC`,
    [filter.status ?? null],
  );
  return rows;
}

export interface RoundLocalityRow {
  code: string;
  name: string;
  reportedAt: string | null;
  lastReportAt: string | null;
  cellsReported: number;
}

export async function roundLocalities(db: Db, id: string): Promise<RoundLocalityRow[]> {
  const { rows } = await db.pool.query<RoundLocalityRow>(
    `SELECT l.code, l.name, to_char(rl.reported_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "reportedAt",
            to_char(rl.last_report_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastReportAt", rl.cells_reported AS "cellsReported"
       FROM round_localities rl JOIN localities l ON l.code = rl.locality_code WHERE rl.round_id = $1 ORDER BY l.code`,
    [id],
  );
  return rows;
}

/**
 * The round the dashboard counts "N of 34 reported" in: the latest opened province-level round (open or
 * closed); a commune round counts communes, shown on /rounds and the province's communes page.
 */
export async function currentRound(db: Db): Promise<RoundRow | null> {
  const { rows } = await db.pool.query<RoundRow>(
    `SELECT ${ROUND_COLUMNS} FROM reporting_rounds r WHERE r.level = 'province' ORDER BY r.opened_on DESC, r.created_at DESC, r.id DESC LIMIT 1`,
  );
  return rows[0] ?? null;
}

/** The rounds a locality was asked in, newest first, with when it reported in each. */
export async function localityRounds(
  db: Db,
  locality: string,
): Promise<{ id: string; status: RoundStatus; dueDate: string; reportedAt: string | null }[]> {
  const { rows } = await db.pool.query<{ id: string; status: RoundStatus; dueDate: string; reportedAt: string | null }>(
    `SELECT r.id, r.status, to_char(r.due_date, 'YYYY-MM-DD') AS "dueDate", to_char(rl.reported_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "reportedAt"
       FROM round_localities rl JOIN reporting_rounds r ON r.id = rl.round_id WHERE rl.locality_code = $1
      ORDER BY r.opened_on DESC, r.id DESC`,
    [locality],
  );
  return rows;
}

/** Ids of rounds starting with `prefix` (to name the next extra round of a day). */
export async function roundIdsLike(db: Db, prefix: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ id: string }>(`SELECT id FROM reporting_rounds WHERE starts_with(id, $1)`, [
    prefix,
  ]);
  return rows.map((r) => r.id);
}

/**
 * A round that already happened (the seed round of the 6 December 2025 report): closed, with who
 * reported frozen. Idempotent; an existing round is left as it is.
 */
export async function recordClosedRound(
  db: Db,
  r: {
    id: string;
    openedOn: string;
    dueDate: string;
    closedAt: string;
    reported: string[];
    reportedAt: string;
    note: string;
  },
): Promise<void> {
  await db.pool.query(
    `WITH round AS (
       INSERT INTO reporting_rounds (id, kind, opened_on, due_date, closes_on, status, closed_at, note)
       VALUES ($1, 'SEED', $2, $3, $3, 'OPEN', NULL, $6)
       ON CONFLICT (id) DO NOTHING RETURNING id)
     INSERT INTO round_localities (round_id, locality_code, reported_at, last_report_at)
     SELECT round.id, l.code, CASE WHEN l.code = ANY($4::text[]) THEN ($5::timestamptz AT TIME ZONE 'UTC') END,
            CASE WHEN l.code = ANY($4::text[]) THEN ($5::timestamptz AT TIME ZONE 'UTC') END
       FROM round, localities l
     ON CONFLICT DO NOTHING`,
    [r.id, r.openedOn, r.dueDate, r.reported, r.reportedAt, r.note],
  );
  await closeRound(db, { id: r.id, at: r.closedAt, early: false, reason: null });
}

/**
 * Home Affairs' "remind now": records one chase per locality for `day` (Viet Nam date) and returns
 * the localities newly recorded; those already chased that day are left out (at most one a day per
 * locality per round), so a second try the same day sends nothing.
 */
export async function recordRoundChases(
  db: Db,
  r: { roundId: string; day: string; actor: string; localities: string[] },
): Promise<string[]> {
  if (r.localities.length === 0) return [];
  const { rows } = await db.pool.query<{ code: string }>(
    `INSERT INTO round_chases (round_id, locality_code, day, actor)
       SELECT $1, code, $2::date, $3 FROM unnest($4::text[]) AS code
     ON CONFLICT DO NOTHING RETURNING locality_code AS code`,
    [r.roundId, r.day, r.actor, r.localities],
  );
  return rows.map((x) => x.code).sort();
}

/** The chases of a round, newest first: who asked, when, which locality. */
export async function roundChases(
  db: Db,
  roundId: string,
): Promise<{ locality: string; day: string; at: string; actor: string }[]> {
  const { rows } = await db.pool.query<{ locality: string; day: string; at: string; actor: string }>(
    `SELECT locality_code AS locality, to_char(day, 'YYYY-MM-DD') AS day, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor
       FROM round_chases WHERE round_id = $1 ORDER BY at DESC, locality_code`,
    [roundId],
  );
  return rows;
}

import { CELL_STATES, OBSTACLE_CATEGORIES, type CellState, type ObstacleCategory } from '../domain/locality-cells';
import type { CommuneReportChannel } from '../domain/commune-cells';
import { GENESIS_HASH, canonicalContent, chainHashes } from './audit-chain';
import type { Db } from './client';
import { prepared } from './tasks';

/**
 * The commune level (issue 26): `communes`, the partitioned task × commune matrix `commune_cells`, its
 * roll-ups (`commune_rollups` per province and task, the counts on each `communes` row) kept by the
 * cells' statement triggers, and the append-only `commune_reports`. Layout and reasons: db/README.md.
 */

/** A unit of the official list (catalog/communes.ts reads it). */
export interface CommuneInput {
  code: string;
  locality: string;
  provinceCode: string;
  nameVi: string;
  kind: string;
  /** Where round notices go (illustrative placeholders: catalog/communes.ts); absent: none. */
  contactEmail?: string;
}

/** Which tasks have commune cells: those carried out at commune level (or both), where they apply. */
const COMMUNE_TASKS = `t.level IN ('commune', 'both') AND (t.applies_to IS NULL OR $1 = ANY(t.applies_to))`;

/**
 * Writes the official list (3,321 units): new units are added, names and kinds kept up to date; a
 * contact address is set only where there is none (a deployment's own address is kept).
 */
export async function upsertCommunes(db: Db, communes: ReadonlyArray<CommuneInput>): Promise<number> {
  const r = await db.pool.query(
    `INSERT INTO communes (code, locality_code, province_gso, name_vi, kind, contact_email)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT (code) DO UPDATE SET name_vi = EXCLUDED.name_vi, kind = EXCLUDED.kind,
         contact_email = CASE WHEN communes.contact_email = '' THEN EXCLUDED.contact_email ELSE communes.contact_email END
       WHERE (communes.name_vi, communes.kind) IS DISTINCT FROM (EXCLUDED.name_vi, EXCLUDED.kind)
          OR (communes.contact_email = '' AND EXCLUDED.contact_email <> '')`,
    [
      communes.map((c) => c.code),
      communes.map((c) => c.locality),
      communes.map((c) => c.provinceCode),
      communes.map((c) => c.nameVi),
      communes.map((c) => c.kind),
      communes.map((c) => c.contactEmail ?? ''),
    ],
  );
  return r.rowCount ?? 0;
}

export interface ProvinceSeed {
  locality: string;
  communes: number;
  tasks: number;
  /** Cells inserted now (0: already seeded). */
  inserted: number;
  seconds: number;
}

/**
 * Seeds one province's cells: every (commune-level task that applies there, commune of it), NOT_STARTED,
 * with one INSERT ... SELECT inside PostgreSQL (about 42,000 rows, 73,000 at most). A province whose
 * commune and task counts have not moved since its last seed is skipped; otherwise only missing cells are
 * added (a written cell is never overwritten). Its own short transaction: pages keep answering meanwhile.
 */
export async function seedProvinceCells(db: Db, locality: string): Promise<ProvinceSeed> {
  const t0 = performance.now();
  const client = await db.pool.connect();
  try {
    const { rows } = await client.query<{ communes: number; tasks: number; seeded: boolean }>(
      `SELECT (SELECT count(*)::int FROM communes WHERE locality_code = $1) AS communes,
              (SELECT count(*)::int FROM tasks t WHERE ${COMMUNE_TASKS}) AS tasks,
              EXISTS (SELECT 1 FROM commune_seeds s WHERE s.locality_code = $1
                         AND s.communes = (SELECT count(*) FROM communes WHERE locality_code = $1)
                         AND s.tasks = (SELECT count(*) FROM tasks t WHERE ${COMMUNE_TASKS})) AS seeded`,
      [locality],
    );
    const { communes, tasks, seeded } = rows[0] as { communes: number; tasks: number; seeded: boolean };
    if (seeded) return { locality, communes, tasks, inserted: 0, seconds: (performance.now() - t0) / 1000 };
    await client.query('BEGIN');
    // A bulk load: losing it in a crash only means seeding it again (the seeds row commits with it).
    await client.query('SET LOCAL synchronous_commit = off');
    // A province never seeded has no cells: a plain INSERT (no per-row conflict check) is the fast path.
    const first =
      (await client.query('SELECT 1 FROM commune_seeds WHERE locality_code = $1', [locality])).rowCount === 0;
    const r = await client.query(
      `INSERT INTO commune_cells (locality_code, commune_code, task_code)
       SELECT $1, c.code, t.code FROM communes c CROSS JOIN tasks t
        WHERE c.locality_code = $1 AND ${COMMUNE_TASKS}
        ORDER BY c.code, t.code
       ${first ? '' : 'ON CONFLICT DO NOTHING'}`,
      [locality],
    );
    const seconds = (performance.now() - t0) / 1000;
    await client.query(
      `INSERT INTO commune_seeds (locality_code, communes, tasks, cells, seconds, seeded_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (locality_code) DO UPDATE SET communes = $2, tasks = $3, cells = commune_seeds.cells + $4,
         seconds = $5, seeded_at = now()`,
      [locality, communes, tasks, r.rowCount ?? 0, seconds],
    );
    await client.query('COMMIT');
    return { locality, communes, tasks, inserted: r.rowCount ?? 0, seconds };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The provinces that have communes, in code order. */
export async function provincesWithCommunes(db: Db): Promise<string[]> {
  const { rows } = await db.pool.query<{ code: string }>(
    'SELECT DISTINCT locality_code AS code FROM communes ORDER BY 1',
  );
  return rows.map((r) => r.code);
}

export interface CommuneSeedStatus {
  communes: number;
  provinces: number;
  seededProvinces: number;
  cells: number;
}

/** How far the seed is (pages say "being prepared" until every province with communes is seeded). */
export async function communeSeedStatus(db: Db): Promise<CommuneSeedStatus> {
  const { rows } = await db.pool.query<CommuneSeedStatus>({
    name: 'commune-seed-status',
    text: `SELECT (SELECT count(*)::int FROM communes) AS communes,
                  (SELECT count(DISTINCT locality_code)::int FROM communes) AS provinces,
                  (SELECT count(*)::int FROM commune_seeds) AS "seededProvinces",
                  (SELECT coalesce(sum(cells), 0)::int FROM commune_seeds) AS cells`,
  });
  return rows[0] as CommuneSeedStatus;
}

export interface CommuneRow {
  code: string;
  locality: string;
  provinceCode: string;
  name: string;
  kind: string;
  cells: number;
  byState: Record<CellState, number>;
  reportedAt: string | null;
}

const COMMUNE_COLUMNS = `code, locality_code AS locality, province_gso AS "provinceCode", name_vi AS name, kind, cells,
  implementing, workable, obstacle, to_char(reported_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "reportedAt"`;

type CommuneDbRow = Omit<CommuneRow, 'byState'> & { implementing: number; workable: number; obstacle: number };

function communeRow(r: CommuneDbRow): CommuneRow {
  const { implementing, workable, obstacle, ...rest } = r;
  return {
    ...rest,
    byState: {
      NOT_STARTED: r.cells - implementing - workable - obstacle,
      IMPLEMENTING: implementing,
      WORKABLE: workable,
      OBSTACLE: obstacle,
    },
  };
}

export async function getCommune(db: Db, code: string): Promise<CommuneRow | null> {
  const { rows } = await db.pool.query<CommuneDbRow>({
    name: 'commune-get',
    text: `SELECT ${COMMUNE_COLUMNS} FROM communes WHERE code = $1`,
    values: [code],
  });
  return rows[0] ? communeRow(rows[0]) : null;
}

/** A commune's name (null: no such commune), for the header of its focal point's pages. */
export async function communeName(db: Db, code: string): Promise<string | null> {
  const { rows } = await db.pool.query<{ name_vi: string }>({
    name: 'commune-name',
    text: 'SELECT name_vi FROM communes WHERE code = $1',
    values: [code],
  });
  return rows[0]?.name_vi ?? null;
}

/** Escapes LIKE's wildcards so a search for "50%" looks for "50%". */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/**
 * One province's communes with their counts (kept on each row: no scan of the cells), optionally those
 * whose name contains `q`, with or without diacritics (vi_fold on both sides).
 */
export async function provinceCommunes(db: Db, locality: string, q?: string): Promise<CommuneRow[]> {
  const { rows } = await db.pool.query<CommuneDbRow>({
    name: 'province-communes',
    text: `SELECT ${COMMUNE_COLUMNS} FROM communes
            WHERE locality_code = $1 AND ($2::text IS NULL OR vi_fold(name_vi) LIKE '%' || vi_fold($2) || '%')
            ORDER BY code`,
    values: [locality, q?.trim() ? likeLiteral(q.trim()) : null],
  });
  return rows.map(communeRow);
}

/** One task's cell in each of a province's communes: the drill-down from the province cell (its roll-up) to its communes. */
export async function provinceTaskCells(
  db: Db,
  locality: string,
  task: string,
): Promise<Map<string, { state: CellState; category: ObstacleCategory | null }>> {
  const { rows } = await db.pool.query<{ commune: string; s: number; c: number | null }>({
    name: 'commune-province-task-cells',
    text: `SELECT commune_code AS commune, state AS s, category AS c FROM commune_cells
            WHERE locality_code = $1 AND task_code = $2`,
    values: [locality, task],
  });
  return new Map(
    rows.map((r) => [
      r.commune,
      {
        state: CELL_STATES[r.s] as CellState,
        category: r.c === null ? null : (OBSTACLE_CATEGORIES[r.c] as ObstacleCategory),
      },
    ]),
  );
}

export interface ProvinceRollup {
  locality: string;
  communes: number;
  communesReported: number;
  tasks: number;
  cells: number;
  byState: Record<CellState, number>;
  obstaclesByCategory: Record<ObstacleCategory, number>;
}

const CATEGORY_SUMS = OBSTACLE_CATEGORIES.map((_c, i) => `coalesce(sum(r.by_category[${i + 1}]), 0)::int`).join(', ');

/**
 * The national roll-up by province: sums of the kept roll-up rows (34 × 434) and of the communes' rows
 * (3,321), never a scan of the 1.44 M cells.
 */
export async function nationalRollup(db: Db): Promise<ProvinceRollup[]> {
  const { rows } = await db.pool.query<{
    locality: string;
    communes: number;
    reported: number;
    tasks: number;
    ns: number;
    im: number;
    wo: number;
    ob: number;
    cats: number[];
  }>({
    name: 'commune-national-rollup',
    text: `WITH cm AS (SELECT locality_code, count(*)::int AS communes, count(reported_at)::int AS reported
                        FROM communes GROUP BY locality_code),
                ru AS (SELECT r.locality_code, count(*)::int AS tasks, sum(r.not_started)::int AS ns,
                              sum(r.implementing)::int AS im, sum(r.workable)::int AS wo, sum(r.obstacle)::int AS ob,
                              ARRAY[${CATEGORY_SUMS}] AS cats
                         FROM commune_rollups r GROUP BY r.locality_code)
           SELECT l.code AS locality, coalesce(cm.communes, 0) AS communes, coalesce(cm.reported, 0) AS reported,
                  coalesce(ru.tasks, 0) AS tasks, coalesce(ru.ns, 0) AS ns, coalesce(ru.im, 0) AS im,
                  coalesce(ru.wo, 0) AS wo, coalesce(ru.ob, 0) AS ob, coalesce(ru.cats, '{0,0,0,0,0,0,0}') AS cats
             FROM localities l LEFT JOIN cm ON cm.locality_code = l.code LEFT JOIN ru ON ru.locality_code = l.code
            ORDER BY l.code`,
  });
  return rows.map((r) => ({
    locality: r.locality,
    communes: r.communes,
    communesReported: r.reported,
    tasks: r.tasks,
    cells: r.ns + r.im + r.wo + r.ob,
    byState: { NOT_STARTED: r.ns, IMPLEMENTING: r.im, WORKABLE: r.wo, OBSTACLE: r.ob },
    obstaclesByCategory: Object.fromEntries(OBSTACLE_CATEGORIES.map((c, i) => [c, r.cats[i] ?? 0])) as Record<
      ObstacleCategory,
      number
    >,
  }));
}

export interface CommuneCell {
  task: string;
  title: string;
  titleEn: string;
  leadMinistry: string;
  coordinatingMinistries: string[];
  state: CellState;
  category: ObstacleCategory | null;
  text: string;
  changedAt: string | null;
  changedBy: string | null;
}

/** A commune's cells with their tasks' titles (about 434 rows: one partition, its primary key's prefix). */
export async function communeCells(db: Db, locality: string, commune: string): Promise<CommuneCell[]> {
  const { rows } = await db.pool.query<Omit<CommuneCell, 'state' | 'category'> & { s: number; c: number | null }>({
    name: 'commune-cells',
    text: `SELECT c.task_code AS task, t.title, t.title_en AS "titleEn", t.lead_ministry_code AS "leadMinistry",
                  t.coordinating_ministries AS "coordinatingMinistries", c.state AS s, c.category AS c,
                  coalesce(c.text, '') AS text,
                  to_char(c.changed_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "changedAt", c.changed_by AS "changedBy"
             FROM commune_cells c JOIN tasks t ON t.code = c.task_code
            WHERE c.locality_code = $1 AND c.commune_code = $2
            ORDER BY c.task_code`,
    values: [locality, commune],
  });
  return rows.map(({ s, c, ...rest }) => ({
    ...rest,
    state: CELL_STATES[s] as CellState,
    category: c === null ? null : (OBSTACLE_CATEGORIES[c] as ObstacleCategory),
  }));
}

/** The tasks whose cells a commune has (what its report may name). */
export async function communeTaskCodes(db: Db, locality: string, commune: string): Promise<Set<string>> {
  const { rows } = await db.pool.query<{ task: string }>({
    name: 'commune-task-codes',
    text: 'SELECT task_code AS task FROM commune_cells WHERE locality_code = $1 AND commune_code = $2',
    values: [locality, commune],
  });
  return new Set(rows.map((r) => r.task));
}

/** The tasks a province's communes have cells for (what its upload may name). */
export async function provinceCommuneTaskCodes(db: Db, locality: string): Promise<Set<string>> {
  const { rows } = await db.pool.query<{ task: string }>({
    name: 'commune-province-task-codes',
    text: 'SELECT task_code AS task FROM commune_rollups WHERE locality_code = $1',
    values: [locality],
  });
  return new Set(rows.map((r) => r.task));
}

/** The level of each named task that exists (to say why a task is refused). */
export async function taskLevels(db: Db, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const { rows } = await db.pool.query<{ code: string; level: string }>(
    'SELECT code, level FROM tasks WHERE code = ANY($1::text[])',
    [codes],
  );
  return new Map(rows.map((r) => [r.code, r.level]));
}

/** Codes, names and provinces of the named communes that exist. */
export async function communesByCode(
  db: Db,
  codes: string[],
): Promise<Map<string, { locality: string; name: string }>> {
  if (codes.length === 0) return new Map();
  const { rows } = await db.pool.query<{ code: string; locality: string; name: string }>(
    'SELECT code, locality_code AS locality, name_vi AS name FROM communes WHERE code = ANY($1::text[])',
    [codes],
  );
  return new Map(rows.map((r) => [r.code, { locality: r.locality, name: r.name }]));
}

export interface CommuneCellWrite {
  commune: string;
  task: string;
  state: CellState;
  category: ObstacleCategory | null;
  text: string;
}

export type WriteOutcome =
  | { ok: true; changed: number; unchanged: number; communes: number; at: string }
  | { ok: false; refusal: 'UNKNOWN_ROUND' | 'ROUND_CLOSED'; message: string };

/**
 * Writes already validated cells of one province's communes, all or nothing, in one transaction: one
 * UPDATE of the changed cells (the statement trigger moves the roll-ups in the same transaction), each
 * commune marked as reported, and one hash-chained `commune_reports` row per commune saying who wrote,
 * for whom and by which channel. A named round must exist and be open (checked under a share lock, so a
 * round closing meanwhile waits for this report or refuses it).
 */
export async function writeCommuneCells(
  db: Db,
  input: {
    locality: string;
    cells: ReadonlyArray<CommuneCellWrite>;
    /** Every commune the report covers (reported even where nothing changed). */
    communes: ReadonlyArray<string>;
    actor: string;
    channel: CommuneReportChannel;
    round?: string;
    now: number;
  },
): Promise<WriteOutcome> {
  const at = new Date(input.now);
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    // The rounds this report counts for: the one it names, or every open commune-level round.
    let roundIds: string[];
    if (input.round) {
      const { rows } = await client.query<{ status: string }>(
        'SELECT status FROM reporting_rounds WHERE id = $1 FOR SHARE',
        [input.round],
      );
      const status = rows[0]?.status;
      if (!status) {
        await client.query('ROLLBACK');
        return { ok: false, refusal: 'UNKNOWN_ROUND', message: `There is no round ${input.round}.` };
      }
      if (status === 'CLOSED') {
        await client.query('ROLLBACK');
        return {
          ok: false,
          refusal: 'ROUND_CLOSED',
          message: `Round ${input.round} is closed; its reports are frozen.`,
        };
      }
      roundIds = [input.round];
    } else {
      // Held FOR SHARE like a named round: a round closing meanwhile waits for this report.
      const { rows } = await client.query<{ id: string }>(
        `SELECT id FROM reporting_rounds WHERE status = 'OPEN' AND level = 'commune' ORDER BY id FOR SHARE`,
      );
      roundIds = rows.map((r) => r.id);
    }
    const communes = [...new Set(input.communes)].sort();
    // One writer per commune at a time (its report chain), taken in code order: no deadlock between uploads.
    const { rows: last } = await client.query<{ code: string; seq: number | null; hash: string | null }>(
      `SELECT c.code, r.seq, r.hash FROM (SELECT code FROM communes WHERE code = ANY($1::text[]) ORDER BY code FOR UPDATE) c
         LEFT JOIN LATERAL (SELECT seq, hash FROM commune_reports WHERE commune_code = c.code ORDER BY seq DESC LIMIT 1) r ON true`,
      [communes],
    );
    const { rows: changed } = await client.query<{ commune: string; task: string }>(
      prepared(
        `UPDATE commune_cells c
            SET state = u.state, category = u.category, text = nullif(u.text, ''), changed_at = $2, changed_by = $3
           FROM unnest($4::text[], $5::text[], $6::smallint[], $7::smallint[], $8::text[]) AS u(commune, task, state, category, text)
          WHERE c.locality_code = $1 AND c.commune_code = u.commune AND c.task_code = u.task
            AND (c.state, c.category, coalesce(c.text, '')) IS DISTINCT FROM (u.state, u.category, u.text)
          RETURNING c.commune_code AS commune, c.task_code AS task`,
        [
          input.locality,
          at,
          input.actor,
          input.cells.map((c) => c.commune),
          input.cells.map((c) => c.task),
          input.cells.map((c) => CELL_STATES.indexOf(c.state)),
          input.cells.map((c) => (c.category ? OBSTACLE_CATEGORIES.indexOf(c.category) : null)),
          input.cells.map((c) => c.text),
        ],
      ),
    );
    const changedKeys = new Set(changed.map((r) => `${r.commune} ${r.task}`));
    const byCommune = new Map<string, CommuneCellWrite[]>();
    for (const c of input.cells) {
      if (!changedKeys.has(`${c.commune} ${c.task}`)) continue;
      const list = byCommune.get(c.commune) ?? [];
      list.push(c);
      byCommune.set(c.commune, list);
    }
    await client.query('UPDATE communes SET reported_at = $2, reported_by = $3 WHERE code = ANY($1::text[])', [
      communes,
      at,
      input.actor,
    ]);
    // Who reported in a commune round: the first report of each commune in it (a province round has no rows here).
    if (roundIds.length > 0)
      await client.query(
        `UPDATE round_communes SET reported_at = $3
          WHERE round_id = ANY($1::text[]) AND commune_code = ANY($2::text[]) AND reported_at IS NULL`,
        [roundIds, communes, at],
      );
    const drafts = last.map((l) => {
      const seq = (l.seq ?? 0) + 1;
      const cells = (byCommune.get(l.code) ?? []).map((c) => ({
        task: c.task,
        state: c.state,
        ...(c.category ? { category: c.category } : {}),
        ...(c.text ? { text: c.text } : {}),
      }));
      const details = { channel: input.channel, round: input.round ?? null, changed: cells.length, cells };
      const prev = l.hash ?? GENESIS_HASH;
      const content = canonicalContent({
        taskCode: `commune:${l.code}`,
        seq,
        at: at.toISOString(),
        actor: input.actor,
        kind: input.channel,
        details,
      });
      return { commune: l.code, seq, prev, content, changed: cells.length, details };
    });
    // The one hash-chain link (db/audit-chain.ts), computed by PostgreSQL for all communes at once.
    const hashes = await chainHashes(
      client,
      drafts.map((d) => [d.prev, d.content] as const),
    );
    const reports = drafts.map((d, i) => ({ ...d, hash: hashes[i] as string }));
    await client.query(
      `INSERT INTO commune_reports (commune_code, locality_code, seq, at, actor, channel, round_id, changed, details, prev_hash, hash)
       SELECT u.commune, $1, u.seq, $2, $3, $4, $5, u.changed, u.details, u.prev, u.hash
         FROM unnest($6::text[], $7::int[], $8::int[], $9::jsonb[], $10::text[], $11::text[])
              AS u(commune, seq, changed, details, prev, hash)`,
      [
        input.locality,
        at,
        input.actor,
        input.channel,
        input.round ?? null,
        reports.map((r) => r.commune),
        reports.map((r) => r.seq),
        reports.map((r) => r.changed),
        reports.map((r) => JSON.stringify(r.details)),
        reports.map((r) => r.prev),
        reports.map((r) => r.hash),
      ],
    );
    await client.query('COMMIT');
    return {
      ok: true,
      changed: changed.length,
      unchanged: input.cells.length - changed.length,
      communes: communes.length,
      at: at.toISOString(),
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export interface CommuneReportRow {
  seq: number;
  at: string;
  actor: string;
  channel: CommuneReportChannel;
  round: string | null;
  changed: number;
  hash: string;
}

/** A commune's reports, newest first (who wrote, for whom, how many cells changed). */
export async function communeReports(db: Db, commune: string, limit = 20): Promise<CommuneReportRow[]> {
  const { rows } = await db.pool.query<CommuneReportRow>({
    name: 'commune-reports',
    text: `SELECT seq, to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, channel, round_id AS round, changed, hash
             FROM commune_reports WHERE commune_code = $1 ORDER BY seq DESC LIMIT $2`,
    values: [commune, limit],
  });
  return rows;
}

/**
 * Recomputes a commune's `commune_reports` hash chain from its first report (the one link of
 * db/audit-chain.ts) and names the first report that does not fit.
 */
export async function verifyCommuneChain(
  db: Db,
  commune: string,
): Promise<{ valid: boolean; checked: number; brokenAtSeq?: number; reason?: string }> {
  const { rows } = await db.pool.query<{
    seq: number;
    at: Date;
    actor: string;
    channel: string;
    details: unknown;
    prev_hash: string;
    hash: string;
  }>({
    name: 'commune-chain',
    text: 'SELECT seq, at, actor, channel, details, prev_hash, hash FROM commune_reports WHERE commune_code = $1 ORDER BY seq',
    values: [commune],
  });
  const expected = await chainHashes(
    db.pool,
    rows.map((r) => [
      r.prev_hash,
      canonicalContent({
        taskCode: `commune:${commune}`,
        seq: r.seq,
        at: r.at.toISOString(),
        actor: r.actor,
        kind: r.channel,
        details: r.details,
      }),
    ]),
  );
  let prev = GENESIS_HASH;
  let checked = 0;
  for (const [i, r] of rows.entries()) {
    if (r.seq !== i + 1) return { valid: false, checked, brokenAtSeq: i + 1, reason: 'missing report' };
    if (r.prev_hash !== prev)
      return { valid: false, checked, brokenAtSeq: r.seq, reason: 'prevHash does not match the previous report' };
    if (expected[i] !== r.hash)
      return { valid: false, checked, brokenAtSeq: r.seq, reason: 'content does not match its hash' };
    prev = r.hash;
    checked++;
  }
  return { valid: true, checked };
}

export const COMMUNE_CELLS_CSV_HEADER = 'province,commune_code,commune_name,task,state,category,text,changed_at';

/** Text a spreadsheet would run as a formula gets a leading quote; a field with a separator is quoted. */
const csvField = (e: string) =>
  `(CASE WHEN ${e} ~ '[",;\\r\\n]' OR ${e} ~ '^[=+\\-@\\t\\r]' THEN '"' || (CASE WHEN ${e} ~ '^[=+\\-@\\t\\r]' THEN '''' ELSE '' END) || replace(${e}, '"', '""') || '"' ELSE ${e} END)`;

/**
 * One province's commune cells as CSV lines (no header), built by PostgreSQL from its partition: the
 * full export streams province by province, so the API holds one province's text (a few MB) at a time.
 */
export async function provinceCommuneCellsCsv(db: Db, locality: string): Promise<string> {
  const { rows } = await db.pool.query<{ body: string | null }>({
    name: 'commune-cells-csv',
    text: `SELECT string_agg(c.locality_code || ',' || c.commune_code || ',' || ${csvField('m.name_vi')} || ',' || c.task_code || ','
                  || (ARRAY['NOT_STARTED','IMPLEMENTING','WORKABLE','OBSTACLE'])[c.state + 1] || ','
                  || coalesce((ARRAY[${OBSTACLE_CATEGORIES.map((c) => `'${c}'`).join(',')}])[c.category + 1], '') || ','
                  || coalesce(${csvField('c.text')}, '') || ','
                  || coalesce(to_char(c.changed_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), ''),
                  E'\\r\\n' ORDER BY c.commune_code, c.task_code) AS body
             FROM commune_cells c JOIN communes m ON m.code = c.commune_code
            WHERE c.locality_code = $1`,
    values: [locality],
  });
  const body = rows[0]?.body;
  return body ? `${body}\r\n` : '';
}

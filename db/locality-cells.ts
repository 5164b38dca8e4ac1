import type pg from 'pg';
import type { Db } from './client';
import {
  NOT_STARTED,
  contentOf,
  sameContent,
  validateReport,
  type Applicability,
  type ApplicabilityLevel,
  type CellContent,
  type LocalityReport,
  type ObstacleCategory,
  type CellState,
  type ReportContext,
  type ReportVerdict,
} from '../domain/locality-cells';
import type { DocumentRef, TaskStatus } from '../domain/task';
import { canonicalJson } from '../domain/canonical-json';
import { GENESIS_HASH, chainHashes } from './audit-chain';

/**
 * The localities × tasks matrix in PostgreSQL: cells (one row per written cell), their
 * hash-chained history (cell_events), and who reported in which round (round_localities).
 */

export interface CellEventContent {
  taskCode: string;
  localityCode: string;
  seq: number;
  at: string;
  actor: string;
  kind: string;
  details: unknown;
}

/** The text a cell event's hash covers, after the previous hash and a newline (as for task events). */
export function cellEventContent(e: CellEventContent): string {
  return canonicalJson({
    taskCode: e.taskCode,
    localityCode: e.localityCode,
    seq: e.seq,
    at: new Date(e.at).toISOString(),
    actor: e.actor,
    kind: e.kind,
    details: e.details,
  });
}

interface StoredCell extends CellContent {
  taskCode: string;
  lastSeq: number;
  lastHash: string;
}

interface NewEvent extends CellEventContent {
  prevHash: string;
  hash: string;
}

/** Events for the cells whose content changes; cells already holding that content get none. */
async function eventsFor(
  client: pg.PoolClient,
  locality: string,
  entries: { task: string; content: CellContent }[],
  stored: Map<string, StoredCell>,
  at: string,
  actor: string,
  kind: string,
  details: (content: CellContent, task: string) => Record<string, unknown>,
): Promise<{ events: NewEvent[]; cells: (CellContent & { task: string; seq: number; hash: string })[] }> {
  const events: NewEvent[] = [];
  const cells: (CellContent & { task: string; seq: number; hash: string })[] = [];
  for (const { task, content } of entries) {
    const prev = stored.get(task);
    if (sameContent(prev ?? NOT_STARTED, content) && prev) continue;
    const seq = (prev?.lastSeq ?? 0) + 1;
    const prevHash = prev?.lastHash ?? GENESIS_HASH;
    const e = { taskCode: task, localityCode: locality, seq, at, actor, kind, details: details(content, task) };
    events.push({ ...e, prevHash, hash: '' });
    cells.push({ ...content, task, seq, hash: '' });
  }
  // Each cell has one new event at most, so the links are independent: one statement hashes them all.
  const hashes = await chainHashes(
    client,
    events.map((e) => [e.prevHash, cellEventContent(e)]),
  );
  hashes.forEach((hash, i) => {
    (events[i] as NewEvent).hash = hash;
    (cells[i] as { hash: string }).hash = hash;
  });
  return { events, cells };
}

const INSERT_EVENTS_SQL = `
INSERT INTO cell_events (task_code, locality_code, seq, at, actor, kind, details, prev_hash, hash)
SELECT e."taskCode", e."localityCode", e.seq, (e.at::timestamptz AT TIME ZONE 'UTC'), e.actor, e.kind, e.details, e."prevHash", e.hash
  FROM jsonb_to_recordset($1::jsonb) AS e("taskCode" text, "localityCode" text, seq int, at text, actor text, kind text, details jsonb, "prevHash" text, hash text)`;

/**
 * A cell as the matrix shows it (JSON text), built by PostgreSQL from SQL expressions. Stored with the
 * cell when it is written, so reading the matrix concatenates ready text instead of building 32,266
 * objects (BENCHMARKS.md). `changedAt` is an ISO instant string expression.
 */
export function cellJsonSql(e: {
  task: string;
  locality: string;
  state: string;
  category: string;
  text: string;
  changedAt: string;
  changedBy: string;
  resolvedBy: string;
}): string {
  return `json_build_object('task', ${e.task}, 'locality', ${e.locality}, 'state', ${e.state}, 'category', ${e.category}, 'text', ${e.text},
    'changedAt', ${e.changedAt}, 'changedBy', ${e.changedBy}, 'resolvedBy', ${e.resolvedBy})::text`;
}

const UPSERT_CELLS_SQL = `
INSERT INTO locality_cells (locality_code, task_code, state, category, text, changed_at, changed_by, last_seq, last_hash, rendered)
SELECT $1, c.task, c.state, c.category, c.text, ($2::timestamptz AT TIME ZONE 'UTC'), $3, c.seq, c.hash,
       ${cellJsonSql({ task: 'c.task', locality: '$1::text', state: 'c.state', category: 'c.category', text: 'c.text', changedAt: '$2::text', changedBy: '$3::text', resolvedBy: 'NULL::jsonb' })}
  FROM jsonb_to_recordset($4::jsonb) AS c(task text, state text, category text, text text, seq int, hash text)
ON CONFLICT (locality_code, task_code) DO UPDATE SET
  state = EXCLUDED.state, category = EXCLUDED.category, text = EXCLUDED.text, changed_at = EXCLUDED.changed_at,
  changed_by = EXCLUDED.changed_by, last_seq = EXCLUDED.last_seq, last_hash = EXCLUDED.last_hash,
  -- A new obstacle after the task was settled is a new problem: the old document no longer answers it.
  resolved_by = CASE WHEN EXCLUDED.state = 'OBSTACLE' THEN NULL ELSE locality_cells.resolved_by END,
  rendered = ${cellJsonSql({
    task: 'EXCLUDED.task_code',
    locality: 'EXCLUDED.locality_code',
    state: 'EXCLUDED.state',
    category: 'EXCLUDED.category',
    text: 'EXCLUDED.text',
    changedAt: '$2::text',
    changedBy: '$3::text',
    resolvedBy: `CASE WHEN EXCLUDED.state = 'OBSTACLE' THEN NULL ELSE locality_cells.resolved_by - 'taskSeq' END`,
  })}`;

async function storedCells(client: pg.PoolClient, locality: string, tasks: string[]): Promise<Map<string, StoredCell>> {
  const { rows } = await client.query<{
    task_code: string;
    state: CellState;
    category: ObstacleCategory | null;
    text: string;
    last_seq: number;
    last_hash: string;
  }>(
    `SELECT task_code, state, category, text, last_seq, last_hash FROM locality_cells WHERE locality_code = $1 AND task_code = ANY($2::text[]) FOR UPDATE`,
    [locality, tasks],
  );
  return new Map(
    rows.map((r) => [
      r.task_code,
      {
        taskCode: r.task_code,
        state: r.state,
        category: r.category,
        text: r.text,
        lastSeq: r.last_seq,
        lastHash: r.last_hash,
      },
    ]),
  );
}

/** Serialises writers of one locality's cells (a cell without a row cannot be locked with FOR UPDATE). */
async function lockLocality(client: pg.PoolClient, locality: string): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('locality-cells'), hashtext($1))`, [locality]);
}

export async function inTransaction<T>(db: Db, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export type ReportOutcome =
  | { ok: true; changed: number; unchanged: number; rounds: string[]; at: string }
  | Extract<ReportVerdict, { ok: false }>;

/**
 * A locality's report on many tasks at once, all or nothing: validated inside the transaction that
 * writes it (so a round closing meanwhile is seen), every changed cell gets one audited event, and
 * the locality counts as reported in the round it names, or in every open round when it names none.
 * Resending the same report changes no cell and adds no history.
 */
export async function submitLocalityReport(
  db: Db,
  report: LocalityReport,
  actor: ReportContext['actor'],
  actorName: string,
  nowMs: number,
): Promise<ReportOutcome> {
  return inTransaction(db, async (client) => {
    const taskCodes = [...new Set(report.cells.map((c) => c.task))];
    await lockLocality(client, report.locality);
    // One connection answers one query at a time: these run in sequence.
    const localities = await client.query<{ code: string }>('SELECT code FROM localities');
    const tasks = await client.query<{ code: string; applies_to: string[] | null; level: ApplicabilityLevel }>(
      'SELECT code, applies_to, level FROM tasks WHERE code = ANY($1::text[])',
      [taskCodes],
    );
    const rounds = report.round
      ? await client.query<{ id: string; status: 'OPEN' | 'CLOSED' }>(
          'SELECT id, status FROM reporting_rounds WHERE id = $1 FOR SHARE',
          [report.round],
        )
      : await client.query<{ id: string; status: 'OPEN' | 'CLOSED' }>(
          // A commune round counts communes' reports, not the province's own (issue 26).
          `SELECT id, status FROM reporting_rounds WHERE status = 'OPEN' AND level = 'province' ORDER BY id FOR SHARE`,
        );
    const named = report.round ? (rounds.rows[0] ?? null) : null;
    const ctx: ReportContext = {
      localities: new Set(localities.rows.map((r) => r.code)),
      tasks: new Map(
        tasks.rows.map((t) => [t.code, { localities: t.applies_to, level: t.level } satisfies Applicability]),
      ),
      round: named,
      roundMissing: report.round !== undefined && named === null,
      actor,
    };
    const verdict = validateReport(report, ctx);
    if (!verdict.ok) return verdict;

    const at = new Date(nowMs).toISOString();
    const roundIds = rounds.rows.map((r) => r.id);
    const stored = await storedCells(client, report.locality, taskCodes);
    const { events, cells } = await eventsFor(
      client,
      report.locality,
      report.cells.map((c) => ({ task: c.task, content: contentOf(c) })),
      stored,
      at,
      actorName,
      'REPORTED',
      (content) => ({ state: content.state, category: content.category, text: content.text, rounds: roundIds }),
    );
    if (cells.length > 0) {
      await client.query(UPSERT_CELLS_SQL, [report.locality, at, actorName, JSON.stringify(cells)]);
      await client.query(INSERT_EVENTS_SQL, [JSON.stringify(events)]);
    }
    if (roundIds.length > 0) {
      await client.query(
        `INSERT INTO round_localities (round_id, locality_code, reported_at, last_report_at, cells_reported)
         SELECT r, $2, ($3::timestamptz AT TIME ZONE 'UTC'), ($3::timestamptz AT TIME ZONE 'UTC'), $4 FROM unnest($1::text[]) AS r
         ON CONFLICT (round_id, locality_code) DO UPDATE SET
           reported_at = COALESCE(round_localities.reported_at, EXCLUDED.reported_at),
           last_report_at = EXCLUDED.last_report_at, cells_reported = round_localities.cells_reported + EXCLUDED.cells_reported`,
        [roundIds, report.locality, at, report.cells.length],
      );
    }
    await client.query(
      `UPDATE localities SET reported_at = ($2::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh')::date WHERE code = $1`,
      [report.locality, at],
    );
    return { ok: true, changed: cells.length, unchanged: report.cells.length - cells.length, rounds: roundIds, at };
  });
}

export interface ResolvedCell {
  locality: string;
  localityName: string;
  contactEmail: string;
  category: string | null;
  text: string;
}

/**
 * A task became FEASIBLE through `document`: every cell that holds an obstacle on it shows the
 * document (one audited event per cell). Idempotent on the task event's sequence number: a retry
 * finds the cells already marked and returns them again, so their notices can be (re)sent by key.
 */
export async function markObstaclesResolved(
  db: Db,
  input: { taskCode: string; taskSeq: number; document: DocumentRef; at: string; actor: string },
): Promise<ResolvedCell[]> {
  const { rows: localities } = await db.pool.query<{ locality_code: string }>(
    `SELECT locality_code FROM locality_cells WHERE task_code = $1 AND state = 'OBSTACLE' ORDER BY locality_code`,
    [input.taskCode],
  );
  const resolvedBy = { ...input.document, taskSeq: input.taskSeq };
  const out: ResolvedCell[] = [];
  // One short transaction per locality, in a fixed order, under the same lock as its reports.
  for (const { locality_code: locality } of localities) {
    const cell = await inTransaction(db, async (client) => {
      await lockLocality(client, locality);
      const { rows } = await client.query<{
        state: string;
        category: string | null;
        text: string;
        last_seq: number;
        last_hash: string;
        resolved_by: { taskSeq?: number } | null;
        name: string;
        contact_email: string;
      }>(
        `SELECT c.state, c.category, c.text, c.last_seq, c.last_hash, c.resolved_by, l.name, l.contact_email
           FROM locality_cells c JOIN localities l ON l.code = c.locality_code
          WHERE c.locality_code = $1 AND c.task_code = $2 FOR UPDATE OF c`,
        [locality, input.taskCode],
      );
      const row = rows[0];
      if (!row) return null;
      const result = {
        locality,
        localityName: row.name,
        contactEmail: row.contact_email,
        category: row.category,
        text: row.text,
      };
      if (row.resolved_by?.taskSeq === input.taskSeq) return result;
      if (row.state !== 'OBSTACLE') return null;
      const seq = row.last_seq + 1;
      const e = {
        taskCode: input.taskCode,
        localityCode: locality,
        seq,
        at: input.at,
        actor: input.actor,
        kind: 'DOCUMENT_ISSUED',
        details: { document: input.document, taskSeq: input.taskSeq },
      };
      const [hash = ''] = await chainHashes(client, [[row.last_hash, cellEventContent(e)]]);
      await client.query(INSERT_EVENTS_SQL, [JSON.stringify([{ ...e, prevHash: row.last_hash, hash }])]);
      const rendered = cellJsonSql({
        task: 'task_code',
        locality: 'locality_code',
        state: 'state',
        category: 'category',
        text: 'text',
        changedAt: `to_char(changed_at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
        changedBy: 'changed_by',
        resolvedBy: `$3::jsonb - 'taskSeq'`,
      });
      await client.query(
        `UPDATE locality_cells SET resolved_by = $3::jsonb, last_seq = $4, last_hash = $5, rendered = ${rendered} WHERE locality_code = $1 AND task_code = $2`,
        [locality, input.taskCode, JSON.stringify(resolvedBy), seq, hash],
      );
      return result;
    });
    if (cell) out.push(cell);
  }
  return out;
}

/** A UTC timestamp(3) column as an ISO instant, whatever the process's time zone. */
export const ISO_AT = `to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

export interface CellHistoryItem {
  seq: number;
  at: string;
  actor: string;
  kind: string;
  details: unknown;
  prevHash: string;
  hash: string;
}

export async function cellHistory(db: Db, taskCode: string, locality: string): Promise<CellHistoryItem[]> {
  const { rows } = await db.pool.query<{
    seq: number;
    at: string;
    actor: string;
    kind: string;
    details: unknown;
    prev_hash: string;
    hash: string;
  }>(
    `SELECT seq, ${ISO_AT} AS at, actor, kind, details, prev_hash, hash FROM cell_events WHERE task_code = $1 AND locality_code = $2 ORDER BY seq`,
    [taskCode, locality],
  );
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    kind: r.kind,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
}

/** Recomputes a cell's hash chain and names the first event that does not fit. */
export async function verifyCellChain(
  db: Db,
  taskCode: string,
  locality: string,
): Promise<{ valid: boolean; checked: number; brokenAtSeq?: number; reason?: string }> {
  const events = await cellHistory(db, taskCode, locality);
  const expected = await chainHashes(
    db.pool,
    events.map((e) => [
      e.prevHash,
      cellEventContent({
        taskCode,
        localityCode: locality,
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        kind: e.kind,
        details: e.details,
      }),
    ]),
  );
  let prev = GENESIS_HASH;
  let checked = 0;
  for (const [i, e] of events.entries()) {
    if (e.seq !== i + 1) return { valid: false, checked, brokenAtSeq: i + 1, reason: 'missing event' };
    if (e.prevHash !== prev)
      return { valid: false, checked, brokenAtSeq: e.seq, reason: 'prevHash does not match the previous event' };
    if (expected[i] !== e.hash) {
      return { valid: false, checked, brokenAtSeq: e.seq, reason: 'content does not match its hash' };
    }
    prev = e.hash;
    checked++;
  }
  return { valid: true, checked };
}

/**
 * Seeds the cells a closed round's reporters sent (one REPORTED event each), for localities that
 * have no cells yet, in one transaction per locality. Idempotent: a locality with cells is skipped.
 */
export async function seedLocalityCells(
  db: Db,
  input: {
    locality: string;
    at: string;
    actor: string;
    round: string;
    cells: { task: string; content: CellContent }[];
  },
): Promise<boolean> {
  return inTransaction(db, async (client) => {
    await lockLocality(client, input.locality);
    const { rows } = await client.query('SELECT 1 FROM locality_cells WHERE locality_code = $1 LIMIT 1', [
      input.locality,
    ]);
    if (rows.length > 0) return false;
    const { events, cells } = await eventsFor(
      client,
      input.locality,
      input.cells,
      new Map(),
      input.at,
      input.actor,
      'REPORTED',
      (content) => ({
        state: content.state,
        category: content.category,
        text: content.text,
        rounds: [input.round],
      }),
    );
    await client.query(UPSERT_CELLS_SQL, [input.locality, input.at, input.actor, JSON.stringify(cells)]);
    await client.query(INSERT_EVENTS_SQL, [JSON.stringify(events)]);
    await client.query(`UPDATE round_localities SET cells_reported = $3 WHERE round_id = $1 AND locality_code = $2`, [
      input.round,
      input.locality,
      cells.length,
    ]);
    return true;
  });
}

/** Every task's status and lead ministry (what the seed round's cells follow). */
export async function taskStatuses(db: Db): Promise<{ code: string; status: TaskStatus; leadMinistry: string }[]> {
  const { rows } = await db.pool.query<{ code: string; status: TaskStatus; leadMinistry: string }>(
    `SELECT code, status, lead_ministry_code AS "leadMinistry" FROM tasks ORDER BY code`,
  );
  return rows;
}

/**
 * Adopts the first version's per-task reports (`locality_reports`, retired by migration 0030) into the
 * matrix: each locality's latest report on a task becomes its cell (an OBSTACLE filed under OTHER, as
 * the per-task report files it), with one audited REPORTED event at the report's own time that names
 * where it came from, unless the cell already says the same or was written after it. Idempotent (a
 * second run finds every report adopted); returns how many cells it wrote.
 */
export async function adoptLegacyReports(db: Db): Promise<number> {
  const { rows } = await db.pool.query<{
    task: string;
    locality: string;
    kind: string;
    description: string;
    at: string;
    seq: number;
  }>(
    `SELECT task, locality, kind, description, to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, seq
       FROM (SELECT DISTINCT ON (r.task_code, r.locality_code) r.task_code AS task, r.locality_code AS locality, r.kind, r.description,
                    r.at, r.seq, c.changed_at AS cell_at
               FROM locality_reports r
               LEFT JOIN locality_cells c ON c.task_code = r.task_code AND c.locality_code = r.locality_code
              WHERE EXISTS (SELECT 1 FROM localities l WHERE l.code = r.locality_code)
              ORDER BY r.task_code, r.locality_code, r.seq DESC) latest
      WHERE cell_at IS NULL OR cell_at < at`,
  );
  let adopted = 0;
  for (const r of rows) {
    const content: CellContent =
      r.kind === 'OBSTACLE'
        ? { state: 'OBSTACLE', category: 'OTHER', text: r.description }
        : { state: 'WORKABLE', category: null, text: r.description };
    const wrote = await inTransaction(db, async (client) => {
      await lockLocality(client, r.locality);
      const { rows: newer } = await client.query(
        "SELECT 1 FROM locality_cells WHERE locality_code = $1 AND task_code = $2 AND changed_at >= ($3::timestamptz AT TIME ZONE 'UTC')",
        [r.locality, r.task, r.at],
      );
      if (newer.length > 0) return false;
      const stored = await storedCells(client, r.locality, [r.task]);
      const actor = `locality:${r.locality}`;
      const { events, cells } = await eventsFor(
        client,
        r.locality,
        [{ task: r.task, content }],
        stored,
        r.at,
        actor,
        'REPORTED',
        (c) => ({
          state: c.state,
          category: c.category,
          text: c.text,
          rounds: [],
          adoptedFrom: { store: 'locality_reports', taskSeq: r.seq },
        }),
      );
      if (cells.length === 0) return false;
      await client.query(UPSERT_CELLS_SQL, [r.locality, r.at, actor, JSON.stringify(cells)]);
      await client.query(INSERT_EVENTS_SQL, [JSON.stringify(events)]);
      return true;
    });
    if (wrote) adopted++;
  }
  return adopted;
}

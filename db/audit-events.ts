import type { TaskEvent, TaskState } from '../domain/task';
import { GENESIS_HASH, canonicalContent, chainHashSql } from './audit-chain';
import { WRITTEN_COLUMN_NAMES, taskRow } from './task-columns';
import type { Db } from './client';
import { prepared } from './tasks';
import { effectiveAt, type RecordedEvent } from '../domain/as-of';

// The row a state writes (taskRow) and the column lists below come from the one column map (task-columns.ts).

const COLUMNS = WRITTEN_COLUMN_NAMES.join(', ');
const FROM_R = WRITTEN_COLUMN_NAMES.map((c) => `r.${c}`).join(', ');
const SET_EXCLUDED = WRITTEN_COLUMN_NAMES.map((c) => `${c} = EXCLUDED.${c}`).join(', ');

/**
 * One statement, so one round trip and one implicit transaction: the audit row (its hash chained to
 * the previous event's, the one link of audit-chain.ts `chainHashSql`), the task's
 * read-model row brought up to this event (never back). (A LOCALITY_REPORT event of an old history is
 * recorded in the audit log only: what localities report is kept in their matrix cells.)
 *
 * Nothing is written unless the previous event is already stored (`prev.hash` is null otherwise),
 * and a retry of a stored event inserts no second row (ON CONFLICT DO NOTHING) and leaves the
 * read model alone (`last_seq` guard). Foreign keys are checked at the end of the statement, so the
 * first event may insert its task row and its audit row together.
 */
const PERSIST_EVENT_SQL = `
WITH prev AS (
  SELECT CASE WHEN $2::int = 1 THEN $3::text
              ELSE (SELECT hash FROM audit_events WHERE task_code = $1 AND seq = $2::int - 1) END AS hash
),
r AS (SELECT * FROM jsonb_populate_record(NULL::tasks, $4::jsonb)),
task AS (
  INSERT INTO tasks (code, ${COLUMNS}, created_at, updated_at)
  SELECT $1, ${FROM_R}, now(), now()
    FROM r, prev WHERE prev.hash IS NOT NULL
  ON CONFLICT (code) DO UPDATE SET ${SET_EXCLUDED}, updated_at = now()
  WHERE tasks.last_seq < EXCLUDED.last_seq
),
audit AS (
  INSERT INTO audit_events (task_code, seq, at, actor, kind, details, prev_hash, hash)
  SELECT $1, $2, ($5::timestamptz AT TIME ZONE 'UTC'), $6, $7, $8::jsonb, prev.hash,
         ${chainHashSql('prev.hash', '$9::text')}
    FROM prev WHERE prev.hash IS NOT NULL
  ON CONFLICT (task_code, seq) DO NOTHING
  RETURNING seq
)
SELECT (SELECT hash FROM prev) IS NOT NULL AS ready, (SELECT count(*) FROM audit)::int AS inserted`;

export type PersistOutcome = 'inserted' | 'duplicate' | 'previous-missing';

export async function persistEvent(db: Db, event: TaskEvent, snapshot: TaskState): Promise<PersistOutcome> {
  const at = new Date(event.at).toISOString();
  const { rows } = await db.pool.query<{ ready: boolean; inserted: number }>({
    name: 'persist-event',
    text: PERSIST_EVENT_SQL,
    values: [
      event.taskCode,
      event.seq,
      GENESIS_HASH,
      JSON.stringify(taskRow(snapshot)),
      at,
      event.actor,
      event.kind,
      JSON.stringify(event.details ?? null),
      canonicalContent(event),
    ],
  });
  const r = rows[0];
  if (!r?.ready) return 'previous-missing';
  return r.inserted === 1 ? 'inserted' : 'duplicate';
}

/** The highest sequence number of a task's stored audit events (0: none). */
export async function storedSeq(db: Db, taskCode: string): Promise<number> {
  const { rows } = await db.pool.query<{ seq: number }>(
    prepared(`SELECT coalesce(max(seq), 0)::int AS seq FROM audit_events WHERE task_code = $1`, [taskCode]),
  );
  return rows[0]?.seq ?? 0;
}

/**
 * Whether the task's audit log already holds this ladder step of this due date: a step is recorded
 * once per (task, due date, step), whichever run of the workflow climbs it.
 */
export async function ladderStepRecorded(db: Db, taskCode: string, dueDate: string, step: number): Promise<boolean> {
  const { rows } = await db.pool.query({
    name: 'ladder-step-recorded',
    text: `SELECT 1 FROM audit_events WHERE task_code = $1 AND kind = 'ESCALATION_STEP' AND details->>'dueDate' = $2 AND (details->>'step')::int = $3 LIMIT 1`,
    values: [taskCode, dueDate, step],
  });
  return rows.length > 0;
}

/** A page of a task's audit events, oldest first. */
export async function history(db: Db, code: string, page: number, limit: number) {
  const [rows, total] = await Promise.all([
    db.prisma.auditEvent.findMany({
      where: { taskCode: code },
      orderBy: { seq: 'asc' },
      skip: (page - 1) * limit,
      take: limit,
    }),
    db.prisma.auditEvent.count({ where: { taskCode: code } }),
  ]);
  return {
    items: rows.map((r) => {
      const at = r.at.toISOString();
      const details = r.details as Record<string, unknown>;
      return {
        seq: r.seq,
        at,
        effectiveAt: effectiveAt({ at, kind: r.kind, details }),
        actor: r.actor,
        kind: r.kind,
        details: r.details,
        hash: r.hash,
        prevHash: r.prevHash,
      };
    }),
    total,
    page,
    limit,
  };
}

/** Kinds that only record a notice: the as-of state needs none of them, the forecast does. */
const NOTICE_KINDS_SQL = `('REMINDER_SENT', 'ESCALATED', 'OVERDUE_REMINDER', 'ESCALATION_STEP')`;

/**
 * Every audit event that may have become true at or before `untilMs` (of one task, or all), as one JSON
 * text built by PostgreSQL and parsed once: for the as-of figures, the trend and the forecast
 * (domain/as-of.ts). An event becomes true no later than it is recorded; only a task's first event
 * (the baseline as assessed) may have become true earlier, so every CREATED event comes too and the
 * replay places it on its effective time (domain/as-of.ts `effectiveAt`).
 * `withNotices: false` leaves out reminders and escalations, which change no state.
 */
export async function recordedEvents(
  db: Db,
  untilMs: number,
  opts: { taskCode?: string; withNotices?: boolean } = {},
): Promise<RecordedEvent[]> {
  const conds = [`(at <= ($1::timestamptz AT TIME ZONE 'UTC') OR kind = 'CREATED')`];
  const params: unknown[] = [new Date(untilMs).toISOString()];
  if (opts.taskCode !== undefined) conds.push(`task_code = $${params.push(opts.taskCode)}`);
  if (opts.withNotices === false) conds.push(`kind NOT IN ${NOTICE_KINDS_SQL}`);
  const text = `SELECT coalesce(json_agg(json_build_object('taskCode', task_code, 'seq', seq,
                  'at', to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'actor', actor, 'kind', kind, 'details', details)), '[]')::text AS events
                  FROM audit_events WHERE ${conds.join(' AND ')}`;
  const { rows } = await db.pool.query<{ events: string }>(prepared(text, params));
  return JSON.parse(rows[0]?.events ?? '[]') as RecordedEvent[];
}

/**
 * The events appended after id `afterId` (id order), and how many events the log holds in all: what
 * an in-process mirror of the log needs to catch up, in one statement.
 */
export async function eventsAfter(
  db: Db,
  afterId: number,
): Promise<{ total: number; maxId: number; events: RecordedEvent[] }> {
  const { rows } = await db.pool.query<{ total: string; max_id: string | null; events: string }>(
    prepared(
      `SELECT (SELECT count(*) FROM audit_events) AS total, max(id) AS max_id,
              coalesce(json_agg(json_build_object('taskCode', task_code, 'seq', seq,
                'at', to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'actor', actor, 'kind', kind, 'details', details) ORDER BY id), '[]')::text AS events
         FROM audit_events WHERE id > $1::bigint`,
      [afterId],
    ),
  );
  const r = rows[0];
  return {
    total: Number(r?.total ?? 0),
    maxId: r?.max_id == null ? afterId : Number(r.max_id),
    events: JSON.parse(r?.events ?? '[]') as RecordedEvent[],
  };
}

import type { RecordedEvent, TaskAsOf } from '../domain/as-of';
import type { Db } from './client';

/**
 * Bulk loads of a synthetic history, for the benchmarks only (bench/insight.ts): the tasks as they
 * end up and their audit events, thousands of rows per statement. The hashes are placeholders (the
 * benchmark never verifies chains); the application writes events one by one through persistEvent.
 */
export async function loadSyntheticHistory(
  db: Db,
  tasks: TaskAsOf[],
  events: RecordedEvent[],
  chunk = 20_000,
): Promise<void> {
  for (let i = 0; i < tasks.length; i += chunk) {
    const rows = tasks.slice(i, i + chunk).map((t) => ({
      code: t.code,
      title: t.title,
      sector: t.sector,
      status: t.status,
      since: t.statusSince,
      lead: t.leadMinistry,
      name: t.focalPoint.name,
      email: t.focalPoint.email,
      due: t.dueDate,
      seq: t.lastSeq,
    }));
    await db.pool.query(
      `INSERT INTO tasks (code, title, sector, status, status_since, lead_ministry_code, coordinating_ministries, focal_point_name, focal_point_email, due_date, last_seq)
       SELECT r.code, r.title, r.sector, r.status::"TaskStatus", (r.since::timestamptz AT TIME ZONE 'UTC'), r.lead, '{}', r.name, r.email, r.due::date, r.seq
         FROM json_to_recordset($1::json) AS r(code text, title text, sector text, status text, since text, lead text, name text, email text, due text, seq int)
       ON CONFLICT (code) DO NOTHING`,
      [JSON.stringify(rows)],
    );
  }
  for (let i = 0; i < events.length; i += chunk) {
    await db.pool.query(
      `INSERT INTO audit_events (task_code, seq, at, actor, kind, details, prev_hash, hash)
       SELECT r."taskCode", r.seq, (r.at::timestamptz AT TIME ZONE 'UTC'), r.actor, r.kind, r.details, 'synthetic', 'synthetic'
         FROM json_to_recordset($1::json) AS r("taskCode" text, seq int, at text, actor text, kind text, details jsonb)
       ON CONFLICT (task_code, seq) DO NOTHING`,
      [JSON.stringify(events.slice(i, i + chunk))],
    );
  }
}

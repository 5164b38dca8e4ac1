import type { TaskState } from '../domain/task';

/**
 * The task's column map: the one list of the read model's `tasks` columns that a task's workflow
 * writes (from its state), and the one list of the task JSON's keys (as SQL over the row, alias t).
 * `taskRow` and PERSIST_EVENT_SQL's three column lists (db/audit-events.ts) are built from the first,
 * `taskJson` (db/tasks.ts) from the second; `taskResponse` (db/tasks.ts) documents the JSON.
 * A new field of the task: one line in each list here, its column in prisma/ (a migration), its
 * type in `TaskState` and `taskResponse`.
 */
export const WRITTEN_COLUMNS = {
  title: (s) => s.title,
  sector: (s) => s.sector,
  legal_basis: (s) => s.legalBasis,
  level: (s) => s.level,
  status: (s) => s.status,
  status_since: (s) => new Date(s.statusSince).toISOString(),
  lead_ministry_code: (s) => s.leadMinistry,
  coordinating_ministries: (s) => s.coordinatingMinistries,
  focal_point_name: (s) => s.focalPoint.name,
  focal_point_email: (s) => s.focalPoint.email,
  due_date: (s) => s.dueDate,
  deadline_extensions: (s) => s.deadlineExtensions,
  milestones: (s) => s.milestones,
  // Counted by PostgreSQL from the locality's matrix cells whenever the row is written (migration 0030:
  // one store for what localities report); what is passed here is ignored.
  reports_workable: () => 0,
  reports_obstacle: () => 0,
  last_seq: (s) => s.seq,
  documents: (s) => s.documents ?? [],
  feasible_from: (s) => s.feasibleFrom ?? null,
  extension_request: (s) => s.extensionRequest ?? null,
  held_up: (s) => s.heldUp ?? null,
} satisfies Record<string, (s: TaskState) => unknown>;

export type WrittenColumn = keyof typeof WRITTEN_COLUMNS;
export const WRITTEN_COLUMN_NAMES = Object.keys(WRITTEN_COLUMNS) as WrittenColumn[];

/** The `tasks` read-model row for a workflow state, keyed by column (for jsonb_populate_record). */
export function taskRow(s: TaskState): Record<WrittenColumn, unknown> {
  return Object.fromEntries(WRITTEN_COLUMN_NAMES.map((c) => [c, WRITTEN_COLUMNS[c](s)])) as Record<
    WrittenColumn,
    unknown
  >;
}

const ISO_INSTANT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * The task JSON, key by key, in the order clients see it: each value an SQL expression over the row
 * (alias t). `daysOverdue` is the one computed at read time (db/tasks.ts `daysOverdueSql`).
 */
export const TASK_JSON_FIELDS = (daysOverdue: string): [string, string][] => [
  ['code', 't.code'],
  ['title', 't.title'],
  ['titles', `json_build_object('vi', t.title, 'en', nullif(t.title_en, ''))`],
  ['sector', 't.sector'],
  ['sectors', `json_build_object('vi', t.sector, 'en', nullif(t.sector_en, ''))`],
  ['legalBasis', 't.legal_basis'],
  ['legalBases', `json_build_object('vi', t.legal_basis, 'en', nullif(t.legal_basis_en, ''))`],
  ['level', 't.level'],
  ['status', 't.status'],
  ['statusSince', `to_char(t.status_since, ${ISO_INSTANT})`],
  ['leadMinistry', 't.lead_ministry_code'],
  ['coordinatingMinistries', `coalesce(t.coordinating_ministries, '{}')`],
  ['focalPoint', `json_build_object('name', t.focal_point_name, 'email', t.focal_point_email)`],
  ['dueDate', `to_char(t.due_date, 'YYYY-MM-DD')`],
  ['daysOverdue', daysOverdue],
  ['deadlineExtensions', 't.deadline_extensions'],
  ['milestones', 't.milestones'],
  ['reports', `json_build_object('workable', t.reports_workable, 'obstacle', t.reports_obstacle)`],
  ['lastSeq', 't.last_seq'],
  ['documents', 't.documents'],
  ['feasibleFrom', `to_char(t.feasible_from, 'YYYY-MM-DD')`],
  ['extensionRequest', 't.extension_request'],
  ['heldUp', 't.held_up'],
];

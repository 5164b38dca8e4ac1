/**
 * The one definition of each task status: its names, colour, milestone track, default due date and
 * what its lead ministry is asked to do. i18n, charts, e-mails, digests, the request schemas, the
 * deadline policy and the config read it from here; the edges between statuses are
 * `domain/transition-rules.ts EDGES`. Adding a status: README, "Adding a status".
 *
 * Pure data: imported by workflows (deterministic code) too.
 */

// ISSUED is no longer a milestone: issuing the document is the transition (or a settlement) that
// carries it. Histories that recorded ISSUED keep it; new requests cannot.
export const GUIDANCE_MILESTONES = ['DRAFTING', 'CONSULTATION', 'SUBMITTED'] as const;
export const ADJUSTMENT_MILESTONES = ['PROPOSAL_DRAFTED', 'SUBMITTED', 'APPROVED'] as const;
export type MilestoneTrack = 'GUIDANCE' | 'ADJUSTMENT';
/** The milestones of each track, in the order they are usually reached. */
export const TRACK_MILESTONES: Record<MilestoneTrack, readonly string[]> = {
  GUIDANCE: GUIDANCE_MILESTONES,
  ADJUSTMENT: ADJUSTMENT_MILESTONES,
};

/** A status's default due date: `days` after entering it (the config's `env` overrides), or none. */
export interface DuePolicy {
  /** Default span, in the policy's `dueDaysUnit`. */
  days: number;
  /** The environment variable that overrides it (config/env.ts). */
  env: string;
}

export interface StatusRule {
  /** Vietnamese name (pages, e-mails, digests; catalog/reference.json statusNamesVi says the same). */
  vi: string;
  /** English name on pages. */
  en: string;
  /** English name in e-mail and digest lines. */
  enShort: string;
  /** Its colour in charts and tags. */
  colour: string;
  /** The milestones recorded while a task is in it; null: none (a FEASIBLE task has none). */
  track: MilestoneTrack | null;
  /** Its default due date; null: a task in it has no due date (and is not open). */
  due: DuePolicy | null;
  /** What the lead ministry must do to leave it (reminders); null: nothing is due. */
  asks: { vi: string; en: string } | null;
  /**
   * Whether it is the status a document settles a task into (a transition citing it, a settlement, a
   * pending document's effective date); entering it closes the loop with the localities. One status.
   */
  settled: boolean;
}

export const STATUS_RULES = {
  REQUIRES_GUIDANCE: {
    vi: 'Cần ban hành văn bản, hướng dẫn thực hiện',
    en: 'Requires legal documents or guidance',
    enShort: 'Requires guidance',
    colour: '#b58800',
    track: 'GUIDANCE',
    due: { days: 90, env: 'DEFAULT_DUE_DAYS_REQUIRES_GUIDANCE' },
    asks: {
      vi: 'ban hành văn bản quy phạm pháp luật hoặc hướng dẫn thực hiện',
      en: 'issue the legal document or implementation guidance',
    },
    settled: false,
  },
  AUTHORITY_ADJUSTMENT: {
    vi: 'Cần điều chỉnh thẩm quyền',
    en: 'Requires authority adjustment',
    enShort: 'Authority adjustment',
    colour: '#d4351c',
    track: 'ADJUSTMENT',
    due: { days: 180, env: 'DEFAULT_DUE_DAYS_AUTHORITY_ADJUSTMENT' },
    asks: {
      vi: 'hoàn thành việc điều chỉnh thẩm quyền trong văn bản luật',
      en: 'complete the adjustment of authority in law',
    },
    settled: false,
  },
  FEASIBLE: {
    vi: 'Đủ điều kiện thực hiện',
    en: 'Feasible',
    enShort: 'Feasible',
    colour: '#00703c',
    track: null,
    due: null,
    asks: null,
    settled: true,
  },
} as const satisfies Record<string, StatusRule>;

export type TaskStatus = keyof typeof STATUS_RULES;
export const TASK_STATUSES = Object.keys(STATUS_RULES) as [TaskStatus, ...TaskStatus[]];

/** The statuses a task has a due date in (open statuses): those with a due policy. */
export type OpenStatus = { [S in TaskStatus]: (typeof STATUS_RULES)[S]['due'] extends null ? never : S }[TaskStatus];
export const OPEN_STATUSES = TASK_STATUSES.filter((s) => STATUS_RULES[s].due !== null) as OpenStatus[];

/** Each open status's default span as the table gives it (the config may override each). */
export const DEFAULT_DUE_DAYS = Object.fromEntries(OPEN_STATUSES.map((s) => [s, STATUS_RULES[s].due.days])) as Record<
  OpenStatus,
  number
>;

export function statusRule(status: TaskStatus): StatusRule {
  return STATUS_RULES[status];
}

/** Whether a task in `status` is still open: it has a due date, reminders, milestones to record. */
export function isOpenStatus(status: TaskStatus): status is OpenStatus {
  return STATUS_RULES[status].due !== null;
}

/** Whether a task in `status` carries a due date (FEASIBLE: none). */
export const hasDueDate = isOpenStatus;

/** The statuses a task is not open in (no due date): their names for SQL built from the table (db/status-sql.ts). */
export const CLOSED_STATUSES = TASK_STATUSES.filter((s) => !isOpenStatus(s));

/** The status a document settles a task into (the table's `settled` row). */
export type SettledStatus = {
  [S in TaskStatus]: (typeof STATUS_RULES)[S]['settled'] extends true ? S : never;
}[TaskStatus];
export const SETTLED_STATUS = TASK_STATUSES.find((s) => STATUS_RULES[s].settled) as SettledStatus;

/** Whether `status` is the one a document settles a task into. */
export function isSettled(status: string): status is SettledStatus {
  return status === SETTLED_STATUS;
}

/** One value per status, from the table: `byStatus((r) => r.colour)`. */
export function byStatus<T>(f: (rule: StatusRule, status: TaskStatus) => T): Record<TaskStatus, T> {
  return Object.fromEntries(TASK_STATUSES.map((s) => [s, f(STATUS_RULES[s], s)])) as Record<TaskStatus, T>;
}

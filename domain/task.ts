/**
 * The delegated task as the workflow holds it, and the messages that change it.
 * Pure types and constants: imported by workflows (deterministic code), activities and the API.
 */
import type { WorkingCalendar } from './working-days';
import type { LadderStep } from './escalation-ladder';

import {
  ADJUSTMENT_MILESTONES,
  GUIDANCE_MILESTONES,
  type MilestoneTrack,
  type OpenStatus,
  type TaskStatus,
} from './statuses';

// The statuses and their milestone tracks are defined once, in domain/statuses.ts.
export { ADJUSTMENT_MILESTONES, GUIDANCE_MILESTONES, TASK_STATUSES } from './statuses';
export type { MilestoneTrack, OpenStatus, TaskStatus } from './statuses';

/** How a list of tasks may be ordered (a leading "-": descending). */
export const TASK_SORTS = [
  'code',
  '-code',
  'dueDate',
  '-dueDate',
  'statusSince',
  '-statusSince',
  'title',
  '-title',
  'updatedAt',
  '-updatedAt',
] as const;

/** Which tasks a list holds, in which order, which page (live from the read model, or as of an instant). */
export interface TaskFilter {
  status?: TaskStatus;
  ministry?: string;
  overdue?: boolean;
  /** YYYY-MM-DD */
  dueBefore?: string;
  /** Text in the title (taken literally). */
  q?: string;
  sort: (typeof TASK_SORTS)[number];
  page: number;
  limit: number;
}

export type MilestoneName = (typeof GUIDANCE_MILESTONES)[number] | (typeof ADJUSTMENT_MILESTONES)[number] | 'ISSUED';
/** The names a milestone may be given now (either track; ISSUED is no longer one). */
export const MILESTONE_NAMES = [...new Set([...GUIDANCE_MILESTONES, ...ADJUSTMENT_MILESTONES])] as [
  string,
  ...string[],
];
/** The names a task may carry: those above, and ISSUED where an older history recorded it. */
export const RECORDED_MILESTONE_NAMES = [...MILESTONE_NAMES, 'ISSUED'] as [string, ...string[]];
/** Milestones meant to repeat while a task stays in its status (a draft may go out for comments several times). */
export const REPEATABLE_MILESTONES: readonly MilestoneName[] = ['CONSULTATION'];

export const REPORT_KINDS = ['WORKABLE', 'OBSTACLE'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** The level a task is carried out at; `both` for tasks at province and commune level. */
export const DELEGATION_LEVELS = ['province', 'commune', 'both'] as const;
export type DelegationLevel = (typeof DELEGATION_LEVELS)[number];

/** Who asks. The API authenticates the caller; the workflow checks the role again. */
export type Actor =
  | { kind: 'home-affairs' }
  | { kind: 'ministry'; code: string }
  | { kind: 'locality'; code: string }
  | { kind: 'system' };

export function actorName(actor: Actor): string {
  switch (actor.kind) {
    case 'home-affairs':
      return 'home-affairs';
    case 'system':
      return 'system';
    default:
      return `${actor.kind}:${actor.code}`;
  }
}

export interface DocumentRef {
  number: string;
  /** YYYY-MM-DD */
  issuedOn: string;
  /** YYYY-MM-DD */
  effectiveOn?: string;
}

/** A document as recorded on a task (from the registry, or given inline with a transition). */
export interface TaskDocument {
  number: string;
  /** Registry fields; null for a document given inline with a transition. */
  kind: string | null;
  issuer: string | null;
  title: string | null;
  issuedOn: string;
  effectiveOn: string | null;
  /** ISO instant it was recorded on the task. */
  recordedAt: string;
  via: 'TRANSITION' | 'SETTLEMENT';
}

/** A lead ministry's request for a later due date, waiting for Home Affairs' decision. */
export interface ExtensionRequest {
  /** YYYY-MM-DD */
  dueDate: string;
  reason: string;
  requestedBy: string;
  /** ISO instant */
  requestedAt: string;
}

export interface ExtensionRequestInput {
  actor: Actor;
  /** YYYY-MM-DD, after today in Viet Nam and after the current due date. */
  dueDate: string;
  reason: string;
}

export interface ExtensionDecisionInput {
  actor: Actor;
  approve: boolean;
  /** Required to refuse. */
  reason?: string;
}

/** The task waits for a document that another ministry owns ("held up by BTP: the decree amending X"). */
export interface HeldUp {
  ministry: string;
  description: string;
  /** The awaited document's number when known: its registration releases the task at once. */
  documentNumber: string | null;
  /** ISO instant */
  since: string;
  recordedBy: string;
}

export interface HoldUpInput {
  actor: Actor;
  /** The holding ministry; null releases the hold-up. */
  ministry: string | null;
  description?: string;
  documentNumber?: string;
  /** Set when the release comes from the registration of the awaited document. */
  releasedBy?: string;
}

/** A registered document applied to a task by a settlement (one document, many tasks). */
export interface SettleInput {
  actor: Actor;
  document: {
    number: string;
    kind: string;
    issuer: string;
    title: string;
    issuedOn: string;
    effectiveOn: string;
  };
}

export interface FocalPoint {
  name: string;
  email: string;
}

export interface Milestone {
  track: MilestoneTrack;
  name: MilestoneName;
  /** ISO instant the milestone was recorded. */
  at: string;
  note?: string;
  actor: string;
}

export interface LocalityReportEntry {
  kind: ReportKind;
  description: string;
  at: string;
}

/** How a number of days is counted: every day, or Viet Nam's working days only. */
export const DAY_UNITS = ['calendar', 'working'] as const;
export type DayUnit = (typeof DAY_UNITS)[number];

/** Settings that shape deadlines and reminders; carried in the workflow so a run is self-contained. */
export interface DeadlinePolicy {
  reminderOffsetsDays: number[];
  overdueIntervalDays: number;
  /** Each open status's default span (domain/statuses.ts `due`, overridden by the config). */
  defaultDueDays: Record<OpenStatus, number>;
  homeAffairsEmail: string;
  publicBaseUrl: string;
  /**
   * Viet Nam's working days for the years around the start. With it, a due date that falls on a
   * day off moves to the next working day. Policies carried by workflows started before it existed
   * have none and keep counting calendar days, so their histories replay unchanged.
   */
  calendar?: WorkingCalendar;
  /** Unit of `defaultDueDays` and of days overdue (calendar when absent). */
  dueDaysUnit?: DayUnit;
  /** Unit of `reminderOffsetsDays` (calendar when absent). */
  reminderDaysUnit?: DayUnit;
  /**
   * Escalation ladder after the deadline (domain/escalation-ladder.ts). A workflow with the patch
   * 'escalation-ladder-and-digests' climbs it instead of sending per-task reminders; absent (policies
   * from before), the reminders stay.
   */
  escalationLadder?: LadderStep[];
  /** True: one e-mail per task per reminder, the escalation and overdue reminders (the first version's notices). */
  perTaskReminders?: boolean;
}

export interface TaskDefinition {
  code: string;
  title: string;
  sector: string;
  legalBasis: string;
  level: DelegationLevel;
  status: TaskStatus;
  leadMinistry: string;
  coordinatingMinistries: string[];
  focalPoint: FocalPoint;
  /** YYYY-MM-DD, or null: the policy's default for the status (FEASIBLE never has one). */
  dueDate: string | null;
  /** YYYY-MM-DD the task has been in its status since (the catalog's assessment); absent: its creation. */
  statusSince?: string;
  /**
   * The localities it applies to (sorted codes), null or absent for all 34. Recorded in its events
   * (CREATED, DEFINITION_UPDATED), so as-of knows where a task applied on a past day; the read model's
   * `tasks.applies_to` is what the matrix reads now. Absent in tasks registered before it was recorded.
   */
  appliesTo?: string[] | null;
}

export interface TaskState extends TaskDefinition {
  statusSince: string;
  deadlineExtensions: number;
  milestones: Milestone[];
  /** Latest report of each locality, by locality code. */
  reports: Record<string, LocalityReportEntry>;
  lastDocument: DocumentRef | null;
  /** Documents recorded on the task, oldest first (absent in states carried from before they existed). */
  documents?: TaskDocument[];
  /**
   * A recorded document takes effect on this date (YYYY-MM-DD): the task becomes FEASIBLE at the
   * start of that day in Viet Nam, by a durable timer. Null or absent: nothing pending.
   */
  feasibleFrom?: string | null;
  /** The lead ministry's pending request for more time (null or absent: none). */
  extensionRequest?: ExtensionRequest | null;
  /** Another ministry's document the task waits for (null or absent: none). */
  heldUp?: HeldUp | null;
  /** Sequence number of the last event; the next event gets seq + 1. */
  seq: number;
  /** Reminder points at or before this instant (ms since epoch) are done or skipped. */
  reminderCursor: number;
  /**
   * Set by runs that catch the ladder up (patch `escalation-catch-up`): the cursor says which steps this
   * task's ladder handled. Absent in a state carried from before: the next run starts at the step due now.
   */
  ladderCatchUp?: true;
  policy: DeadlinePolicy;
}

/**
 * What the workflow answers (its query, its updates, the task its reminders describe): its state
 * without `reports`, the per-task locality reports of the first version. Those are kept in the state
 * only so old histories replay; what localities report is their matrix cells (README, "One store"),
 * counted by the read model, so the workflow shows no second count that could disagree.
 */
export type TaskView = Omit<TaskState, 'reports'>;

/**
 * How many localities report a task workable and how many meet an obstacle: the one count of locality
 * reports (issue 24 found two, with opposite fall-through). Each kind is counted by name; anything
 * else (a cell not started or being implemented) is neither. The read model's counts are the same
 * rule over the matrix cells, in SQL (migration 0030).
 */
export function reportCounts(state: { reports: Record<string, { kind: string }> }): {
  workable: number;
  obstacle: number;
} {
  let workable = 0;
  let obstacle = 0;
  for (const r of Object.values(state.reports)) {
    if (r.kind === 'WORKABLE') workable++;
    else if (r.kind === 'OBSTACLE') obstacle++;
  }
  return { workable, obstacle };
}

// ---- Messages (payloads of the workflow's updates) ----

export interface TransitionInput {
  actor: Actor;
  to: TaskStatus;
  /** The status the caller saw; if the task has moved on, the transition is refused. */
  from?: TaskStatus;
  reason?: string;
  document?: DocumentRef;
  /** The cited document's registry fields (the API reads them from the registry): recorded on the task with it. */
  registered?: { kind: string; issuer: string; title: string };
  /** Overrides the policy's default due date for the state entered (YYYY-MM-DD). */
  dueDate?: string;
}

export interface MilestoneInput {
  actor: Actor;
  name: MilestoneName;
  note?: string;
}

export interface AssignmentInput {
  actor: Actor;
  leadMinistry?: string;
  coordinatingMinistries?: string[];
  focalPoint?: FocalPoint;
  reason?: string;
}

export interface DeadlineInput {
  actor: Actor;
  /** YYYY-MM-DD */
  dueDate: string;
  reason: string;
}

export interface LocalityReportInput {
  actor: Actor;
  locality: string;
  kind: ReportKind;
  description: string;
}

export interface DefinitionUpdateInput {
  actor: Actor;
  title?: string;
  sector?: string;
  legalBasis?: string;
  level?: DelegationLevel;
  /** Where the task applies from now on: locality codes, null for all 34 (absent: unchanged). */
  appliesTo?: string[] | null;
  /**
   * Where it applied until now, as the read model says, for a task whose state does not know it
   * (registered before applicability was recorded in its events); ignored when the state knows.
   */
  appliesToBefore?: string[] | null;
}

export interface TaskWorkflowInput {
  /** First run: the task as registered. After continue-as-new: the carried state. */
  definition?: TaskDefinition;
  state?: TaskState;
  policy: DeadlinePolicy;
  createdBy?: Actor;
  /** Test hook: continue-as-new once history reaches this many events (Temporal's suggestion otherwise). */
  continueAsNewAfterEvents?: number;
  /**
   * The starter set TaskStatus, LeadMinistry and DueDate as the start's search attributes: the first
   * run then upserts them only where they differ (a default due date). Runs started without it
   * upsert as they always did, so their recorded histories keep replaying.
   */
  searchAttributesAtStart?: boolean;
  /**
   * Patches (workflows/task-patches.ts) the code that started this run already had: the run takes
   * their new path without asking `patched()`, which would cost a marker and an upsert each.
   */
  patchesAtStart?: string[];
}

/** What the operator's repair of a stuck task found and did (README, "Stuck tasks"). */
/** What one task did with the operator's updated calendar (`npm run calendar:apply`). */
export interface CalendarChangeResult {
  /** False: the task already had this calendar version, nothing changed. */
  applied: boolean;
  /** The due date moved off a day that the new calendar makes a day off (one DEADLINE event). */
  dueDate: { from: string; to: string } | null;
}

export interface RepairResult {
  /** The task was waiting for a repair. */
  wasStuck: boolean;
  /** Its held event is stored now (false: still refused; `error` says why). */
  repaired: boolean;
  seq?: number;
  error?: string;
  /** Events the audit log had lost (a restore from an older backup) and the repair stored again. */
  restored?: number;
}

// ---- Events (what is persisted in the audit log) ----

export const EVENT_KINDS = [
  'CREATED',
  'TRANSITION',
  'MILESTONE',
  'ASSIGNMENT',
  'DEADLINE',
  'LOCALITY_REPORT',
  'DEFINITION_UPDATED',
  'REMINDER_SENT',
  'ESCALATED',
  'OVERDUE_REMINDER',
  'ESCALATION_STEP',
  'DOCUMENT_RECORDED',
  'EXTENSION_REQUESTED',
  'EXTENSION_APPROVED',
  'EXTENSION_REFUSED',
  'HELD_UP',
  'HOLD_UP_RELEASED',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface TaskEvent {
  taskCode: string;
  seq: number;
  /** ISO instant (workflow time). */
  at: string;
  actor: string;
  kind: EventKind;
  details: Record<string, unknown>;
}

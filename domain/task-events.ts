/**
 * What a recorded event does to a task: the audit log folded through the same pure changes the
 * workflow applies (domain/task-changes.ts `apply*`, domain/task-state.ts `initialState`), so the
 * task as-of any instant and the task the workflow holds cannot disagree. Each event is read back
 * into the input that made it and applied; what the event recorded as the outcome (a due date, an
 * extension count, a recorded document) is taken as recorded, so audit logs written by every
 * earlier version of the workflow (test/fixtures/histories) replay as they were written.
 */
import {
  DELEGATION_LEVELS,
  TASK_STATUSES,
  type Actor,
  type DeadlinePolicy,
  type DelegationLevel,
  type DocumentRef,
  type FocalPoint,
  type MilestoneName,
  type TaskDocument,
  type TaskState,
  type TaskStatus,
} from './task';
import { isCalendarDate } from './dates';
import { OPEN_STATUSES, SETTLED_STATUS, hasDueDate, type OpenStatus } from './statuses';
import { initialState } from './task-state';
import {
  applyAssignment,
  applyDeadline,
  applyDefinitionUpdate,
  applyDeferredTransition,
  applyExtensionDecision,
  applyExtensionRequest,
  applyHoldUp,
  applyLocalityReport,
  applyMilestone,
  applyTransition,
} from './task-changes';

/** An audit event as the replay needs it (the audit row without its hashes). */
export interface RecordedEvent {
  taskCode: string;
  seq: number;
  /** ISO instant it was recorded. */
  at: string;
  actor: string;
  kind: string;
  details: Record<string, unknown>;
  /** Set by `onEffectiveTime` when `at` was moved to the effective time: the instant it was recorded. */
  recordedAt?: string;
}

/**
 * The policy a replayed task holds: no calendar (recorded due dates are settled already, so settling
 * them again must leave them as they are), no default spans (a due date is always taken as recorded).
 */
export const REPLAY_POLICY: DeadlinePolicy = {
  reminderOffsetsDays: [],
  overdueIntervalDays: 0,
  defaultDueDays: Object.fromEntries(OPEN_STATUSES.map((s) => [s, 0])) as Record<OpenStatus, number>,
  homeAffairsEmail: '',
  publicBaseUrl: '',
};

const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);
const dateOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const isStatus = (v: unknown): v is TaskStatus =>
  typeof v === 'string' && (TASK_STATUSES as readonly string[]).includes(v);
export const isLevel = (v: unknown): v is DelegationLevel =>
  typeof v === 'string' && (DELEGATION_LEVELS as readonly string[]).includes(v);

function focal(v: unknown, fallback: FocalPoint): FocalPoint {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return { name: str(o.name, ''), email: str(o.email, '') };
  }
  return fallback;
}

/** Locality codes as a task holds them: sorted, null for all of them; undefined when the value says nothing. */
export const localities = (v: unknown): string[] | null | undefined =>
  v === null ? null : Array.isArray(v) ? (v.length === 0 ? null : v.map(String).sort()) : undefined;

/** The actor an event names (`actorName`'s inverse). */
export function actorFromName(name: string): Actor {
  if (name === 'home-affairs' || name === 'system') return { kind: name };
  const [kind, code = ''] = name.split(':');
  if (kind === 'ministry' || kind === 'locality') return { kind, code };
  return { kind: 'system' };
}

function documentRef(v: unknown): DocumentRef | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.number !== 'string') return undefined;
  return {
    number: o.number,
    issuedOn: str(o.issuedOn, ''),
    ...(typeof o.effectiveOn === 'string' ? { effectiveOn: o.effectiveOn } : {}),
  };
}

/** `docs` with the document an event recorded added (once per number). */
function withRecorded(docs: TaskDocument[] | undefined, v: unknown): TaskDocument[] {
  const list = docs ?? [];
  if (!v || typeof v !== 'object') return list;
  const doc = v as TaskDocument;
  return typeof doc.number !== 'string' || list.some((x) => x.number === doc.number) ? list : [...list, doc];
}

/** The task as its CREATED event registered it: the workflow's initial state of the recorded definition. */
export function stateFromCreated(e: RecordedEvent): TaskState {
  const d = e.details;
  const appliesTo = 'appliesTo' in d ? localities(d.appliesTo) : undefined;
  const state = initialState(
    {
      code: e.taskCode,
      title: str(d.title, ''),
      sector: str(d.sector, ''),
      legalBasis: str(d.legalBasis, ''),
      level: isLevel(d.level) ? d.level : 'province',
      status: isStatus(d.status) ? d.status : 'REQUIRES_GUIDANCE',
      leadMinistry: str(d.leadMinistry, ''),
      coordinatingMinistries: Array.isArray(d.coordinatingMinistries) ? d.coordinatingMinistries.map(String) : [],
      focalPoint: focal(d.focalPoint, { name: '', email: '' }),
      dueDate: null,
      ...(typeof d.statusSince === 'string' && isCalendarDate(d.statusSince) ? { statusSince: d.statusSince } : {}),
      ...(appliesTo !== undefined ? { appliesTo } : {}),
    },
    REPLAY_POLICY,
    Date.parse(e.at),
  );
  // The statusSince of a baseline without the catalog's date is when it was recorded, as written.
  const since = typeof d.statusSince === 'string' && isCalendarDate(d.statusSince) ? state.statusSince : e.at;
  return { ...state, statusSince: since, dueDate: dateOrNull(d.dueDate), seq: e.seq };
}

/** The task after one more event (events that change nothing on the task, notices among them, only move its seq). */
export function applyEvent(state: TaskState, e: RecordedEvent): TaskState {
  const d = e.details;
  const at = Date.parse(e.at);
  const actor = actorFromName(e.actor);
  let next: TaskState = state;
  switch (e.kind) {
    case 'TRANSITION': {
      const to = isStatus(d.to) ? d.to : state.status;
      const document = documentRef(d.document);
      const dueDate = hasDueDate(to) ? dateOrNull(d.dueDate) : null;
      const change = applyTransition(
        state,
        { actor, to, ...(document ? { document } : {}), ...(dueDate ? { dueDate } : {}) },
        at,
      );
      // The due date and the recorded document as the event says (a settlement records the registry's document).
      next = {
        ...change.state,
        statusSince: e.at,
        dueDate,
        documents: withRecorded(state.documents, d.recordedDocument),
      };
      break;
    }
    case 'DOCUMENT_RECORDED': {
      const document = documentRef(d.document);
      if (!document) break;
      const change = applyDeferredTransition(state, { actor, to: SETTLED_STATUS, document }, at);
      next = {
        ...change.state,
        documents: withRecorded(state.documents, d.document),
        feasibleFrom: dateOrNull(d.feasibleFrom),
      };
      break;
    }
    case 'EXTENSION_REQUESTED': {
      next = applyExtensionRequest(state, { actor, dueDate: str(d.to, ''), reason: str(d.reason, '') }, at).state;
      const request = next.extensionRequest as NonNullable<TaskState['extensionRequest']>;
      next = { ...next, extensionRequest: { ...request, requestedBy: e.actor, requestedAt: e.at } };
      break;
    }
    case 'EXTENSION_APPROVED':
    case 'EXTENSION_REFUSED': {
      const approve = e.kind === 'EXTENSION_APPROVED';
      // A log whose request is missing (it cannot be placed) still decides: the event names the date.
      const waiting = state.extensionRequest ?? {
        dueDate: str(d.to ?? d.requested, ''),
        reason: str(d.requestReason, ''),
        requestedBy: str(d.requestedBy, ''),
        requestedAt: e.at,
      };
      const change = applyExtensionDecision({ ...state, extensionRequest: waiting }, { actor, approve });
      next = approve
        ? {
            ...change.state,
            dueDate: dateOrNull(d.to),
            deadlineExtensions: typeof d.extensions === 'number' ? d.extensions : state.deadlineExtensions + 1,
          }
        : change.state;
      break;
    }
    case 'HELD_UP':
      next = applyHoldUp(
        state,
        {
          actor,
          ministry: str(d.ministry, ''),
          description: str(d.description, ''),
          ...(typeof d.documentNumber === 'string' ? { documentNumber: d.documentNumber } : {}),
        },
        at,
      ).state;
      next = {
        ...next,
        heldUp: {
          ...(next.heldUp as NonNullable<TaskState['heldUp']>),
          since: str(d.since, e.at),
          recordedBy: str(d.recordedBy, e.actor),
        },
      };
      break;
    case 'HOLD_UP_RELEASED':
      next = applyHoldUp(state, { actor, ministry: null }, at).state;
      break;
    case 'MILESTONE': {
      const note = typeof d.note === 'string' && d.note ? d.note : undefined;
      const change = applyMilestone(
        state,
        { actor, name: str(d.name, '') as MilestoneName, ...(note ? { note } : {}) },
        at,
      );
      // The track, time and actor as recorded (the status it was recorded in, the actor's name as written).
      const milestones = change.state.milestones.map((m, i) =>
        i === change.state.milestones.length - 1
          ? {
              ...m,
              track: d.track === 'ADJUSTMENT' ? ('ADJUSTMENT' as const) : ('GUIDANCE' as const),
              at: e.at,
              actor: e.actor,
            }
          : m,
      );
      next = { ...change.state, milestones };
      break;
    }
    case 'ASSIGNMENT': {
      const after = (d.after ?? {}) as Record<string, unknown>;
      next = applyAssignment(state, {
        actor,
        leadMinistry: str(after.leadMinistry, state.leadMinistry),
        coordinatingMinistries: Array.isArray(after.coordinatingMinistries)
          ? after.coordinatingMinistries.map(String)
          : state.coordinatingMinistries,
        focalPoint: focal(after.focalPoint, state.focalPoint),
      }).state;
      break;
    }
    case 'DEADLINE': {
      const to = dateOrNull(d.to);
      const change = to ? applyDeadline(state, { actor, dueDate: to, reason: str(d.reason, '') }).state : state;
      next = {
        ...change,
        dueDate: to,
        deadlineExtensions:
          typeof d.extensions === 'number' ? d.extensions : state.deadlineExtensions + (d.extension === true ? 1 : 0),
      };
      break;
    }
    case 'LOCALITY_REPORT':
      next = applyLocalityReport(
        state,
        {
          actor,
          locality: str(d.locality, '?'),
          kind: d.kind === 'OBSTACLE' ? 'OBSTACLE' : 'WORKABLE',
          description: str(d.description, ''),
        },
        at,
      ).state;
      break;
    case 'DEFINITION_UPDATED': {
      const changes = (d.changes ?? {}) as Record<string, { to?: unknown }>;
      const appliesTo = changes.appliesTo && 'to' in changes.appliesTo ? localities(changes.appliesTo.to) : undefined;
      next = applyDefinitionUpdate(state, {
        actor,
        ...(typeof changes.title?.to === 'string' ? { title: changes.title.to } : {}),
        ...(typeof changes.sector?.to === 'string' ? { sector: changes.sector.to } : {}),
        ...(typeof changes.legalBasis?.to === 'string' ? { legalBasis: changes.legalBasis.to } : {}),
        ...(isLevel(changes.level?.to) ? { level: changes.level.to } : {}),
        ...(appliesTo !== undefined ? { appliesTo } : {}),
      }).state;
      break;
    }
    default:
      break;
  }
  return { ...next, seq: e.seq };
}

/**
 * Every change to a task, as a pure function: `check*` refuses bad requests (used by update
 * validators, so a refused request leaves no trace), `apply*` returns the new state and the event
 * to record. The workflow only sequences these and persists the events.
 */
import { AGENCY_CODE } from './codes';
import { SETTLED_STATUS, STATUS_RULES, TRACK_MILESTONES, isOpenStatus, isSettled } from './statuses';
import {
  DELEGATION_LEVELS,
  REPEATABLE_MILESTONES,
  REPORT_KINDS,
  actorName,
  type AssignmentInput,
  type DeadlineInput,
  type DefinitionUpdateInput,
  type EventKind,
  type ExtensionDecisionInput,
  type ExtensionRequestInput,
  type HoldUpInput,
  type LocalityReportInput,
  type MilestoneInput,
  type MilestoneTrack,
  type SettleInput,
  type TaskDocument,
  type TaskState,
  type TransitionInput,
} from './task';
import {
  EDGES,
  checkDate,
  checkText,
  checkTransition,
  isCoordinator,
  isHomeAffairs,
  isLead,
  type Rejection,
} from './transition-rules';
import { dueDateAfterEdge, replannedReminderCursor, settleDueDate } from './deadline-policy';
import { DEFAULT_LADDER, WEEKENDS_ONLY, replannedLadderCursor } from './escalation-ladder';
import { unstorableReason } from './storable-text';
import { vietnamDate } from './dates';
import { checkDocumentDates, checkSaneDate } from './legal-documents';
import type { WorkingCalendar } from './working-days';

export interface Change {
  state: TaskState;
  kind: EventKind;
  details: Record<string, unknown>;
  /** True when deadlines or recipients changed, so reminder timers must be recomputed. */
  reschedule: boolean;
  /** True when the reminder cursor restarts at now (new deadline or status). */
  resetCursor: boolean;
}

/** A locality's report may say more than other free text (the API's limit too). */
const MAX_REPORT_TEXT = 4000;
/** An e-mail address as the tracker accepts one (focal points, sign-in, the localities' catalog). */
export const EMAIL_RE = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

const forbidden = (message: string): Rejection => ({ code: 'FORBIDDEN', message });
const invalid = (field: string, message: string): Rejection => ({ code: 'INVALID_INPUT', field, message });
const conflictsWithState = (field: string, message: string): Rejection => ({ code: 'STATE_CONFLICT', field, message });

export { checkTransition };

/** The document of a transition as the task records it. */
function inlineDocument(
  doc: NonNullable<TransitionInput['document']>,
  nowMs: number,
  registered?: TransitionInput['registered'],
): TaskDocument {
  return {
    number: doc.number,
    kind: registered?.kind ?? null,
    issuer: registered?.issuer ?? null,
    title: registered?.title ?? null,
    issuedOn: doc.issuedOn,
    effectiveOn: doc.effectiveOn ?? null,
    recordedAt: new Date(nowMs).toISOString(),
    via: 'TRANSITION',
  };
}

/** `documents` with `doc` added (a document already recorded is not added twice). */
function withDocument(state: TaskState, doc: TaskDocument | null): TaskDocument[] {
  const docs = state.documents ?? [];
  return !doc || docs.some((d) => d.number === doc.number) ? docs : [...docs, doc];
}

/** Whether taking the edge to `to` keeps the task's due date (a bounce between the open statuses, Home Affairs naming none). */
export function keepsDueDate(
  state: Pick<TaskState, 'status' | 'dueDate'>,
  input: Pick<TransitionInput, 'to' | 'dueDate'>,
): boolean {
  return (
    state.dueDate !== null &&
    !input.dueDate &&
    EDGES.find((e) => e.from === state.status && e.to === input.to)?.deadline === 'kept'
  );
}

/**
 * `keepClock`: the edge table's deadline rule (a bounce keeps the due date); false only for runs
 * recorded before it (every entry took a fresh default), so their histories replay.
 */
export function applyTransition(state: TaskState, input: TransitionInput, nowMs: number, keepClock = true): Change {
  const from = state.status;
  const rule = EDGES.find((e) => e.from === from && e.to === input.to)?.deadline ?? 'fresh';
  const dueDate = dueDateAfterEdge(
    state.policy,
    { rule, to: input.to, current: state.dueDate, ...(input.dueDate ? { named: input.dueDate } : {}) },
    nowMs,
    keepClock,
  );
  const recorded = input.document ? inlineDocument(input.document, nowMs, input.registered) : null;
  return {
    state: {
      ...state,
      status: input.to,
      statusSince: new Date(nowMs).toISOString(),
      dueDate,
      lastDocument: input.document ?? state.lastDocument,
      ...(recorded || state.documents ? { documents: withDocument(state, recorded) } : {}),
      ...(state.feasibleFrom !== undefined ? { feasibleFrom: null } : {}),
      ...(state.extensionRequest ? { extensionRequest: null } : {}),
      ...(state.heldUp && isSettled(input.to) ? { heldUp: null } : {}),
    },
    kind: 'TRANSITION',
    details: {
      from,
      to: input.to,
      reason: input.reason ?? null,
      document: input.document ?? null,
      dueDate,
      ...(recorded ? { recordedDocument: recorded } : {}),
    },
    reschedule: true,
    // A kept due date keeps its reminders' and ladder's progress (the clock keeps running).
    resetCursor: keepClock ? dueDate !== state.dueDate : true,
  };
}

/**
 * A transition to FEASIBLE whose document takes effect after today (Viet Nam): the document is
 * recorded now and the task becomes FEASIBLE on the effective date (`applyEffectiveDate`).
 */
export function applyDeferredTransition(state: TaskState, input: TransitionInput, nowMs: number): Change {
  const doc = inlineDocument(input.document as NonNullable<TransitionInput['document']>, nowMs, input.registered);
  return recordPending(state, doc, input.reason ?? null);
}

function recordPending(state: TaskState, doc: TaskDocument, reason: string | null): Change {
  return {
    state: {
      ...state,
      documents: withDocument(state, doc),
      feasibleFrom: doc.effectiveOn,
      lastDocument: {
        number: doc.number,
        issuedOn: doc.issuedOn,
        ...(doc.effectiveOn ? { effectiveOn: doc.effectiveOn } : {}),
      },
    },
    kind: 'DOCUMENT_RECORDED',
    details: { document: doc, feasibleFrom: doc.effectiveOn, reason },
    reschedule: true,
    resetCursor: false,
  };
}

/** Whether a document with this number is already recorded on the task (a settlement is then a no-op). */
export function hasDocument(state: TaskState, number: string): boolean {
  return (state.documents ?? []).some((d) => d.number === number);
}

/**
 * A registered document settling the task: the issuing ministry for the tasks it leads, or Home
 * Affairs for any. Refused when the task is already FEASIBLE or waits for another document.
 * Applying the same document twice is not refused: it changes nothing (see `hasDocument`).
 */
export function checkSettle(state: TaskState, input: SettleInput, today: string): Rejection | null {
  if (!isHomeAffairs(input.actor) && !isLead(input.actor, state)) {
    return forbidden(`Only Home Affairs or the lead ministry (${state.leadMinistry}) may settle task ${state.code}.`);
  }
  if (hasDocument(state, input.document.number)) return null;
  if (isSettled(state.status))
    return { code: 'ILLEGAL_TRANSITION', field: 'tasks', message: `Task ${state.code} is already FEASIBLE.` };
  if (state.feasibleFrom) {
    return {
      code: 'ILLEGAL_TRANSITION',
      field: 'tasks',
      message: `Task ${state.code} already becomes FEASIBLE on ${state.feasibleFrom} by another document.`,
    };
  }
  const untrue = checkDocumentDates(input.document, today, 'document.');
  return untrue ? { code: 'INVALID_INPUT', ...untrue } : null;
}

export function applySettle(state: TaskState, input: SettleInput, nowMs: number): Change {
  const d = input.document;
  const doc: TaskDocument = {
    number: d.number,
    kind: d.kind,
    issuer: d.issuer,
    title: d.title,
    issuedOn: d.issuedOn,
    effectiveOn: d.effectiveOn,
    recordedAt: new Date(nowMs).toISOString(),
    via: 'SETTLEMENT',
  };
  if (d.effectiveOn > vietnamDate(nowMs)) return recordPending(state, doc, null);
  const change = applyTransition(
    state,
    {
      actor: input.actor,
      to: SETTLED_STATUS,
      document: { number: d.number, issuedOn: d.issuedOn, effectiveOn: d.effectiveOn },
    },
    nowMs,
  );
  return {
    ...change,
    state: { ...change.state, documents: withDocument(state, doc) },
    details: { ...change.details, recordedDocument: doc, settlement: true },
  };
}

/** The effective date of the pending document has come: the task becomes FEASIBLE. */
export function applyEffectiveDate(state: TaskState, nowMs: number): Change {
  const pending = [...(state.documents ?? [])].reverse().find((d) => d.effectiveOn === state.feasibleFrom);
  const document = pending
    ? {
        number: pending.number,
        issuedOn: pending.issuedOn,
        ...(pending.effectiveOn ? { effectiveOn: pending.effectiveOn } : {}),
      }
    : undefined;
  const change = applyTransition(
    state,
    {
      actor: { kind: 'system' },
      to: SETTLED_STATUS,
      ...(document ? { document } : {}),
      reason: 'the document took effect',
    },
    nowMs,
  );
  const { recordedDocument: _already, ...details } = change.details;
  return { ...change, state: { ...change.state, documents: state.documents ?? [] }, details };
}

export function milestoneTrack(status: TaskState['status']): MilestoneTrack | null {
  return STATUS_RULES[status].track;
}

export function checkMilestone(state: TaskState, input: MilestoneInput): Rejection | null {
  const a = input.actor;
  if (!isHomeAffairs(a) && !isLead(a, state) && !isCoordinator(a, state)) {
    return forbidden('Only Home Affairs, the lead ministry or a coordinating ministry may record milestones.');
  }
  const track = milestoneTrack(state.status);
  if (!track) return conflictsWithState('name', 'A FEASIBLE task has no milestones to record; reopen it first.');
  const names = TRACK_MILESTONES[track];
  if (!names.includes(input.name)) {
    return conflictsWithState('name', `In ${state.status} the milestones are ${names.join(', ')}.`);
  }
  return checkText(input.note, 'note', false);
}

/**
 * Whether this milestone is already recorded since the task entered its status: recording it again
 * changes nothing (a double click, a retried request without a key), unless the name repeats.
 */
export function isRepeatedMilestone(state: TaskState, input: MilestoneInput): boolean {
  if (REPEATABLE_MILESTONES.includes(input.name)) return false;
  const track = milestoneTrack(state.status);
  return state.milestones.some((m) => m.name === input.name && m.track === track && m.at >= state.statusSince);
}

export function applyMilestone(state: TaskState, input: MilestoneInput, nowMs: number): Change {
  const track = milestoneTrack(state.status) as MilestoneTrack;
  const milestone = {
    track,
    name: input.name,
    at: new Date(nowMs).toISOString(),
    actor: actorName(input.actor),
    ...(input.note ? { note: input.note } : {}),
  };
  return {
    state: { ...state, milestones: [...state.milestones, milestone] },
    kind: 'MILESTONE',
    details: { track, name: input.name, note: input.note ?? null },
    reschedule: false,
    resetCursor: false,
  };
}

export function checkAssignment(state: TaskState, input: AssignmentInput): Rejection | null {
  const a = input.actor;
  const touchesMinistries = input.leadMinistry !== undefined || input.coordinatingMinistries !== undefined;
  if (
    input.leadMinistry === undefined &&
    input.coordinatingMinistries === undefined &&
    input.focalPoint === undefined
  ) {
    return invalid('leadMinistry', 'Name at least one of leadMinistry, coordinatingMinistries, focalPoint.');
  }
  if (touchesMinistries && !isHomeAffairs(a))
    return forbidden('Only Home Affairs may change the lead or coordinating ministries.');
  if (!isHomeAffairs(a) && !isLead(a, state))
    return forbidden('Only Home Affairs or the lead ministry may set the focal point.');
  if (input.leadMinistry !== undefined && !AGENCY_CODE.test(input.leadMinistry))
    return invalid('leadMinistry', 'must be a ministry code');
  if (input.coordinatingMinistries?.some((c) => !AGENCY_CODE.test(c)))
    return invalid('coordinatingMinistries', 'must be ministry codes');
  const lead = input.leadMinistry ?? state.leadMinistry;
  if ((input.coordinatingMinistries ?? state.coordinatingMinistries).includes(lead)) {
    return conflictsWithState('coordinatingMinistries', 'the lead ministry cannot also be a coordinating ministry');
  }
  if (input.focalPoint) {
    const bad = checkText(input.focalPoint.name, 'focalPoint.name', true, 200);
    if (bad) return bad;
    const email = input.focalPoint.email;
    if (typeof email !== 'string' || !EMAIL_RE.test(email) || email.length > 254 || unstorableReason(email) !== null) {
      return invalid('focalPoint.email', 'must be an e-mail address');
    }
  }
  return checkText(input.reason, 'reason', false);
}

export function applyAssignment(state: TaskState, input: AssignmentInput): Change {
  const before = {
    leadMinistry: state.leadMinistry,
    coordinatingMinistries: state.coordinatingMinistries,
    focalPoint: state.focalPoint,
  };
  const next: TaskState = {
    ...state,
    leadMinistry: input.leadMinistry ?? state.leadMinistry,
    coordinatingMinistries: input.coordinatingMinistries
      ? [...new Set(input.coordinatingMinistries)]
      : state.coordinatingMinistries,
    focalPoint: input.focalPoint ?? state.focalPoint,
  };
  return {
    state: next,
    kind: 'ASSIGNMENT',
    details: {
      before,
      after: {
        leadMinistry: next.leadMinistry,
        coordinatingMinistries: next.coordinatingMinistries,
        focalPoint: next.focalPoint,
      },
      reason: input.reason ?? null,
    },
    reschedule: true,
    resetCursor: false,
  };
}

/** `today` (Viet Nam's date) bounds the date by the one sanity window (domain/legal-documents.ts); without it only the form is checked. */
export function checkDeadline(state: TaskState, input: DeadlineInput, today?: string): Rejection | null {
  if (!isHomeAffairs(input.actor)) return forbidden('Only Home Affairs may set or extend deadlines.');
  if (!isOpenStatus(state.status)) return conflictsWithState('dueDate', `A ${state.status} task has no due date.`);
  const bad = checkDate(input.dueDate, 'dueDate');
  if (bad) return bad;
  const insane = today ? checkSaneDate(input.dueDate, 'dueDate', today) : null;
  if (insane) return { code: 'INVALID_INPUT', ...insane };
  return checkText(input.reason, 'reason', true);
}

export function applyDeadline(state: TaskState, input: DeadlineInput): Change {
  const dueDate = settleDueDate(state.policy, input.dueDate);
  const extended = state.dueDate !== null && dueDate > state.dueDate;
  const next = { ...state, dueDate, deadlineExtensions: state.deadlineExtensions + (extended ? 1 : 0) };
  return {
    state: next,
    kind: 'DEADLINE',
    details: {
      from: state.dueDate,
      to: dueDate,
      reason: input.reason,
      extension: extended,
      extensions: next.deadlineExtensions,
    },
    reschedule: true,
    resetCursor: true,
  };
}

/** A calendar sent to a running task names its version and its years (the operator's command builds it from the file). */
export function checkCalendarChange(calendar: WorkingCalendar): Rejection | null {
  const invalid = (message: string): Rejection => ({ code: 'INVALID_INPUT', field: 'calendar', message });
  if (typeof calendar.version !== 'string' || calendar.version === '')
    return invalid('A calendar sent to a task names its version.');
  if (
    !Number.isInteger(calendar.firstYear) ||
    !Number.isInteger(calendar.lastYear) ||
    calendar.firstYear > calendar.lastYear
  )
    return invalid("The calendar's years are not a range.");
  const bad = [...calendar.daysOff, ...calendar.workingWeekendDays].find((d) => checkDate(d, 'calendar') !== null);
  return bad === undefined ? null : invalid(`"${bad}" is not a date.`);
}

/**
 * The task takes the operator's updated calendar: its policy carries the new one (reminders then
 * re-plan on it), and a due date that now falls on a day off moves to the next working day, the
 * same settling every other deadline gets. `deadline` is that move as a DEADLINE event saying why,
 * or null when the due date stays (nothing to record: the calendar itself is not audit data).
 * `state` is the task after the change; its reminder cursor keeps every reminder or ladder step
 * (`climbsLadder`) already sent done, even on a moved due date: a calendar is no new deadline, so
 * unlike an extension it starts no fresh series (`replannedReminderCursor`, `replannedLadderCursor`).
 */
export function applyCalendarChange(
  state: TaskState,
  calendar: WorkingCalendar,
  climbsLadder: boolean,
): { state: TaskState; deadline: Change | null } {
  const dueDate = settleDueDate({ ...state.policy, calendar }, state.dueDate);
  const moved = { ...state, policy: { ...state.policy, calendar }, dueDate };
  const next = { ...moved, reminderCursor: replannedCursor(state, moved, climbsLadder) };
  if (dueDate === state.dueDate) return { state: next, deadline: null };
  return {
    state: next,
    deadline: {
      state: next,
      kind: 'DEADLINE',
      details: {
        from: state.dueDate,
        to: dueDate,
        reason: `calendar updated: ${calendar.version ?? 'unversioned'}`,
        extension: false,
        extensions: state.deadlineExtensions,
        calendarVersion: calendar.version ?? null,
      },
      reschedule: true,
      resetCursor: false,
    },
  };
}

/** The reminder cursor of `before` carried over to the schedule of `after`, on the ladder or the per-task reminders. */
function replannedCursor(before: TaskState, after: TaskState, climbsLadder: boolean): number {
  if (!climbsLadder) return replannedReminderCursor(before, after);
  // As the workflow plans the ladder: none for a FEASIBLE task or one without a due date.
  if (!isOpenStatus(before.status) || !before.dueDate || !after.dueDate) return before.reminderCursor;
  const steps = before.policy.escalationLadder ?? DEFAULT_LADDER;
  const on = (s: TaskState, dueDate: string) => ({ dueDate, calendar: s.policy.calendar ?? WEEKENDS_ONLY });
  return replannedLadderCursor(steps, on(before, before.dueDate), on(after, after.dueDate), before.reminderCursor);
}

/** The lead ministry asks for a later due date; only Home Affairs' approval changes the deadline. */
export function checkExtensionRequest(state: TaskState, input: ExtensionRequestInput, today: string): Rejection | null {
  if (!isLead(input.actor, state))
    return forbidden(
      `Only the lead ministry (${state.leadMinistry}) asks for an extension; Home Affairs sets deadlines directly.`,
    );
  if (!isOpenStatus(state.status) || !state.dueDate)
    return conflictsWithState('dueDate', 'The task has no due date to extend.');
  if (state.extensionRequest) {
    return {
      code: 'ILLEGAL_TRANSITION',
      field: 'dueDate',
      message: `A request for ${state.extensionRequest.dueDate} is already waiting for Home Affairs.`,
    };
  }
  const bad = checkDate(input.dueDate, 'dueDate') ?? checkText(input.reason, 'reason', true);
  if (bad) return bad;
  const insane = checkSaneDate(input.dueDate, 'dueDate', today);
  if (insane) return { code: 'INVALID_INPUT', ...insane };
  if (input.dueDate <= today) return conflictsWithState('dueDate', `must be after today in Viet Nam (${today})`);
  if (input.dueDate <= state.dueDate)
    return conflictsWithState('dueDate', `must be after the current due date ${state.dueDate}`);
  return null;
}

export function applyExtensionRequest(state: TaskState, input: ExtensionRequestInput, nowMs: number): Change {
  const request = {
    dueDate: input.dueDate,
    reason: input.reason,
    requestedBy: actorName(input.actor),
    requestedAt: new Date(nowMs).toISOString(),
  };
  return {
    state: { ...state, extensionRequest: request },
    kind: 'EXTENSION_REQUESTED',
    details: { from: state.dueDate, to: input.dueDate, reason: input.reason },
    reschedule: false,
    resetCursor: false,
  };
}

export function checkExtensionDecision(
  state: TaskState,
  input: ExtensionDecisionInput,
  today: string,
): Rejection | null {
  if (!isHomeAffairs(input.actor)) return forbidden('Only Home Affairs decides extension requests.');
  const request = state.extensionRequest;
  if (!request) return { code: 'ILLEGAL_TRANSITION', field: 'approve', message: 'No extension request is waiting.' };
  if (input.approve && request.dueDate <= today)
    return conflictsWithState(
      'approve',
      `The requested date ${request.dueDate} has passed; refuse it and set a deadline instead.`,
    );
  return checkText(input.reason, 'reason', !input.approve);
}

/** Approval moves the deadline (reminders re-plan at once); refusal only records the decision. */
export function applyExtensionDecision(state: TaskState, input: ExtensionDecisionInput): Change {
  const request = state.extensionRequest as NonNullable<TaskState['extensionRequest']>;
  const details = {
    requested: request.dueDate,
    requestedBy: request.requestedBy,
    requestReason: request.reason,
    reason: input.reason ?? null,
  };
  if (!input.approve) {
    return {
      state: { ...state, extensionRequest: null },
      kind: 'EXTENSION_REFUSED',
      details,
      reschedule: false,
      resetCursor: false,
    };
  }
  const dueDate = settleDueDate(state.policy, request.dueDate);
  return {
    state: { ...state, extensionRequest: null, dueDate, deadlineExtensions: state.deadlineExtensions + 1 },
    kind: 'EXTENSION_APPROVED',
    details: { ...details, from: state.dueDate, to: dueDate, extensions: state.deadlineExtensions + 1 },
    reschedule: true,
    resetCursor: true,
  };
}

/**
 * Records that the task waits for another ministry's document, or releases it (ministry null):
 * the lead ministry or Home Affairs; the release also comes from the system when that ministry
 * registers the awaited document.
 */
export function checkHoldUp(state: TaskState, input: HoldUpInput): Rejection | null {
  const a = input.actor;
  if (a.kind !== 'system' && !isHomeAffairs(a) && !isLead(a, state)) {
    return forbidden(
      `Only Home Affairs or the lead ministry (${state.leadMinistry}) records what holds task ${state.code} up.`,
    );
  }
  if (input.ministry === null)
    return state.heldUp ? null : { code: 'ILLEGAL_TRANSITION', field: 'ministry', message: 'The task is not held up.' };
  if (!isOpenStatus(state.status))
    return conflictsWithState('ministry', `A ${state.status} task is not held up by anyone.`);
  // Not replaced silently: release the hold-up first (validators do not run on replay, so histories
  // that replaced one still replay).
  if (state.heldUp)
    return {
      code: 'ILLEGAL_TRANSITION',
      field: 'ministry',
      message: `The task is already held up by ${state.heldUp.ministry}; release that hold-up first.`,
    };
  if (!AGENCY_CODE.test(input.ministry)) return invalid('ministry', 'must be a ministry code');
  if (input.ministry === state.leadMinistry)
    return conflictsWithState('ministry', 'must be another ministry than the lead');
  return checkText(input.description, 'description', true, 500);
}

export function applyHoldUp(state: TaskState, input: HoldUpInput, nowMs: number): Change {
  if (input.ministry === null) {
    return {
      state: { ...state, heldUp: null },
      kind: 'HOLD_UP_RELEASED',
      details: {
        ministry: state.heldUp?.ministry ?? null,
        description: state.heldUp?.description ?? null,
        releasedBy: input.releasedBy ?? null,
      },
      reschedule: false,
      resetCursor: false,
    };
  }
  const heldUp = {
    ministry: input.ministry,
    description: input.description ?? '',
    documentNumber: input.documentNumber ?? null,
    since: new Date(nowMs).toISOString(),
    recordedBy: actorName(input.actor),
  };
  return {
    state: { ...state, heldUp },
    kind: 'HELD_UP',
    details: { ...heldUp },
    reschedule: false,
    resetCursor: false,
  };
}

export function checkLocalityReport(state: TaskState, input: LocalityReportInput): Rejection | null {
  const a = input.actor;
  if (!AGENCY_CODE.test(input.locality)) return invalid('locality', 'must be a locality code');
  if (!isHomeAffairs(a) && !(a.kind === 'locality' && a.code === input.locality)) {
    return forbidden('A locality reports only for itself.');
  }
  if (!(REPORT_KINDS as readonly string[]).includes(input.kind))
    return invalid('kind', `must be one of ${REPORT_KINDS.join(', ')}`);
  return checkText(input.description, 'description', input.kind === 'OBSTACLE', MAX_REPORT_TEXT);
}

export function applyLocalityReport(state: TaskState, input: LocalityReportInput, nowMs: number): Change {
  const entry = { kind: input.kind, description: input.description ?? '', at: new Date(nowMs).toISOString() };
  return {
    state: { ...state, reports: { ...state.reports, [input.locality]: entry } },
    kind: 'LOCALITY_REPORT',
    details: { locality: input.locality, kind: input.kind, description: entry.description },
    reschedule: false,
    resetCursor: false,
  };
}

export function checkDefinitionUpdate(_state: TaskState, input: DefinitionUpdateInput): Rejection | null {
  if (!isHomeAffairs(input.actor)) return forbidden('Only Home Affairs may change a task definition.');
  if (input.level !== undefined && !(DELEGATION_LEVELS as readonly string[]).includes(input.level)) {
    return invalid('level', `must be one of ${DELEGATION_LEVELS.join(', ')}`);
  }
  return (
    (input.title !== undefined ? checkText(input.title, 'title', true, 500) : null) ??
    (input.sector !== undefined ? checkText(input.sector, 'sector', true, 200) : null) ??
    (input.legalBasis !== undefined ? checkText(input.legalBasis, 'legalBasis', false, 1000) : null) ??
    (input.appliesTo !== undefined &&
    input.appliesTo !== null &&
    (input.appliesTo.some((c) => !/^[A-Z]{2,5}$/.test(c)) || new Set(input.appliesTo).size !== input.appliesTo.length)
      ? invalid('appliesTo', 'must list distinct locality codes (HNI, HCM, ...)')
      : null)
  );
}

export function applyDefinitionUpdate(state: TaskState, input: DefinitionUpdateInput): Change {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  const next = { ...state };
  for (const field of ['title', 'sector', 'legalBasis', 'level'] as const) {
    const value = input[field];
    if (value !== undefined && value !== state[field]) {
      changes[field] = { from: state[field], to: value };
      (next as Record<string, unknown>)[field] = value;
    }
  }
  if (input.appliesTo !== undefined) {
    const where = (v: readonly string[] | null | undefined) => (v && v.length > 0 ? [...v].sort() : null);
    const from = where(state.appliesTo !== undefined ? state.appliesTo : input.appliesToBefore);
    const to = where(input.appliesTo);
    if ((from ?? []).join(';') !== (to ?? []).join(';')) changes.appliesTo = { from, to };
    next.appliesTo = to;
  }
  return { state: next, kind: 'DEFINITION_UPDATED', details: { changes }, reschedule: false, resetCursor: false };
}

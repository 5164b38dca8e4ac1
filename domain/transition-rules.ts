import { checkDocumentDates, checkSaneDate, type DocumentRule } from './legal-documents';
import type { Actor, TaskState, TaskStatus, TransitionInput } from './task';
import { isCalendarDate } from './dates';
import { isBlankText, textLength, unstorableReason } from './storable-text';
import { TASK_STATUSES, hasDueDate } from './statuses';

/** What an edge needs beyond the target status. */
export type EdgeRequirement = 'reason' | 'document';

export interface Edge {
  from: TaskStatus;
  to: TaskStatus;
  requires: EdgeRequirement;
  /** Home Affairs may always; `lead` adds the task's lead ministry. */
  roles: readonly ('home-affairs' | 'lead')[];
  label: string;
  /**
   * The due date after the edge, unless Home Affairs names one (deadlines are Home Affairs'):
   * `kept` — the clock keeps running (a bounce between the two open statuses gives no fresh time);
   * `fresh` — the status's default span from today (only on Home Affairs' reopen); `none` — FEASIBLE has none.
   * `dueDateAfterEdge` (deadline-policy.ts) applies it.
   */
  deadline: 'kept' | 'fresh' | 'none';
}

/** The only legal edges (README, the states table "States and edges"). */
export const EDGES: readonly Edge[] = [
  {
    from: 'REQUIRES_GUIDANCE',
    to: 'FEASIBLE',
    requires: 'document',
    roles: ['home-affairs', 'lead'],
    label: 'guidance issued',
    deadline: 'none',
  },
  {
    from: 'REQUIRES_GUIDANCE',
    to: 'AUTHORITY_ADJUSTMENT',
    requires: 'reason',
    roles: ['home-affairs', 'lead'],
    label: 'escalate to authority adjustment',
    deadline: 'kept',
  },
  {
    from: 'AUTHORITY_ADJUSTMENT',
    to: 'REQUIRES_GUIDANCE',
    requires: 'document',
    roles: ['home-affairs', 'lead'],
    label: 'authority adjusted, guidance still needed',
    deadline: 'kept',
  },
  {
    from: 'AUTHORITY_ADJUSTMENT',
    to: 'FEASIBLE',
    requires: 'document',
    roles: ['home-affairs', 'lead'],
    label: 'authority adjusted, directly workable',
    deadline: 'none',
  },
  {
    from: 'FEASIBLE',
    to: 'REQUIRES_GUIDANCE',
    requires: 'reason',
    roles: ['home-affairs'],
    label: 'reopen: guidance needed',
    deadline: 'fresh',
  },
  {
    from: 'FEASIBLE',
    to: 'AUTHORITY_ADJUSTMENT',
    requires: 'reason',
    roles: ['home-affairs'],
    label: 'reopen: authority adjustment needed',
    deadline: 'fresh',
  },
];

/**
 * What a request to move into `to` must carry whatever the task's current status: one of the
 * requirements of the edges into it (FEASIBLE: a document; AUTHORITY_ADJUSTMENT: a reason;
 * REQUIRES_GUIDANCE: either, and `checkTransition` says which by the current status), and whether
 * it may name a due date (a status without one, FEASIBLE, may not). The request schemas
 * (app/schemas.ts: zod refinements and their OpenAPI hints) and `checkTransition` read it here.
 */
export interface IntoRule {
  to: TaskStatus;
  /** Any one of these (empty: no edge leads there). */
  requires: EdgeRequirement[];
  dueDate: boolean;
}

export function ruleInto(to: TaskStatus): IntoRule {
  const requires = [...new Set(EDGES.filter((e) => e.to === to).map((e) => e.requires))].sort();
  return { to, requires, dueDate: hasDueDate(to) };
}

export const INTO_RULES: readonly IntoRule[] = TASK_STATUSES.map(ruleInto);

const DOCUMENT_NEEDED = 'the legal document (number, issuedOn)';

/** What is missing from a request into `to` by its rule, as the field to name and the message (null: nothing). */
export function missingForInto(
  rule: IntoRule,
  body: { reason?: string; document?: unknown; dueDate?: string },
): { path: 'reason' | 'document' | 'dueDate'; message: string }[] {
  const out: { path: 'reason' | 'document' | 'dueDate'; message: string }[] = [];
  const hasReason = body.reason !== undefined && !isBlankText(body.reason);
  const has = (r: EdgeRequirement) => (r === 'reason' ? hasReason : body.document !== undefined);
  if (rule.requires.length > 0 && !rule.requires.some(has)) {
    const [only] = rule.requires;
    out.push(
      rule.requires.length > 1
        ? {
            path: 'reason',
            message: `moving to ${rule.to} needs a reason or ${DOCUMENT_NEEDED}, depending on the status it leaves`,
          }
        : only === 'document'
          ? { path: 'document', message: `moving to ${rule.to} needs ${DOCUMENT_NEEDED}` }
          : { path: 'reason', message: `moving to ${rule.to} needs a reason` },
    );
  }
  if (!rule.dueDate && body.dueDate !== undefined) out.push({ path: 'dueDate', message: noDueDate(rule.to) });
  return out;
}

/** The one wording of "a status without a due date may not be given one". */
export const noDueDate = (status: TaskStatus) => `a ${status} task has no due date`;

/** Why a request is refused; the API maps each to an HTTP status. */
export type RejectionCode =
  | 'ILLEGAL_TRANSITION' // 409
  | 'STALE_STATUS' // 409
  | 'FORBIDDEN' // 403
  | 'INVALID_INPUT' // 422
  | 'STATE_CONFLICT' // 409: fine in itself, but not for the task as it is now (e.g. a milestone of another status)
  | 'TASK_STUCK'; // 503: an earlier event could not be stored; an operator must repair the task

export interface Rejection {
  code: RejectionCode;
  message: string;
  field?: string;
  /** The document or date rule refused (domain/legal-documents.ts), for readers in other languages. */
  rule?: DocumentRule;
  params?: Record<string, string>;
  allowed?: { from: TaskStatus; to: TaskStatus; requires: EdgeRequirement; label: string }[];
}

export function edgesFrom(status: TaskStatus): Edge[] {
  return EDGES.filter((e) => e.from === status);
}

export function isHomeAffairs(actor: Actor): boolean {
  return actor.kind === 'home-affairs';
}

export function isLead(actor: Actor, state: Pick<TaskState, 'leadMinistry'>): boolean {
  return actor.kind === 'ministry' && actor.code === state.leadMinistry;
}

export function isCoordinator(actor: Actor, state: Pick<TaskState, 'coordinatingMinistries'>): boolean {
  return actor.kind === 'ministry' && state.coordinatingMinistries.includes(actor.code);
}

/** Whether `actor` may take `edge` on a task led by `state.leadMinistry`: the one answer, for the validator and the pages' buttons. */
export function mayTake(edge: Pick<Edge, 'roles'>, actor: Actor, state: Pick<TaskState, 'leadMinistry'>): boolean {
  return (
    (isHomeAffairs(actor) && edge.roles.includes('home-affairs')) ||
    (isLead(actor, state) && edge.roles.includes('lead'))
  );
}

const MAX_TEXT = 2000;

/**
 * A text field: a string of at most `max` characters that PostgreSQL can store (domain/storable-text.ts);
 * when `required`, one that shows something (whitespace and zero-width characters alone do not count).
 */
export function checkText(value: unknown, field: string, required: boolean, max = MAX_TEXT): Rejection | null {
  if (value === undefined || value === null)
    return required ? { code: 'INVALID_INPUT', field, message: `${field} is required` } : null;
  if (typeof value !== 'string') return { code: 'INVALID_INPUT', field, message: `${field} must be a string` };
  if (textLength(value) > max)
    return { code: 'INVALID_INPUT', field, message: `${field} must be at most ${max} characters` };
  const unstorable = unstorableReason(value);
  if (unstorable) return { code: 'INVALID_INPUT', field, message: `${field} ${unstorable}` };
  if (required && isBlankText(value)) return { code: 'INVALID_INPUT', field, message: `${field} is required` };
  return null;
}

export function checkDate(value: unknown, field: string): Rejection | null {
  if (typeof value !== 'string' || !isCalendarDate(value)) {
    return { code: 'INVALID_INPUT', field, message: `${field} must be a calendar date YYYY-MM-DD` };
  }
  return null;
}

/**
 * Decides whether `input` may move the task. Pure and synchronous, so the workflow's update
 * validator can run it (nothing enters history on rejection) and the API can explain refusals.
 */
export function checkTransition(
  state: Pick<TaskState, 'status' | 'leadMinistry'>,
  input: TransitionInput,
  today?: string,
): Rejection | null {
  const allowed = edgesFrom(state.status).map(({ from, to, requires, label }) => ({ from, to, requires, label }));
  if (input.from !== undefined && input.from !== state.status) {
    return {
      code: 'STALE_STATUS',
      field: 'from',
      message: `The task is ${state.status}, not ${input.from}; reload it and try again.`,
      allowed,
    };
  }
  const edge = EDGES.find((e) => e.from === state.status && e.to === input.to);
  if (!edge) {
    return {
      code: 'ILLEGAL_TRANSITION',
      field: 'to',
      message: `A task in ${state.status} cannot move to ${input.to}.`,
      allowed,
    };
  }
  if (!mayTake(edge, input.actor, state)) {
    const who = edge.roles.includes('lead') ? 'the lead ministry or Home Affairs' : 'Home Affairs';
    return { code: 'FORBIDDEN', message: `Only ${who} may take the edge ${edge.from} → ${edge.to}.` };
  }
  // What an edge needs is a conflict with the current status when another edge into the same
  // status needs something else (into REQUIRES_GUIDANCE: a reason from FEASIBLE, a document from
  // AUTHORITY_ADJUSTMENT); otherwise the request itself is incomplete.
  const missing = (requirement: EdgeRequirement): RejectionCode =>
    EDGES.filter((e) => e.to === edge.to).every((e) => e.requires === requirement) ? 'INVALID_INPUT' : 'STATE_CONFLICT';
  if (edge.requires === 'reason') {
    const bad = checkText(input.reason, 'reason', true);
    if (bad)
      return input.reason === undefined || (typeof input.reason === 'string' && isBlankText(input.reason))
        ? { ...bad, code: missing('reason') }
        : bad;
  } else {
    const doc = input.document;
    if (!doc)
      return {
        code: missing('document'),
        field: 'document',
        message: `${edge.from} → ${edge.to} needs the legal document (number, issuedOn).`,
      };
    const bad =
      checkText(doc.number, 'document.number', true, 100) ??
      checkDate(doc.issuedOn, 'document.issuedOn') ??
      (doc.effectiveOn !== undefined ? checkDate(doc.effectiveOn, 'document.effectiveOn') : null);
    if (bad) return bad;
    // With Viet Nam's date at hand (the workflow's validator has it), the dates must also be true.
    const untrue = today ? checkDocumentDates(doc, today, 'document.') : null;
    // The same answer as the registry and settlement give for the same dates: invalid input (422).
    if (untrue) return { code: 'INVALID_INPUT', ...untrue };
    const reasonBad = checkText(input.reason, 'reason', false);
    if (reasonBad) return reasonBad;
  }
  if (input.dueDate !== undefined) {
    // Deadlines are Home Affairs' to set (PUT .../deadline); a ministry cannot pick its own.
    if (!isHomeAffairs(input.actor))
      return { code: 'FORBIDDEN', field: 'dueDate', message: 'Only Home Affairs sets deadlines; leave dueDate out.' };
    if (!hasDueDate(input.to))
      return { code: 'INVALID_INPUT', field: 'dueDate', message: `A${noDueDate(input.to).slice(1)}.` };
    const bad = checkDate(input.dueDate, 'dueDate');
    if (bad) return bad;
    const insane = today ? checkSaneDate(input.dueDate, 'dueDate', today) : null;
    if (insane) return { code: 'INVALID_INPUT', ...insane };
  }
  return null;
}

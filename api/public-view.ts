import type { Response } from 'express';
import type { ApiTask } from '../db/tasks';
import type { Principal } from '../domain/principal';

/**
 * What the public token sees: the tasks and the figures, never personal data. Gone are focal
 * points (names, e-mails), who did what (actors), free text people wrote (reasons, notes, obstacle
 * descriptions), and e-mail recipients. Everyone else sees everything.
 */
export function isPublic(res: Response): boolean {
  return (res.locals.principal as Principal | undefined)?.kind === 'public';
}

export type PublicTask = Omit<ApiTask, 'focalPoint' | 'milestones'> & {
  focalPoint?: undefined;
  milestones: { track: string; name: string; at: string }[];
};

export function publicTask(t: ApiTask): PublicTask {
  const { focalPoint: _focalPoint, milestones, extensionRequest, heldUp, ...rest } = t;
  return {
    ...rest,
    milestones: milestones.map(({ track, name, at }) => ({ track, name, at })),
    // A pending extension shows its date, not the lead ministry's reason or who asked.
    extensionRequest: extensionRequest && {
      dueDate: extensionRequest.dueDate,
      requestedAt: extensionRequest.requestedAt,
    },
    heldUp: heldUp && {
      ministry: heldUp.ministry,
      description: heldUp.description,
      documentNumber: heldUp.documentNumber,
      since: heldUp.since,
    },
  };
}

/** A page body `{"items":[...],...}` rendered by PostgreSQL, with its tasks made public. */
export function publicPageJson(pageJson: string): string {
  const page = JSON.parse(pageJson) as { items: ApiTask[] };
  return JSON.stringify({ ...page, items: page.items.map(publicTask) });
}

const pick = (o: unknown, keys: readonly string[]): Record<string, unknown> => {
  const from = (o ?? {}) as Record<string, unknown>;
  return Object.fromEntries(keys.filter((k) => k in from).map((k) => [k, from[k]]));
};

/** The details of each kind of event the public may read; a kind not listed shows none. */
const PUBLIC_DETAILS: Record<string, (d: Record<string, unknown>) => Record<string, unknown>> = {
  CREATED: (d) =>
    pick(d, [
      'title',
      'sector',
      'legalBasis',
      'level',
      'status',
      'leadMinistry',
      'coordinatingMinistries',
      'dueDate',
      'statusSince',
      'effectiveAt',
      'appliesTo',
    ]),
  TRANSITION: (d) => pick(d, ['from', 'to', 'document', 'dueDate']),
  MILESTONE: (d) => pick(d, ['track', 'name']),
  ASSIGNMENT: (d) => ({
    before: pick(d.before, ['leadMinistry', 'coordinatingMinistries']),
    after: pick(d.after, ['leadMinistry', 'coordinatingMinistries']),
  }),
  DEADLINE: (d) => pick(d, ['from', 'to', 'extension', 'extensions']),
  LOCALITY_REPORT: (d) => pick(d, ['locality', 'kind']),
  DEFINITION_UPDATED: (d) => pick(d, ['changes']),
  REMINDER_SENT: (d) => pick(d, ['dueDate', 'offsetDays', 'delivery']),
  ESCALATED: (d) => pick(d, ['dueDate', 'offsetDays', 'delivery']),
  OVERDUE_REMINDER: (d) => pick(d, ['dueDate', 'offsetDays', 'delivery']),
};

export function publicHistoryItem<T extends { kind: string; actor?: string; details: unknown }>(
  item: T,
): Omit<T, 'actor'> {
  const { actor: _actor, ...rest } = item;
  const view = PUBLIC_DETAILS[item.kind];
  return { ...rest, details: view ? view((item.details ?? {}) as Record<string, unknown>) : {} };
}

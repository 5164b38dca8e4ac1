/**
 * Any figure "as of" a past instant, rebuilt from the audit log alone: the events of every task are
 * folded, in sequence order, up to the instant, into the task as it stood then. Pure: the API loads
 * the events, these functions decide what they meant. Each event is applied by the same pure
 * reducer as the workflow's (domain/task-events.ts over domain/task-changes.ts), which wrote the
 * events in the first place: the past and the present cannot disagree.
 */
import { foldVietnamese, holdsWord, searchWords } from './vietnamese-text';
import { DAY_MS, addDays, deadlineInstant, isCalendarDate, vietnamDate, vietnamMidnight } from './dates';
import { overdueDays } from './deadline-policy';
import { hasDueDate, isOpenStatus } from './statuses';
import { applyEvent, stateFromCreated, type RecordedEvent } from './task-events';
import {
  TASK_STATUSES,
  reportCounts,
  type DelegationLevel,
  type ExtensionRequest,
  type HeldUp,
  type TaskDocument,
  type ReportKind,
  type TaskStatus,
  type TaskFilter,
  type DeadlinePolicy,
  type TaskState,
} from './task';

/**
 * How days overdue are counted (the live task JSON's rule, db/tasks.ts): Viet Nam's working days of
 * `calendar` when `dueDaysUnit` is `working`, else calendar days. Absent: calendar days.
 */
export type OverdueRules = Pick<DeadlinePolicy, 'calendar' | 'dueDaysUnit'>;

export type { RecordedEvent };

/** Reminders, escalations and ladder steps: notices the task's owners received. */
export const NOTICE_KINDS: ReadonlySet<string> = new Set([
  'REMINDER_SENT',
  'ESCALATED',
  'OVERDUE_REMINDER',
  'ESCALATION_STEP',
]);

/**
 * When what the event says became true (ISO): the `effectiveAt` it carries in its details (covered by
 * the hash chain like the rest of them; the baseline's CREATED event carries the date the catalog
 * says the task has been in its status since), never later than when it was recorded. A CREATED event
 * recorded before the field existed but carrying the catalog's `statusSince` became true at the start
 * of that day in Viet Nam, as the field would say; any other event became true when it was recorded.
 */
export function effectiveAt(e: Pick<RecordedEvent, 'at' | 'kind' | 'details'>): string {
  const d = e.details;
  let ms = Number.NaN;
  if (d && typeof d.effectiveAt === 'string') ms = Date.parse(d.effectiveAt);
  else if (e.kind === 'CREATED' && d && typeof d.statusSince === 'string' && isCalendarDate(d.statusSince))
    ms = vietnamMidnight(d.statusSince);
  const recorded = Date.parse(e.at);
  return Number.isNaN(ms) || ms >= recorded ? e.at : new Date(ms).toISOString();
}

/**
 * The events on the time line of what was true: each event's `at` is its effective time and
 * `recordedAt` keeps when it was recorded. Only events whose two times differ are copied.
 */
export function onEffectiveTime(events: Iterable<RecordedEvent>): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  for (const e of events) {
    if (e.kind !== 'CREATED' && !(e.details && 'effectiveAt' in e.details)) {
      out.push(e);
      continue;
    }
    const at = effectiveAt(e);
    out.push(at === e.at ? e : { ...e, at, recordedAt: e.at });
  }
  return out;
}

/**
 * One task as it stood at an instant: the state the reducer folded (the workflow's own state shape,
 * domain/task-events.ts), with the optional parts made explicit and what only the replay keeps.
 */
export interface TaskAsOf extends TaskState {
  documents: TaskDocument[];
  feasibleFrom: string | null;
  extensionRequest: ExtensionRequest | null;
  heldUp: HeldUp | null;
  lastSeq: number;
  /** ISO instant of the task's first and latest event. */
  createdAt: string;
  lastEventAt: string;
  /** Notices received since the owners last acted (a milestone or a transition). */
  noticesSinceAction: number;
}

/** A stay in a non-feasible status that ended: how long the lead ministry took, and whether in time. */
export interface ResolvedSpell {
  taskCode: string;
  ministry: string;
  status: TaskStatus;
  to: TaskStatus;
  enteredAt: number;
  leftAt: number;
  dueDate: string | null;
}

export interface Replay {
  tasks: Map<string, TaskAsOf>;
  spells: ResolvedSpell[];
}

/** The replay's view of a folded state: the optional parts made explicit, the bookkeeping carried. */
function asOf(state: TaskState, book: Pick<TaskAsOf, 'createdAt' | 'lastEventAt' | 'noticesSinceAction'>): TaskAsOf {
  return {
    ...state,
    documents: state.documents ?? [],
    feasibleFrom: state.feasibleFrom ?? null,
    extensionRequest: state.extensionRequest ?? null,
    heldUp: state.heldUp ?? null,
    lastSeq: state.seq,
    ...book,
  };
}

/** The task as its CREATED event registered it. */
export function taskFromCreated(e: RecordedEvent): TaskAsOf {
  return asOf(stateFromCreated(e), { createdAt: e.at, lastEventAt: e.at, noticesSinceAction: 0 });
}

/** The task after one more event, by the workflow's reducer (`applyEvent`); `spells` collects the stays a transition ends. */
export function applyRecordedEvent(t: TaskAsOf, e: RecordedEvent, spells?: ResolvedSpell[]): TaskAsOf {
  const next = applyEvent(t, e);
  if (e.kind === 'TRANSITION') {
    spells?.push({
      taskCode: t.code,
      ministry: t.leadMinistry,
      status: t.status,
      to: next.status,
      enteredAt: Date.parse(t.statusSince),
      leftAt: Date.parse(e.at),
      dueDate: t.dueDate,
    });
  }
  const acted = e.kind === 'TRANSITION' || e.kind === 'MILESTONE';
  return asOf(next, {
    createdAt: t.createdAt,
    lastEventAt: e.at,
    noticesSinceAction: acted ? 0 : t.noticesSinceAction + (NOTICE_KINDS.has(e.kind) ? 1 : 0),
  });
}

/**
 * Every task as it stood at `asOfMs`, on the time line of what was true (`effectiveAt`): events that
 * became true after it are ignored, and a task whose baseline was assessed after it does not exist yet.
 * Events may come in any order; each task's are applied by sequence number.
 */
export function replayAsOf(events: Iterable<RecordedEvent>, asOfMs: number): Replay {
  const byTask = new Map<string, RecordedEvent[]>();
  for (const e of onEffectiveTime(events)) {
    if (Date.parse(e.at) > asOfMs) continue;
    let list = byTask.get(e.taskCode);
    if (!list) byTask.set(e.taskCode, (list = []));
    list.push(e);
  }
  const tasks = new Map<string, TaskAsOf>();
  const spells: ResolvedSpell[] = [];
  for (const [code, list] of byTask) {
    list.sort((a, b) => a.seq - b.seq);
    let t: TaskAsOf | null = null;
    for (const e of list) {
      // A task continues from its CREATED event; anything before it cannot be placed.
      if (e.kind === 'CREATED') t = taskFromCreated(e);
      else if (t) t = applyRecordedEvent(t, e, spells);
    }
    if (t) tasks.set(code, t);
  }
  return { tasks, spells };
}

/**
 * The tasks with what localities reported on them taken from the matrix cells (the one store of locality
 * reports) as they stood at the instant, in place of the first version's LOCALITY_REPORT events.
 */
export function withCellReports(
  tasks: Map<string, TaskAsOf>,
  cells: Iterable<{ task: string; locality: string; state: string; at: string }>,
): Map<string, TaskAsOf> {
  const byTask = new Map<string, Record<string, { kind: ReportKind; description: string; at: string }>>();
  for (const c of cells) {
    if (c.state !== 'WORKABLE' && c.state !== 'OBSTACLE') continue;
    let r = byTask.get(c.task);
    if (!r) byTask.set(c.task, (r = {}));
    r[c.locality] = { kind: c.state, description: '', at: c.at };
  }
  const out = new Map<string, TaskAsOf>();
  for (const [code, t] of tasks) out.set(code, { ...t, reports: byTask.get(code) ?? {} });
  return out;
}

/** The task in the API's task shape, as it looked at `asOfMs` (days overdue counted by `rules`, as the live JSON counts them). */
export function taskView(t: TaskAsOf, asOfMs: number, rules?: OverdueRules) {
  return {
    code: t.code,
    title: t.title,
    // The history holds the text the task was registered with; app/insight.ts names it from the task row (both languages).
    titles: { vi: t.title, en: null as string | null },
    sector: t.sector,
    sectors: { vi: t.sector, en: null as string | null },
    legalBasis: t.legalBasis,
    legalBases: { vi: t.legalBasis, en: null as string | null },
    level: t.level,
    status: t.status,
    statusSince: new Date(t.statusSince).toISOString(),
    leadMinistry: t.leadMinistry,
    coordinatingMinistries: t.coordinatingMinistries,
    focalPoint: t.focalPoint,
    dueDate: t.dueDate,
    daysOverdue: !hasDueDate(t.status) || t.feasibleFrom ? 0 : overdueDays(rules, t.dueDate, asOfMs),
    deadlineExtensions: t.deadlineExtensions,
    milestones: t.milestones,
    reports: reportCounts(t),
    lastSeq: t.lastSeq,
    documents: t.documents,
    feasibleFrom: t.feasibleFrom,
    extensionRequest: t.extensionRequest,
    heldUp: t.heldUp,
  };
}
export type TaskViewAsOf = ReturnType<typeof taskView>;

/** Overdue at `asOfMs`: still open and past the end of its due date (Viet Nam time). */
export function isOverdue(t: Pick<TaskAsOf, 'status' | 'dueDate'>, asOfMs: number): boolean {
  return isOpenStatus(t.status) && t.dueDate !== null && t.dueDate < vietnamDate(asOfMs);
}

export interface MinistryRef {
  code: string;
  name: string;
  delegates: boolean;
}

export interface LocalityRef {
  code: string;
  /** YYYY-MM-DD the locality's assessment report reached Home Affairs, or null. */
  reportedAt: string | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The dashboard summary as it stood at `asOfMs`: same shape and rules as the live one. */
export function summaryAsOf(
  tasks: Iterable<TaskAsOf>,
  ministries: MinistryRef[],
  localities: LocalityRef[],
  asOfMs: number,
) {
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  const perMinistry = new Map<string, { total: number; open: number; overdue: number }>();
  for (const t of tasks) {
    counts[t.status]++;
    let m = perMinistry.get(t.leadMinistry);
    if (!m) perMinistry.set(t.leadMinistry, (m = { total: 0, open: 0, overdue: 0 }));
    m.total++;
    if (isOpenStatus(t.status)) m.open++;
    if (isOverdue(t, asOfMs)) m.overdue++;
  }
  const total = TASK_STATUSES.reduce((a, s) => a + counts[s], 0);
  const byStatus = Object.fromEntries(
    TASK_STATUSES.map((s) => [s, { count: counts[s], percent: total === 0 ? 0 : round2((counts[s] * 100) / total) }]),
  ) as Record<TaskStatus, { count: number; percent: number }>;
  const today = vietnamDate(asOfMs);
  const byMinistry = ministries
    .filter((m) => perMinistry.has(m.code) || m.delegates)
    .map((m) => ({ ministry: m.code, name: m.name, ...(perMinistry.get(m.code) ?? { total: 0, open: 0, overdue: 0 }) }))
    .sort(
      (a, b) =>
        b.overdue - a.overdue || b.open - a.open || (a.ministry < b.ministry ? -1 : a.ministry > b.ministry ? 1 : 0),
    );
  // Who reported is the reporting round's rows, as the live summary reads them (db/matrix.ts localityStatuses).
  const reported = localities.filter((l) => l.reportedAt !== null && l.reportedAt <= today).length;
  return { total, byStatus, byMinistry, localities: { reported, total: localities.length } };
}

const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/** The bottlenecks as they stood at `asOfMs`: same shape and rules as the live ones. */
export function bottlenecksAsOf(tasks: Iterable<TaskAsOf>, asOfMs: number, limit = 10, rules?: OverdueRules) {
  const all = [...tasks];
  const open = all.filter((t) => isOpenStatus(t.status));
  const today = vietnamDate(asOfMs);
  const horizon = addDays(today, 14);
  const overdue = new Map<string, { overdue: number; oldestDue: string }>();
  for (const t of open) {
    if (!isOverdue(t, asOfMs) || t.dueDate === null) continue;
    const m = overdue.get(t.leadMinistry);
    if (!m) overdue.set(t.leadMinistry, { overdue: 1, oldestDue: t.dueDate });
    else {
      m.overdue++;
      if (t.dueDate < m.oldestDue) m.oldestDue = t.dueDate;
    }
  }
  const overdueByMinistry = [...overdue.entries()]
    .sort(
      ([, a], [, b]) => b.overdue - a.overdue || (a.oldestDue < b.oldestDue ? -1 : a.oldestDue > b.oldestDue ? 1 : 0),
    )
    .map(([ministry, m]) => ({
      ministry,
      overdue: m.overdue,
      maxDaysOverdue: Math.max(0, Math.floor((asOfMs - deadlineInstant(m.oldestDue)) / DAY_MS) + 1),
    }));
  const oldestOpen = [...open]
    .sort((a, b) => Date.parse(a.statusSince) - Date.parse(b.statusSince) || byCode(a, b))
    .slice(0, limit);
  const mostObstacles = all
    .map((t) => ({ t, n: reportCounts(t).obstacle }))
    .filter((x) => x.n > 0)
    .sort((a, b) => b.n - a.n || byCode(a.t, b.t))
    .slice(0, limit)
    .map((x) => x.t);
  const dueSoon = open
    .filter((t) => t.dueDate !== null && t.dueDate >= today && t.dueDate <= horizon)
    .sort((a, b) =>
      (a.dueDate as string) < (b.dueDate as string)
        ? -1
        : (a.dueDate as string) > (b.dueDate as string)
          ? 1
          : byCode(a, b),
    )
    .slice(0, 50);
  const view = (t: TaskAsOf) => taskView(t, asOfMs, rules);
  return {
    overdueByMinistry,
    oldestOpen: oldestOpen.map(view),
    mostObstacles: mostObstacles.map(view),
    dueSoon: dueSoon.map(view),
  };
}

type SortKey = (t: TaskAsOf) => string | number | null;
const SORT_KEYS: Record<string, SortKey> = {
  code: (t) => t.code,
  dueDate: (t) => t.dueDate,
  statusSince: (t) => Date.parse(t.statusSince),
  title: (t) => t.title,
  updatedAt: (t) => Date.parse(t.lastEventAt),
};

/** One page of the task list as it stood at `asOfMs`, with the live list's filters and sort keys. */
/**
 * The list filters as of an instant: the domain's, the level, the sector and where the task applied
 * as its history had them then. `applies` answers for a task whose history does not say where it
 * applied (registered before that was recorded): the read model's present applicability.
 */
export interface TaskFilterAsOf extends TaskFilter {
  level?: DelegationLevel;
  /** Exact sector name, case-insensitive. */
  sector?: string;
  /** Tasks that applied to this locality then. */
  locality?: string;
  applies?: (code: string) => boolean;
}

/** Whether the task applied to `locality` then (its history, else `fallback`: the read model's present list). */
export function appliedTo(
  t: Pick<TaskAsOf, 'code' | 'appliesTo'>,
  locality: string,
  fallback?: (code: string) => boolean,
): boolean {
  if (t.appliesTo === undefined) return fallback ? fallback(t.code) : true;
  return t.appliesTo === null || t.appliesTo.includes(locality);
}

export function listAsOf(tasks: Iterable<TaskAsOf>, f: TaskFilterAsOf, asOfMs: number, rules?: OverdueRules) {
  // As the live list searches (db/tasks.ts): every folded word in the code, title, sector or legal basis.
  const words = searchWords(f.q ?? '');
  const sector = f.sector?.toLocaleLowerCase();
  const rows = [...tasks].filter(
    (t) =>
      (!f.status || t.status === f.status) &&
      (!f.ministry || t.leadMinistry === f.ministry) &&
      (!f.level || (f.level === 'both' ? t.level === 'both' : t.level === f.level || t.level === 'both')) &&
      (!sector || t.sector.toLocaleLowerCase() === sector) &&
      (f.locality ? appliedTo(t, f.locality, f.applies) : !f.applies || f.applies(t.code)) &&
      (f.overdue === undefined || isOverdue(t, asOfMs) === f.overdue) &&
      (!f.dueBefore || (t.dueDate !== null && t.dueDate < f.dueBefore)) &&
      (words.length === 0 ||
        words.every((w) => holdsWord(foldVietnamese(`${t.code} ${t.title} ${t.sector} ${t.legalBasis}`), w))),
  );
  const desc = f.sort.startsWith('-');
  const key: SortKey = SORT_KEYS[desc ? f.sort.slice(1) : f.sort] ?? ((t) => t.code);
  rows.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    // Missing due dates last in both directions, as PostgreSQL's NULLS LAST.
    if (ka === null || kb === null) return ka === kb ? byCode(a, b) : ka === null ? 1 : -1;
    const c = ka < kb ? -1 : ka > kb ? 1 : 0;
    return (desc ? -c : c) || (f.sort === '-code' ? -byCode(a, b) : byCode(a, b));
  });
  const start = (f.page - 1) * f.limit;
  return {
    items: rows.slice(start, start + f.limit).map((t) => taskView(t, asOfMs, rules)),
    total: rows.length,
    page: f.page,
    limit: f.limit,
  };
}

/**
 * Insight for Home Affairs, from the audit log: any figure as of a past instant, the weekly trend
 * and the at-risk forecast. The events are loaded here; what they mean is decided in domain/.
 */
import type { Db } from '../db/client';
import { eventsAfter } from '../db/audit-events';
import { localityReportsAsOf } from '../db/matrix';
import { tasksNotApplyingTo, type TaskListFilter } from '../db/tasks';
import { listMinistries } from '../db/reference-data';
import { bottlenecksAsOf, listAsOf, replayAsOf, summaryAsOf, taskView, type RecordedEvent } from '../domain/as-of';
import { forecastAll, type Forecast } from '../domain/at-risk';
import { weeklyTrend, type Trend } from '../domain/trend';

/**
 * The audit log mirrored in this process: each request fetches only the events appended since the
 * last one (the log is append-only). Inserts can commit out of id order, so each catch-up also
 * counts the whole log, and a mirror that does not add up is reloaded in full.
 */
export class AuditLogMirror {
  private events: RecordedEvent[] = [];
  private maxId = 0;
  private pending: Promise<RecordedEvent[]> | null = null;

  constructor(private readonly db: Db) {}

  /** Every recorded event, up to date as of this call. */
  current(): Promise<RecordedEvent[]> {
    // Concurrent requests share one catch-up.
    this.pending ??= this.catchUp().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async catchUp(): Promise<RecordedEvent[]> {
    const fresh = await eventsAfter(this.db, this.maxId);
    if (this.events.length + fresh.events.length === fresh.total) {
      if (fresh.events.length > 0) this.events = this.events.concat(fresh.events);
      this.maxId = fresh.maxId;
      return this.events;
    }
    const all = await eventsAfter(this.db, 0);
    this.events = all.events;
    this.maxId = all.maxId;
    return this.events;
  }
}

/**
 * Figures derived from the whole log, remembered while the log and the minute stay the same: the
 * dashboard asks for the trend and the forecast on every load, and replaying every event for them
 * is most of its server time. The log only grows, so its length names its content; a figure for
 * "now" may be up to a minute old in time, never behind an event. Bounded: cleared when full.
 */
class DerivedFigures {
  private logLength = -1;
  private readonly values = new Map<string, Promise<unknown>>();

  constructor(private readonly maxEntries = 64) {}

  get<T>(events: RecordedEvent[], atMs: number, key: string, compute: () => T): Promise<T> {
    if (events.length !== this.logLength || this.values.size >= this.maxEntries) {
      this.logLength = events.length;
      this.values.clear();
    }
    const k = `${Math.floor(atMs / 60_000)}:${key}`;
    let v = this.values.get(k) as Promise<T> | undefined;
    if (!v) {
      v = Promise.resolve().then(compute);
      this.values.set(k, v);
      // A failure is not remembered.
      v.catch(() => this.values.delete(k));
    }
    return v;
  }
}

export type Insight = ReturnType<typeof createInsight>;

export function createInsight(db: Db, mirror = new AuditLogMirror(db)) {
  const replay = async (asOfMs: number) => replayAsOf(await mirror.current(), asOfMs);
  const derived = new DerivedFigures();
  return {
    async summaryAt(asOfMs: number) {
      // Who had reported is read from the reporting round current at that instant, as the live summary does.
      const [{ tasks }, ministries, localities] = await Promise.all([replay(asOfMs), listMinistries(db), localityReportsAsOf(db, asOfMs)]);
      return summaryAsOf(tasks.values(), ministries, localities, asOfMs);
    },

    async bottlenecksAt(asOfMs: number) {
      return bottlenecksAsOf((await replay(asOfMs)).tasks.values(), asOfMs);
    },

    /** Level and sector as each task's history had them then; where tasks apply as the catalog says now (it keeps no history). */
    async taskListAt(filter: TaskListFilter, asOfMs: number) {
      const { locality, ...rest } = filter;
      const elsewhere = locality ? await tasksNotApplyingTo(db, locality) : null;
      return listAsOf((await replay(asOfMs)).tasks.values(), { ...rest, applies: elsewhere ? (code) => !elsewhere.has(code) : undefined }, asOfMs);
    },

    /** One task as it stood, or null when it did not exist yet. */
    async taskAt(code: string, asOfMs: number) {
      const events = (await mirror.current()).filter((e) => e.taskCode === code);
      const t = replayAsOf(events, asOfMs).tasks.get(code);
      return t ? taskView(t, asOfMs) : null;
    },

    async trend(nowMs: number, ministry?: string): Promise<Trend> {
      const events = await mirror.current();
      return derived.get(events, nowMs, `trend:${ministry ?? ''}`, () => weeklyTrend(events, nowMs, ministry));
    },

    async atRisk(asOfMs: number): Promise<Forecast[]> {
      const events = await mirror.current();
      return derived.get(events, asOfMs, 'at-risk', () => {
        const { tasks, spells } = replayAsOf(events, asOfMs);
        return forecastAll(tasks.values(), spells, asOfMs);
      });
    },
  };
}

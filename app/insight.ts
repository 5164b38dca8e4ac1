/**
 * Insight for Home Affairs, from the audit log: any figure as of a past instant, the weekly trend
 * and the at-risk forecast. The events are loaded here; what they mean is decided in domain/.
 */
import type { Db } from '../db/client';
import { eventsAfter } from '../db/audit-events';
import { cellGeneration, cellReportsAt, localityReportsAsOf } from '../db/matrix';
import { catalogTextsOf, tasksNotApplyingTo, type CatalogText, type TaskListFilter } from '../db/tasks';
import { listMinistries } from '../db/reference-data';
import {
  bottlenecksAsOf,
  listAsOf,
  replayAsOf,
  summaryAsOf,
  taskView,
  withCellReports,
  type OverdueRules,
  type RecordedEvent,
  type TaskViewAsOf,
} from '../domain/as-of';
import { forecastAll, overdueTasks, type Forecast, type OverdueTask } from '../domain/at-risk';
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

/** `rules`: how days overdue are counted, as the live task JSON counts them (stack/http-app.ts and api/app.ts pass the config's). */
export function createInsight(db: Db, mirror = new AuditLogMirror(db), rules?: OverdueRules) {
  // What localities reported is read from the matrix cells as they stood (the one store), not from the log.
  const cellsAt = (asOfMs: number) => cellReportsAt(db, asOfMs >= Date.now() ? null : asOfMs);
  const replayWithCells = (events: RecordedEvent[], cells: Awaited<ReturnType<typeof cellsAt>>, asOfMs: number) => {
    const r = replayAsOf(events, asOfMs);
    return { ...r, tasks: withCellReports(r.tasks, cells) };
  };
  const replay = async (asOfMs: number) => {
    const [events, cells] = await Promise.all([mirror.current(), cellsAt(asOfMs)]);
    return replayWithCells(events, cells, asOfMs);
  };
  // A task's name (title, sector, legal basis, both languages) is read from its row, the one record
  // every page names it from: the history keeps the text it was registered with (English on a
  // catalog loaded before it was Vietnamese), and the English renderings only live in the row.
  const named = async <T extends { code: string; title: string }>(
    items: T[],
  ): Promise<(T & { titles: CatalogText })[]> => {
    const texts = await catalogTextsOf(
      db,
      items.map((t) => t.code),
    );
    return items.map((t) => {
      const titles = texts.get(t.code)?.titles ?? { vi: t.title, en: null };
      return { ...t, title: titles.vi, titles };
    });
  };
  const withCatalogTexts = async <T extends TaskViewAsOf>(items: T[]): Promise<T[]> => {
    const texts = await catalogTextsOf(
      db,
      items.map((t) => t.code),
    );
    return items.map((t) => {
      const row = texts.get(t.code);
      if (!row) return t;
      return {
        ...t,
        title: row.titles.vi,
        titles: row.titles,
        sector: row.sectors.vi,
        sectors: row.sectors,
        legalBasis: row.legalBases.vi,
        legalBases: row.legalBases,
      };
    });
  };
  const derived = new DerivedFigures();
  return {
    async summaryAt(asOfMs: number) {
      // Who had reported is read from the reporting round current at that instant, as the live summary does.
      const [{ tasks }, ministries, localities] = await Promise.all([
        replay(asOfMs),
        listMinistries(db),
        localityReportsAsOf(db, asOfMs),
      ]);
      return summaryAsOf(tasks.values(), ministries, localities, asOfMs);
    },

    async bottlenecksAt(asOfMs: number) {
      const b = bottlenecksAsOf((await replay(asOfMs)).tasks.values(), asOfMs, 10, rules);
      return {
        ...b,
        oldestOpen: await withCatalogTexts(b.oldestOpen),
        mostObstacles: await withCatalogTexts(b.mostObstacles),
        dueSoon: await withCatalogTexts(b.dueSoon),
      };
    },

    /**
     * Level, sector and where each task applied as its history had them then; for a task registered
     * before its applicability was recorded in its events, where it applies as the read model says now.
     */
    async taskListAt(filter: TaskListFilter, asOfMs: number) {
      const { locality } = filter;
      const elsewhere = locality ? await tasksNotApplyingTo(db, locality) : null;
      const page = listAsOf(
        (await replay(asOfMs)).tasks.values(),
        { ...filter, applies: elsewhere ? (code) => !elsewhere.has(code) : undefined },
        asOfMs,
        rules,
      );
      return { ...page, items: await withCatalogTexts(page.items) };
    },

    /** One task as it stood, or null when it did not exist yet. */
    async taskAt(code: string, asOfMs: number) {
      const [all, cells] = await Promise.all([mirror.current(), cellsAt(asOfMs)]);
      const events = all.filter((e) => e.taskCode === code);
      const t = replayWithCells(
        events,
        cells.filter((c) => c.task === code),
        asOfMs,
      ).tasks.get(code);
      return t ? ((await withCatalogTexts([taskView(t, asOfMs, rules)]))[0] ?? null) : null;
    },

    async trend(nowMs: number, ministry?: string): Promise<Trend> {
      const events = await mirror.current();
      return derived.get(events, nowMs, `trend:${ministry ?? ''}`, () => weeklyTrend(events, nowMs, ministry));
    },

    /** The overdue tasks, most overdue first: a list of their own, not part of the forecast. */
    async overdue(asOfMs: number): Promise<OverdueTask[]> {
      const events = await mirror.current();
      const overdue = await derived.get(events, asOfMs, 'overdue', () =>
        overdueTasks(replayAsOf(events, asOfMs).tasks.values(), asOfMs),
      );
      return named(overdue);
    },

    async atRisk(asOfMs: number): Promise<Forecast[]> {
      const [events, generation] = await Promise.all([mirror.current(), cellGeneration(db)]);
      const forecasts = await derived.get(events, asOfMs, `at-risk:${generation}`, async () => {
        const { tasks, spells } = replayWithCells(events, await cellsAt(asOfMs), asOfMs);
        return forecastAll(tasks.values(), spells, asOfMs);
      });
      return named(forecasts);
    },
  };
}

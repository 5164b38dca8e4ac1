/**
 * The localities × tasks matrix: which tasks apply where, and what each locality says about each
 * task (one cell). Pure rules shared by the API, the activities and the seed.
 */
import type { FieldLocation } from './refusal';

export const CELL_STATES = ['NOT_STARTED', 'IMPLEMENTING', 'WORKABLE', 'OBSTACLE'] as const;
export type CellState = (typeof CELL_STATES)[number];

/** The obstacle categories named by the Home Affairs report of 6 December 2025. */
export const OBSTACLE_CATEGORIES = [
  'LEGAL_BASIS',
  'AUTHORITY',
  'STAFFING',
  'FACILITIES',
  'IT_DATA',
  'FINANCE',
  'OTHER',
] as const;
export type ObstacleCategory = (typeof OBSTACLE_CATEGORIES)[number];

export const OBSTACLE_CATEGORY_LABELS: Record<ObstacleCategory, { en: string; vi: string }> = {
  LEGAL_BASIS: { en: 'legal basis or guidance missing or unclear', vi: 'Thiếu hoặc chưa rõ căn cứ pháp lý, hướng dẫn' },
  AUTHORITY: { en: 'authority not yet adjusted', vi: 'Chưa điều chỉnh thẩm quyền' },
  STAFFING: { en: 'staffing', vi: 'Nhân lực' },
  FACILITIES: { en: 'equipment or facilities', vi: 'Trang thiết bị, cơ sở vật chất' },
  IT_DATA: { en: 'IT or data connectivity', vi: 'Công nghệ thông tin, kết nối dữ liệu' },
  FINANCE: { en: 'finance', vi: 'Tài chính' },
  OTHER: { en: 'other', vi: 'Khác' },
};

/** The level of local government a task is carried out at. */
export const APPLICABILITY_LEVELS = ['province', 'commune', 'both'] as const;
export type ApplicabilityLevel = (typeof APPLICABILITY_LEVELS)[number];

/** Where a task applies: a set of localities (null: all of them) at a level. */
export interface Applicability {
  localities: readonly string[] | null;
  level: ApplicabilityLevel;
}

export function appliesTo(applicability: Applicability, locality: string): boolean {
  return applicability.localities === null || applicability.localities.includes(locality);
}

/** `?level=province` selects tasks carried out at province level: those at `province` or `both`. */
export function matchesLevel(level: ApplicabilityLevel, wanted: ApplicabilityLevel): boolean {
  return wanted === 'both' ? level === 'both' : level === wanted || level === 'both';
}

export const CELL_TEXT_MAX = 4000;

/** A cell as stored and shown. */
export interface Cell {
  taskCode: string;
  localityCode: string;
  state: CellState;
  category: ObstacleCategory | null;
  text: string;
  /** ISO instant of the last change; null for a cell nobody has written (NOT_STARTED). */
  changedAt: string | null;
  changedBy: string | null;
  /** The document that made the task FEASIBLE after this locality reported an obstacle on it. */
  resolvedBy: { number: string; issuedOn: string; effectiveOn?: string } | null;
  seq: number;
}

/** One entry of a locality's report: the new content of one cell. */
export interface CellReportEntry {
  task: string;
  state: CellState;
  category?: ObstacleCategory | null;
  text?: string;
}

export interface LocalityReport {
  locality: string;
  /** The round this report answers; absent: the open round if any, else none. */
  round?: string;
  cells: CellReportEntry[];
}

/** What a report's validation needs to know, read in one go before writing anything. */
export interface ReportContext {
  /** Codes of every locality. */
  localities: ReadonlySet<string>;
  /** Applicability of every task the report names that exists. */
  tasks: ReadonlyMap<string, Applicability>;
  /** The round the report answers, if any. */
  round: { id: string; status: 'OPEN' | 'CLOSED' } | null;
  /** The round named by the report does not exist. */
  roundMissing?: boolean;
  /** Who sends it. */
  actor: { kind: 'home-affairs' } | { kind: 'locality'; code: string } | { kind: 'ministry' | 'public'; code?: string };
}

export interface CellError {
  /**
   * Where in the report: `{ field: 'locality' }`, `{ field: 'round' }`, or a cell's field
   * `{ list: 'cells', index: 3, field: 'task' }` (empty field: the cell as a whole). Each adapter
   * says it its way (the API as `body.cells.3.task`, the page beside the cell's row).
   */
  location: FieldLocation;
  /** The cell concerned, when the error is about one. */
  cell?: { task: string; locality: string };
  message: string;
}

/** Why a report is refused as a whole; the API maps it to a status (403, 404, 409, 422). */
export type ReportRefusal = 'FORBIDDEN' | 'UNKNOWN_LOCALITY' | 'UNKNOWN_ROUND' | 'ROUND_CLOSED' | 'INVALID_CELLS';

export type ReportVerdict = { ok: true } | { ok: false; refusal: ReportRefusal; message: string; errors: CellError[] };

/**
 * Checks a whole report, all or nothing: every bad cell is listed (by its index, task and
 * locality), so the sender can fix all of them at once. Nothing is written unless this says ok.
 */
export function validateReport(report: LocalityReport, ctx: ReportContext): ReportVerdict {
  const loc = report.locality;
  const a = ctx.actor;
  if (!(a.kind === 'home-affairs' || (a.kind === 'locality' && a.code === loc))) {
    const message =
      a.kind === 'locality'
        ? `Locality ${a.code} may change only its own cells, not those of ${loc}.`
        : 'Only a locality (or Home Affairs) sends a locality report.';
    const first = report.cells[0];
    const errors: CellError[] = [{ location: { field: 'locality' }, message }];
    if (first)
      errors.push({
        location: { list: 'cells', index: 0, field: '' },
        cell: { task: first.task, locality: loc },
        message: `cell (${first.task}, ${loc}) is not yours to change`,
      });
    return { ok: false, refusal: 'FORBIDDEN', message, errors };
  }
  if (!ctx.localities.has(loc)) {
    return {
      ok: false,
      refusal: 'UNKNOWN_LOCALITY',
      message: `There is no locality ${loc}.`,
      errors: [{ location: { field: 'locality' }, message: `unknown locality ${loc}` }],
    };
  }
  if (ctx.roundMissing) {
    return {
      ok: false,
      refusal: 'UNKNOWN_ROUND',
      message: `There is no round ${report.round}.`,
      errors: [{ location: { field: 'round' }, message: `unknown round ${report.round}` }],
    };
  }
  if (ctx.round && ctx.round.status === 'CLOSED') {
    const message = `Round ${ctx.round.id} is closed; its reports are frozen.`;
    return {
      ok: false,
      refusal: 'ROUND_CLOSED',
      message,
      errors: [{ location: { field: 'round' }, message: `round ${ctx.round.id} is closed` }],
    };
  }
  const errors: CellError[] = [];
  const seen = new Map<string, number>();
  report.cells.forEach((c, i) => {
    const cell = { task: c.task, locality: loc };
    const at = (field: string): FieldLocation => ({ list: 'cells', index: i, field });
    const applicability = ctx.tasks.get(c.task);
    if (!applicability) {
      errors.push({ location: at('task'), cell, message: `unknown task ${c.task}` });
    } else if (!appliesTo(applicability, loc)) {
      errors.push({ location: at('task'), cell, message: `task ${c.task} does not apply to ${loc}` });
    }
    const first = seen.get(c.task);
    if (first !== undefined)
      errors.push({
        location: at('task'),
        cell,
        message: `task ${c.task} appears twice (also at body.cells.${first})`,
      });
    else seen.set(c.task, i);
    const text = c.text ?? '';
    if (c.state === 'OBSTACLE') {
      if (!c.category) errors.push({ location: at('category'), cell, message: 'an OBSTACLE needs a category' });
      if (text.trim() === '')
        errors.push({ location: at('text'), cell, message: 'an OBSTACLE needs a text saying what blocks it' });
    } else if (c.category) {
      errors.push({
        location: at('category'),
        cell,
        message: `a category belongs only to an OBSTACLE, not ${c.state}`,
      });
    }
    if (text.length > CELL_TEXT_MAX)
      errors.push({ location: at('text'), cell, message: `at most ${CELL_TEXT_MAX} characters` });
  });
  if (errors.length > 0) {
    return {
      ok: false,
      refusal: 'INVALID_CELLS',
      message: `${errors.length} problem(s) in the report of ${loc}; nothing was changed.`,
      errors,
    };
  }
  return { ok: true };
}

/** The stored content of a cell, for comparing a report entry with what is there. */
export interface CellContent {
  state: CellState;
  category: ObstacleCategory | null;
  text: string;
}

export function contentOf(entry: CellReportEntry): CellContent {
  return {
    state: entry.state,
    category: entry.state === 'OBSTACLE' ? (entry.category ?? null) : null,
    text: entry.text ?? '',
  };
}

/** A report entry that repeats the cell's content changes nothing (so a resent report adds no history). */
export function sameContent(a: CellContent, b: CellContent): boolean {
  return a.state === b.state && a.category === b.category && a.text === b.text;
}

export const NOT_STARTED: CellContent = { state: 'NOT_STARTED', category: null, text: '' };

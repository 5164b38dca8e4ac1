import type { ApiTask } from '../db/tasks';
import { toCsv, type TableCell } from '../domain/csv';

/**
 * The columns of a task export (CSV and .xlsx), one task per row. `title` and `sector` are Vietnamese; the
 * English renderings and the legal basis in both languages come last, so clients that read the first
 * columns by position keep working.
 */
export const TASK_COLUMNS = [
  'code',
  'title',
  'sector',
  'status',
  'leadMinistry',
  'coordinatingMinistries',
  'focalPointName',
  'focalPointEmail',
  'dueDate',
  'daysOverdue',
  'workableReports',
  'obstacleReports',
  'titleEn',
  'sectorEn',
  'legalBasis',
  'legalBasisEn',
] as const;

/** A byte-order mark: with it a spreadsheet (Excel) reads a CSV as UTF-8, so Vietnamese stays intact (`?bom=1`). */
export const UTF8_BOM = '\uFEFF';

const PERSONAL_COLUMNS = new Set<string>(['focalPointName', 'focalPointEmail']);

/**
 * The tasks as a table, header first; without `personalData` (the public token, open data) the
 * focal-point columns are left out. The CSV and the spreadsheet both write this table.
 */
export function taskTable(
  items: ApiTask[],
  opts: { personalData: boolean },
): { header: string[]; rows: TableCell[][] } {
  const header = TASK_COLUMNS.filter((c) => opts.personalData || !PERSONAL_COLUMNS.has(c));
  const rows = items.map((t) => {
    const cells: Record<(typeof TASK_COLUMNS)[number], TableCell> = {
      code: t.code,
      title: t.title,
      sector: t.sector,
      status: t.status,
      leadMinistry: t.leadMinistry,
      coordinatingMinistries: t.coordinatingMinistries.join(';'),
      focalPointName: t.focalPoint?.name,
      focalPointEmail: t.focalPoint?.email,
      dueDate: t.dueDate,
      daysOverdue: t.daysOverdue,
      workableReports: t.reports.workable,
      obstacleReports: t.reports.obstacle,
      titleEn: t.titles?.en ?? '',
      sectorEn: t.sectors?.en ?? '',
      legalBasis: t.legalBasis,
      legalBasisEn: t.legalBases?.en ?? '',
    };
    return header.map((c) => cells[c]);
  });
  return { header, rows };
}

/** The tasks as CSV (csv-stringify; domain/csv.ts guards formulas and quotes either separator). */
export function tasksCsv(items: ApiTask[], opts: { personalData: boolean } = { personalData: true }): string {
  const { header, rows } = taskTable(items, opts);
  return toCsv(header, rows);
}

/** The open-data list: the same columns without personal data (no focal point). */
export function publicTasksCsv(items: ApiTask[]): string {
  return tasksCsv(items, { personalData: false });
}

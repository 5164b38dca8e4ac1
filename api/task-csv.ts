import type { ApiTask } from '../db/tasks';

const CSV_COLUMNS = ['code', 'title', 'sector', 'status', 'leadMinistry', 'coordinatingMinistries', 'focalPointName', 'focalPointEmail', 'dueDate', 'daysOverdue', 'workableReports', 'obstacleReports'] as const;

function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  // Keep spreadsheets from evaluating text as a formula.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  // Either separator is quoted: spreadsheets split on ',' or ';' depending on the locale.
  return /[",;\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The tasks as CSV; without `personalData` (the public token) the focal-point columns are left out. */
export function tasksCsv(items: ApiTask[], opts: { personalData: boolean } = { personalData: true }): string {
  const personal = new Set<string>(['focalPointName', 'focalPointEmail']);
  const columns = CSV_COLUMNS.filter((c) => opts.personalData || !personal.has(c));
  const lines = [columns.join(',')];
  for (const t of items) {
    const cells: Record<(typeof CSV_COLUMNS)[number], unknown> = {
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
    };
    lines.push(columns.map((c) => csvCell(cells[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The open-data columns: the same list without personal data (no focal point). */
const PUBLIC_CSV_COLUMNS = ['code', 'title', 'sector', 'status', 'leadMinistry', 'coordinatingMinistries', 'dueDate', 'daysOverdue', 'workableReports', 'obstacleReports'] as const;

export function publicTasksCsv(items: ApiTask[]): string {
  const lines = [PUBLIC_CSV_COLUMNS.join(',')];
  for (const t of items) {
    lines.push([t.code, t.title, t.sector, t.status, t.leadMinistry, t.coordinatingMinistries.join(';'), t.dueDate, t.daysOverdue, t.reports.workable, t.reports.obstacle].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

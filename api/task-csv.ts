import type { ApiTask } from '../db/tasks';

const CSV_COLUMNS = ['code', 'title', 'sector', 'status', 'leadMinistry', 'coordinatingMinistries', 'focalPointName', 'focalPointEmail', 'dueDate', 'daysOverdue', 'workableReports', 'obstacleReports'] as const;

function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  // Keep spreadsheets from evaluating text as a formula.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function tasksCsv(items: ApiTask[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const t of items) {
    lines.push(
      [t.code, t.title, t.sector, t.status, t.leadMinistry, t.coordinatingMinistries.join(';'), t.focalPoint.name, t.focalPoint.email, t.dueDate, t.daysOverdue, t.reports.workable, t.reports.obstacle]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

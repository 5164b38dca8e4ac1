import { excel } from '../catalog/xlsx';
import type { ApiTask } from '../db/tasks';
import type { TableCell } from '../domain/csv';
import { taskTable } from '../app/task-csv';

/** The media type of an .xlsx workbook. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * One worksheet (exceljs), header in bold and frozen. Text is stored as text cells, which a
 * spreadsheet never evaluates, so no formula guard is needed (nor wanted: the text reads back as written).
 */
export async function toXlsx(
  sheetName: string,
  header: readonly string[],
  rows: readonly (readonly TableCell[])[],
): Promise<Buffer> {
  const book = new (await excel()).Workbook();
  const sheet = book.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow([...header]).font = { bold: true };
  for (const r of rows) sheet.addRow(r.map((c) => c ?? null));
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The tasks as a spreadsheet: the same columns as the CSV (app/task-csv.ts). */
export async function tasksXlsx(items: ApiTask[], opts: { personalData: boolean }): Promise<Buffer> {
  const { header, rows } = taskTable(items, opts);
  return toXlsx('tasks', header, rows);
}

import type ExcelJS from 'exceljs';
import type { CsvRecord } from './csv';

let loaded: Promise<typeof ExcelJS> | undefined;
/**
 * exceljs, loaded the first time a workbook is read or written: it is about 170 modules, which the
 * API's and the worker's start (and every test file that builds the app) would otherwise load for
 * the few requests that import or export a spreadsheet.
 */
export function excel(): Promise<typeof ExcelJS> {
  loaded ??= import('exceljs').then((m) => m.default);
  return loaded;
}

/** A-Z, AA... for a 0-based column index: how a spreadsheet names the column of a cell. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** The largest .xlsx file read (bytes): a catalog of 20,000 tasks with full texts fits in well under it. */
export const MAX_XLSX_BYTES = 4 * 1024 * 1024;
/** The most rows read from a worksheet (the catalog has 949 tasks; `bench:scale` goes to 9,490). */
export const MAX_XLSX_ROWS = 20_000;

/** A file refused before or while it is read, for its size or its number of rows; the message says which limit. */
export class XlsxTooLargeError extends Error {}

/**
 * Every non-empty row of the first worksheet of an .xlsx file (exceljs) as text fields, with its row
 * number; rows whose first cell starts with `#` are comments, as in a CSV catalog. Rows are padded
 * to the header's width (empty cells at the end of a row are empty fields, as in CSV).
 *
 * Linear in the rows: each row is read up to its own last cell (`row.cellCount`). The sheet's
 * `columnCount` walks every row, so reading it per row made the import grow with the square of the
 * rows (50,000 rows: over 300 s). Files over `maxBytes` or sheets over `maxRows` are refused.
 */
export async function readXlsxRecords(
  file: Buffer,
  limits: { maxBytes?: number; maxRows?: number } = {},
): Promise<CsvRecord[]> {
  const maxBytes = limits.maxBytes ?? MAX_XLSX_BYTES;
  const maxRows = limits.maxRows ?? MAX_XLSX_ROWS;
  if (file.length > maxBytes)
    throw new XlsxTooLargeError(`the file has ${file.length} bytes; at most ${maxBytes} are read (split it)`);
  const book = new (await excel()).Workbook();
  await book.xlsx.load(new Uint8Array(file).buffer as ArrayBuffer);
  const sheet = book.worksheets[0];
  if (!sheet) return [];
  if (sheet.actualRowCount > maxRows)
    throw new XlsxTooLargeError(
      `the worksheet has ${sheet.actualRowCount} rows; at most ${maxRows} are read (split it)`,
    );
  const records: CsvRecord[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const fields = Array.from({ length: row.cellCount }, (_, i) => cellText(row.getCell(i + 1).value));
    // Trailing empty cells are not columns (a sheet may be wider than its header).
    while (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
    if (fields.length === 0 || (fields[0] ?? '').startsWith('#')) return;
    records.push({ line, fields });
  });
  const width = records[0]?.fields.length ?? 0;
  for (const r of records) while (r.fields.length < width) r.fields.push('');
  return records;
}

/** A cell as the text a CSV would hold: dates as YYYY-MM-DD, formulas by their last result, links by their text. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    return '';
  }
  return String(value);
}

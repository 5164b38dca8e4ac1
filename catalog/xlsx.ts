import ExcelJS from 'exceljs';
import type { CsvRecord } from './csv';

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

/**
 * Every non-empty row of the first worksheet of an .xlsx file (exceljs) as text fields, with its row
 * number; rows whose first cell starts with `#` are comments, as in a CSV catalog. Rows are padded
 * to the header's width (empty cells at the end of a row are empty fields, as in CSV).
 */
export async function readXlsxRecords(file: Buffer): Promise<CsvRecord[]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(new Uint8Array(file).buffer as ArrayBuffer);
  const sheet = book.worksheets[0];
  if (!sheet) return [];
  const records: CsvRecord[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const fields = Array.from({ length: sheet.columnCount }, (_, i) => cellText(row.getCell(i + 1).value));
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

import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { CATALOG_COLUMNS } from '../../catalog/importer';

/**
 * A catalog file with six bad rows, line by line: lines 4-9 are refused (BAD-1 to BAD-5 and OK-1's
 * duplicate), line 3 is fine. The comment line keeps its place as a worksheet row too.
 */
export const BAD_CATALOG_LINES = [
  '# comment lines are skipped',
  CATALOG_COLUMNS.join(','),
  'OK-1,A fine task,Health,,province,BYT,,REQUIRES_GUIDANCE,2027-01-31,Focal,focal@byt.test',
  'BAD-1,Unknown ministry,Health,,province,BXX,,FEASIBLE,,,',
  'BAD-2,Bad status,Health,,province,BYT,,DONE,,,',
  'OK-1,Duplicate code,Health,,province,BYT,,FEASIBLE,,,',
  'BAD-3,,Health,,province,BYT,,FEASIBLE,,,',
  'BAD-4,Bad date,Health,,province,BYT,,REQUIRES_GUIDANCE,2027-02-30,,',
  '"BAD-5","Quoted, with comma",Health,,province,BYT,BYT,FEASIBLE,,,',
];

/** CSV lines as an .xlsx worksheet, one row per line and one cell per field: row N is line N. */
export async function csvLinesAsXlsx(lines: string[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('catalog');
  for (const fields of parse(lines.join('\n'), { relax_column_count: true }) as string[][]) sheet.addRow(fields);
  return Buffer.from(await book.xlsx.writeBuffer());
}

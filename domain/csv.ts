import { stringify } from 'csv-stringify/sync';

/** A value of a table written to CSV or a spreadsheet; null and undefined are empty fields. */
export type TableCell = string | number | null | undefined;

/** Keeps a spreadsheet from evaluating text as a formula (CSV injection): such text gets a leading `'`. */
function formulaSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * RFC 4180 CSV (CRLF) through csv-stringify, header first. Text is formula-guarded; a field holding a
 * comma or a semicolon (spreadsheets split on either, by locale), a quote or a line break is quoted.
 * `quoted_match` names \r and \n too: csv-stringify by itself quotes only a whole CRLF, so a lone \n
 * would split the row in a reader.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly TableCell[])[]): string {
  return stringify([[...header], ...rows.map((r) => [...r])], {
    record_delimiter: 'windows',
    quoted_match: /[;,\r\n]/,
    cast: { string: (s) => formulaSafe(s) },
  });
}

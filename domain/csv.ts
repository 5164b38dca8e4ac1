import { stringify } from 'csv-stringify/sync';

/** A value of a table written to CSV or a spreadsheet; null and undefined are empty fields. */
export type TableCell = string | number | null | undefined;

/**
 * The one formula guard (CSV injection): text starting with one of these characters is one a
 * spreadsheet would evaluate, so it gets a leading `'`. A regular-expression character class, read by
 * `formulaSafe` here and by the matrix CSV that PostgreSQL builds (db/matrix.ts `defused`, POSIX
 * regular expressions read it the same).
 */
export const FORMULA_LEAD_CLASS = '[=+\\-@\\t\\r]';
/** Characters that make a field quoted: either separator (spreadsheets split on ',' or ';' by locale) or a line break. */
export const QUOTED_CLASS = '[;,\\r\\n]';
const FORMULA_LEAD = new RegExp(`^${FORMULA_LEAD_CLASS}`);

/** Keeps a spreadsheet from evaluating text as a formula: such text gets a leading `'`. */
export function formulaSafe(text: string): string {
  return FORMULA_LEAD.test(text) ? `'${text}` : text;
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
    quoted_match: new RegExp(QUOTED_CLASS),
    cast: { string: (s) => formulaSafe(s) },
  });
}

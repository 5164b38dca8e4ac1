import { CsvError, parse } from 'csv-parse/sync';

/** One row of an import file (CSV or a worksheet): its fields as text and where it is. */
export interface CsvRecord {
  /** 1-based line number in the file where the record starts (for a worksheet: the row number). */
  line: number;
  fields: string[];
}

/** The file is not CSV (an unclosed quote, say); `line` is where the parser gave up. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/**
 * RFC 4180 CSV through csv-parse (quoted fields may hold commas, quotes and newlines). Blank lines
 * and lines starting with `#` are skipped, so a catalog can carry a header comment; a quote inside
 * an unquoted field is taken literally. Lines may end in CRLF, LF or CR, mixed in one file (by itself
 * csv-parse keeps to the first ending it meets, and a later LF would join two rows). Each record keeps
 * the line it starts on, for error messages.
 */
export function parseCsv(text: string): CsvRecord[] {
  let rows: ParsedRecord[];
  try {
    const parsed: unknown = parse(text, {
      bom: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      comment: '#',
      comment_no_infix: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: true,
      info: true,
    });
    // With `info: true` each record comes with where it was found (csv-parse's typings omit this).
    rows = parsed as ParsedRecord[];
  } catch (err) {
    if (err instanceof CsvError)
      throw new CsvSyntaxError((err as CsvError & { lines?: number }).lines ?? 1, err.message);
    throw err;
  }
  // csv-parse's `info.lines` is the line a record ends on, but it counts a CRLF inside a quoted field
  // as two lines, for that record and every later one; `extra` takes those back out.
  let extra = 0;
  const records: CsvRecord[] = [];
  for (const { record, info } of rows) {
    extra += record.reduce((n, f) => n + count(f, /\r\n/g), 0);
    const breaks = record.reduce((n, f) => n + count(f, /\r\n|\r|\n/g), 0);
    if (record.length === 1 && (record[0] ?? '').trim() === '') continue;
    records.push({ line: info.lines - extra - breaks, fields: record });
  }
  return records;
}

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

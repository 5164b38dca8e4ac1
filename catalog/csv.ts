export interface CsvRecord {
  /** 1-based line number in the file where the record starts. */
  line: number;
  fields: string[];
}

/**
 * RFC 4180 CSV (quoted fields may hold commas, quotes and newlines). Blank lines and lines starting
 * with `#` (outside quotes) are skipped, so a catalog can carry a header comment.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const src = text.replace(/^\uFEFF/, '');
  while (i < src.length) {
    const startLine = line;
    if (src[i] === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      i++;
      line++;
      continue;
    }
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atFieldStart = true;
    for (; i < src.length; i++) {
      const c = src[i] as string;
      if (quoted) {
        if (c === '"' && src[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') quoted = false;
        else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (c === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        atFieldStart = true;
      } else if (c === '\n' || c === '\r') {
        if (c === '\r' && src[i + 1] === '\n') i++;
        i++;
        line++;
        break;
      } else {
        field += c;
        atFieldStart = false;
      }
    }
    fields.push(field);
    if (!(fields.length === 1 && fields[0]?.trim() === '')) records.push({ line: startLine, fields });
  }
  return records;
}

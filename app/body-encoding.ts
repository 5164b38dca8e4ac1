import { isUtf8 } from 'node:buffer';

/**
 * Bodies are UTF-8. The parsers would turn bytes that encode no character into U+FFFD without a word,
 * so a client's mistake (or a probe) would be stored as something nobody sent: the API and the pages
 * refuse such a body with 400 instead, before anything reads it. The error's `type` is what the API's
 * and the pages' error handlers look for (body-parser keeps it and calls the error a 403; they answer 400).
 */
export const INVALID_UTF8 = 'encoding.invalid-utf8';

function invalidUtf8(): Error {
  return Object.assign(new Error('The body is not valid UTF-8.'), { type: INVALID_UTF8 });
}

/** A run of percent-escapes (%C3%A0...), decoded together: a character may take several. */
const ESCAPE_RUN = /(?:%[0-9A-Fa-f]{2})+/g;

/** Whether the parser decodes the body as UTF-8 (the default; another declared charset is checked by it). */
const readAsUtf8 = (encoding: string | null | undefined) => !encoding || encoding.toLowerCase() === 'utf-8';

/** body-parser's `verify` for JSON: the raw bytes must be UTF-8. */
export function refuseInvalidUtf8(_req: unknown, _res: unknown, buf: Buffer, encoding?: string | null): void {
  if (readAsUtf8(encoding) && !isUtf8(buf)) throw invalidUtf8();
}

/**
 * body-parser's `verify` for forms (application/x-www-form-urlencoded): the raw bytes, and the bytes
 * each run of percent-escapes stands for, must be UTF-8 (`%FF` decodes to U+FFFD otherwise).
 */
export function refuseInvalidUtf8Form(_req: unknown, _res: unknown, buf: Buffer, encoding?: string | null): void {
  if (!readAsUtf8(encoding)) return;
  if (!isUtf8(buf)) throw invalidUtf8();
  for (const run of buf.toString('latin1').match(ESCAPE_RUN) ?? []) {
    try {
      decodeURIComponent(run);
    } catch {
      throw invalidUtf8();
    }
  }
}

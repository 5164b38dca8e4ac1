/**
 * What text PostgreSQL can store. Every validator (zod at the API edge, the catalog importer, the
 * workflow's update validators) asks these, so whatever is accepted is also storable: a value the
 * database refuses would otherwise be accepted by the workflow and then never persisted.
 *
 * PostgreSQL refuses, in `text` and in `jsonb`:
 * - U+0000 (NUL) anywhere;
 * - a lone UTF-16 surrogate (`\ud83d` alone): JSON carries it as an escape that jsonb rejects,
 *   and UTF-8 cannot encode it at all.
 * Other C0 controls (except tab, line feed, carriage return) and DEL are stored, but are refused
 * too: nobody types them, and they break CSV, e-mail and terminals downstream.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
/** Whitespace and invisible format characters (zero-width space/joiners, BOM, bidi marks, soft hyphen). */
const INVISIBLE = /^[\p{White_Space}\p{Cf}]*$/u;

/** Why `s` cannot be stored as it is, or null when it can. */
export function unstorableReason(s: string): string | null {
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode (no lone surrogate)';
  if (CONTROL.test(s)) return 'must not contain control characters';
  return null;
}

export function isStorableText(s: string): boolean {
  return unstorableReason(s) === null;
}

/** True when `s` shows nothing: empty, whitespace or only invisible format characters. */
export function isBlankText(s: string): boolean {
  return INVISIBLE.test(s);
}

/**
 * `s` made storable: lone surrogates become U+FFFD, control characters are dropped. Used only by
 * the operator's repair of a task whose event PostgreSQL refused (README, "Stuck tasks").
 */
export function storableText(s: string): string {
  return s.replace(LONE_SURROGATES, '\uFFFD').replace(CONTROLS, '');
}

/** `storableText` applied to every string (keys too) of a JSON-like value. */
export function storableValue<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => storableValue(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [storableText(k), storableValue(v)])) as T;
  }
  return value;
}

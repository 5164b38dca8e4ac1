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
 * The bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) are refused as
 * well (not neutralised: what is stored is what was sent): Vietnamese text never needs them, and one
 * shown in a note or a reason reorders what a reader sees ("gdp.exe\u202Efdp.txt" reads "gdp.exetxt.pdf").
 * The implicit marks (U+200E, U+200F, U+061C) change no order of what follows and stay allowed.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
/**
 * Characters that show nothing: Unicode white space and the invisible format characters of the
 * Basic Multilingual Plane (zero-width space and joiners, BOM, bidi marks, soft hyphen...). Written
 * out as escapes, so the same class means the same in JavaScript and in the OpenAPI document's
 * patterns (which other languages' regex engines read).
 */
const INVISIBLE_CLASS =
  '\\u0009-\\u000D\\u0020\\u0085\\u00A0\\u00AD\\u0600-\\u0605\\u061C\\u06DD\\u070F\\u0890\\u0891\\u08E2\\u1680\\u180E' +
  '\\u2000-\\u200F\\u2028-\\u202F\\u205F-\\u2064\\u2066-\\u206F\\u3000\\uFEFF\\uFFF9-\\uFFFB';
const CONTROL_CLASS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F\\u202A-\\u202E\\u2066-\\u2069';
const INVISIBLE = new RegExp(`^[${INVISIBLE_CLASS}]*$`);

/** Pattern of storable text, for the OpenAPI document (lone surrogates cannot be said in it). */
export const STORABLE_TEXT_PATTERN = `^[^${CONTROL_CLASS}]*$`;
/** Pattern of storable text that shows something. */
export const VISIBLE_TEXT_PATTERN = `^[^${CONTROL_CLASS}]*[^${CONTROL_CLASS}${INVISIBLE_CLASS}][^${CONTROL_CLASS}]*$`;

/** Length as people count it (code points), which is how JSON Schema's maxLength counts too. */
export function textLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Why `s` cannot be stored as it is, or null when it can. */
export function unstorableReason(s: string): string | null {
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode (no lone surrogate)';
  if (CONTROL.test(s)) return 'must not contain control characters';
  if (BIDI_CONTROL.test(s))
    return 'must not contain bidirectional override, embedding or isolate characters (U+202A-U+202E, U+2066-U+2069)';
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
 * `s` made storable: lone surrogates become U+FFFD, control characters (bidirectional ones too) are dropped. Used only by
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
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [storableText(k), storableValue(v)]),
    ) as T;
  }
  return value;
}

/**
 * Identifier patterns, defined once: the API's schemas, the catalog importer, the workflow's
 * checks and the principal names all use these.
 */

/** A ministry or a locality: `BYT`, `HNI` (upper-case letters and digits, 2-16, a letter first). */
export const AGENCY_CODE = /^[A-Z][A-Z0-9]{1,15}$/;

/** A task: `BYT-001` (A-Z, 0-9, ".", "_", "-"; at most 40; not starting with punctuation). */
export const TASK_CODE = /^[A-Z0-9][A-Z0-9._-]{0,39}$/;

/** `pattern` without its anchors, to embed it in a larger pattern. */
export function unanchored(pattern: RegExp): string {
  return pattern.source.replace(/^\^/, '').replace(/\$$/, '');
}

/**
 * Which PostgreSQL errors can never go away by retrying the same statement. SQLSTATE classes:
 * 22 data exception (22P02 invalid text/JSON such as a lone surrogate, 22021 bad encoding, 22001
 * too long, 22008 date out of range), 23 integrity constraint violation, 42 syntax error or access
 * rule violation (a missing grant needs an operator), 54 program limit exceeded. Everything else
 * (connections, serialization, locks, shutdown, resources) is transient and retried.
 */
const PERMANENT_CLASSES = new Set(['22', '23', '42', '54']);

/** The SQLSTATE of a node-postgres error when it is permanent, else null. */
export function permanentSqlState(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null;
  return PERMANENT_CLASSES.has(code.slice(0, 2)) ? code : null;
}

/** ApplicationFailure type of a persistence error that retrying cannot fix. */
export const PERSIST_REFUSED = 'PERSIST_REFUSED';

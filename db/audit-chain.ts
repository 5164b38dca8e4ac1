import type pg from 'pg';
import { canonicalJson } from '../domain/canonical-json';
import type { Db } from './client';

/** prevHash of a task's first event. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedContent {
  taskCode: string;
  seq: number;
  at: string;
  actor: string;
  kind: string;
  details: unknown;
}

/** The text an event's hash covers (after the previous hash and a newline). */
export function canonicalContent(content: HashedContent): string {
  const { taskCode, seq, at, actor, kind, details } = content;
  return canonicalJson({ taskCode, seq, at: new Date(at).toISOString(), actor, kind, details });
}

/**
 * The one hash-chain link, for both chains (a task's audit events, a matrix cell's events):
 * sha256(prevHash + "\n" + canonical content), hex, computed by PostgreSQL. The text is built by
 * `canonicalJson` (domain/canonical-json.ts) on this side; the hash only ever on that side, when an
 * event is stored (PERSIST_EVENT_SQL, the cells' writes) and when a chain is verified.
 */
export const chainHashSql = (prevHash: string, content: string) =>
  `encode(sha256(convert_to(${prevHash} || E'\\n' || ${content}, 'UTF8')), 'hex')`;

/** Anything that runs a query: the pool, or a transaction's client. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** The links of many (prevHash, content) pairs, in their order, in one statement. */
export async function chainHashes(q: Queryable, links: readonly (readonly [string, string])[]): Promise<string[]> {
  if (links.length === 0) return [];
  const { rows } = await q.query<{ hashes: string[] }>(
    `SELECT array_agg(${chainHashSql('x.p', 'x.c')} ORDER BY x.n) AS hashes
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(p, c, n)`,
    [links.map(([p]) => p), links.map(([, c]) => c)],
  );
  return rows[0]?.hashes ?? [];
}

export interface VerifyResult {
  valid: boolean;
  checked: number;
  brokenAtSeq?: number;
  reason?: string;
}

/**
 * Recomputes a task's hash chain from its first event and names the first event that does not fit.
 * `workflowSeq`, when given, is the last event the task's workflow has recorded: a chain that ends
 * before it lost its tail, even when the read model's `last_seq` was lowered with it (a PostgreSQL
 * restored from a backup taken behind Temporal).
 */
export async function verifyChain(
  db: Db,
  taskCode: string,
  opts: { workflowSeq?: number } = {},
): Promise<VerifyResult> {
  const [rows, task] = await Promise.all([
    db.prisma.auditEvent.findMany({ where: { taskCode }, orderBy: { seq: 'asc' } }),
    db.prisma.task.findUnique({ where: { code: taskCode }, select: { lastSeq: true } }),
  ]);
  const expected = await chainHashes(
    db.pool,
    rows.map((row) => [
      row.prevHash,
      canonicalContent({
        taskCode,
        seq: row.seq,
        at: row.at.toISOString(),
        actor: row.actor,
        kind: row.kind,
        details: row.details,
      }),
    ]),
  );
  let prev = GENESIS_HASH;
  let checked = 0;
  for (const [i, row] of rows.entries()) {
    const expectedSeq = i + 1;
    if (row.seq !== expectedSeq) return { valid: false, checked, brokenAtSeq: expectedSeq, reason: 'missing event' };
    if (row.prevHash !== prev)
      return { valid: false, checked, brokenAtSeq: row.seq, reason: 'prevHash does not match the previous event' };
    if (expected[i] !== row.hash)
      return { valid: false, checked, brokenAtSeq: row.seq, reason: 'content does not match its hash' };
    prev = row.hash;
    checked++;
  }
  // The read model names the last event it was brought up to: a chain that ends before it lost its tail.
  if (task && task.lastSeq > checked)
    return {
      valid: false,
      checked,
      brokenAtSeq: checked + 1,
      reason: `missing events ${checked + 1}-${task.lastSeq} at the end`,
    };
  const recorded = opts.workflowSeq ?? 0;
  if (recorded > checked) {
    return {
      valid: false,
      checked,
      brokenAtSeq: checked + 1,
      reason: `missing events ${checked + 1}-${recorded} at the end: the task's workflow has recorded ${recorded} (restored from an older backup? npm run tasks:repair)`,
    };
  }
  return { valid: true, checked };
}

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

/** One stored event of a chain: its number, the hashes it was stored with, the text its hash covers. */
export interface ChainLink {
  seq: number;
  prevHash: string;
  hash: string;
  content: string;
}

/**
 * Walks a chain of events numbered from 1 (a task's, a matrix cell's) and names the first that does
 * not fit: a number missing, a prevHash that is not the previous hash, a hash its content does not give.
 */
export async function walkChain(q: Queryable, links: readonly ChainLink[]): Promise<VerifyResult> {
  const expected = await chainHashes(
    q,
    links.map((l) => [l.prevHash, l.content] as const),
  );
  let prev = GENESIS_HASH;
  let checked = 0;
  for (const [i, l] of links.entries()) {
    if (l.seq !== i + 1) return { valid: false, checked, brokenAtSeq: i + 1, reason: 'missing event' };
    if (l.prevHash !== prev)
      return { valid: false, checked, brokenAtSeq: l.seq, reason: 'prevHash does not match the previous event' };
    if (expected[i] !== l.hash)
      return { valid: false, checked, brokenAtSeq: l.seq, reason: 'content does not match its hash' };
    prev = l.hash;
    checked++;
  }
  return { valid: true, checked };
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
  const walked = await walkChain(
    db.pool,
    rows.map((row) => ({
      seq: row.seq,
      prevHash: row.prevHash,
      hash: row.hash,
      content: canonicalContent({
        taskCode,
        seq: row.seq,
        at: row.at.toISOString(),
        actor: row.actor,
        kind: row.kind,
        details: row.details,
      }),
    })),
  );
  if (!walked.valid) return walked;
  const { checked } = walked;
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

import crypto from 'node:crypto';
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

/** sha256(prevHash + "\n" + canonicalContent), hex. PostgreSQL computes the same when an event is stored. */
export function eventHash(prevHash: string, content: HashedContent): string {
  return crypto.createHash('sha256').update(prevHash).update('\n').update(canonicalContent(content)).digest('hex');
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
  let prev = GENESIS_HASH;
  let checked = 0;
  for (const [i, row] of rows.entries()) {
    const expectedSeq = i + 1;
    if (row.seq !== expectedSeq) return { valid: false, checked, brokenAtSeq: expectedSeq, reason: 'missing event' };
    if (row.prevHash !== prev)
      return { valid: false, checked, brokenAtSeq: row.seq, reason: 'prevHash does not match the previous event' };
    const hash = eventHash(prev, {
      taskCode,
      seq: row.seq,
      at: row.at.toISOString(),
      actor: row.actor,
      kind: row.kind,
      details: row.details,
    });
    if (hash !== row.hash)
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

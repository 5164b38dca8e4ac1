/**
 * `npm run audit:verify -- [--against-workflows] [CODE ...]`: recomputes the hash chain of each task's
 * audit events (all tasks when no code is given) and names the first broken event. With
 * `--against-workflows` it also asks each task's workflow how many events it has recorded: a log that
 * ends before that lost its tail (PostgreSQL restored from a backup taken behind Temporal), even when
 * the read model's `last_seq` went back with it; such a task is marked stuck (`/readyz`) until
 * `npm run tasks:repair` stores the lost events again (README, "Restoring PostgreSQL").
 * Exit code 1 if any chain is broken. Uses DATABASE_URL (and TEMPORAL_ADDRESS), or the running embedded stack.
 */
import type { Client } from '@temporalio/client';
import { verifyChain } from '../db/audit-chain';
import { connectDb, type Db } from '../db/client';
import { config } from '../config/env';
import { runtimeTarget } from '../embedded/runtime-target';
import { markStuck } from '../db/stuck-tasks';
import { allTaskCodes } from '../db/tasks';
import { stateQuery, taskWorkflowId } from '../workflows/messages';
import { runOperatorCommand } from './operator-session';

async function verify(db: Db, client: Client | null, codes: string[]): Promise<void> {
  let broken = 0;
  let events = 0;
  for (const code of codes) {
    const workflowSeq = client
      ? (await client.workflow.getHandle(taskWorkflowId(code)).query(stateQuery)).seq
      : undefined;
    const r = await verifyChain(db, code, { workflowSeq });
    events += r.checked;
    if (!r.valid) {
      broken++;
      console.log(`${code}: BROKEN at event ${r.brokenAtSeq} (${r.reason}); ${r.checked} events before it are intact`);
      if (workflowSeq !== undefined && workflowSeq > r.checked && r.reason?.startsWith('missing events')) {
        await markStuck(db, { taskCode: code, seq: r.checked + 1, kind: 'AUDIT_TAIL_LOST', error: r.reason });
      }
    }
  }
  console.log(`${codes.length} task(s), ${events} intact event(s), ${broken} broken chain(s)`);
  if (broken > 0) process.exitCode = 1;
}

const args = process.argv.slice(2);
const againstWorkflows = args.includes('--against-workflows');
const named = args.filter((a) => a !== '--against-workflows');

if (againstWorkflows) {
  runOperatorCommand(async ({ db, client }) => verify(db, client, named.length > 0 ? named : await allTaskCodes(db)));
} else {
  // The chains alone need only PostgreSQL (Temporal may be down).
  const db = connectDb(runtimeTarget(config(), { temporal: false }).databaseUrl);
  (async () => {
    try {
      await verify(db, null, named.length > 0 ? named : await allTaskCodes(db));
    } finally {
      await db.close();
    }
  })().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

/**
 * `npm run audit:verify -- [CODE ...]`: recomputes the hash chain of each task's audit events
 * (all tasks when no code is given) and names the first broken event. Exit code 1 if any chain is
 * broken. Uses DATABASE_URL, or the running embedded stack's database.
 */
import { config } from '../config/env';
import { verifyChain } from '../db/audit-chain';
import { connectDb } from '../db/client';
import { allTaskCodes } from '../db/tasks';
import { runtimeTarget } from '../embedded/runtime-target';

async function main(): Promise<void> {
  const db = connectDb(runtimeTarget(config(), { temporal: false }).databaseUrl);
  try {
    const codes = process.argv.slice(2).length > 0 ? process.argv.slice(2) : await allTaskCodes(db);
    let broken = 0;
    let events = 0;
    for (const code of codes) {
      const r = await verifyChain(db, code);
      events += r.checked;
      if (!r.valid) {
        broken++;
        console.log(`${code}: BROKEN at event ${r.brokenAtSeq} (${r.reason}); ${r.checked} events before it are intact`);
      }
    }
    console.log(`${codes.length} task(s), ${events} intact event(s), ${broken} broken chain(s)`);
    if (broken > 0) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

/**
 * `npm run tasks:repair -- [CODE ...]`: repairs stuck tasks (README, "Stuck tasks"), every stuck
 * task when no code is given. Each task's workflow stores the event PostgreSQL refused, its text
 * made storable (lone surrogates become U+FFFD, control characters go); a task whose event is still
 * refused stays stuck and the reason is printed. Events the audit log lost after they were stored
 * (PostgreSQL restored from an older backup: README, "Restoring PostgreSQL") are stored again from
 * the workflow first. Exit code 1 if any task is still stuck. Uses
 * DATABASE_URL and TEMPORAL_ADDRESS, or the running embedded stack.
 */
import { stuckTasks } from '../db/stuck-tasks';
import { repairUpdate, taskWorkflowId } from '../workflows/messages';
import { runOperatorCommand } from './operator-session';

runOperatorCommand(async ({ db, client }) => {
  const codes =
    process.argv.slice(2).length > 0 ? process.argv.slice(2) : (await stuckTasks(db, 10_000)).tasks.map((t) => t.code);
  let still = 0;
  for (const code of codes) {
    const r = await client.workflow.getHandle(taskWorkflowId(code)).executeUpdate(repairUpdate);
    if (!r.wasStuck) console.log(`${code}: not stuck`);
    else if (r.repaired)
      console.log(
        `${code}: repaired, event ${r.seq} stored${r.restored ? ` (${r.restored} lost event(s) stored again from the workflow)` : ''}`,
      );
    else {
      still++;
      console.log(`${code}: STILL STUCK at event ${r.seq}: ${r.error}`);
    }
  }
  console.log(`${codes.length} task(s) checked, ${still} still stuck`);
  if (still > 0) process.exitCode = 1;
});

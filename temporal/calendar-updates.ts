import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { WorkingCalendar } from '../domain/working-days';
import { calendarUpdate, taskWorkflowId } from '../workflows/messages';

export interface CalendarApplyResult {
  tasks: number;
  /** Tasks that took the new calendar (their reminders re-planned). */
  applied: number;
  /** Of those, tasks whose due date fell on a new day off and moved to the next working day. */
  dueDatesMoved: number;
  /** Tasks that already had this calendar version (a re-run, or started after the file changed). */
  alreadyCurrent: number;
  /** Tasks whose workflow refused or could not be reached; a re-run retries them. */
  failed: { code: string; error: string }[];
}

/**
 * Sends the operator's calendar to each task's running workflow, `concurrency` at a time. Every
 * task answers once it has re-planned (an Update, so the caller knows it was applied); a task that
 * already has this version changes nothing, so running it again after a crash or a failure only
 * finishes what is left.
 */
export async function applyCalendarToTasks(
  client: Client,
  codes: string[],
  calendar: WorkingCalendar,
  opts: { concurrency: number; onProgress?: (done: number, total: number) => void },
): Promise<CalendarApplyResult> {
  const result: CalendarApplyResult = {
    tasks: codes.length,
    applied: 0,
    dueDatesMoved: 0,
    alreadyCurrent: 0,
    failed: [],
  };
  let next = 0;
  let done = 0;
  const workers = Array.from({ length: Math.max(1, opts.concurrency) }, async () => {
    while (next < codes.length) {
      const code = codes[next++] as string;
      try {
        const r = await client.workflow
          .getHandle(taskWorkflowId(code))
          .executeUpdate(calendarUpdate, { args: [calendar] });
        if (!r.applied) result.alreadyCurrent++;
        else {
          result.applied++;
          if (r.dueDate) result.dueDatesMoved++;
        }
      } catch (err) {
        const error =
          err instanceof WorkflowNotFoundError
            ? 'no running workflow'
            : err instanceof Error
              ? err.cause instanceof Error
                ? err.cause.message
                : err.message
              : String(err);
        result.failed.push({ code, error });
      }
      opts.onProgress?.(++done, codes.length);
    }
  });
  await Promise.all(workers);
  return result;
}

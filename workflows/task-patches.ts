/**
 * The patches of the task workflow (each a `patched()` id), and the list a new run starts with.
 *
 * `patched(id)` records a marker and an upsert of TemporalChangeVersion the first time a run asks
 * it: two history events per patch per run, paid by every task again after each continue-as-new.
 * A run started by code that already has these patches needs neither: the starter names them in
 * the run's input (`patchesAtStart`, recorded in the start event), and the workflow takes their
 * new path without asking. Runs started without the list (recorded histories, tasks started
 * before it) ask `patched()` exactly as before, so they replay unchanged.
 */

/**
 * Persist each event as a local activity (before it: a remote activity). NOT deprecated
 * (`deprecatePatch`), and must not be yet: test/fixtures/histories/full-life-v1-remote-persist.json
 * is a history from before it, and a task's run never completes, so such runs can still be open on
 * a deployment seeded before the patch; with the call deprecated they fail to replay (TMPRL1100,
 * no command for the recorded ActivityTaskScheduled) and never finish. It becomes safe once no open
 * task run started before the patch was deployed (e.g. `temporal workflow list --query
 * "WorkflowType='taskWorkflow' AND ExecutionStatus='Running' AND StartTime < '<that deployment>'"`
 * lists none) and the v1 fixture is retired with it. Since runs started with `patchesAtStart` no
 * longer ask it, deprecating it would now save events only for those old runs.
 */
export const PERSIST_AS_LOCAL_ACTIVITY = 'persist-event-as-local-activity';
/**
 * No e-mail per task per reminder (the daily digest lists every task instead); escalation along
 * the ladder. Recorded histories from before keep their reminders on replay.
 */
export const ESCALATION_LADDER = 'escalation-ladder-and-digests';
/** Persistence refused for good marks the task stuck and waits for a repair (older code retried forever). */
export const STUCK_TASKS = 'stuck-task-on-refused-event';
/**
 * A transition to FEASIBLE whose document takes effect later records the document and waits for
 * that date (before this change it moved at once); histories recorded before it replay unchanged.
 */
export const FEASIBLE_ON_EFFECTIVE_DATE = 'feasible-on-effective-date';
/** A milestone recorded again in the same stay in a status changes nothing (it used to add a second one). */
export const MILESTONES_IDEMPOTENT_BY_NAME = 'milestones-idempotent-by-name';
/** Localities that reported obstacles hear when the task becomes FEASIBLE through a document. */
export const NOTIFY_LOCALITIES_WHEN_FEASIBLE = 'notify-localities-when-feasible';
/**
 * Reminders and escalation steps are sent by a local activity inside the workflow task (before:
 * a remote activity, two trips through the server and a second workflow task per notice).
 */
export const NOTICES_AS_LOCAL_ACTIVITIES = 'notices-as-local-activities';
/**
 * A new task's reminders count from the run's start event, not from the first workflow task that
 * completes: when the first task's completion is lost and the server retries it after a reminder
 * fell due, that reminder is still sent (before: silently skipped).
 */
export const CLOCK_FROM_RUN_START = 'clock-from-run-start';

/**
 * A running task takes an updated calendar (`calendarChanged`): its reminders re-plan, a due date on
 * a new day off moves. Only a run that receives the update asks it; histories without it replay as recorded.
 * It also carries the reminder cursor over by what each point is (offset or ladder step), so no point is
 * sent twice or lost when the new days off move it: added to this patch before any history with it was
 * deployed (no recorded history holds the update), so no second id is needed.
 */
export const CALENDAR_UPDATES = 'calendar-updates-for-running-tasks';

/**
 * `repairPersistence` also stores again the events the audit log lost after they were stored
 * (PostgreSQL restored from a backup taken behind Temporal): it asks the log how far it goes and
 * re-persists the missing events this run holds. Asked only inside a repair, so runs that were
 * repaired before it (test/fixtures/histories/stuck-life-v5.json) replay as recorded.
 */
export const LOST_TAIL_REPAIR = 'repair-restores-lost-audit-tail';

/**
 * A bounce between the two open statuses (REQUIRES_GUIDANCE ⇄ AUTHORITY_ADJUSTMENT) keeps the due date
 * unless Home Affairs names one (the edge table's `deadline`, domain/deadline-policy.ts `dueDateAfterEdge`);
 * before it each entry took a fresh default, so a ministry could clear its own overdue deadline. Asked
 * only on such an edge: recorded bounces (their fresh due date, its search-attribute upsert) replay as recorded.
 */
export const DEADLINE_KEPT_ACROSS_BOUNCE = 'deadline-kept-across-bounce';

/**
 * An overdue task climbs its ladder from where it stands now: at a start, after a new due date (one
 * moved into the past too), a calendar change or a continue-as-new carrying a state from before, the step
 * due now is sent at once (not the missed ones before it), recorded once per (task, due date, step)
 * (the activity finds a step already in the audit log and sends nothing). Before it the ladder only looked
 * for steps after the run's start, so a task created overdue never escalated. Decided once per run; a
 * recorded history without the marker keeps its ladder as recorded.
 */
export const ESCALATION_CATCH_UP = 'escalation-catch-up';

/**
 * A task that becomes FEASIBLE through a document closes the loop the same way whichever path brought
 * it there: a transition (as before, under NOTIFY_LOCALITIES_WHEN_FEASIBLE), a settlement, or the
 * effective date of a document recorded earlier (its timer now runs on the escalation ladder too).
 * Before it, a settlement and an effective date resolved no obstacle cells and told no locality, and
 * under the ladder a document effective later never made the task FEASIBLE. Asked only when one of
 * those paths is taken, so recorded histories without them replay unchanged.
 */
export const DOCUMENTS_CLOSE_THE_LOOP = 'documents-close-the-loop-on-every-path';

/** Every patch of the current code: what a new run (a start, or a continue-as-new) takes without asking. */
export const TASK_WORKFLOW_PATCHES: readonly string[] = [
  PERSIST_AS_LOCAL_ACTIVITY,
  ESCALATION_LADDER,
  STUCK_TASKS,
  FEASIBLE_ON_EFFECTIVE_DATE,
  MILESTONES_IDEMPOTENT_BY_NAME,
  NOTIFY_LOCALITIES_WHEN_FEASIBLE,
  NOTICES_AS_LOCAL_ACTIVITIES,
  CALENDAR_UPDATES,
  CLOCK_FROM_RUN_START,
  LOST_TAIL_REPAIR,
  DEADLINE_KEPT_ACROSS_BOUNCE,
  ESCALATION_CATCH_UP,
  DOCUMENTS_CLOSE_THE_LOOP,
];

/**
 * One delegated task for its whole life, told as an outline; each part lives in a file of its own:
 *
 * - task-run.ts: the run's state, decided from its input (a new task's definition, or the state
 *   a previous run carried over), and which patches it takes (task-patches.ts);
 * - task-updates.ts: the updates, one row each `{definition, check, apply}`: the check (validator)
 *   refuses bad requests before anything is recorded, apply commits the change;
 * - task-persistence.ts: every accepted change is persisted, in sequence order, before its update
 *   returns; an event refused for good makes the task stuck until an operator repairs it;
 * - task-timers.ts: durable timers send reminders (or climb the escalation ladder) around the due
 *   date, and make a document effective on its day;
 * - task-activities.ts: the activities called, with their timeouts and retries.
 *
 * When the history grows long the run hands its state to a new run (continue-as-new).
 */
import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import { actorName, type Actor, type TaskDefinition, type TaskWorkflowInput } from '../domain/task';
import { stateQuery } from './messages';
import { TASK_WORKFLOW_PATCHES } from './task-patches';
import { noChange, searchAttributesCurrent, startRun, syncSearchAttributes, view, type TaskRun } from './task-run';
import { persistencePipeline, type Persistence } from './task-persistence';
import { taskUpdates } from './task-updates';
import { runTimers } from './task-timers';

export { initialState } from './task-run';

export async function taskWorkflow(input: TaskWorkflowInput): Promise<void> {
  // 1. The state: a new task's, or the one the previous run carried over.
  const run = startRun(input);
  const persistence = persistencePipeline(run);

  // 2. What the task answers: a query, and the updates (checked, then committed and persisted).
  setHandler(stateQuery, () => view(run.state));
  for (const update of taskUpdates(run, persistence)) update.register(persistence);

  // 3. A new task records its creation (the baseline as assessed).
  if (run.state.seq === 0) await recordCreation(run, persistence);

  // 4. Reminders or the escalation ladder, until the history is long enough to hand over.
  await runTimers(run, persistence);

  // 5. Hand over only once every update has finished persisting and every notice is sent, so no
  //    accepted change is lost.
  await condition(() => allHandlersFinished() && persistence.idle());
  await Promise.all(run.notices);
  await continueAsNew<typeof taskWorkflow>({
    state: run.state,
    policy: run.state.policy,
    continueAsNewAfterEvents: input.continueAsNewAfterEvents,
    // The next run runs this code: it takes every patch without asking.
    patchesAtStart: [...TASK_WORKFLOW_PATCHES],
  });
}

/** The CREATED event of a new task, and its search attributes unless its start carried them. */
async function recordCreation(run: TaskRun, persistence: Persistence): Promise<void> {
  const { input } = run;
  // Each upsert is a history event; a start that carried the attributes needs none. The input
  // flag (recorded in the start event) keeps this deterministic for runs started before it.
  if (!input.searchAttributesAtStart || !searchAttributesCurrent(run.state)) syncSearchAttributes(run.state);
  const createdBy: Actor = input.createdBy ?? { kind: 'system' };
  const { code: _code, ...definition } = input.definition as TaskDefinition;
  // The baseline as assessed: `effectiveAt` says since when it has been true (the catalog's status
  // date), `at` when it was recorded; as-of, the trend and the forecast read the first (README, "The catalog").
  const effectiveAt = definition.statusSince ? { effectiveAt: run.state.statusSince } : {};
  await persistence.commit(
    noChange(run.state, 'CREATED', { ...definition, dueDate: run.state.dueDate, ...effectiveAt }),
    actorName(createdBy),
  );
  run.created = true;
}

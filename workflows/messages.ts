import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/working-days';
import type {
  AssignmentInput,
  CalendarChangeResult,
  DeadlineInput,
  DefinitionUpdateInput,
  ExtensionDecisionInput,
  ExtensionRequestInput,
  HoldUpInput,
  LocalityReportInput,
  MilestoneInput,
  RepairResult,
  SettleInput,
  TaskView,
  TransitionInput,
} from '../domain/task';

/** Messages of the task workflow, shared by the workflow, the API and tests. Each update returns the new state. */
export const transitionUpdate = defineUpdate<TaskView, [TransitionInput]>('transition');
export const milestoneUpdate = defineUpdate<TaskView, [MilestoneInput]>('recordMilestone');
export const assignmentUpdate = defineUpdate<TaskView, [AssignmentInput]>('changeAssignment');
export const deadlineUpdate = defineUpdate<TaskView, [DeadlineInput]>('setDeadline');
export const localityReportUpdate = defineUpdate<TaskView, [LocalityReportInput]>('reportLocality');
export const definitionUpdate = defineUpdate<TaskView, [DefinitionUpdateInput]>('updateDefinition');
/** Operators only (npm run tasks:repair): store a stuck task's held event, its text made storable. */
export const repairUpdate = defineUpdate<RepairResult, []>('repairPersistence');
/** A registered document applied to the task (one document settles many tasks); a repeat changes nothing. */
export const settleUpdate = defineUpdate<TaskView, [SettleInput]>('settleByDocument');
/** The lead ministry asks for a later due date; Home Affairs decides. Only approval moves the deadline. */
export const extensionRequestUpdate = defineUpdate<TaskView, [ExtensionRequestInput]>('requestExtension');
export const extensionDecisionUpdate = defineUpdate<TaskView, [ExtensionDecisionInput]>('decideExtension');
/** Held up by another ministry's document (ministry set), or released (ministry null). */
export const holdUpUpdate = defineUpdate<TaskView, [HoldUpInput]>('holdUp');
/**
 * Operators only (npm run calendar:apply): the calendar file changed; the task re-plans on the new
 * calendar (and moves a due date that became a day off). The same version again changes nothing.
 */
export const calendarUpdate = defineUpdate<CalendarChangeResult, [WorkingCalendar]>('calendarChanged');
export const stateQuery = defineQuery<TaskView>('state');
/**
 * Answers once the task's CREATED event is stored (at once for a task that has it). Sent with the
 * start (Update-with-Start), so whoever registers a task learns when it can be read, without polling.
 */
export const createdUpdate = defineUpdate<TaskView, []>('created');

export function taskWorkflowId(code: string): string {
  return `task-${code}`;
}

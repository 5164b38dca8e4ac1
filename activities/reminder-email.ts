import { pageLink } from '../domain/page-links';
import type { ReminderPoint } from '../domain/deadline-policy';
import type { HeldUp, TaskView } from '../domain/task';
import { STATUS_RULES } from '../domain/statuses';

/** Subject and text of a reminder, escalation or overdue notice: which task, what is due, when, and where to look. */
export function reminderEmail(point: ReminderPoint, task: TaskView): { subject: string; text: string } {
  const link = pageLink(task.policy.publicBaseUrl, { page: 'task', code: task.code });
  // What the status asks of its lead ministry (domain/statuses.ts); a task with nothing due gets no reminder.
  const what = STATUS_RULES[task.status].asks?.en ?? 'act on the task';
  let subject: string;
  let opening: string;
  if (point.kind === 'REMINDER') {
    subject = `[${task.code}] Due in ${point.offsetDays} day${point.offsetDays === 1 ? '' : 's'} (${point.dueDate}): ${task.title}`;
    opening = `This is a reminder that delegated task ${task.code} is due on ${point.dueDate}, in ${point.offsetDays} day(s).`;
  } else if (point.kind === 'ESCALATION') {
    subject = `[${task.code}] Deadline reached today (${point.dueDate}), escalated to Home Affairs: ${task.title}`;
    opening = `Delegated task ${task.code} reached its deadline (${point.dueDate}) without being resolved. Home Affairs has been notified.`;
  } else {
    const late = -point.offsetDays;
    subject = `[${task.code}] Overdue by ${late} days (due ${point.dueDate}): ${task.title}`;
    opening = `Delegated task ${task.code} is overdue by ${late} days; it was due on ${point.dueDate}.`;
  }
  const text = [
    opening,
    '',
    `Task:            ${task.code} - ${task.title}`,
    `Sector:          ${task.sector}`,
    `Status:          ${task.status}`,
    `What is needed:  the lead ministry must ${what}`,
    `Lead ministry:   ${task.leadMinistry}`,
    `Focal point:     ${task.focalPoint.name || '(not named)'} ${task.focalPoint.email ? `<${task.focalPoint.email}>` : ''}`.trimEnd(),
    `Due date:        ${point.dueDate} (end of day, Viet Nam time)`,
    '',
    `Details and history: ${link}`,
    '',
    'Sent by the delegated-tasks tracker.',
  ].join('\n');
  return { subject, text };
}

/** The lead ministry's notice that the document its task waited for is registered. */
export function releaseEmail(
  task: TaskView,
  heldUp: HeldUp,
  documentNumber: string,
): { subject: string; text: string } {
  const link = pageLink(task.policy.publicBaseUrl, { page: 'task', code: task.code });
  const subject = `[${task.code}] No longer held up: ${heldUp.ministry} registered ${documentNumber}`;
  const text = [
    `Delegated task ${task.code} was held up by ${heldUp.ministry} (${heldUp.description}).`,
    `${heldUp.ministry} has registered document ${documentNumber}; the task is no longer held up and the lead ministry (${task.leadMinistry}) can go on.`,
    '',
    `Task:            ${task.code} - ${task.title}`,
    `Status:          ${task.status}`,
    `Due date:        ${task.dueDate ?? '(none)'}`,
    '',
    `Details and history: ${link}`,
    '',
    'Sent by the delegated-tasks tracker.',
  ].join('\n');
  return { subject, text };
}

import type { ReminderPoint } from '../domain/deadline-policy';
import type { TaskView } from '../domain/task';

/** Subject and text of a reminder, escalation or overdue notice: which task, what is due, when, and where to look. */
export function reminderEmail(point: ReminderPoint, task: TaskView): { subject: string; text: string } {
  const link = `${task.policy.publicBaseUrl}/api/tasks/${encodeURIComponent(task.code)}`;
  const what =
    task.status === 'REQUIRES_GUIDANCE'
      ? 'issue the legal document or implementation guidance'
      : 'complete the adjustment of authority in law';
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

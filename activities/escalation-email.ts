import { pageLink } from '../domain/page-links';
import type { LadderPoint } from '../domain/escalation-ladder';
import { STATUS_RULES } from '../domain/statuses';
import type { TaskView } from '../domain/task';

const ROLE: Record<LadderPoint['recipient'], { vi: string; en: string }> = {
  'focal-point': { vi: 'đầu mối', en: 'the focal point' },
  'ministry-leadership': { vi: 'lãnh đạo bộ', en: 'the ministry’s leadership' },
  'home-affairs': { vi: 'Bộ Nội vụ', en: 'Home Affairs' },
};

/** Who a step is addressed to by name: the ministry's leadership contact (issue 15). */
export interface Addressee {
  name: string;
  position: string;
}

/** One step of the escalation ladder, Vietnamese first with English below: which task, how late, who is told. */
export function escalationEmail(
  step: LadderPoint,
  task: TaskView,
  addressee?: Addressee,
): { subject: string; text: string } {
  const link = pageLink(task.policy.publicBaseUrl, { page: 'task', code: task.code });
  const named = addressee ? [addressee.name, addressee.position].filter((s) => s.trim() !== '').join(', ') : '';
  const due = task.dueDate ?? '';
  const late = step.afterWorkingDays;
  const subject =
    late === 0
      ? `[${task.code}] Đến hạn hôm nay (${due}) / Deadline reached (${due}): ${task.title}`
      : `[${task.code}] Cảnh báo bậc ${step.index + 1}: quá hạn ${late} ngày làm việc / Escalation step ${step.index + 1}: ${late} working days overdue: ${task.title}`;
  const text = [
    ...(named ? [`Kính gửi ${named},`, ''] : []),
    late === 0
      ? `Nhiệm vụ ${task.code} đã đến hạn (${due}) nhưng chưa được giải quyết. Thông báo gửi ${ROLE[step.recipient].vi}.`
      : `Nhiệm vụ ${task.code} đã quá hạn ${late} ngày làm việc (hạn ${due}). Cảnh báo bậc ${step.index + 1} gửi ${ROLE[step.recipient].vi}.`,
    `Nhiệm vụ: ${task.code} - ${task.title}`,
    `Trạng thái: ${STATUS_RULES[task.status].vi}`,
    `Bộ chủ trì: ${task.leadMinistry}`,
    `Chi tiết: ${link}`,
    '',
    '----',
    '',
    ...(named ? [`Dear ${named},`, ''] : []),
    late === 0
      ? `Delegated task ${task.code} reached its deadline (${due}) unresolved. This notice goes to ${ROLE[step.recipient].en}.`
      : `Delegated task ${task.code} is ${late} working days past its deadline (${due}). Escalation step ${step.index + 1} goes to ${ROLE[step.recipient].en}.`,
    `Task: ${task.code} - ${task.title}`,
    `Status: ${task.status}`,
    `Lead ministry: ${task.leadMinistry}`,
    `Details and history: ${link}`,
    '',
    'Sent by the delegated-tasks tracker. Escalations are mandatory notices and cannot be unsubscribed.',
  ].join('\n');
  return { subject, text };
}

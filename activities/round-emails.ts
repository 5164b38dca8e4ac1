import { pageLink } from '../domain/page-links';
import type { RoundPoint } from '../domain/reporting-round';
import { OBSTACLE_CATEGORY_LABELS, type ObstacleCategory } from '../domain/locality-cells';
import type { DocumentRef } from '../domain/task';
import type { LocalityContact } from '../db/reporting-rounds';

/** Vietnamese first, English after: the readers are provincial offices. */
export function roundReminderEmail(roundId: string, point: RoundPoint, locality: LocalityContact, baseUrl: string): { subject: string; text: string } {
  const n = point.offsetWorkingDays;
  return {
    subject: `[${roundId}] Nhắc gửi báo cáo trước ${point.dueDate} (còn ${n} ngày làm việc) / Report due ${point.dueDate} (${n} working day${n === 1 ? '' : 's'} left)`,
    text: [
      `Kính gửi ${locality.name},`,
      `Đợt báo cáo ${roundId}: địa phương chưa gửi báo cáo về tình hình thực hiện các nhiệm vụ được phân cấp. Hạn gửi: ${point.dueDate}.`,
      '',
      `To ${locality.name}: your report for round ${roundId} has not been received. It is due on ${point.dueDate} (end of day, Viet Nam time), in ${n} working day(s).`,
      '',
      `Your tasks and cells: ${pageLink(baseUrl, { page: 'locality' })}`,
      '',
      'Sent by the delegated-tasks tracker.',
    ].join('\n'),
  };
}

export function roundEscalationEmail(roundId: string, dueDate: string, missing: LocalityContact[], total: number, baseUrl: string): { subject: string; text: string } {
  return {
    subject: `[${roundId}] Đến hạn: ${missing.length}/${total} địa phương chưa báo cáo / Due today: ${missing.length} of ${total} localities have not reported`,
    text: [
      `Round ${roundId} reached its due date (${dueDate}). ${total - missing.length} of ${total} localities have reported.`,
      '',
      'Not reported / Chưa báo cáo:',
      ...missing.map((l) => `  ${l.code}  ${l.name}`),
      '',
      `Extend or close the round: ${pageLink(baseUrl, { page: 'rounds' })}`,
      '',
      'Sent by the delegated-tasks tracker.',
    ].join('\n'),
  };
}

export function obstacleResolvedEmail(
  task: { code: string; title: string },
  document: DocumentRef,
  cell: { locality: string; localityName: string; category: string | null; text: string },
  baseUrl: string,
): { subject: string; text: string } {
  const category = cell.category ? (OBSTACLE_CATEGORY_LABELS[cell.category as ObstacleCategory]?.en ?? cell.category) : '';
  return {
    subject: `[${task.code}] Đã ban hành văn bản ${document.number} / Document ${document.number} issued: ${task.title}`,
    text: [
      `Kính gửi ${cell.localityName},`,
      `Nhiệm vụ ${task.code} mà địa phương đã báo cáo vướng mắc nay đã có văn bản ${document.number} (ban hành ${document.issuedOn}).`,
      '',
      `To ${cell.localityName}: you reported an obstacle on task ${task.code} (${category}: ${cell.text}).`,
      `Document ${document.number}, issued ${document.issuedOn}${document.effectiveOn ? `, effective ${document.effectiveOn}` : ''}, makes the task feasible.`,
      '',
      `Your cell: ${pageLink(baseUrl, { page: 'locality' })}`,
      '',
      'Sent by the delegated-tasks tracker.',
    ].join('\n'),
  };
}

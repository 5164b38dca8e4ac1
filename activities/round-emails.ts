import { pageLink } from '../domain/page-links';
import type { RoundPoint } from '../domain/reporting-round';
import { OBSTACLE_CATEGORY_LABELS, type ObstacleCategory } from '../domain/locality-cells';
import type { DocumentRef } from '../domain/task';
import type { LocalityContact } from '../db/reporting-rounds';

/** Vietnamese first, English after: the readers are provincial offices. */
export function roundReminderEmail(
  roundId: string,
  point: RoundPoint,
  locality: LocalityContact,
  baseUrl: string,
): { subject: string; text: string } {
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

/** A round has opened: the locality is asked for its report by the due date. */
export function roundOpenedEmail(
  roundId: string,
  dueDate: string,
  locality: LocalityContact,
  baseUrl: string,
): { subject: string; text: string } {
  return {
    subject: `[${roundId}] Mở đợt báo cáo, hạn ${dueDate} / Reporting round opened, report due ${dueDate}`,
    text: [
      `Kính gửi ${locality.name},`,
      `Bộ Nội vụ mở đợt báo cáo ${roundId} về tình hình thực hiện các nhiệm vụ được phân cấp. Đề nghị địa phương gửi báo cáo trước hết ngày ${dueDate}.`,
      `Báo cáo trên trang của địa phương: ${pageLink(baseUrl, { page: 'locality' })}`,
      '',
      `To ${locality.name}: Home Affairs has opened reporting round ${roundId}. Please send your report on the delegated tasks by ${dueDate} (end of day, Viet Nam time).`,
      `Report on your locality's page: ${pageLink(baseUrl, { page: 'locality' })}`,
      '',
      'Sent by the delegated-tasks tracker.',
    ].join('\n'),
  };
}

/** Home Affairs asked, now, the localities that have not reported to send their report. */
export function roundChaseEmail(
  roundId: string,
  dueDate: string,
  locality: LocalityContact,
  baseUrl: string,
): { subject: string; text: string } {
  return {
    subject: `[${roundId}] Bộ Nội vụ đề nghị gửi báo cáo (hạn ${dueDate}) / Home Affairs asks for your report (due ${dueDate})`,
    text: [
      `Kính gửi ${locality.name},`,
      `Bộ Nội vụ chưa nhận được báo cáo của địa phương trong đợt ${roundId} (hạn ${dueDate}) và đề nghị địa phương gửi báo cáo ngay.`,
      `Báo cáo trên trang của địa phương: ${pageLink(baseUrl, { page: 'locality' })}`,
      '',
      `To ${locality.name}: Home Affairs has not received your report for round ${roundId} (due ${dueDate}) and asks you to send it now.`,
      `Report on your locality's page: ${pageLink(baseUrl, { page: 'locality' })}`,
      '',
      'Sent by the delegated-tasks tracker.',
    ].join('\n'),
  };
}

export function roundEscalationEmail(
  roundId: string,
  dueDate: string,
  missing: LocalityContact[],
  total: number,
  baseUrl: string,
): { subject: string; text: string } {
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
  const category = cell.category
    ? (OBSTACLE_CATEGORY_LABELS[cell.category as ObstacleCategory]?.en ?? cell.category)
    : '';
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

/**
 * The e-mails of a reporting round and of closing the loop, to provincial offices: Vietnamese first
 * (domain/mail.ts, the one language policy), localities by their Vietnamese names, dd/mm/yyyy.
 */
import {
  composeMail,
  mailDate,
  nameIn,
  type BothNames,
  type ComposedMail,
  type Lang,
  type MailLanguage,
} from '../domain/mail';
import { pageLink } from '../domain/page-links';
import type { RoundPoint } from '../domain/reporting-round';
import { OBSTACLE_CATEGORY_LABELS, type ObstacleCategory } from '../domain/locality-cells';
import type { DocumentRef } from '../domain/task';
import type { LocalityContact } from '../db/reporting-rounds';

/** Names in both languages and the recipient's language. */
export interface PlaceMailFacts {
  locality(code: string): BothNames | undefined;
  language: MailLanguage;
}

const localityLink = (baseUrl: string, lang: Lang) => ({
  link: pageLink(baseUrl, { page: 'locality' }),
  label: lang === 'vi' ? 'Báo cáo trên trang của địa phương' : "Report on your locality's page",
});

const placeName = (l: { code: string; name: string }, facts: PlaceMailFacts, lang: Lang) =>
  nameIn(facts.locality(l.code), lang, l.name);

/** The round's scheduled reminder to a locality that has not reported. */
export function roundReminderEmail(
  roundId: string,
  point: RoundPoint,
  locality: LocalityContact,
  baseUrl: string,
  facts: PlaceMailFacts,
): ComposedMail {
  const n = point.offsetWorkingDays;
  const due = mailDate(point.dueDate);
  return composeMail(
    {
      tag: roundId,
      subject: {
        vi: `Nhắc gửi báo cáo trước ${due} (còn ${n} ngày làm việc)`,
        en: `Report due ${due} (${n} working day${n === 1 ? '' : 's'} left)`,
      },
      parts: {
        vi: [
          { p: `Kính gửi ${placeName(locality, facts, 'vi')},` },
          {
            p: `Đợt báo cáo ${roundId}: địa phương chưa gửi báo cáo về tình hình thực hiện các nhiệm vụ được phân cấp. Hạn gửi: hết ngày ${due} (còn ${n} ngày làm việc).`,
          },
          localityLink(baseUrl, 'vi'),
        ],
        en: [
          { p: `To ${placeName(locality, facts, 'en')},` },
          {
            p: `Your report for round ${roundId} has not been received. It is due on ${due} (end of day, Viet Nam time), in ${n} working day(s).`,
          },
          localityLink(baseUrl, 'en'),
        ],
      },
    },
    facts.language,
  );
}

/** A round has opened: the locality is asked for its report by the due date. */
export function roundOpenedEmail(
  roundId: string,
  dueDate: string,
  locality: LocalityContact,
  baseUrl: string,
  facts: PlaceMailFacts,
): ComposedMail {
  const due = mailDate(dueDate);
  return composeMail(
    {
      tag: roundId,
      subject: { vi: `Mở đợt báo cáo, hạn ${due}`, en: `Reporting round opened, report due ${due}` },
      parts: {
        vi: [
          { p: `Kính gửi ${placeName(locality, facts, 'vi')},` },
          {
            p: `Bộ Nội vụ mở đợt báo cáo ${roundId} về tình hình thực hiện các nhiệm vụ được phân cấp. Đề nghị địa phương gửi báo cáo trước hết ngày ${due}.`,
          },
          localityLink(baseUrl, 'vi'),
        ],
        en: [
          { p: `To ${placeName(locality, facts, 'en')},` },
          {
            p: `Home Affairs has opened reporting round ${roundId}. Please send your report on the delegated tasks by ${due} (end of day, Viet Nam time).`,
          },
          localityLink(baseUrl, 'en'),
        ],
      },
    },
    facts.language,
  );
}

/** Home Affairs asked, now ("remind now"), the localities that have not reported to send their report. */
export function roundChaseEmail(
  roundId: string,
  dueDate: string,
  locality: LocalityContact,
  baseUrl: string,
  facts: PlaceMailFacts,
): ComposedMail {
  const due = mailDate(dueDate);
  return composeMail(
    {
      tag: roundId,
      subject: {
        vi: `Bộ Nội vụ đề nghị gửi báo cáo (hạn ${due})`,
        en: `Home Affairs asks for your report (due ${due})`,
      },
      parts: {
        vi: [
          { p: `Kính gửi ${placeName(locality, facts, 'vi')},` },
          {
            p: `Bộ Nội vụ chưa nhận được báo cáo của địa phương trong đợt ${roundId} (hạn ${due}) và đề nghị địa phương gửi báo cáo ngay.`,
          },
          localityLink(baseUrl, 'vi'),
        ],
        en: [
          { p: `To ${placeName(locality, facts, 'en')},` },
          {
            p: `Home Affairs has not received your report for round ${roundId} (due ${due}) and asks you to send it now.`,
          },
          localityLink(baseUrl, 'en'),
        ],
      },
    },
    facts.language,
  );
}

/** To Home Affairs at the round's due date: who has not reported. */
export function roundEscalationEmail(
  roundId: string,
  dueDate: string,
  missing: LocalityContact[],
  total: number,
  baseUrl: string,
  facts: PlaceMailFacts,
): ComposedMail {
  const due = mailDate(dueDate);
  const reported = total - missing.length;
  const rounds = (lang: Lang) => ({
    link: pageLink(baseUrl, { page: 'rounds' }),
    label: lang === 'vi' ? 'Gia hạn hoặc kết thúc đợt' : 'Extend or close the round',
  });
  return composeMail(
    {
      tag: roundId,
      subject: {
        vi: `Đến hạn: ${missing.length}/${total} địa phương chưa báo cáo`,
        en: `Due today: ${missing.length} of ${total} localities have not reported`,
      },
      parts: {
        vi: [
          { p: `Đợt báo cáo ${roundId} đã đến hạn (${due}). ${reported}/${total} địa phương đã báo cáo.` },
          { heading: 'Chưa báo cáo' },
          { list: missing.map((l) => `${l.code} ${placeName(l, facts, 'vi')}`) },
          rounds('vi'),
        ],
        en: [
          { p: `Round ${roundId} reached its due date (${due}). ${reported} of ${total} localities have reported.` },
          { heading: 'Not reported' },
          { list: missing.map((l) => `${l.code} ${placeName(l, facts, 'en')}`) },
          rounds('en'),
        ],
      },
    },
    facts.language,
  );
}

/** Closing the loop: the document a locality's obstacle waited for is issued. */
export function obstacleResolvedEmail(
  task: { code: string; title: string; titleEn?: string },
  document: DocumentRef,
  cell: { locality: string; localityName: string; category: string | null; text: string },
  baseUrl: string,
  facts: PlaceMailFacts,
): ComposedMail {
  const label = cell.category ? OBSTACLE_CATEGORY_LABELS[cell.category as ObstacleCategory] : undefined;
  const category = (lang: Lang) => (label ? label[lang] : (cell.category ?? ''));
  const place = (lang: Lang) => nameIn(facts.locality(cell.locality), lang, cell.localityName);
  const issued = mailDate(document.issuedOn);
  const effective = mailDate(document.effectiveOn);
  const cellLink = (lang: Lang) => ({
    link: pageLink(baseUrl, { page: 'locality' }),
    label: lang === 'vi' ? 'Ô báo cáo của địa phương' : 'Your cell',
  });
  return composeMail(
    {
      tag: task.code,
      subject: {
        vi: `Đã ban hành văn bản ${document.number}: ${task.title}`,
        en: `Document ${document.number} issued: ${task.titleEn || task.title}`,
      },
      parts: {
        vi: [
          { p: `Kính gửi ${place('vi')},` },
          {
            p: `Nhiệm vụ ${task.code} (${task.title}) mà địa phương đã báo cáo vướng mắc (${category('vi')}: ${cell.text}) nay đã có văn bản ${document.number}, ban hành ngày ${issued}${effective ? `, có hiệu lực từ ${effective}` : ''}.`,
          },
          cellLink('vi'),
        ],
        en: [
          { p: `To ${place('en')},` },
          {
            p: `You reported an obstacle on task ${task.code} (${task.titleEn || task.title}; ${category('en')}: ${cell.text}). Document ${document.number}, issued ${issued}${effective ? `, effective ${effective}` : ''}, makes the task feasible.`,
          },
          cellLink('en'),
        ],
      },
    },
    facts.language,
  );
}

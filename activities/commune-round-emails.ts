/**
 * The e-mails of a commune-level round (issue 26), to each commune's focal point: Vietnamese first
 * (domain/mail.ts, the one language policy), the commune and its province by their Vietnamese names,
 * dd/mm/yyyy, and a link that signs the focal point in and opens the commune's page (never the API).
 */
import { composeMail, mailDate, nameIn, type ComposedMail, type Lang } from '../domain/mail';
import { pageLink } from '../domain/page-links';
import type { CommuneContact } from '../db/reporting-rounds';
import type { PlaceMailFacts } from './round-emails';

/** Which message of the chase: the round's opening, or a reminder so many working days before the due date. */
export type CommuneChase = { kind: 'OPENED' } | { kind: 'REMINDER'; offsetWorkingDays: number };

const communeLink = (baseUrl: string, code: string, lang: Lang) => ({
  link: pageLink(baseUrl, { page: 'commune-sign-in', code }),
  label: lang === 'vi' ? 'Đăng nhập và xem trang của xã/phường' : "Sign in to your commune's page",
});

/** One commune's notice of a commune round: it opened, or a reminder that its report has not arrived. */
export function communeRoundEmail(
  roundId: string,
  dueDate: string,
  chase: CommuneChase,
  commune: CommuneContact,
  baseUrl: string,
  facts: PlaceMailFacts,
): ComposedMail {
  const due = mailDate(dueDate);
  const province = (lang: Lang) => nameIn(facts.locality(commune.locality), lang, commune.locality);
  const n = chase.kind === 'REMINDER' ? chase.offsetWorkingDays : 0;
  return composeMail(
    {
      tag: roundId,
      subject:
        chase.kind === 'OPENED'
          ? {
              vi: `Mở đợt báo cáo cấp xã, hạn ${due}: ${commune.name}`,
              en: `Commune reporting round opened, report due ${due}: ${commune.name}`,
            }
          : {
              vi: `Nhắc ${commune.name} gửi báo cáo trước ${due} (còn ${n} ngày làm việc)`,
              en: `${commune.name}: report due ${due} (${n} working day${n === 1 ? '' : 's'} left)`,
            },
      parts: {
        vi: [
          { p: `Kính gửi Ủy ban nhân dân ${commune.name} (${province('vi')}),` },
          {
            p:
              chase.kind === 'OPENED'
                ? `Bộ Nội vụ mở đợt báo cáo ${roundId} về tình hình thực hiện các nhiệm vụ được phân cấp ở cấp xã. Đề nghị xã/phường gửi báo cáo trước hết ngày ${due}.`
                : `Đợt báo cáo ${roundId}: xã/phường chưa gửi báo cáo về tình hình thực hiện các nhiệm vụ được phân cấp. Hạn gửi: hết ngày ${due} (còn ${n} ngày làm việc).`,
          },
          communeLink(baseUrl, commune.code, 'vi'),
        ],
        en: [
          { p: `To the People's Committee of ${commune.name} (${province('en')}),` },
          {
            p:
              chase.kind === 'OPENED'
                ? `Home Affairs has opened commune-level reporting round ${roundId}. Please send your commune's report on the delegated tasks by ${due} (end of day, Viet Nam time).`
                : `Your commune's report for round ${roundId} has not been received. It is due on ${due} (end of day, Viet Nam time), in ${n} working day(s).`,
          },
          communeLink(baseUrl, commune.code, 'en'),
        ],
      },
    },
    facts.language,
  );
}

/** At the due date of a commune round: one message to Home Affairs, how many communes have not reported, by province. */
export function communeRoundEscalationEmail(
  roundId: string,
  dueDate: string,
  provinces: { locality: string; reported: number; total: number }[],
  baseUrl: string,
  facts: PlaceMailFacts,
): ComposedMail {
  const due = mailDate(dueDate);
  const total = provinces.reduce((n, p) => n + p.total, 0);
  const missing = provinces.reduce((n, p) => n + p.total - p.reported, 0);
  const lagging = provinces.filter((p) => p.reported < p.total);
  const line = (lang: Lang) =>
    lagging
      .map((p) => `${nameIn(facts.locality(p.locality), lang, p.locality)}: ${p.total - p.reported}/${p.total}`)
      .join('; ');
  const link = (lang: Lang) => ({
    link: pageLink(baseUrl, { page: 'rounds' }),
    label: lang === 'vi' ? 'Xem các đợt báo cáo' : 'See the reporting rounds',
  });
  return composeMail(
    {
      tag: roundId,
      subject: {
        vi: `Đến hạn ${due}: ${missing} trên ${total} xã/phường chưa báo cáo`,
        en: `Due ${due}: ${missing} of ${total} communes have not reported`,
      },
      parts: {
        vi: [
          {
            p: `Đợt báo cáo cấp xã ${roundId} đến hạn ngày ${due}: ${missing} trên ${total} xã/phường chưa gửi báo cáo.`,
          },
          ...(lagging.length > 0 ? [{ p: `Chưa báo cáo theo tỉnh, thành phố: ${line('vi')}.` }] : []),
          link('vi'),
        ],
        en: [
          { p: `Commune round ${roundId} was due on ${due}: ${missing} of ${total} communes have not reported.` },
          ...(lagging.length > 0 ? [{ p: `Not reported, by province: ${line('en')}.` }] : []),
          link('en'),
        ],
      },
    },
    facts.language,
  );
}

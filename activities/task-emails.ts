/**
 * The e-mails about one task: a reminder before its deadline, the deadline reached, overdue, a step
 * of the escalation ladder, and the release of a hold-up. Laid out and worded by domain/mail.ts (one
 * language policy for every e-mail): Vietnamese first, dd/mm/yyyy, ministries by name, page links.
 */
import type { ReminderPoint } from '../domain/deadline-policy';
import type { LadderPoint } from '../domain/escalation-ladder';
import { STATUS_EN, STATUS_VI } from '../domain/digest';
import { STATUS_RULES } from '../domain/statuses';
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
import type { HeldUp, TaskView } from '../domain/task';

/** What an e-mail about a task needs beyond the task: names in both languages and the recipients' language. */
export interface TaskMailFacts {
  /** The task's title and sector in both languages (the catalog's title_en, sector_en). */
  title: BothNames;
  sector: BothNames;
  ministry(code: string): BothNames | undefined;
  language: MailLanguage;
}

const LINK_LABEL: Record<Lang, string> = { vi: 'Chi tiết và lịch sử', en: 'Details and history' };

function taskFields(task: TaskView, facts: TaskMailFacts, lang: Lang): [string, string][] {
  const ministry = nameIn(facts.ministry(task.leadMinistry), lang, task.leadMinistry);
  const title = nameIn(facts.title, lang, task.title);
  return lang === 'vi'
    ? [
        ['Nhiệm vụ', `${task.code} - ${title}`],
        ['Lĩnh vực', nameIn(facts.sector, 'vi', task.sector)],
        ['Trạng thái', STATUS_VI[task.status]],
        ['Bộ chủ trì', ministry],
        ['Hạn', task.dueDate ? `${mailDate(task.dueDate)} (hết ngày, giờ Việt Nam)` : 'không có'],
      ]
    : [
        ['Task', `${task.code} - ${title}`],
        ['Sector', nameIn(facts.sector, 'en', task.sector)],
        ['Status', STATUS_EN[task.status]],
        ['Lead ministry', ministry],
        ['Due date', task.dueDate ? `${mailDate(task.dueDate)} (end of day, Viet Nam time)` : 'none'],
      ];
}

const link = (task: TaskView, lang: Lang) => ({
  link: pageLink(task.policy.publicBaseUrl, { page: 'task', code: task.code }),
  label: LINK_LABEL[lang],
});

/** A reminder before the deadline, the deadline reached (escalated to Home Affairs), or overdue. */
export function reminderEmail(point: ReminderPoint, task: TaskView, facts: TaskMailFacts): ComposedMail {
  const due = mailDate(point.dueDate);
  const late = -point.offsetDays;
  // What the status asks of its lead ministry (domain/statuses.ts); a task with nothing due gets no reminder.
  const asks = STATUS_RULES[task.status].asks;
  const whatVi = asks?.vi ?? 'xử lý nhiệm vụ';
  const whatEn = asks?.en ?? 'act on the task';
  const subject =
    point.kind === 'REMINDER'
      ? { vi: `Còn ${point.offsetDays} ngày đến hạn ${due}`, en: `Due in ${point.offsetDays} days (${due})` }
      : point.kind === 'ESCALATION'
        ? {
            vi: `Đến hạn hôm nay (${due}), đã báo Bộ Nội vụ`,
            en: `Deadline reached today (${due}), escalated to Home Affairs`,
          }
        : { vi: `Quá hạn ${late} ngày (hạn ${due})`, en: `Overdue by ${late} days (due ${due})` };
  const opening =
    point.kind === 'REMINDER'
      ? {
          vi: `Nhắc việc: nhiệm vụ ${task.code} đến hạn ngày ${due}, còn ${point.offsetDays} ngày.`,
          en: `This is a reminder that delegated task ${task.code} is due on ${due}, in ${point.offsetDays} day(s).`,
        }
      : point.kind === 'ESCALATION'
        ? {
            vi: `Nhiệm vụ ${task.code} đã đến hạn (${due}) nhưng chưa được giải quyết. Bộ Nội vụ đã được thông báo.`,
            en: `Delegated task ${task.code} reached its deadline (${due}) without being resolved. Home Affairs has been notified.`,
          }
        : {
            vi: `Nhiệm vụ ${task.code} đã quá hạn ${late} ngày (hạn ${due}).`,
            en: `Delegated task ${task.code} is overdue by ${late} days; it was due on ${due}.`,
          };
  return composeMail(
    {
      tag: task.code,
      subject,
      parts: {
        vi: [
          { p: opening.vi },
          { fields: [...taskFields(task, facts, 'vi'), ['Việc cần làm', `bộ chủ trì ${whatVi}`]] },
          link(task, 'vi'),
        ],
        en: [
          { p: opening.en },
          { fields: [...taskFields(task, facts, 'en'), ['What is needed', `the lead ministry must ${whatEn}`]] },
          link(task, 'en'),
        ],
      },
    },
    facts.language,
  );
}

const ROLE: Record<LadderPoint['recipient'], BothNames> = {
  'focal-point': { vi: 'đầu mối', en: 'the focal point' },
  'ministry-leadership': { vi: 'lãnh đạo bộ', en: 'the ministry’s leadership' },
  'home-affairs': { vi: 'Bộ Nội vụ', en: 'Home Affairs' },
};

/** Who a step is addressed to by name: the ministry's leadership contact (issue 15). */
export interface Addressee {
  name: string;
  position: string;
}

/** One step of the escalation ladder: which task, how late, who is told. Escalations cannot be unsubscribed. */
export function escalationEmail(
  step: LadderPoint,
  task: TaskView,
  facts: TaskMailFacts,
  addressee?: Addressee,
): ComposedMail {
  const named = addressee ? [addressee.name, addressee.position].filter((s) => s.trim() !== '').join(', ') : '';
  const due = mailDate(task.dueDate);
  const late = step.afterWorkingDays;
  const n = step.index + 1;
  const subject =
    late === 0
      ? { vi: `Đến hạn hôm nay (${due})`, en: `Deadline reached (${due})` }
      : {
          vi: `Cảnh báo bậc ${n}: quá hạn ${late} ngày làm việc`,
          en: `Escalation step ${n}: ${late} working days overdue`,
        };
  const opening =
    late === 0
      ? {
          vi: `Nhiệm vụ ${task.code} đã đến hạn (${due}) nhưng chưa được giải quyết. Thông báo gửi ${ROLE[step.recipient].vi}.`,
          en: `Delegated task ${task.code} reached its deadline (${due}) unresolved. This notice goes to ${ROLE[step.recipient].en}.`,
        }
      : {
          vi: `Nhiệm vụ ${task.code} đã quá hạn ${late} ngày làm việc (hạn ${due}). Cảnh báo bậc ${n} gửi ${ROLE[step.recipient].vi}.`,
          en: `Delegated task ${task.code} is ${late} working days past its deadline (${due}). Escalation step ${n} goes to ${ROLE[step.recipient].en}.`,
        };
  return composeMail(
    {
      tag: task.code,
      subject,
      parts: {
        vi: [
          ...(named ? [{ p: `Kính gửi ${named},` }] : []),
          { p: opening.vi },
          { fields: taskFields(task, facts, 'vi') },
          link(task, 'vi'),
          { p: 'Thư cảnh báo là thông báo bắt buộc, không thể huỷ nhận.' },
        ],
        en: [
          ...(named ? [{ p: `Dear ${named},` }] : []),
          { p: opening.en },
          { fields: taskFields(task, facts, 'en') },
          link(task, 'en'),
          { p: 'Escalations are mandatory notices and cannot be unsubscribed.' },
        ],
      },
    },
    facts.language,
  );
}

/** The lead ministry's notice that the document its task waited for is registered. */
export function releaseEmail(
  task: TaskView,
  heldUp: HeldUp,
  documentNumber: string,
  facts: TaskMailFacts,
): ComposedMail {
  const by = (lang: Lang) => nameIn(facts.ministry(heldUp.ministry), lang, heldUp.ministry);
  const lead = (lang: Lang) => nameIn(facts.ministry(task.leadMinistry), lang, task.leadMinistry);
  return composeMail(
    {
      tag: task.code,
      subject: {
        vi: `Hết vướng: ${by('vi')} đã ban hành ${documentNumber}`,
        en: `No longer held up: ${by('en')} registered ${documentNumber}`,
      },
      parts: {
        vi: [
          { p: `Nhiệm vụ ${task.code} đang chờ ${by('vi')} (${heldUp.description}).` },
          {
            p: `${by('vi')} đã đăng ký văn bản ${documentNumber}; nhiệm vụ không còn vướng và ${lead('vi')} có thể tiếp tục.`,
          },
          { fields: taskFields(task, facts, 'vi') },
          link(task, 'vi'),
        ],
        en: [
          { p: `Delegated task ${task.code} was held up by ${by('en')} (${heldUp.description}).` },
          {
            p: `${by('en')} has registered document ${documentNumber}; the task is no longer held up and the lead ministry (${lead('en')}) can go on.`,
          },
          { fields: taskFields(task, facts, 'en') },
          link(task, 'en'),
        ],
      },
    },
    facts.language,
  );
}

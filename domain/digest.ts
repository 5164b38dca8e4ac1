/**
 * The digests' content: one e-mail a day per focal point listing all their open tasks (sent only
 * when something is due soon, overdue or changed), and Home Affairs' weekly bottleneck digest.
 * Each has a plain-text and an HTML part; Vietnamese comes first with English below it, unless the
 * recipient chose one language. Pure: the activity gathers the facts and sends what this returns.
 */
import { taskView, type RecordedEvent, type TaskAsOf } from './as-of';
import { DAY_MS, vietnamDate } from './dates';
import type { TaskStatus } from './task';
import { byStatus, isOpenStatus } from './statuses';
import { pageLink } from './page-links';

export const DIGEST_LANGUAGES = ['vi+en', 'vi', 'en'] as const;
export type DigestLanguage = (typeof DIGEST_LANGUAGES)[number];

/** The statuses' names in e-mails (domain/statuses.ts). */
export const STATUS_VI: Record<TaskStatus, string> = byStatus((r) => r.vi);
const STATUS_EN: Record<TaskStatus, string> = byStatus((r) => r.enShort);

export interface Bilingual {
  vi: string;
  en: string;
}

/** What an event meant to the focal point, in both languages (null: not worth a line). */
export function describeChange(e: Pick<RecordedEvent, 'kind' | 'details'>): Bilingual | null {
  const d = e.details;
  switch (e.kind) {
    case 'CREATED':
      return { vi: 'Nhiệm vụ mới được giao', en: 'Task newly registered' };
    case 'TRANSITION': {
      const to = d.to as TaskStatus;
      return {
        vi: `Chuyển trạng thái: ${STATUS_VI[to] ?? String(d.to)}`,
        en: `Status changed to ${STATUS_EN[to] ?? String(d.to)}`,
      };
    }
    case 'MILESTONE':
      return { vi: `Ghi nhận tiến độ: ${String(d.name)}`, en: `Milestone recorded: ${String(d.name)}` };
    case 'DEADLINE':
      return { vi: `Hạn mới: ${String(d.to)}`, en: `Due date set to ${String(d.to)}` };
    case 'ASSIGNMENT':
      return { vi: 'Thay đổi phân công', en: 'Assignment changed' };
    case 'LOCALITY_REPORT':
      return d.kind === 'OBSTACLE'
        ? {
            vi: `Địa phương ${String(d.locality)} báo cáo vướng mắc`,
            en: `Locality ${String(d.locality)} reported an obstacle`,
          }
        : {
            vi: `Địa phương ${String(d.locality)} báo cáo thực hiện được`,
            en: `Locality ${String(d.locality)} reported it workable`,
          };
    case 'DEFINITION_UPDATED':
      return { vi: 'Cập nhật nội dung nhiệm vụ', en: 'Task description updated' };
    case 'ESCALATION_STEP':
      return {
        vi: `Cảnh báo bậc ${Number(d.step) + 1} gửi ${String(d.recipient)}`,
        en: `Escalation step ${Number(d.step) + 1} sent to ${String(d.recipient)}`,
      };
    default:
      return null;
  }
}

export interface DigestTask {
  code: string;
  title: string;
  status: TaskStatus;
  dueDate: string | null;
  daysOverdue: number;
  /** Days until the due date (0: due today), null without one. */
  dueInDays: number | null;
  /** What changed since the previous digest period began. */
  changes: Bilingual[];
}

export interface FocalPointDigestInput {
  recipient: { name: string; email: string };
  /** The day of the digest, YYYY-MM-DD (Viet Nam). */
  date: string;
  tasks: DigestTask[];
  baseUrl: string;
  language: DigestLanguage;
  /** Tasks due within this many days count as "due". */
  dueSoonDays: number;
  /** Where the recipient changes language or unsubscribes. */
  links?: MailLinks;
}

/** The links at the foot of a digest: the preferences page (signed in) and the one-purpose unsubscribe link (no sign-in). */
export interface MailLinks {
  preferencesUrl: string;
  unsubscribeUrl: string;
}

/** The digests' closing line about preferences, in one language. */
export function preferencesLine(links: MailLinks | undefined, lang: 'vi' | 'en'): string {
  if (!links) return '';
  return lang === 'vi'
    ? `Đổi ngôn ngữ, tuỳ chọn nhận thư (sau khi đăng nhập): ${links.preferencesUrl} . Huỷ nhận thư tổng hợp (không cần đăng nhập): ${links.unsubscribeUrl}`
    : `Change language or preferences (after signing in): ${links.preferencesUrl} . Unsubscribe from digests (no sign-in needed): ${links.unsubscribeUrl}`;
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The task's page (readable without signing in; the API's JSON needs a token). */
const taskLink = (baseUrl: string, code: string) => pageLink(baseUrl, { page: 'task', code });

function whenDue(t: DigestTask, lang: 'vi' | 'en'): string {
  if (!t.dueDate) return lang === 'vi' ? 'không có hạn' : 'no due date';
  if (t.daysOverdue > 0)
    return lang === 'vi'
      ? `quá hạn ${t.daysOverdue} ngày (hạn ${t.dueDate})`
      : `overdue by ${t.daysOverdue} day(s) (due ${t.dueDate})`;
  if (t.dueInDays === 0) return lang === 'vi' ? `đến hạn hôm nay (${t.dueDate})` : `due today (${t.dueDate})`;
  return lang === 'vi' ? `hạn ${t.dueDate}, còn ${t.dueInDays} ngày` : `due ${t.dueDate}, in ${t.dueInDays} day(s)`;
}

/** Overdue first (most overdue first), then by due date, then by code. */
function digestOrder(a: DigestTask, b: DigestTask): number {
  return (
    b.daysOverdue - a.daysOverdue ||
    (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') ||
    a.code.localeCompare(b.code)
  );
}

/** Whether today's digest should go out at all: something due soon, overdue or changed. */
export function digestIsDue(tasks: DigestTask[], dueSoonDays: number): boolean {
  return tasks.some(
    (t) => t.daysOverdue > 0 || (t.dueInDays !== null && t.dueInDays <= dueSoonDays) || t.changes.length > 0,
  );
}

/** The focal point's daily digest, or null when there is nothing to say. */
export function composeFocalPointDigest(input: FocalPointDigestInput): ComposedMail | null {
  const { tasks, dueSoonDays } = input;
  if (!digestIsDue(tasks, dueSoonDays)) return null;
  const sorted = [...tasks].sort(digestOrder);
  const overdue = sorted.filter((t) => t.daysOverdue > 0).length;
  const dueSoon = sorted.filter(
    (t) => t.daysOverdue === 0 && t.dueInDays !== null && t.dueInDays <= dueSoonDays,
  ).length;
  const changed = sorted.filter((t) => t.changes.length > 0).length;
  const langs: ('vi' | 'en')[] = input.language === 'vi+en' ? ['vi', 'en'] : [input.language];

  const heading: Record<'vi' | 'en', string> = {
    vi: `Tổng hợp nhiệm vụ ngày ${input.date}: ${sorted.length} nhiệm vụ, ${overdue} quá hạn, ${dueSoon} sắp đến hạn (${dueSoonDays} ngày), ${changed} có thay đổi.`,
    en: `Task digest for ${input.date}: ${sorted.length} task(s), ${overdue} overdue, ${dueSoon} due within ${dueSoonDays} days, ${changed} changed.`,
  };
  const greeting: Record<'vi' | 'en', string> = {
    vi: `Kính gửi ${input.recipient.name || input.recipient.email},`,
    en: `Dear ${input.recipient.name || input.recipient.email},`,
  };
  const statusName = (s: TaskStatus, lang: 'vi' | 'en') => (lang === 'vi' ? STATUS_VI[s] : STATUS_EN[s]);
  const footer: Record<'vi' | 'en', string> = {
    vi: `Thư này thay cho các thư nhắc riêng lẻ theo từng nhiệm vụ. Thư cảnh báo khi quá hạn vẫn được gửi ngay. ${preferencesLine(input.links, 'vi')}`.trim(),
    en: `This digest replaces the separate reminder per task. Escalations after a deadline are still sent at once. ${preferencesLine(input.links, 'en')}`.trim(),
  };

  const textParts: string[] = [];
  const htmlParts: string[] = [];
  for (const lang of langs) {
    textParts.push(greeting[lang], '', heading[lang], '');
    htmlParts.push(
      `<section lang="${lang}"><p>${escapeHtml(greeting[lang])}</p><p>${escapeHtml(heading[lang])}</p><ul>`,
    );
    for (const t of sorted) {
      const link = taskLink(input.baseUrl, t.code);
      textParts.push(`- ${t.code} ${t.title}`, `  ${statusName(t.status, lang)}; ${whenDue(t, lang)}`);
      for (const c of t.changes) textParts.push(`  * ${c[lang]}`);
      textParts.push(`  ${link}`);
      htmlParts.push(
        `<li><a href="${escapeHtml(link)}">${escapeHtml(t.code)}</a> ${escapeHtml(t.title)}<br>${escapeHtml(statusName(t.status, lang))}; <strong>${escapeHtml(whenDue(t, lang))}</strong>` +
          (t.changes.length > 0 ? `<ul>${t.changes.map((c) => `<li>${escapeHtml(c[lang])}</li>`).join('')}</ul>` : '') +
          '</li>',
      );
    }
    textParts.push('', footer[lang], '', '----', '');
    htmlParts.push(`</ul><p>${escapeHtml(footer[lang])}</p></section><hr>`);
  }
  const subjectVi = `[Nhiệm vụ phân cấp] ${input.date}: ${overdue} quá hạn, ${dueSoon} sắp đến hạn`;
  const subjectEn = `[Delegated tasks] ${input.date}: ${overdue} overdue, ${dueSoon} due soon`;
  const subject =
    input.language === 'en' ? subjectEn : input.language === 'vi' ? subjectVi : `${subjectVi} / ${subjectEn}`;
  return {
    subject,
    text: textParts.join('\n'),
    html: `<!doctype html><html lang="${langs[0]}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${htmlParts.join('')}</body></html>`,
  };
}

export interface BottleneckDigestInput {
  /** Monday of the week reported, YYYY-MM-DD. */
  weekStart: string;
  total: number;
  open: number;
  overdue: number;
  /** Change in the number of overdue tasks since a week earlier. */
  overdueChange: number;
  overdueByMinistry: { ministry: string; name: string; overdue: number; maxDaysOverdue: number }[];
  atRisk: { code: string; title: string; leadMinistry: string; probabilityLate: number; reasons: Bilingual[] }[];
  baseUrl: string;
  language: DigestLanguage;
  links?: MailLinks;
}

/** Home Affairs' weekly digest of bottlenecks. */
export function composeBottleneckDigest(input: BottleneckDigestInput): ComposedMail {
  const langs: ('vi' | 'en')[] = input.language === 'vi+en' ? ['vi', 'en'] : [input.language];
  const sign = (n: number) => (n > 0 ? `+${n}` : String(n));
  const L = {
    vi: {
      head: `Điểm nghẽn tuần từ ${input.weekStart}: ${input.open} nhiệm vụ chưa hoàn thành trên ${input.total}, ${input.overdue} quá hạn (${sign(input.overdueChange)} so với tuần trước).`,
      byMinistry: 'Quá hạn theo bộ',
      row: (m: BottleneckDigestInput['overdueByMinistry'][number]) =>
        `${m.ministry} ${m.name}: ${m.overdue} quá hạn, lâu nhất ${m.maxDaysOverdue} ngày`,
      atRisk: 'Nhiệm vụ có nguy cơ trễ hạn',
      risk: (p: number) => `nguy cơ ${Math.round(p * 100)}%`,
    },
    en: {
      head: `Bottlenecks for the week of ${input.weekStart}: ${input.open} of ${input.total} tasks open, ${input.overdue} overdue (${sign(input.overdueChange)} on the week before).`,
      byMinistry: 'Overdue by ministry',
      row: (m: BottleneckDigestInput['overdueByMinistry'][number]) =>
        `${m.ministry} ${m.name}: ${m.overdue} overdue, oldest ${m.maxDaysOverdue} days`,
      atRisk: 'Tasks at risk of missing their deadline',
      risk: (p: number) => `${Math.round(p * 100)}% risk`,
    },
  };
  const text: string[] = [];
  const html: string[] = [];
  for (const lang of langs) {
    const l = L[lang];
    text.push(
      l.head,
      '',
      `${l.byMinistry}:`,
      ...input.overdueByMinistry.map((m) => `- ${l.row(m)}`),
      '',
      `${l.atRisk}:`,
    );
    html.push(`<section lang="${lang}"><p>${escapeHtml(l.head)}</p><h2>${escapeHtml(l.byMinistry)}</h2><ul>`);
    html.push(
      ...input.overdueByMinistry.map((m) => `<li>${escapeHtml(l.row(m))}</li>`),
      `</ul><h2>${escapeHtml(l.atRisk)}</h2><ul>`,
    );
    for (const t of input.atRisk) {
      const link = taskLink(input.baseUrl, t.code);
      text.push(
        `- ${t.code} (${t.leadMinistry}) ${t.title}: ${l.risk(t.probabilityLate)}`,
        ...t.reasons.map((r) => `  * ${r[lang]}`),
        `  ${link}`,
      );
      html.push(
        `<li><a href="${escapeHtml(link)}">${escapeHtml(t.code)}</a> (${escapeHtml(t.leadMinistry)}) ${escapeHtml(t.title)}: <strong>${escapeHtml(l.risk(t.probabilityLate))}</strong>` +
          `<ul>${t.reasons.map((r) => `<li>${escapeHtml(r[lang])}</li>`).join('')}</ul></li>`,
      );
    }
    const prefs = preferencesLine(input.links, lang);
    text.push('', prefs, '----', '');
    html.push(`</ul>${prefs ? `<p>${escapeHtml(prefs)}</p>` : ''}</section><hr>`);
  }
  const subjectVi = `[Nhiệm vụ phân cấp] Điểm nghẽn tuần ${input.weekStart}: ${input.overdue} quá hạn`;
  const subjectEn = `[Delegated tasks] Bottlenecks, week of ${input.weekStart}: ${input.overdue} overdue`;
  const subject =
    input.language === 'en' ? subjectEn : input.language === 'vi' ? subjectVi : `${subjectVi} / ${subjectEn}`;
  return {
    subject,
    text: text.join('\n'),
    html: `<!doctype html><html lang="${langs[0]}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${html.join('')}</body></html>`,
  };
}

export interface RecipientDigest {
  recipient: { name: string; email: string };
  tasks: DigestTask[];
}

/**
 * Each focal point's digest lines at `nowMs`: all their open tasks, plus any task of theirs that
 * changed in [fromMs, toMs) (a task just made feasible still shows once, with what changed).
 * Recipients are the focal points' e-mail addresses, lower-cased.
 */
export function digestsByRecipient(
  tasks: Iterable<TaskAsOf>,
  events: RecordedEvent[],
  changedIn: { fromMs: number; toMs: number },
  nowMs: number,
): Map<string, RecipientDigest> {
  const changes = new Map<string, Bilingual[]>();
  for (const e of events) {
    const at = Date.parse(e.at);
    if (at < changedIn.fromMs || at >= changedIn.toMs) continue;
    const line = describeChange(e);
    if (!line) continue;
    const list = changes.get(e.taskCode) ?? [];
    list.push(line);
    changes.set(e.taskCode, list);
  }
  const today = Date.parse(`${vietnamDate(nowMs)}T00:00:00Z`);
  const out = new Map<string, RecipientDigest>();
  for (const t of tasks) {
    const email = t.focalPoint.email.toLowerCase();
    const changed = changes.get(t.code) ?? [];
    if (!email || (!isOpenStatus(t.status) && changed.length === 0)) continue;
    const v = taskView(t, nowMs);
    let entry = out.get(email);
    if (!entry) out.set(email, (entry = { recipient: { name: t.focalPoint.name, email }, tasks: [] }));
    entry.tasks.push({
      code: t.code,
      title: t.title,
      status: t.status,
      dueDate: isOpenStatus(t.status) ? t.dueDate : null,
      daysOverdue: v.daysOverdue,
      dueInDays:
        !isOpenStatus(t.status) || !t.dueDate
          ? null
          : Math.round((Date.parse(`${t.dueDate}T00:00:00Z`) - today) / DAY_MS),
      changes: changed,
    });
  }
  return out;
}

/**
 * The one language policy and the one layout of every e-mail the tracker sends (issues 24 and 25):
 * reminders, escalation steps, digests, round notices, closing the loop, hold-up releases and the
 * sign-in link. Vietnamese first with English below, unless the recipient chose one language
 * (`/preferences`); dates dd/mm/yyyy; ministries and localities by their Vietnamese names in the
 * Vietnamese part; a subject that sorts (the task code or round first, then what happened); a text
 * part and an HTML part built from the same blocks; links to pages only (domain/page-links.ts).
 * Pure: the activities gather the facts and send what this returns.
 */
import { vietnameseDate } from './dates';

/** What a recipient may choose: both languages (Vietnamese first), or one. */
export const MAIL_LANGUAGES = ['vi+en', 'vi', 'en'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];
export type Lang = 'vi' | 'en';

/** A recipient's stored choice, or the default (both, Vietnamese first). */
export function mailLanguage(preference: string | null | undefined): MailLanguage {
  return (MAIL_LANGUAGES as readonly string[]).includes(preference ?? '') ? (preference as MailLanguage) : 'vi+en';
}

/**
 * The language of a message to several people: their common choice, else both (Vietnamese first).
 * A recipient who chose nothing counts as the default.
 */
export function commonMailLanguage(preferences: (string | null | undefined)[]): MailLanguage {
  const chosen = new Set(preferences.map(mailLanguage));
  return chosen.size === 1 ? [...chosen][0]! : 'vi+en';
}

/** The parts of a message, in order. */
export function languagesOf(language: MailLanguage): Lang[] {
  return language === 'vi+en' ? ['vi', 'en'] : [language];
}

/** A calendar date (YYYY-MM-DD) or an instant (ISO) as dd/mm/yyyy, in both parts; '' for none. */
export function mailDate(value: string | null | undefined): string {
  return value ? vietnameseDate(value.slice(0, 10)) : '';
}

/** A name in both languages (reference data: nameVi and name). */
export interface BothNames {
  vi: string;
  en: string;
}

/** The name for a part: Vietnamese in the Vietnamese part, English in the English one (the other when one is missing). */
export function nameIn(names: BothNames | undefined, lang: Lang, fallback = ''): string {
  if (!names) return fallback;
  return (lang === 'vi' ? names.vi || names.en : names.en || names.vi) || fallback;
}

/** One block of a message part. */
export type MailBlock =
  | { p: string }
  | { heading: string }
  /** Label and value, one a line. */
  | { fields: [string, string][] }
  | { list: string[] }
  /** A page of the tracker (never the API): shown as its label and address. */
  | { link: string; label: string };

export interface MailDraft {
  /** What the subject starts with, in brackets: a task code, a round, or what the message is. */
  tag: string;
  subject: Record<Lang, string>;
  parts: Record<Lang, MailBlock[]>;
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

export const PART_SEPARATOR = '----';

export const FOOTER: Record<Lang, string> = {
  vi: 'Thư gửi từ hệ thống theo dõi nhiệm vụ phân cấp.',
  en: 'Sent by the delegated-tasks tracker.',
};

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** `[tag] Vietnamese / English`, or one language when the recipient chose one. */
export function mailSubject(tag: string, subject: Record<Lang, string>, language: MailLanguage): string {
  const text = languagesOf(language)
    .map((l) => subject[l])
    .join(' / ');
  return tag ? `[${tag}] ${text}` : text;
}

function blockText(b: MailBlock): string[] {
  if ('p' in b) return [b.p];
  if ('heading' in b) return [`${b.heading}:`];
  if ('fields' in b) {
    const width = Math.max(...b.fields.map(([k]) => k.length)) + 2;
    return b.fields.map(([k, v]) => `${`${k}:`.padEnd(width)}${v}`);
  }
  if ('list' in b) return b.list.map((i) => `- ${i}`);
  return [`${b.label}: ${b.link}`];
}

function blockHtml(b: MailBlock): string {
  if ('p' in b) return `<p>${escapeHtml(b.p)}</p>`;
  if ('heading' in b) return `<h2>${escapeHtml(b.heading)}</h2>`;
  if ('fields' in b)
    return `<table>${b.fields.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`;
  if ('list' in b) return `<ul>${b.list.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  return `<p><a href="${escapeHtml(b.link)}">${escapeHtml(b.label)}</a></p>`;
}

const STYLE =
  'body{font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a;max-width:42em;margin:1em auto;padding:0 1em}' +
  'h2{font-size:1.05em;margin:1.2em 0 .4em}th{text-align:left;padding:.15em 1em .15em 0;vertical-align:top;font-weight:600}' +
  'p,li{overflow-wrap:anywhere}a{color:#0b4f9c}hr{border:0;border-top:1px solid #bbb;margin:1.5em 0}section[lang=en]{color:#333}.footer{color:#555;font-size:.9em}';

/** The HTML document around the parts (also used by the digests, which build their own sections). */
export function htmlDocument(subject: string, language: MailLanguage, sections: Record<Lang, string>): string {
  const langs = languagesOf(language);
  const body = langs.map((l) => `<section lang="${l}">${sections[l]}</section>`).join('<hr>');
  return `<!doctype html><html lang="${langs[0]}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The subject, the text part and the HTML part of a draft, in the recipient's language(s). */
export function composeMail(draft: MailDraft, language: MailLanguage): ComposedMail {
  const subject = mailSubject(draft.tag, draft.subject, language);
  const langs = languagesOf(language);
  const text = langs
    .map((l) => [...draft.parts[l].flatMap((b) => [...blockText(b), '']), FOOTER[l]].join('\n'))
    .join(`\n\n${PART_SEPARATOR}\n\n`);
  const sections = {
    vi: draft.parts.vi.map(blockHtml).join('') + `<p class="footer">${escapeHtml(FOOTER.vi)}</p>`,
    en: draft.parts.en.map(blockHtml).join('') + `<p class="footer">${escapeHtml(FOOTER.en)}</p>`,
  };
  return { subject, text, html: htmlDocument(subject, language, sections) };
}

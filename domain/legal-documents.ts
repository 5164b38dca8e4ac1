/**
 * Legal documents as records of their own: the number in its Vietnamese form, the kind, the issuing
 * body and the dates. Pure checks shared by the API and the workflows' validators.
 */
import { addDays, isCalendarDate } from './dates';

export const DOCUMENT_KINDS = [
  'LAW',
  'RESOLUTION',
  'ORDINANCE',
  'DECREE',
  'DECISION',
  'DIRECTIVE',
  'CIRCULAR',
  'JOINT_CIRCULAR',
  'PLAN',
  'OFFICIAL_LETTER',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The abbreviation a kind carries in the number's symbol (Decree 10/2025/NĐ-CP, Circular 15/2026/TT-BYT). */
export const KIND_SYMBOLS: Record<string, DocumentKind> = {
  NQ: 'RESOLUTION',
  PL: 'ORDINANCE',
  NĐ: 'DECREE',
  QĐ: 'DECISION',
  CT: 'DIRECTIVE',
  TT: 'CIRCULAR',
  TTLT: 'JOINT_CIRCULAR',
  KH: 'PLAN',
};

/** Issuers above the ministries, by the code their documents carry. */
export const CENTRAL_ISSUERS = ['QH', 'UBTVQH', 'CP', 'TTg'] as const;

/** A registered legal document. Dates are YYYY-MM-DD. */
export interface LegalDocument {
  number: string;
  kind: DocumentKind;
  issuer: string;
  title: string;
  issuedOn: string;
  effectiveOn: string;
  url: string | null;
}

/** The oldest plausible issue date (the Democratic Republic's first laws) and the longest wait before taking effect. */
export const EARLIEST_ISSUE_DATE = '1945-09-02';
const MAX_YEARS_TO_EFFECT = 10;
/** The same span bounds every other date the tracker is given (deadlines, extensions, imported due dates), counted from today. */
const SANE_DAYS_AHEAD = MAX_YEARS_TO_EFFECT * 366;

// number / optional year / symbol: 15/2026/TT-BYT, 10/2025/NĐ-CP, 59/2020/QH14, 1234/BNV-CQĐP
export const DOCUMENT_NUMBER_RE = /^([1-9][0-9]{0,4})\/(?:([0-9]{4})\/)?([A-Za-zĐđ]+[0-9]*(?:-[A-Za-zĐđ0-9]+)*)$/u;

/**
 * Why a document or a date is refused, one name per rule: the API says `message` (English), the pages
 * say the same rule in the reader's language (web/messages/documents.ts), with the same `params`.
 */
export type DocumentRule =
  | 'NUMBER_FORM'
  | 'NOT_A_DATE'
  | 'BEFORE_EARLIEST'
  | 'NOT_ISSUED_YET'
  | 'EFFECTIVE_BEFORE_ISSUED'
  | 'EFFECTIVE_TOO_LATE'
  | 'YEAR_OF_NUMBER'
  | 'BEYOND_WINDOW'
  | 'SYMBOL_ISSUER'
  | 'SYMBOL_KIND'
  | 'UNKNOWN_ISSUER'
  | 'NOT_OWN_DOCUMENT'
  | 'CENTRAL_DOCUMENT'
  | 'REGISTERED_OTHERWISE'
  | 'HOLDER_NOT_ISSUER';

export interface FieldError {
  field: string;
  message: string;
  rule?: DocumentRule;
  params?: Record<string, string>;
}

const refusal = (
  field: string,
  rule: DocumentRule,
  message: string,
  params: Record<string, string> = {},
): FieldError => ({ field, message, rule, params });

/**
 * The form a number is compared in: NFC and upper case, so `42/2026/tt-BYT` and `42/2026/TT-BYT` are
 * one number (the registry's unique key, `legal_documents.number_key`, holds this form).
 */
export function documentNumberKey(number: string): string {
  return number.normalize('NFC').toUpperCase();
}

/** Form of a number: digits, optional year, symbol with the issuer's code. */
export function checkDocumentNumber(number: string, field = 'number'): FieldError | null {
  if (!DOCUMENT_NUMBER_RE.test(number.normalize('NFC'))) {
    return refusal(
      field,
      'NUMBER_FORM',
      'must be in the Vietnamese form number/year/SYMBOL, e.g. 15/2026/TT-BYT or 10/2025/NĐ-CP',
    );
  }
  return null;
}

/**
 * A date the tracker can believe: a calendar date, not before 1945-09-02 and not more than ten years
 * after today in Viet Nam. One window for documents, deadlines, extensions and imported due dates.
 */
export function checkSaneDate(value: string, field: string, today: string): FieldError | null {
  if (!isCalendarDate(value)) return refusal(field, 'NOT_A_DATE', 'must be a calendar date YYYY-MM-DD');
  if (value < EARLIEST_ISSUE_DATE)
    return refusal(field, 'BEFORE_EARLIEST', `must be on or after ${EARLIEST_ISSUE_DATE}`, {
      earliest: EARLIEST_ISSUE_DATE,
    });
  const latest = addDays(today, SANE_DAYS_AHEAD);
  if (value > latest)
    return refusal(field, 'BEYOND_WINDOW', `must be no later than ${latest}, ten years after today in Viet Nam`, {
      latest,
    });
  return null;
}

/**
 * Dates that can be true: issued no later than today in Viet Nam and not before 1945, taking effect
 * on or after the issue date and within ten years of it, and the year in the number matching the
 * issue date. `today` is Viet Nam's date. Every refusal is invalid input (422) wherever it is asked.
 */
export function checkDocumentDates(
  doc: { number?: string; issuedOn: string; effectiveOn?: string },
  today: string,
  prefix = '',
): FieldError | null {
  const f = (name: string) => `${prefix}${name}`;
  if (!isCalendarDate(doc.issuedOn)) return refusal(f('issuedOn'), 'NOT_A_DATE', 'must be a calendar date YYYY-MM-DD');
  if (doc.issuedOn < EARLIEST_ISSUE_DATE)
    return refusal(f('issuedOn'), 'BEFORE_EARLIEST', `must be on or after ${EARLIEST_ISSUE_DATE}`, {
      earliest: EARLIEST_ISSUE_DATE,
    });
  if (doc.issuedOn > today)
    return refusal(
      f('issuedOn'),
      'NOT_ISSUED_YET',
      `must be no later than today in Viet Nam (${today}): the document is not issued yet`,
      { today },
    );
  if (doc.effectiveOn !== undefined) {
    if (!isCalendarDate(doc.effectiveOn))
      return refusal(f('effectiveOn'), 'NOT_A_DATE', 'must be a calendar date YYYY-MM-DD');
    if (doc.effectiveOn < doc.issuedOn)
      return refusal(f('effectiveOn'), 'EFFECTIVE_BEFORE_ISSUED', 'must be on or after issuedOn', {
        issuedOn: doc.issuedOn,
      });
    const latest = addDays(doc.issuedOn, MAX_YEARS_TO_EFFECT * 366);
    if (doc.effectiveOn > latest) {
      return refusal(
        f('effectiveOn'),
        'EFFECTIVE_TOO_LATE',
        `must be within ${MAX_YEARS_TO_EFFECT} years of issuedOn`,
        { latest },
      );
    }
  }
  const year = doc.number ? DOCUMENT_NUMBER_RE.exec(doc.number.normalize('NFC'))?.[2] : undefined;
  if (year && year !== doc.issuedOn.slice(0, 4))
    return refusal(f('issuedOn'), 'YEAR_OF_NUMBER', `must be in ${year}, the year in the number`, { year });
  return null;
}

/** The symbol's segments, upper-cased: `15/2026/tt-BYT` → TT, BYT. */
function symbolSegments(number: string): string[] | null {
  const m = DOCUMENT_NUMBER_RE.exec(number.normalize('NFC'));
  return m ? (m[3] as string).split('-').map((s) => s.toUpperCase()) : null;
}

/** A symbol's letters as the issuer codes spell them: upper case, Đ as D (Thông tư 32/2020/TT-BGDĐT is of BGDDT). */
const asCode = (segment: string) => segment.toUpperCase().replace(/Đ/g, 'D');

/** The issuer codes a segment can stand for: a ministry's code, or a central issuer (QH14 is QH). */
function issuerOfSegment(segment: string, issuers: readonly string[]): string | null {
  if (/^QH\d+$/.test(segment)) return 'QH';
  return issuers.find((i) => asCode(i) === asCode(segment)) ?? null;
}

/** Issuers the number's symbol names, in order (a joint circular names several), among `issuers` (ministries and central). */
export function issuersOfNumber(number: string, issuers: readonly string[]): string[] {
  const names = (symbolSegments(number) ?? [])
    .map((s) => issuerOfSegment(s, issuers))
    .filter((i): i is string => i !== null);
  return [...new Set(names)];
}

/**
 * The kind the symbol says: its first segment's abbreviation (TT a circular, NĐ a decree, QĐ a
 * decision, ...); a law of the National Assembly (59/2020/QH14); a letter whose symbol starts with its
 * issuer (1234/BNV-CQĐP) an official letter. Null when the symbol says none of these.
 */
export function kindOfNumber(number: string, issuers: readonly string[]): DocumentKind | null {
  const segments = symbolSegments(number);
  const first = segments?.[0];
  if (!first) return null;
  const kind = Object.entries(KIND_SYMBOLS).find(([abbreviation]) => asCode(abbreviation) === asCode(first))?.[1];
  if (kind) return kind;
  if (/^QH\d+$/.test(first)) return 'LAW';
  return issuerOfSegment(first, issuers) ? 'OFFICIAL_LETTER' : null;
}

/** The kind's name in Vietnamese, for the title of a document registered by the step that cites it. */
export const KIND_NAMES_VI: Record<DocumentKind, string> = {
  LAW: 'Luật',
  RESOLUTION: 'Nghị quyết',
  ORDINANCE: 'Pháp lệnh',
  DECREE: 'Nghị định',
  DECISION: 'Quyết định',
  DIRECTIVE: 'Chỉ thị',
  CIRCULAR: 'Thông tư',
  JOINT_CIRCULAR: 'Thông tư liên tịch',
  PLAN: 'Kế hoạch',
  OFFICIAL_LETTER: 'Công văn',
};

/** Whether the issuer is above the ministries (its documents move tasks only by Home Affairs' hand). */
export function isCentralIssuer(issuer: string): boolean {
  return (CENTRAL_ISSUERS as readonly string[]).includes(issuer);
}

/**
 * Who may move a task with a document of `issuer` (settlement and transition alike): Home Affairs
 * with any document; a ministry only with documents it issued, so never with a central one.
 */
export function checkCitingRight(
  actor: { kind: string; code?: string },
  issuer: string,
  number: string,
  field: string,
): FieldError | null {
  if (actor.kind === 'home-affairs') return null;
  if (actor.kind === 'ministry' && actor.code === issuer) return null;
  if (isCentralIssuer(issuer)) {
    return refusal(
      field,
      'CENTRAL_DOCUMENT',
      `${number} is a document of ${issuer}: only Home Affairs moves tasks with it`,
      { number, issuer },
    );
  }
  return refusal(
    field,
    'NOT_OWN_DOCUMENT',
    `${number} was issued by ${issuer}, not ${actor.code ?? actor.kind}: a ministry moves its tasks only with documents it issued`,
    {
      number,
      issuer,
      ministry: actor.code ?? '',
    },
  );
}

/** The number's symbol must name the issuer, and the kind it abbreviates must be the kind given. */
export function checkDocumentSymbol(doc: Pick<LegalDocument, 'number' | 'kind' | 'issuer'>): FieldError | null {
  const m = DOCUMENT_NUMBER_RE.exec(doc.number.normalize('NFC'));
  if (!m) return checkDocumentNumber(doc.number);
  const segments = (m[3] as string).split('-');
  const namesIssuer = segments.some(
    (s) => asCode(s) === asCode(doc.issuer) || (doc.issuer === 'QH' && /^QH\d+$/i.test(s)),
  );
  if (!namesIssuer)
    return refusal('issuer', 'SYMBOL_ISSUER', `the number ${doc.number} does not name issuer ${doc.issuer}`, {
      number: doc.number,
      issuer: doc.issuer,
    });
  const kindOfSymbol = Object.entries(KIND_SYMBOLS).find(([a]) => asCode(a) === asCode(segments[0] as string))?.[1];
  if (kindOfSymbol && kindOfSymbol !== doc.kind) {
    return refusal('kind', 'SYMBOL_KIND', `the number ${doc.number} is a ${kindOfSymbol}, not a ${doc.kind}`, {
      number: doc.number,
      kind: kindOfSymbol,
    });
  }
  return null;
}

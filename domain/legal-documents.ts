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
  'NĐ': 'DECREE',
  'QĐ': 'DECISION',
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

// number / optional year / symbol: 15/2026/TT-BYT, 10/2025/NĐ-CP, 59/2020/QH14, 1234/BNV-CQĐP
export const DOCUMENT_NUMBER_RE = /^([1-9][0-9]{0,4})\/(?:([0-9]{4})\/)?([A-Za-zĐđ]+[0-9]*(?:-[A-Za-zĐđ0-9]+)*)$/u;

export interface FieldError {
  field: string;
  message: string;
}

/** Form of a number: digits, optional year, symbol with the issuer's code. */
export function checkDocumentNumber(number: string, field = 'number'): FieldError | null {
  if (!DOCUMENT_NUMBER_RE.test(number.normalize('NFC'))) {
    return { field, message: 'must be in the Vietnamese form number/year/SYMBOL, e.g. 15/2026/TT-BYT or 10/2025/NĐ-CP' };
  }
  return null;
}

/**
 * Dates that can be true: issued no later than today in Viet Nam and not before 1945, taking effect
 * on or after the issue date and within ten years of it, and the year in the number matching the
 * issue date. `today` is Viet Nam's date.
 */
export function checkDocumentDates(doc: { number?: string; issuedOn: string; effectiveOn?: string }, today: string, prefix = ''): FieldError | null {
  const f = (name: string) => `${prefix}${name}`;
  if (!isCalendarDate(doc.issuedOn)) return { field: f('issuedOn'), message: 'must be a calendar date YYYY-MM-DD' };
  if (doc.issuedOn < EARLIEST_ISSUE_DATE) return { field: f('issuedOn'), message: `must be on or after ${EARLIEST_ISSUE_DATE}` };
  if (doc.issuedOn > today) return { field: f('issuedOn'), message: `must be no later than today in Viet Nam (${today}): the document is not issued yet` };
  if (doc.effectiveOn !== undefined) {
    if (!isCalendarDate(doc.effectiveOn)) return { field: f('effectiveOn'), message: 'must be a calendar date YYYY-MM-DD' };
    if (doc.effectiveOn < doc.issuedOn) return { field: f('effectiveOn'), message: 'must be on or after issuedOn' };
    if (doc.effectiveOn > addDays(doc.issuedOn, MAX_YEARS_TO_EFFECT * 366)) {
      return { field: f('effectiveOn'), message: `must be within ${MAX_YEARS_TO_EFFECT} years of issuedOn` };
    }
  }
  const year = doc.number ? DOCUMENT_NUMBER_RE.exec(doc.number.normalize('NFC'))?.[2] : undefined;
  if (year && year !== doc.issuedOn.slice(0, 4)) return { field: f('issuedOn'), message: `must be in ${year}, the year in the number` };
  return null;
}

/** The number's symbol must name the issuer, and the kind it abbreviates must be the kind given. */
export function checkDocumentSymbol(doc: Pick<LegalDocument, 'number' | 'kind' | 'issuer'>): FieldError | null {
  const m = DOCUMENT_NUMBER_RE.exec(doc.number.normalize('NFC'));
  if (!m) return checkDocumentNumber(doc.number);
  const segments = (m[3] as string).split('-');
  const namesIssuer = segments.some((s) => s === doc.issuer || (doc.issuer === 'QH' && /^QH\d+$/.test(s)));
  if (!namesIssuer) return { field: 'issuer', message: `the number ${doc.number} does not name issuer ${doc.issuer}` };
  const kindOfSymbol = KIND_SYMBOLS[segments[0] as string];
  if (kindOfSymbol && kindOfSymbol !== doc.kind) return { field: 'kind', message: `the number ${doc.number} is a ${kindOfSymbol}, not a ${doc.kind}` };
  return null;
}

/**
 * Vietnamese text folded for search: tone marks and vowel modifiers removed, đ → d, lower case, so
 * "CƯ TRÚ", "cư trú" and "cu tru" are one needle. The same mapping is PostgreSQL's `vi_fold(text)`
 * (prisma/migrations/0080_bilingual_catalog_search: translate() then lower(), immutable, indexable); a
 * test holds the two equal. Decomposed input (a base letter followed by combining marks) folds the same,
 * because the combining marks Vietnamese uses are dropped.
 */
export const VI_FOLD_FROM =
  'àÀáÁảẢãÃạẠăĂằẰắẮẳẲẵẴặẶâÂầẦấẤẩẨẫẪậẬèÈéÉẻẺẽẼẹẸêÊềỀếẾểỂễỄệỆìÌíÍỉỈĩĨịỊòÒóÓỏỎõÕọỌôÔồỒốỐổỔỗỖộỘơƠờỜớỚởỞỡỠợỢùÙúÚủỦũŨụỤưƯừỪứỨửỬữỮựỰỳỲýÝỷỶỹỸỵỴđĐ';
export const VI_FOLD_TO =
  'aAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAeEeEeEeEeEeEeEeEeEeEeEiIiIiIiIiIoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOuUuUuUuUuUuUuUuUuUuUuUyYyYyYyYyYdD';
/** Combining marks of Vietnamese (grave, acute, circumflex, tilde, breve, hook above, horn, dot below): dropped. */
export const VI_COMBINING_MARKS = '\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323';

const FOLD = new Map<string, string>();
for (let i = 0; i < VI_FOLD_FROM.length; i++) FOLD.set(VI_FOLD_FROM.charAt(i), VI_FOLD_TO.charAt(i));
for (const m of VI_COMBINING_MARKS) FOLD.set(m, '');

/** `vi_fold` in TypeScript: what the search compares (lower case of ASCII and of the folded letters). */
export function foldVietnamese(text: string): string {
  let out = '';
  for (const ch of text) out += FOLD.get(ch) ?? ch;
  return out.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Whether folded `text` holds the folded search `word`; a word starting with a digit only where a number starts ("58/2025" is not in "158/2025"). */
export function holdsWord(text: string, word: string): boolean {
  if (!/^\d/.test(word)) return text.includes(word);
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1))
    if (i === 0 || !/\d/.test(text.charAt(i - 1))) return true;
  return false;
}

/** The words of a search, folded: each must appear in a task's text (in either language, its code or legal basis). */
export function searchWords(q: string): string[] {
  return foldVietnamese(q.normalize('NFC'))
    .split(/\s+/)
    .filter((w) => w !== '')
    .slice(0, 8);
}

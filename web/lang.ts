/** The pages' languages: Vietnamese first, English as a switch. */
export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];

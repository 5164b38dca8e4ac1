/**
 * Mail preferences, for the API (`/api/preferences/{token}`) and the pages (`/preferences`,
 * `/unsubscribe/{token}`): one schema for a change, one list of what cannot be turned off, one way
 * to apply a change and to unsubscribe from a signed link.
 */
import { z } from 'zod';
import type { Db } from '../db/client';
import { preferencesByEmail, updatePreferences, type MailPreferences } from '../db/digests';
import { DIGEST_LANGUAGES } from '../domain/digest';
import { addressOfUnsubscribeToken, unsubscribeTokenValid } from '../domain/unsubscribe-link';

export const preferencesBody = z
  .strictObject({
    language: z.enum(DIGEST_LANGUAGES).optional(),
    dailyDigest: z.boolean().optional(),
    weeklyDigest: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'name at least one of language, dailyDigest, weeklyDigest')
  .meta({ anyOf: [{ required: ['language'] }, { required: ['dailyDigest'] }, { required: ['weeklyDigest'] }] });
export type PreferencesChange = z.output<typeof preferencesBody>;

/** E-mails that cannot be turned off. */
export const MANDATORY = ['escalations (the ladder after a deadline)'];

/** A recipient's preferences as the API shows them (the key stays hidden). */
export function showPreferences(p: Pick<MailPreferences, 'email' | 'language' | 'dailyDigest' | 'weeklyDigest'>) {
  return {
    email: p.email,
    language: p.language,
    dailyDigest: p.dailyDigest,
    weeklyDigest: p.weeklyDigest,
    mandatory: MANDATORY,
  };
}

/** Applies a validated change to the preferences behind `token`; null when there are none. */
export async function changePreferences(
  db: Db,
  token: string,
  change: PreferencesChange,
): Promise<MailPreferences | null> {
  return updatePreferences(db, token, change);
}

/** The preferences a signed unsubscribe link names, or null when the link is not a valid one. */
export async function preferencesOfUnsubscribeLink(db: Db, linkToken: string): Promise<MailPreferences | null> {
  const email = addressOfUnsubscribeToken(linkToken);
  if (!email) return null;
  const p = await preferencesByEmail(db, email);
  return p && unsubscribeTokenValid(linkToken, p.token) ? p : null;
}

/** Unsubscribes from every e-mail that is not mandatory (the digests), through a signed link; null when the link is not valid. */
export async function unsubscribeByLink(db: Db, linkToken: string): Promise<MailPreferences | null> {
  const p = await preferencesOfUnsubscribeLink(db, linkToken);
  return p ? changePreferences(db, p.token, { dailyDigest: false, weeklyDigest: false }) : null;
}

/**
 * The unsubscribe link of a digest: `<address, base64url>.<signature>`. The signature is an HMAC of
 * the purpose and the address, keyed by the recipient's own preferences key (kept in PostgreSQL, never
 * shown): the link can only unsubscribe that address, and does not open its preferences.
 */
import crypto from 'node:crypto';

const PURPOSE = 'unsubscribe-digests:v1';

function signature(email: string, key: string): string {
  return crypto.createHmac('sha256', key).update(`${PURPOSE}\n${email.toLowerCase()}`).digest('base64url');
}

/** The token of `email`'s unsubscribe link, signed with its preferences key. */
export function unsubscribeToken(email: string, key: string): string {
  return `${Buffer.from(email.toLowerCase(), 'utf8').toString('base64url')}.${signature(email, key)}`;
}

/** The address a token names, or null when it is not shaped like one (checked against its key by `unsubscribeTokenValid`). */
export function addressOfUnsubscribeToken(token: string): string | null {
  const m = /^([A-Za-z0-9_-]{4,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const email = Buffer.from(m[1] ?? '', 'base64url').toString('utf8');
  return /^[^\s@]+@[^\s@]+$/.test(email) && email === email.toLowerCase() ? email : null;
}

export function unsubscribeTokenValid(token: string, key: string): boolean {
  const email = addressOfUnsubscribeToken(token);
  if (!email) return false;
  const expected = Buffer.from(unsubscribeToken(email, key));
  const given = Buffer.from(token);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

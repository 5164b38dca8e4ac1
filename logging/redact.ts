/**
 * Paths whose next segment is a secret (a sign-in link's token, an unsubscribe link, a preferences
 * token): logs keep the route and lose the secret.
 */
const SECRET_SEGMENT = /(\/(?:sign-in\/link|unsubscribe|api\/preferences)\/)[^/?#]+/gi;

/** A URL as logs may hold it: secrets in the path replaced by `[redacted]`. */
export function loggablePath(url: string): string {
  return url.replace(SECRET_SEGMENT, '$1[redacted]');
}

// Secrets that must never reach a log line (issue 28): sign-in link tokens, bearer tokens, the
// tokens of unsubscribe and preference links. Used by the global teardown on the logs of the whole
// run (test/support/harness.ts copies every API and worker line into TEST_LOG_COPY), and runnable as
// `node test/support/log-secrets.mjs LOG_FILE [MAIL_URL_FILE]` (exit code 1 when one is found).
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

/** A path segment that is a secret, unless it is already `[redacted]` (logging/redact.ts). */
const SECRET_PATH = /\/(sign-in\/link|unsubscribe|preferences)\/(?!\[redacted\]|%5Bredacted%5D)([A-Za-z0-9_-]{16,})/gi;
/** An API token as issued (db/tokens.ts), or any bearer credential. */
const BEARER = /\bdtt_[A-Za-z0-9_-]{16,}|\bBearer\s+(?!\[redacted\])[A-Za-z0-9._~+/=-]{16,}/g;

/** The secrets the run's e-mails carried (their links' last segments), to look for verbatim. */
export function secretsInMailUrls(urls) {
  const out = new Set();
  for (const u of urls) {
    for (const m of u.matchAll(SECRET_PATH)) out.add(m[2]);
  }
  return out;
}

/** What in `logText` is a secret: at most `limit` findings, each shortened so the report leaks nothing whole. */
export function findSecrets(logText, mailSecrets = new Set(), limit = 20) {
  const found = [];
  const shown = (s) => `${s.slice(0, 10)}…`;
  for (const [i, line] of logText.split('\n').entries()) {
    if (!line) continue;
    const hits = [
      ...[...line.matchAll(SECRET_PATH)].map((m) => `${m[1]} token ${shown(m[2])}`),
      ...[...line.matchAll(BEARER)].map((m) => `bearer ${shown(m[0])}`),
      ...[...mailSecrets].filter((s) => line.includes(s)).map((s) => `e-mailed token ${shown(s)}`),
    ];
    for (const h of hits) {
      found.push(`line ${i + 1}: ${h}`);
      if (found.length >= limit) return found;
    }
  }
  return found;
}

/** Fails (throws) when the log file holds a secret; says how much it read otherwise. */
export function checkLogFile(logFile, mailUrlFile) {
  if (!logFile || !fs.existsSync(logFile)) return null;
  const text = fs.readFileSync(logFile, 'utf8');
  const urls = mailUrlFile && fs.existsSync(mailUrlFile) ? fs.readFileSync(mailUrlFile, 'utf8').split('\n') : [];
  const found = findSecrets(text, secretsInMailUrls(urls.filter(Boolean)));
  if (found.length > 0)
    throw new Error(
      `The logs of this run hold ${found.length === 20 ? '20 or more' : found.length} secret(s):\n${found.join('\n')}`,
    );
  return text.split('\n').filter(Boolean).length;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const lines = checkLogFile(process.argv[2], process.argv[3]);
    console.log(`no secret in ${lines ?? 0} log line(s)`);
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}

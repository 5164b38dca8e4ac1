import crypto from 'node:crypto';
import type { Db } from './client';

export interface DigestMessage {
  /** "<kind>:<period>:<recipient>": one digest per recipient and period. */
  key: string;
  kind: 'DAILY' | 'WEEKLY_BOTTLENECKS';
  period: string;
  recipient: string;
  subject: string;
  textBody: string;
  htmlBody: string;
}

/** The outbox row for `message.key`, created if it is not there yet; an existing row comes back as it is. */
export async function claimDigestRow(db: Db, message: DigestMessage) {
  return db.prisma.digestOutbox.upsert({ where: { key: message.key }, create: message, update: {} });
}

export async function recordDigestFailure(db: Db, key: string, error: string, permanent: boolean): Promise<void> {
  await db.prisma.digestOutbox.update({
    where: { key },
    data: { ...(permanent ? { status: 'FAILED' as const } : {}), attempts: { increment: 1 }, lastError: error },
  });
}

export async function recordDigestSent(db: Db, key: string, messageId: string): Promise<void> {
  await db.prisma.digestOutbox.update({
    where: { key },
    data: { status: 'SENT', attempts: { increment: 1 }, sentAt: new Date(), messageId, lastError: null },
  });
}

export async function digestRows(db: Db, kind: DigestMessage['kind'], period: string) {
  return db.prisma.digestOutbox.findMany({ where: { kind, period }, orderBy: { recipient: 'asc' } });
}

export interface MailPreferences {
  email: string;
  language: string;
  dailyDigest: boolean;
  weeklyDigest: boolean;
  token: string;
}

const view = (p: MailPreferences): MailPreferences => ({
  email: p.email,
  language: p.language,
  dailyDigest: p.dailyDigest,
  weeklyDigest: p.weeklyDigest,
  token: p.token,
});

/** Each address's preferences, created with the defaults (and a fresh link token) when it has none. */
export async function preferencesFor(db: Db, emails: string[]): Promise<Map<string, MailPreferences>> {
  const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
  if (unique.length > 0) {
    await db.prisma.mailPreference.createMany({
      data: unique.map((email) => ({ email, token: crypto.randomBytes(24).toString('base64url') })),
      skipDuplicates: true,
    });
  }
  const rows = await db.prisma.mailPreference.findMany({ where: { email: { in: unique } } });
  return new Map(rows.map((r) => [r.email, view(r)]));
}

export async function preferencesByToken(db: Db, token: string): Promise<MailPreferences | null> {
  const row = await db.prisma.mailPreference.findUnique({ where: { token } });
  return row ? view(row) : null;
}

export async function preferencesByEmail(db: Db, email: string): Promise<MailPreferences | null> {
  const row = await db.prisma.mailPreference.findUnique({ where: { email: email.toLowerCase() } });
  return row ? view(row) : null;
}

export async function updatePreferences(
  db: Db,
  token: string,
  changes: Partial<Pick<MailPreferences, 'language' | 'dailyDigest' | 'weeklyDigest'>>,
): Promise<MailPreferences | null> {
  const found = await db.prisma.mailPreference.updateMany({
    where: { token },
    data: { ...changes, updatedAt: new Date() },
  });
  return found.count === 0 ? null : preferencesByToken(db, token);
}

/** The focal points' addresses of the tasks a ministry leads (lower case, sorted). */
export async function focalPointEmailsOf(db: Db, ministry: string): Promise<string[]> {
  const rows = await db.prisma.task.findMany({
    where: { leadMinistryCode: ministry, focalPointEmail: { not: '' } },
    distinct: ['focalPointEmail'],
    select: { focalPointEmail: true },
  });
  return [...new Set(rows.map((r) => r.focalPointEmail.toLowerCase()))].sort();
}

/** The language each address chose, for those that chose (read only: no preferences row is created). */
export async function chosenLanguages(db: Db, emails: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
  if (unique.length === 0) return new Map();
  const rows = await db.prisma.mailPreference.findMany({
    where: { email: { in: unique } },
    select: { email: true, language: true },
  });
  return new Map(rows.map((r) => [r.email, r.language]));
}

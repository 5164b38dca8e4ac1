import type { Db } from './client';

export interface OutboxMessage {
  key: string;
  /** The task concerned; none for a round reminder or escalation. */
  taskCode?: string;
  /** For round reminders and escalations. */
  roundId?: string;
  /** For messages to one locality. */
  localityCode?: string;
  kind: string;
  /** YYYY-MM-DD */
  dueDate?: string;
  offsetDays: number;
  recipients: string[];
  subject: string;
  body: string;
  /** The HTML alternative to `body`. */
  html?: string;
}

export type OutboxRow = NonNullable<Awaited<ReturnType<typeof outboxRow>>>;

/** The row for `key`, or null. */
export async function outboxRow(db: Db, key: string) {
  return db.prisma.notification.findUnique({ where: { key } });
}

/**
 * The outbox row for `message.key`, created if it is not there yet (unique per message); an existing row is returned as it is, with its status.
 */
export async function claimOutboxRow(db: Db, message: OutboxMessage) {
  const { dueDate, html, ...rest } = message;
  return db.prisma.notification.upsert({
    where: { key: message.key },
    create: {
      ...rest,
      htmlBody: html ?? null,
      dueDate: dueDate ? new Date(`${dueDate}T00:00:00Z`) : null,
    },
    update: {},
  });
}

/** Records a failed attempt; `permanent` marks the row FAILED for good. */
export async function recordSendFailure(db: Db, key: string, error: string, permanent: boolean): Promise<void> {
  await db.prisma.notification.update({
    where: { key },
    data: { ...(permanent ? { status: 'FAILED' as const } : {}), attempts: { increment: 1 }, lastError: error },
  });
}

/** Kinds whose body is not kept once sent: it holds a one-time secret (the sign-in link). */
export const FORGET_BODY_KINDS = new Set(['SIGN_IN_LINK']);

export async function recordSent(db: Db, key: string, messageId: string): Promise<void> {
  const row = await db.prisma.notification.update({
    where: { key },
    data: { status: 'SENT', attempts: { increment: 1 }, sentAt: new Date(), messageId, lastError: null },
  });
  if (FORGET_BODY_KINDS.has(row.kind))
    await db.prisma.notification.update({ where: { key }, data: { body: '', htmlBody: null } });
}

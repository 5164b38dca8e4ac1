import type { Db } from './client';

export interface OutboxMessage {
  key: string;
  taskCode: string;
  kind: string;
  /** YYYY-MM-DD */
  dueDate: string;
  offsetDays: number;
  recipients: string[];
  subject: string;
  body: string;
}

/**
 * The outbox row for `message.key`, created if it is not there yet (unique per task, kind, due date,
 * offset); an existing row is returned as it is, with its status.
 */
export async function claimOutboxRow(db: Db, message: OutboxMessage) {
  const { dueDate, ...rest } = message;
  return db.prisma.notification.upsert({
    where: { key: message.key },
    create: { ...rest, dueDate: new Date(`${dueDate}T00:00:00Z`) },
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

export async function recordSent(db: Db, key: string, messageId: string): Promise<void> {
  await db.prisma.notification.update({
    where: { key },
    data: { status: 'SENT', attempts: { increment: 1 }, sentAt: new Date(), messageId, lastError: null },
  });
}

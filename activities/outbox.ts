import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/client';
import { claimOutboxRow, recordSendFailure, recordSent, type OutboxMessage } from '../db/notifications';
import { PermanentMailError, type Mailer } from './mailer';

export interface Delivery {
  status: 'SENT' | 'FAILED';
  error?: string;
}

/**
 * The outbox: the row is written first (unique key), then sent; a message already sent is never
 * sent again, a permanent SMTP rejection is recorded as FAILED, a transient one throws so the
 * activity retries.
 */
export async function deliverThroughOutbox(
  db: Db,
  mailer: Mailer,
  mailFrom: string,
  message: OutboxMessage,
): Promise<Delivery> {
  const { key } = message;
  const row = await claimOutboxRow(db, message);
  if (row.status === 'SENT') return { status: 'SENT' };
  if (row.status === 'FAILED') return { status: 'FAILED', error: row.lastError ?? 'failed' };
  const messageId = `<${key.replace(/:/g, '.')}@delegated-tasks-tracker>`;
  try {
    await mailer.send({ from: mailFrom, to: row.recipients, subject: row.subject, text: row.body, messageId });
  } catch (err) {
    const error = (err as Error).message;
    if (err instanceof PermanentMailError) {
      await recordSendFailure(db, key, error, true);
      return { status: 'FAILED', error };
    }
    await recordSendFailure(db, key, error, false);
    throw ApplicationFailure.retryable(`sending ${key} failed: ${error}`, 'MAIL_TRANSIENT');
  }
  await recordSent(db, key, messageId);
  return { status: 'SENT' };
}

/** Runs `work` over `items`, at most `limit` at a time. */
export async function eachLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  });
  await Promise.all(lanes);
  return out;
}

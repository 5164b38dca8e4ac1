import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db/client';
import {
  claimOutboxRow,
  outboxRow,
  recordSendFailure,
  recordSent,
  type OutboxMessage,
  type OutboxRow,
} from '../db/notifications';
import { PermanentMailError, type Mailer, type OutgoingMail } from './mailer';

export interface Delivery {
  status: 'SENT' | 'FAILED';
  error?: string;
}

/** Where the outcome of one attempt is recorded (the outbox's row, or the digest outbox's). */
export interface SendRecord {
  failed(error: string, permanent: boolean): Promise<void>;
  sent(messageId: string): Promise<void>;
}

/**
 * The one way the tracker hands a message to the mail server, for every outbox (issue 24): the
 * message's row is written before this runs; a permanent SMTP rejection is recorded as FAILED, a
 * transient one is recorded and thrown so the activity retries; a sent message is recorded SENT.
 */
export async function sendRecorded(mailer: Mailer, mail: OutgoingMail, record: SendRecord): Promise<Delivery> {
  try {
    await mailer.send(mail);
  } catch (err) {
    const error = (err as Error).message;
    if (err instanceof PermanentMailError) {
      await record.failed(error, true);
      return { status: 'FAILED', error };
    }
    await record.failed(error, false);
    throw ApplicationFailure.retryable(`sending ${mail.messageId} failed: ${error}`, 'MAIL_TRANSIENT');
  }
  await record.sent(mail.messageId);
  return { status: 'SENT' };
}

/** Sends a claimed row unless it was sent (or refused for good) already. */
async function deliverRow(db: Db, mailer: Mailer, mailFrom: string, row: OutboxRow): Promise<Delivery> {
  if (row.status === 'SENT') return { status: 'SENT' };
  if (row.status === 'FAILED') return { status: 'FAILED', error: row.lastError ?? 'failed' };
  const { key } = row;
  const messageId = `<${key.replace(/:/g, '.')}@delegated-tasks-tracker>`;
  return sendRecorded(
    mailer,
    {
      from: mailFrom,
      to: row.recipients,
      subject: row.subject,
      text: row.body,
      ...(row.htmlBody ? { html: row.htmlBody } : {}),
      messageId,
    },
    {
      failed: (error, permanent) => recordSendFailure(db, key, error, permanent),
      sent: (id) => recordSent(db, key, id),
    },
  );
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
  return deliverRow(db, mailer, mailFrom, await claimOutboxRow(db, message));
}

/**
 * Sends a row another process queued (the API and the pages write the row, then start
 * `outboxDeliveryWorkflow`; the worker sends it). A key with no row fails for good.
 */
export async function deliverQueued(db: Db, mailer: Mailer, mailFrom: string, key: string): Promise<Delivery> {
  const row = await outboxRow(db, key);
  if (!row) throw ApplicationFailure.nonRetryable(`no outbox row ${key}`, 'OUTBOX_ROW_MISSING');
  return deliverRow(db, mailer, mailFrom, row);
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

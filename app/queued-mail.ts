/**
 * How the API and the pages send e-mail: they never talk to the mail server. They write the message
 * to the outbox (unique key: a second request writes nothing) and start the worker's
 * `queuedMailWorkflow` for it, which sends it once and retries a transient failure: the one mail
 * path every e-mail takes (activities/outbox.ts).
 */
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Db } from '../db/client';
import { chosenLanguages } from '../db/digests';
import { claimOutboxRow, type OutboxMessage } from '../db/notifications';
import { mailLanguage, type MailLanguage } from '../domain/mail';
import { sendQueuedMail } from '../temporal/mail-client';

export interface MailQueueDeps {
  db: Db;
  temporal: Client;
  config: Pick<Config, 'TEMPORAL_TASK_QUEUE'>;
}

/** Writes `message` to the outbox (unless it is there) and hands it to the worker, unless it was sent. */
export async function queueMail(deps: MailQueueDeps, message: OutboxMessage): Promise<void> {
  const row = await claimOutboxRow(deps.db, message);
  if (row.status === 'PENDING') await sendQueuedMail(deps.temporal, deps.config.TEMPORAL_TASK_QUEUE, message.key);
}

/** The language policy's answer for one recipient (domain/mail.ts): their choice, else Vietnamese first. */
export async function recipientLanguage(db: Db, email: string): Promise<MailLanguage> {
  return mailLanguage((await chosenLanguages(db, [email])).get(email.toLowerCase()));
}

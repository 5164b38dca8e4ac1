import { ApplicationFailure } from '@temporalio/common';
import { persistEvent } from '../db/audit-events';
import type { Db } from '../db/client';
import { claimOutboxRow, recordSendFailure, recordSent } from '../db/notifications';
import type { ReminderPoint } from '../domain/deadline-policy';
import type { TaskEvent, TaskState, TaskView } from '../domain/task';
import { PermanentMailError, type Mailer } from './mailer';
import { reminderEmail } from './reminder-email';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  mailFrom: string;
}

export interface PersistInput {
  event: TaskEvent;
  snapshot: TaskState;
}

export interface ReminderInput {
  point: ReminderPoint;
  recipients: string[];
  task: TaskView;
}

export interface Delivery {
  status: 'SENT' | 'FAILED';
  error?: string;
}

export function createActivities({ db, mailer, mailFrom }: ActivityDeps) {
  return {
    /**
     * Writes one event to the audit log and brings the task's read-model row up to it, in one SQL
     * statement (db/audit-events.ts). Idempotent on (task, seq): a retry after a lost reply writes nothing.
     */
    async persistEvent({ event, snapshot }: PersistInput): Promise<{ duplicate: boolean }> {
      const outcome = await persistEvent(db, event, snapshot);
      // Events are persisted strictly in order by the workflow; a gap is transient (retried).
      if (outcome === 'previous-missing') throw new Error(`event ${event.seq - 1} of ${event.taskCode} is not persisted yet`);
      return { duplicate: outcome === 'duplicate' };
    },

    /**
     * Sends a reminder through the outbox: the row (unique per task, kind, due date, offset) is
     * written first; a message already sent is never sent again.
     */
    async sendReminder({ point, recipients, task }: ReminderInput): Promise<Delivery> {
      const key = `${task.code}:${point.kind}:${point.dueDate}:${point.offsetDays}`;
      const { subject, text } = reminderEmail(point, task);
      const row = await claimOutboxRow(db, {
        key,
        taskCode: task.code,
        kind: point.kind,
        dueDate: point.dueDate,
        offsetDays: point.offsetDays,
        recipients,
        subject,
        body: text,
      });
      if (row.status === 'SENT') return { status: 'SENT' };
      if (row.status === 'FAILED') return { status: 'FAILED', error: row.lastError ?? 'failed' };

      const messageId = `<${key.replace(/:/g, '.')}@delegated-tasks-tracker>`;
      try {
        await mailer.send({ from: mailFrom, to: row.recipients, subject: row.subject, text: row.body, messageId });
      } catch (err) {
        const message = (err as Error).message;
        if (err instanceof PermanentMailError) {
          await recordSendFailure(db, key, message, true);
          return { status: 'FAILED', error: message };
        }
        await recordSendFailure(db, key, message, false);
        throw ApplicationFailure.retryable(`sending ${key} failed: ${message}`, 'MAIL_TRANSIENT');
      }
      await recordSent(db, key, messageId);
      return { status: 'SENT' };
    },
  };
}

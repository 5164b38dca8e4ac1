import { ApplicationFailure } from '@temporalio/common';
import { Prisma, type PrismaClient } from '@prisma/client';
import type { ReminderPoint } from '../domain/deadline-policy';
import { reportCounts, type TaskEvent, type TaskState, type TaskView } from '../domain/task';
import { GENESIS_HASH, eventHash } from '../infra/audit-chain';
import { PermanentMailError, type Mailer } from './mailer';
import { reminderEmail } from './reminder-email';

export interface ActivityDeps {
  prisma: PrismaClient;
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

/** Columns of the `tasks` read-model row for a workflow state. */
export function taskRow(s: TaskState) {
  const counts = reportCounts(s);
  return {
    title: s.title,
    sector: s.sector,
    legalBasis: s.legalBasis,
    level: s.level,
    status: s.status,
    statusSince: new Date(s.statusSince),
    leadMinistryCode: s.leadMinistry,
    coordinatingMinistries: s.coordinatingMinistries,
    focalPointName: s.focalPoint.name,
    focalPointEmail: s.focalPoint.email,
    dueDate: s.dueDate ? new Date(`${s.dueDate}T00:00:00Z`) : null,
    deadlineExtensions: s.deadlineExtensions,
    milestones: s.milestones as unknown as Prisma.InputJsonValue,
    reportsWorkable: counts.workable,
    reportsObstacle: counts.obstacle,
    lastSeq: s.seq,
  };
}

export function createActivities({ prisma, mailer, mailFrom }: ActivityDeps) {
  return {
    /**
     * Writes one event to the audit log and brings the task's read-model row up to it, in one
     * transaction. Idempotent on (task, seq): a retry after a lost reply writes nothing.
     */
    async persistEvent({ event, snapshot }: PersistInput): Promise<{ duplicate: boolean }> {
      return prisma.$transaction(async (tx) => {
        const existing = await tx.auditEvent.findUnique({
          where: { taskCode_seq: { taskCode: event.taskCode, seq: event.seq } },
          select: { id: true },
        });
        if (existing) return { duplicate: true };

        let prevHash = GENESIS_HASH;
        if (event.seq > 1) {
          const prev = await tx.auditEvent.findUnique({
            where: { taskCode_seq: { taskCode: event.taskCode, seq: event.seq - 1 } },
            select: { hash: true },
          });
          // Events are persisted strictly in order by the workflow; a gap is transient.
          if (!prev) throw new Error(`event ${event.seq - 1} of ${event.taskCode} is not persisted yet`);
          prevHash = prev.hash;
        }

        const row = taskRow(snapshot);
        const updated = await tx.task.updateMany({ where: { code: event.taskCode, lastSeq: { lt: event.seq } }, data: { ...row, updatedAt: new Date() } });
        if (updated.count === 0) {
          await tx.task.upsert({ where: { code: event.taskCode }, create: { code: event.taskCode, ...row }, update: {} });
        }

        await tx.auditEvent.create({
          data: {
            taskCode: event.taskCode,
            seq: event.seq,
            at: new Date(event.at),
            actor: event.actor,
            kind: event.kind,
            details: event.details as Prisma.InputJsonValue,
            prevHash,
            hash: eventHash(prevHash, event),
          },
        });

        if (event.kind === 'LOCALITY_REPORT') {
          const d = event.details as { locality: string; kind: string; description: string };
          await tx.localityReport.create({
            data: { taskCode: event.taskCode, seq: event.seq, localityCode: d.locality, kind: d.kind, description: d.description, at: new Date(event.at) },
          });
        }
        return { duplicate: false };
      });
    },

    /**
     * Sends a reminder through the outbox: the row (unique per task, kind, due date, offset) is
     * written first; a message already sent is never sent again.
     */
    async sendReminder({ point, recipients, task }: ReminderInput): Promise<Delivery> {
      const key = `${task.code}:${point.kind}:${point.dueDate}:${point.offsetDays}`;
      const { subject, text } = reminderEmail(point, task);
      const row = await prisma.notification.upsert({
        where: { key },
        create: {
          key,
          taskCode: task.code,
          kind: point.kind,
          dueDate: new Date(`${point.dueDate}T00:00:00Z`),
          offsetDays: point.offsetDays,
          recipients,
          subject,
          body: text,
        },
        update: {},
      });
      if (row.status === 'SENT') return { status: 'SENT' };
      if (row.status === 'FAILED') return { status: 'FAILED', error: row.lastError ?? 'failed' };

      const messageId = `<${key.replace(/:/g, '.')}@delegated-tasks-tracker>`;
      try {
        await mailer.send({ from: mailFrom, to: row.recipients, subject: row.subject, text: row.body, messageId });
      } catch (err) {
        const message = (err as Error).message;
        if (err instanceof PermanentMailError) {
          await prisma.notification.update({ where: { key }, data: { status: 'FAILED', attempts: { increment: 1 }, lastError: message } });
          return { status: 'FAILED', error: message };
        }
        await prisma.notification.update({ where: { key }, data: { attempts: { increment: 1 }, lastError: message } });
        throw ApplicationFailure.retryable(`sending ${key} failed: ${message}`, 'MAIL_TRANSIENT');
      }
      await prisma.notification.update({
        where: { key },
        data: { status: 'SENT', attempts: { increment: 1 }, sentAt: new Date(), messageId, lastError: null },
      });
      return { status: 'SENT' };
    },
  };
}

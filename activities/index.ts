import { ApplicationFailure } from '@temporalio/common';
import { ladderStepRecorded, persistEvent, storedSeq } from '../db/audit-events';
import { leadershipContactOf } from '../db/leadership-contacts';
import type { Db } from '../db/client';
import type { OutboxMessage } from '../db/notifications';
import { PERSIST_REFUSED, permanentSqlState } from '../db/errors';
import { clearStuck, markStuck } from '../db/stuck-tasks';
import type { ReminderPoint } from '../domain/deadline-policy';
import type { SettlementResult } from '../domain/settlement';
import { vietnamDate } from '../domain/dates';
import type { Actor, SettleInput, TaskEvent, TaskState, TaskView } from '../domain/task';
import { createLogger, type Logger } from '../logging/logger';
import type { Mailer } from './mailer';
import { escalationEmail, releaseEmail, reminderEmail } from './task-emails';
import { deliverQueued, deliverThroughOutbox, type Delivery } from './outbox';
import { createRoundActivities } from './round-activities';
import { createCommuneRoundActivities } from './commune-round-activities';
import { taskMailFacts } from './mail-facts';
import { createDigestActivities, type DigestSettings } from './digests';
import type { LadderPoint } from '../domain/escalation-ladder';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  mailFrom: string;
  /** Leadership contact of each ministry, by code, for the ladder's 'ministry-leadership' step. */
  leadershipEmails?: Record<string, string>;
  /** Home Affairs' address, the link base and the calendar of the digest runs (no weekly digest without an address). */
  digests?: DigestSettings;
  /** Where operator-facing lines go (default: a logger at info level on stdout). */
  logger?: Logger;
  /**
   * The Updates and Queries activities send to task workflows (settling, releasing a hold-up), with
   * the worker's client: `temporal/task-updates.ts taskMessenger`, wired by `worker/create-worker.ts`.
   * Without it, settleTask and releaseTask fail (nothing else needs it).
   */
  tasks?: TaskMessenger;
}

/** What activities ask of a task's workflow; implemented in temporal/, so activities import no message definitions. */
export interface TaskMessenger {
  /** Applies a document; `refused` is the task's refusal (a result, not a failure). The update id makes a retry one event. */
  settle(task: string, input: SettleInput, updateId: string): Promise<{ view: TaskView } | { refused: string }>;
  state(task: string): Promise<TaskView>;
  /** Releases a hold-up by the awaited document (the update id makes a retry one event). */
  releaseHoldUp(task: string, documentNumber: string, updateId: string): Promise<TaskView>;
}

export interface StuckInput {
  taskCode: string;
  seq: number;
  kind: string;
  error: string;
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

export interface EscalationStepInput {
  step: LadderPoint;
  task: TaskView;
}

export type { Delivery };

export interface SettleTaskInput {
  task: string;
  document: SettleInput['document'];
  actor: Actor;
}

export function createActivities({
  db,
  mailer,
  mailFrom,
  leadershipEmails = {},
  digests,
  logger = createLogger({ level: 'info' }),
  tasks,
}: ActivityDeps) {
  const log = logger.child({ component: 'activities' });
  const messenger = (): TaskMessenger => {
    if (!tasks)
      throw ApplicationFailure.nonRetryable(
        'These activities were created without a task messenger (ActivityDeps.tasks).',
      );
    return tasks;
  };
  /**
   * Sends one message through the outbox: the row (unique per `key`) is written first; a message
   * already sent is never sent again, a permanent refusal is recorded once, a transient one retried.
   */
  async function sendOnce(message: OutboxMessage): Promise<Delivery> {
    return deliverThroughOutbox(db, mailer, mailFrom, message);
  }

  return {
    ...createDigestActivities({
      db,
      mailer,
      mailFrom,
      settings: digests ?? { homeAffairsEmail: '', publicBaseUrl: '', dueSoonDays: 14 },
    }),
    ...createRoundActivities({ db, mailer, mailFrom }),
    ...createCommuneRoundActivities({ db, mailer, mailFrom }),

    /**
     * Sends a message the API or the pages queued in the outbox (a sign-in link, a round's "remind
     * now"): the one mail path, from the worker, once per key however often it is retried.
     */
    async deliverQueuedMail({ key }: { key: string }): Promise<Delivery> {
      return deliverQueued(db, mailer, mailFrom, key);
    },

    /**
     * Applies a document to one task through its workflow's update, with the worker's client. The
     * update id is fixed per document, and the workflow ignores a document it already holds, so a
     * retry after a crash changes nothing twice. A refusal by the task is a result, not a failure.
     */
    async settleTask({ task, document, actor }: SettleTaskInput): Promise<SettlementResult> {
      const settled = await messenger().settle(task, { actor, document }, `settle:${document.number}`);
      if ('refused' in settled)
        return { task, outcome: 'REFUSED', status: null, feasibleFrom: null, message: settled.refused };
      const pending = settled.view.feasibleFrom ?? null;
      return {
        task,
        outcome: pending ? 'FEASIBLE_FROM' : 'FEASIBLE',
        status: settled.view.status,
        feasibleFrom: pending,
        message: null,
      };
    },

    /**
     * Writes one event to the audit log and brings the task's read-model row up to it, in one SQL
     * statement (db/audit-events.ts). Idempotent on (task, seq): a retry after a lost reply writes nothing.
     */
    async persistEvent({ event, snapshot }: PersistInput): Promise<{ duplicate: boolean }> {
      let outcome;
      try {
        outcome = await persistEvent(db, event, snapshot);
      } catch (err) {
        // A refusal that no retry can fix fails at once, so the workflow can mark the task stuck
        // and say so, instead of retrying forever with every later change queued behind it.
        const sqlState = permanentSqlState(err);
        if (sqlState) {
          throw ApplicationFailure.nonRetryable(
            `PostgreSQL refused event ${event.seq} (${event.kind}) of ${event.taskCode}: ${sqlState} ${(err as Error).message}`,
            PERSIST_REFUSED,
            { sqlState },
          );
        }
        throw err;
      }
      if (outcome === 'previous-missing') {
        // The workflow persists its events strictly in order, each only after the one before it is
        // stored: an earlier event missing now was lost after it was stored (PostgreSQL restored from
        // a backup taken behind Temporal). No retry brings it back, so the task is marked stuck at once
        // (the same failure type as a refused event: runs on every code version handle it) and
        // `npm run tasks:repair` stores the lost events again from the workflow (README, "Restoring PostgreSQL").
        const stored = await storedSeq(db, event.taskCode);
        const gap = { from: stored + 1, to: event.seq - 1 };
        throw ApplicationFailure.nonRetryable(
          `events ${gap.from}-${gap.to} of ${event.taskCode} are missing from the audit log (restored from an older backup?); event ${event.seq} (${event.kind}) cannot follow them`,
          PERSIST_REFUSED,
          { gap },
        );
      }
      return { duplicate: outcome === 'duplicate' };
    },

    /** The last event of a task the audit log holds (0: none): what a repair compares with the workflow's own sequence. */
    async storedSeqOf({ taskCode }: { taskCode: string }): Promise<{ seq: number }> {
      return { seq: await storedSeq(db, taskCode) };
    },

    /** Records that a task's event was refused for good, and says so at error level. */
    async markTaskStuck({ taskCode, seq, kind, error }: StuckInput): Promise<void> {
      await markStuck(db, { taskCode, seq, kind, error });
      log.error(
        { taskCode, seq, kind, error },
        `task ${taskCode} is stuck: event ${seq} (${kind}) cannot be stored; changes to it are refused until an operator runs \`npm run tasks:repair -- ${taskCode}\``,
      );
    },

    /** The stuck event of a task is stored now. */
    async clearTaskStuck({ taskCode, seq }: { taskCode: string; seq: number }): Promise<void> {
      await clearStuck(db, taskCode);
      log.info({ taskCode, seq }, `task ${taskCode} is repaired: event ${seq} is stored`);
    },

    /**
     * Releases a task held up by the ministry that has just registered the awaited document, then
     * tells the lead ministry's focal point (outbox key per task and document: sent once).
     */
    async releaseTask({
      task,
      documentNumber,
    }: {
      task: string;
      documentNumber: string;
    }): Promise<{ task: string; released: boolean }> {
      const before = await messenger().state(task);
      if (!before.heldUp) return { task, released: false };
      const view = await messenger().releaseHoldUp(task, documentNumber, `release:${documentNumber}`);
      const recipients = view.focalPoint.email ? [view.focalPoint.email] : [view.policy.homeAffairsEmail];
      const { subject, text, html } = releaseEmail(
        view,
        before.heldUp,
        documentNumber,
        await taskMailFacts(db, view, recipients),
      );
      await sendOnce({
        key: `${task}:UNBLOCKED:${documentNumber}`,
        taskCode: task,
        kind: 'UNBLOCKED',
        dueDate: view.dueDate ?? vietnamDate(Date.now()),
        offsetDays: 0,
        recipients,
        subject,
        body: text,
        html,
      });
      return { task, released: true };
    },

    /**
     * Sends a reminder through the outbox: the row (unique per task, kind, due date, offset) is
     * written first; a message already sent is never sent again.
     */
    async sendReminder({ point, recipients, task }: ReminderInput): Promise<Delivery> {
      const { subject, text, html } = reminderEmail(point, task, await taskMailFacts(db, task, recipients));
      return sendOnce({
        key: `${task.code}:${point.kind}:${point.dueDate}:${point.offsetDays}`,
        taskCode: task.code,
        kind: point.kind,
        dueDate: point.dueDate,
        offsetDays: point.offsetDays,
        recipients,
        subject,
        body: text,
        html,
      });
    },

    /**
     * One step of the escalation ladder, sent at once (escalations are not part of the digest) to the
     * step's recipient with the focal point in copy; idempotent per task, due date and step. Without
     * a leadership contact for the ministry (kept by Home Affairs, or in MINISTRY_LEADERSHIP_EMAILS), its step goes to Home Affairs.
     */
    async sendEscalationStep({
      step,
      task,
    }: EscalationStepInput): Promise<Delivery & { recipients: string[]; alreadyRecorded?: true }> {
      // Once per (task, due date, step), across runs too: a run that starts again on a kept due
      // date (a reset ladder, a state carried from before the catch-up) finds the step recorded and
      // neither sends it nor records it again. The outbox key below is the same triple.
      // Only a step among the events this run already knows (seq <= task.seq) counts: one stored past
      // them was stored by an attempt whose results this run lost (a workflow task retried, a run
      // started again from its CREATED event). Skipping it would leave the run a number behind the
      // log, and its next change (a transition answered 200) would land on that number as a
      // "duplicate": neither in the audit log nor in the read model. So the step is recorded again at
      // the same number (a duplicate, as stored) and the e-mail is not sent twice (the outbox key).
      if (task.dueDate && (await ladderStepRecorded(db, task.code, task.dueDate, step.index, task.seq)))
        return { status: 'SENT', recipients: [], alreadyRecorded: true };
      const focal = task.focalPoint.email ? [task.focalPoint.email] : [];
      // The ministry's leadership contact as Home Affairs keeps it (an illustrative seed is not
      // used), else MINISTRY_LEADERSHIP_EMAILS, else Home Affairs.
      const contact =
        step.recipient === 'ministry-leadership' ? await leadershipContactOf(db, task.leadMinistry) : null;
      const kept = contact && !contact.illustrative ? contact : null;
      const leadership = kept?.email ?? leadershipEmails[task.leadMinistry];
      const target =
        step.recipient === 'home-affairs'
          ? [task.policy.homeAffairsEmail]
          : step.recipient === 'ministry-leadership'
            ? [leadership ?? task.policy.homeAffairsEmail]
            : [];
      const recipients = [...new Set([...target, ...focal])];
      if (recipients.length === 0) recipients.push(task.policy.homeAffairsEmail);
      const dueDate = task.dueDate ?? step.date;
      const { subject, text, html } = escalationEmail(
        step,
        task,
        await taskMailFacts(db, task, recipients),
        kept ? { name: kept.name, position: kept.position } : undefined,
      );
      const delivery = await sendOnce({
        key: `${task.code}:LADDER:${dueDate}:${step.index}`,
        taskCode: task.code,
        kind: 'ESCALATION_STEP',
        dueDate,
        offsetDays: -step.afterWorkingDays,
        recipients,
        subject,
        body: text,
        html,
      });
      return { ...delivery, recipients };
    },
  };
}

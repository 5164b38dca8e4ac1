import { Context } from '@temporalio/activity';
import type { Db } from '../db/client';

/** A heartbeat when running as an activity (tests also call the functions directly). */
function heartbeat(): void {
  try {
    Context.current().heartbeat();
  } catch {
    // Not inside an activity: nobody to tell.
  }
}
import type { RoundKind, RoundLevel, RoundPoint } from '../domain/reporting-round';
import type { DocumentRef } from '../domain/task';
import { markObstaclesResolved } from '../db/locality-cells';
import {
  closeRound,
  openRound,
  roundSize,
  setRoundDueDate,
  unreportedLocalities,
  type RoundRow,
} from '../db/reporting-rounds';
import type { Mailer } from './mailer';
import { deliverThroughOutbox, eachLimited } from './outbox';
import { mailFactsFor, placeMailFacts } from './mail-facts';
import { taskTexts } from '../db/tasks';
import { obstacleResolvedEmail, roundEscalationEmail, roundOpenedEmail, roundReminderEmail } from './round-emails';

export interface RoundActivityDeps {
  db: Db;
  mailer: Mailer;
  mailFrom: string;
}

/** Reminders of one round go out this many at a time (SMTP connections are the limit, not us). */
const MAIL_CONCURRENCY = 8;

export function createRoundActivities({ db, mailer, mailFrom }: RoundActivityDeps) {
  return {
    /** Idempotent: the round and one row per locality (or, for a commune round, per commune) asked. */
    async openReportingRound(r: {
      id: string;
      kind: RoundKind;
      level?: RoundLevel;
      openedOn: string;
      dueDate: string;
      closesOn: string;
    }): Promise<void> {
      await openRound(db, r);
    },

    async recordRoundDueDate(r: { id: string; dueDate: string; closesOn: string; extensions: number }): Promise<void> {
      await setRoundDueDate(db, r);
    },

    /**
     * A reminder to every locality that has not reported (each its own outbox row, keyed by round,
     * point and locality), or at the due date one escalation to Home Affairs naming them.
     */
    async sendRoundNotices(input: {
      roundId: string;
      point: RoundPoint;
      homeAffairsEmail: string;
      publicBaseUrl: string;
    }): Promise<{ notified: number; failed: number; unreported: string[] }> {
      const { roundId, point } = input;
      const missing = await unreportedLocalities(db, roundId);
      if (point.kind === 'ESCALATION') {
        const total = await roundSize(db, roundId);
        const facts = await placeMailFacts(db, [input.homeAffairsEmail]);
        const { subject, text, html } = roundEscalationEmail(
          roundId,
          point.dueDate,
          missing,
          total,
          input.publicBaseUrl,
          facts,
        );
        const d = await deliverThroughOutbox(db, mailer, mailFrom, {
          key: `round:${roundId}:ESCALATION:${point.dueDate}`,
          kind: 'ROUND_ESCALATION',
          roundId,
          dueDate: point.dueDate,
          offsetDays: 0,
          recipients: [input.homeAffairsEmail],
          subject,
          body: text,
          html,
        });
        return {
          notified: d.status === 'SENT' ? 1 : 0,
          failed: d.status === 'FAILED' ? 1 : 0,
          unreported: missing.map((l) => l.code),
        };
      }
      const reachable = missing.filter((l) => l.contactEmail !== '');
      const factsOf = await mailFactsFor(
        db,
        reachable.map((l) => l.contactEmail),
      );
      const results = await eachLimited(reachable, MAIL_CONCURRENCY, (l) => {
        const { subject, text, html } = roundReminderEmail(
          roundId,
          point,
          l,
          input.publicBaseUrl,
          factsOf([l.contactEmail]),
        );
        return deliverThroughOutbox(db, mailer, mailFrom, {
          key: `round:${roundId}:REMINDER:${point.dueDate}:${point.offsetWorkingDays}:${l.code}`,
          kind: 'ROUND_REMINDER',
          roundId,
          localityCode: l.code,
          dueDate: point.dueDate,
          offsetDays: point.offsetWorkingDays,
          recipients: [l.contactEmail],
          subject,
          body: text,
          html,
        });
      });
      return {
        notified: results.filter((d) => d.status === 'SENT').length,
        failed: results.filter((d) => d.status === 'FAILED').length,
        unreported: missing.map((l) => l.code),
      };
    },

    /**
     * The round has opened: every locality that must report is told, with the due date and a link to
     * its page (one outbox row per round and locality, so a retried activity sends nothing twice).
     */
    async sendRoundOpenedNotices(input: {
      roundId: string;
      dueDate: string;
      publicBaseUrl: string;
    }): Promise<{ notified: number; failed: number }> {
      const asked = (await unreportedLocalities(db, input.roundId)).filter((l) => l.contactEmail !== '');
      const factsOf = await mailFactsFor(
        db,
        asked.map((l) => l.contactEmail),
      );
      const results = await eachLimited(asked, MAIL_CONCURRENCY, (l) => {
        const { subject, text, html } = roundOpenedEmail(
          input.roundId,
          input.dueDate,
          l,
          input.publicBaseUrl,
          factsOf([l.contactEmail]),
        );
        return deliverThroughOutbox(db, mailer, mailFrom, {
          key: `round:${input.roundId}:OPENED:${l.code}`,
          kind: 'ROUND_OPENED',
          roundId: input.roundId,
          localityCode: l.code,
          dueDate: input.dueDate,
          offsetDays: 0,
          recipients: [l.contactEmail],
          subject,
          body: text,
          html,
        });
      });
      return {
        notified: results.filter((d) => d.status === 'SENT').length,
        failed: results.filter((d) => d.status === 'FAILED').length,
      };
    },

    /** Closes the round and freezes who reported (idempotent). */
    async closeReportingRound(r: {
      id: string;
      at: string;
      early: boolean;
      reason: string | null;
    }): Promise<{ reported: number; total: number; notReported: string[] }> {
      const row: RoundRow | null = await closeRound(db, r);
      const missing = await unreportedLocalities(db, r.id);
      return { reported: row?.reported ?? 0, total: row?.total ?? 0, notReported: missing.map((l) => l.code) };
    },

    /**
     * Closing the loop: the task became FEASIBLE through `document`. Every locality whose cell holds
     * an obstacle on it gets the document on its cell and one e-mail (outbox key per task event and
     * locality, so exactly once however often this is retried).
     */
    async notifyObstaclesResolved(input: {
      task: { code: string; title: string };
      taskSeq: number;
      document: DocumentRef;
      at: string;
      actor: string;
      publicBaseUrl: string;
    }): Promise<{ localities: string[] }> {
      const cells = await markObstaclesResolved(db, {
        taskCode: input.task.code,
        taskSeq: input.taskSeq,
        document: input.document,
        at: input.at,
        actor: input.actor,
      });
      const reachable = cells.filter((c) => c.contactEmail !== '');
      const factsOf = await mailFactsFor(
        db,
        reachable.map((c) => c.contactEmail),
      );
      const texts = await taskTexts(db, input.task.code);
      await eachLimited(reachable, MAIL_CONCURRENCY, async (c) => {
        const { subject, text, html } = obstacleResolvedEmail(
          { ...input.task, titleEn: texts?.title.en ?? '' },
          input.document,
          c,
          input.publicBaseUrl,
          factsOf([c.contactEmail]),
        );
        const delivery = await deliverThroughOutbox(db, mailer, mailFrom, {
          key: `${input.task.code}:OBSTACLE_RESOLVED:${input.taskSeq}:${c.locality}`,
          kind: 'OBSTACLE_RESOLVED',
          taskCode: input.task.code,
          localityCode: c.locality,
          offsetDays: 0,
          recipients: [c.contactEmail],
          subject,
          body: text,
          html,
        });
        // Alive after each e-mail: a killed worker's attempt is taken over once the heartbeat
        // timeout passes (the outbox keys keep each locality to one e-mail), not after minutes.
        heartbeat();
        return delivery;
      });
      return { localities: cells.map((c) => c.locality) };
    },
  };
}

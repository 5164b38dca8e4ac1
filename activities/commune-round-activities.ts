import { Context } from '@temporalio/activity';
import type { Db } from '../db/client';
import { roundCommuneProgress, roundProvinces, unreportedCommunesOf } from '../db/reporting-rounds';
import type { Mailer } from './mailer';
import { deliverThroughOutbox, type Delivery } from './outbox';
import { mailFactsFor, placeMailFacts } from './mail-facts';
import { communeRoundEmail, communeRoundEscalationEmail, type CommuneChase } from './commune-round-emails';

/**
 * The chase of a commune-level round (issue 26): one activity per province batch, not one workflow per
 * commune. Who has not reported lives in PostgreSQL (round_communes); each batch reads its province's
 * communes that have not reported, and e-mails each through the outbox under the key (round, chase,
 * commune), so a retried or re-run batch sends nothing twice. It heartbeats the last commune done: a
 * killed worker's attempt is taken over once the heartbeat timeout passes and goes on after it.
 */

/** Messages of one batch in flight at a time (34 batches may run at once: the SMTP server is the limit). */
const BATCH_CONCURRENCY = 4;

export interface CommuneBatchResult {
  locality: string;
  /** Communes of the province that had not reported when the batch read them. */
  asked: number;
  sent: number;
  failed: number;
  /** Skipped: done by an earlier attempt (its heartbeat said so) or without an address. */
  resumed: number;
  withoutAddress: number;
}

/** The last commune an earlier attempt of this activity finished (its heartbeat), or null. */
function resumeAfter(): string | null {
  try {
    const d = Context.current().info.heartbeatDetails as { after?: unknown } | undefined;
    return typeof d?.after === 'string' ? d.after : null;
  } catch {
    return null; // not inside an activity (tests call the function directly)
  }
}

function heartbeat(after: string): void {
  try {
    Context.current().heartbeat({ after });
  } catch {
    // Not inside an activity: nobody to tell.
  }
}

export function createCommuneRoundActivities({ db, mailer, mailFrom }: { db: Db; mailer: Mailer; mailFrom: string }) {
  return {
    /** The provinces whose communes the round asked: the chase's batches. */
    async communeRoundProvinces(input: { roundId: string }): Promise<string[]> {
      return roundProvinces(db, input.roundId);
    },

    /**
     * One province's batch of a chase: every commune of it that has not reported in the round gets one
     * e-mail (outbox key `round:<id>:<chase>:<commune>`), a link that signs it in to its page.
     */
    async chaseCommuneBatch(input: {
      roundId: string;
      locality: string;
      dueDate: string;
      chase: CommuneChase;
      /** The chase's part of the outbox key: OPENED, or REMINDER:<due date>:<working days before>. */
      chaseKey: string;
      publicBaseUrl: string;
    }): Promise<CommuneBatchResult> {
      const { roundId, locality } = input;
      const after = resumeAfter();
      const missing = await unreportedCommunesOf(db, roundId, locality);
      const todo = missing.filter((c) => c.contactEmail !== '' && (after === null || c.code > after));
      const withoutAddress = missing.filter((c) => c.contactEmail === '').length;
      const factsOf = await mailFactsFor(
        db,
        todo.map((c) => c.contactEmail),
      );
      const results: Delivery[] = [];
      // In code order, a few at a time; the heartbeat names the last commune of each finished group.
      for (let i = 0; i < todo.length; i += BATCH_CONCURRENCY) {
        const group = todo.slice(i, i + BATCH_CONCURRENCY);
        results.push(
          ...(await Promise.all(
            group.map((c) => {
              const { subject, text, html } = communeRoundEmail(
                roundId,
                input.dueDate,
                input.chase,
                c,
                input.publicBaseUrl,
                factsOf([c.contactEmail]),
              );
              return deliverThroughOutbox(db, mailer, mailFrom, {
                key: `round:${roundId}:${input.chaseKey}:${c.code}`,
                kind: input.chase.kind === 'OPENED' ? 'COMMUNE_ROUND_OPENED' : 'COMMUNE_ROUND_REMINDER',
                roundId,
                localityCode: locality,
                dueDate: input.dueDate,
                offsetDays: input.chase.kind === 'REMINDER' ? input.chase.offsetWorkingDays : 0,
                recipients: [c.contactEmail],
                subject,
                body: text,
                html,
              });
            }),
          )),
        );
        heartbeat((group[group.length - 1] as { code: string }).code);
      }
      return {
        locality,
        asked: missing.length,
        sent: results.filter((d) => d.status === 'SENT').length,
        failed: results.filter((d) => d.status === 'FAILED').length,
        resumed: missing.length - todo.length - withoutAddress,
        withoutAddress,
      };
    },

    /** At the due date of a commune round: one message to Home Affairs with who has not reported, by province. */
    async sendCommuneRoundEscalation(input: {
      roundId: string;
      dueDate: string;
      homeAffairsEmail: string;
      publicBaseUrl: string;
    }): Promise<{ reported: number; total: number }> {
      const provinces = await roundCommuneProgress(db, input.roundId);
      const facts = await placeMailFacts(db, [input.homeAffairsEmail]);
      const { subject, text, html } = communeRoundEscalationEmail(
        input.roundId,
        input.dueDate,
        provinces,
        input.publicBaseUrl,
        facts,
      );
      await deliverThroughOutbox(db, mailer, mailFrom, {
        key: `round:${input.roundId}:ESCALATION:${input.dueDate}`,
        kind: 'COMMUNE_ROUND_ESCALATION',
        roundId: input.roundId,
        dueDate: input.dueDate,
        offsetDays: 0,
        recipients: [input.homeAffairsEmail],
        subject,
        body: text,
        html,
      });
      return {
        reported: provinces.reduce((n, p) => n + p.reported, 0),
        total: provinces.reduce((n, p) => n + p.total, 0),
      };
    },
  };
}

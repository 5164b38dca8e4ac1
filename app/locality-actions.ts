import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { Config } from '../config/env';
import type { Db } from '../db/client';
import { submitLocalityReport } from '../db/locality-cells';
import { mailFactsFor } from '../activities/mail-facts';
import { eachLimited } from '../activities/outbox';
import { roundChaseEmail } from '../activities/round-emails';
import { queueMail } from './queued-mail';
import { communeSeedStatus } from '../db/communes';
import { getRound, recordRoundChases, roundIdsLike, unreportedLocalities, type RoundRow } from '../db/reporting-rounds';
import { vietnamDate } from '../domain/dates';
import type { ReportContext } from '../domain/locality-cells';
import type { Principal } from '../domain/principal';
import type { Actor } from '../domain/task';
import { roundPolicyFromConfig, runRoundUpdate, startRound } from '../temporal/round-client';
import { closeRoundUpdate, extendRoundUpdate } from '../workflows/round-messages';
import type { closeRoundBody, extendRoundBody, localityReportBody, openRoundBody } from './locality-schemas';
import { Refusal, conflict, fieldRefusal, forbidden, notFound, unavailable, type RefusalKind } from '../domain/refusal';

/**
 * The writes of the localities' half — a locality's report on many cells, and Home Affairs opening,
 * extending and closing reporting rounds — for the API's routes and the pages alike. Each refusal is
 * a Refusal (the API answers it as problem+json; a page shows its `errors` beside the fields).
 */

export function reportActor(p: Principal): ReportContext['actor'] {
  if (p.kind === 'home-affairs') return { kind: 'home-affairs' };
  if (p.kind === 'locality') return { kind: 'locality', code: p.code };
  if (p.kind === 'ministry') return { kind: 'ministry', code: p.code };
  return { kind: 'public' };
}

const REFUSAL_KIND: Record<string, RefusalKind> = {
  FORBIDDEN: 'forbidden',
  UNKNOWN_LOCALITY: 'not-found',
  UNKNOWN_ROUND: 'not-found',
  ROUND_CLOSED: 'conflict',
  INVALID_CELLS: 'conflict',
};

export interface ReportResult {
  locality: string;
  rounds: string[];
  changed: number;
  unchanged: number;
  at: string;
}

/**
 * A locality's report on many cells, all or nothing (`db/locality-cells.ts` validates inside the
 * transaction that writes it); every bad cell is listed in `errors` with its field and cell. The bulk
 * report, the locality page's form and the per-task report (`task-actions.ts`) all write through here.
 */
export async function reportCells(
  db: Db,
  p: Principal,
  locality: string,
  body: z.output<typeof localityReportBody>,
): Promise<ReportResult> {
  const outcome = await submitLocalityReport(
    db,
    { locality, round: body.round, cells: body.cells },
    reportActor(p),
    p.name,
    Date.now(),
  );
  if (!outcome.ok) {
    // The locality is the path's (`/api/localities/:code/report`), the rest the body's.
    const errors = outcome.errors.map(({ location, message, ...extra }) => ({
      location:
        location.list === undefined && location.field === 'locality'
          ? { in: 'params' as const, field: 'code' }
          : { in: 'body' as const, ...location },
      message,
      ...(Object.keys(extra).length > 0 ? { extra } : {}),
    }));
    throw new Refusal(REFUSAL_KIND[outcome.refusal] ?? 'conflict', outcome.message, { code: outcome.refusal }, errors);
  }
  return { locality, rounds: outcome.rounds, changed: outcome.changed, unchanged: outcome.unchanged, at: outcome.at };
}

/** What a "remind now" did: who was e-mailed, who had been already today, who has no address. */
export interface ChaseResult {
  round: string;
  /** YYYY-MM-DD, Viet Nam date: one reminder a day per locality per round. */
  day: string;
  reminded: string[];
  alreadyRemindedToday: string[];
  withoutAddress: string[];
}

export function createLocalityActions(deps: { db: Db; temporal: Client; config: Config }) {
  const { db, temporal, config } = deps;

  function homeAffairs(p: Principal): Actor {
    if (p.kind !== 'home-affairs') throw forbidden('Only Home Affairs opens, extends or closes reporting rounds.');
    return { kind: 'home-affairs' };
  }

  async function openRoundOrFail(id: string): Promise<RoundRow> {
    const round = await getRound(db, id);
    if (!round) throw notFound(`There is no round ${id}.`);
    if (round.status === 'CLOSED')
      throw conflict(`Round ${id} is closed; who reported is frozen.`, { code: 'ROUND_CLOSED' });
    return round;
  }

  return {
    /**
     * A locality's report on many cells, all or nothing (`db/locality-cells.ts` validates inside the
     * transaction that writes it); every bad cell is listed in `errors` with its field and cell.
     */
    report: (p: Principal, locality: string, body: z.output<typeof localityReportBody>) =>
      reportCells(db, p, locality, body),

    /** Opens an extra round (a round workflow) and returns it once the worker has recorded it. */
    async openRound(p: Principal, body: z.output<typeof openRoundBody>): Promise<RoundRow> {
      homeAffairs(p);
      const today = vietnamDate(Date.now());
      if (body.dueDate <= today)
        throw conflict('The due date must be after today.', {}, [fieldRefusal('dueDate', `must be after ${today}`)]);
      let id = body.id;
      if (!id) {
        const taken = new Set(await roundIdsLike(db, `extra-${today}`));
        let n = 1;
        while (taken.has(n === 1 ? `extra-${today}` : `extra-${today}-${n}`)) n++;
        id = n === 1 ? `extra-${today}` : `extra-${today}-${n}`;
      }
      const taken = () => conflict(`Round ${id} already exists.`, {}, [fieldRefusal('id', 'already exists')]);
      if (await getRound(db, id)) throw taken();
      if (body.level === 'commune' && (await communeSeedStatus(db)).communes === 0)
        throw conflict('The commune level is not seeded yet: there are no communes to ask.', {}, [
          fieldRefusal('level', 'no communes yet'),
        ]);
      const started = await startRound(temporal, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        input: {
          kind: 'EXTRA',
          id,
          dueDate: body.dueDate,
          policy: roundPolicyFromConfig(config),
          ...(body.level === 'commune' ? { level: 'commune' as const } : {}),
        },
      });
      if (!started) throw taken();
      const deadline = Date.now() + 20_000;
      for (;;) {
        const round = await getRound(db, id);
        if (round) return round;
        if (Date.now() > deadline)
          throw unavailable(`Round ${id} was started but is not recorded yet; is the worker running?`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },

    /** Moves an open round's due date later; reminders and the close are planned again. */
    async extendRound(
      p: Principal,
      id: string,
      body: z.output<typeof extendRoundBody>,
      updateId?: string,
    ): Promise<RoundRow | null> {
      const actor = homeAffairs(p);
      await openRoundOrFail(id);
      await runRoundUpdate(
        temporal,
        id,
        extendRoundUpdate,
        { actor, dueDate: body.dueDate, reason: body.reason },
        updateId,
      );
      return getRound(db, id);
    },

    /** Closes an open round now; who reported is frozen. */
    async closeRound(
      p: Principal,
      id: string,
      body: z.output<typeof closeRoundBody>,
      updateId?: string,
    ): Promise<RoundRow | null> {
      const actor = homeAffairs(p);
      await openRoundOrFail(id);
      await runRoundUpdate(temporal, id, closeRoundUpdate, { actor, reason: body.reason }, updateId);
      return getRound(db, id);
    },

    /**
     * Home Affairs reminds, now, the localities of an open round that have not reported: one e-mail
     * each, at most once a day per locality per round (round_chases records who asked and when). A
     * second try the same day sends nothing and is refused (409 ALREADY_REMINDED_TODAY).
     */
    async remindUnreported(p: Principal, id: string): Promise<ChaseResult> {
      if (p.kind !== 'home-affairs') throw forbidden('Only Home Affairs reminds localities to report.');
      const round = await openRoundOrFail(id);
      if (round.level === 'commune')
        throw conflict(
          `Round ${id} asks the communes: they are chased province by province on the round's schedule, not by "remind now".`,
          { code: 'COMMUNE_ROUND' },
        );
      const day = vietnamDate(Date.now());
      const missing = await unreportedLocalities(db, id);
      if (missing.length === 0)
        throw conflict(`Every locality has reported in round ${id}: there is no one to remind.`, {
          code: 'NOTHING_TO_REMIND',
        });
      const reachable = missing.filter((l) => l.contactEmail !== '');
      const fresh = new Set(
        await recordRoundChases(db, { roundId: id, day, actor: p.name, localities: reachable.map((l) => l.code) }),
      );
      const withoutAddress = missing.filter((l) => l.contactEmail === '').map((l) => l.code);
      // Every reachable locality's message of the day is (re)queued, not only the fresh ones: a
      // request that recorded the chases but failed before queueing their messages is made good by
      // the next one (the outbox key keeps each to one e-mail; the worker sends it).
      const factsOf = await mailFactsFor(
        db,
        reachable.map((l) => l.contactEmail),
      );
      await eachLimited(reachable, 8, (l) => {
        const { subject, text, html } = roundChaseEmail(
          id,
          round.dueDate,
          l,
          config.publicBaseUrl,
          factsOf([l.contactEmail]),
        );
        return queueMail(deps, {
          key: `round:${id}:CHASE:${day}:${l.code}`,
          kind: 'ROUND_CHASE',
          roundId: id,
          localityCode: l.code,
          dueDate: round.dueDate,
          offsetDays: 0,
          recipients: [l.contactEmail],
          subject,
          body: text,
          html,
        });
      });
      if (fresh.size === 0) {
        // The problem body keeps to its documented fields (code, detail): the localities are those the round lists as not reported.
        throw conflict(
          `The localities that have not reported in round ${id} were already reminded today (${day}); the next reminder can go tomorrow.`,
          {
            code: 'ALREADY_REMINDED_TODAY',
          },
        );
      }
      return {
        round: id,
        day,
        reminded: [...fresh].sort(),
        alreadyRemindedToday: reachable.filter((l) => !fresh.has(l.code)).map((l) => l.code),
        withoutAddress,
      };
    },
  };
}

export type LocalityActions = ReturnType<typeof createLocalityActions>;

import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { vietnamDate } from '../domain/dates';
import {
  applyExtendRound,
  checkCloseRound,
  checkExtendRound,
  initialRoundState,
  monthlyRoundId,
  nextRoundPoint,
  scheduledRoundOpening,
  type CloseRoundInput,
  type RoundKind,
  type RoundLevel,
  type RoundPoint,
  type RoundPolicy,
  type RoundRefusal,
  type RoundState,
} from '../domain/reporting-round';
import { actorName } from '../domain/task';
import { CALENDAR_DAYS, workingDaysOf } from '../domain/round-days';
import { closeRoundUpdate, extendRoundUpdate, roundStateQuery, type RoundOutcome } from './round-messages';

type Activities = ReturnType<typeof createActivities>;

/** Patches of the round workflow (`patched()` ids); round runs recorded before them replay unchanged. */
/** Opening a round e-mails every locality asked for a report (issue 23). */
export const ROUND_OPENED_NOTICES = 'round-opened-notices';
/** A scheduled round that falls on a day off opens at 08:00 on the next working day (issue 23). */
export const SCHEDULED_ROUND_ON_WORKING_DAY = 'scheduled-round-on-working-day';
/**
 * A commune-level round asks the 3,321 communes: its notices go out as one chase activity per province
 * batch (issue 26). Only runs with `level: 'commune'` take it; province rounds issue the same commands.
 */
export const COMMUNE_ROUNDS = 'commune-rounds';

// Database writes retry until they succeed (each is idempotent); mail retries with backoff, and
// its outbox keys keep a retried batch from sending any message twice.
const { openReportingRound, recordRoundDueDate, closeReportingRound } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const { sendRoundNotices, sendRoundOpenedNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});
// A province's batch of a commune chase (up to 168 e-mails). It heartbeats after each few messages, so a
// killed worker's attempt is retried after 15 s and goes on from its last heartbeat; the outbox keys keep
// each commune to one e-mail per chase whatever is retried.
const { communeRoundProvinces, chaseCommuneBatch, sendCommuneRoundEscalation } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '15 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export interface RoundWorkflowInput {
  kind: RoundKind;
  /** Absent for scheduled rounds: derived from the day the Schedule starts it (one per month). */
  id?: string;
  /** YYYY-MM-DD; absent: `policy.dueInWorkingDays` working days after the round opens. */
  dueDate?: string;
  policy: RoundPolicy;
  /** Who reports: 'province' (absent: every round before issue 26) or 'commune'. */
  level?: RoundLevel;
}

function reject(refusal: RoundRefusal | null): void {
  if (refusal)
    throw ApplicationFailure.create({
      type: refusal.code,
      message: refusal.message,
      details: [refusal],
      nonRetryable: true,
    });
}

/**
 * One reporting round: opens it (every locality is asked), reminds the localities that have not
 * reported at the configured working days before the due date, escalates to Home Affairs at the
 * due date, and closes, freezing who reported. Home Affairs may extend it or close it early.
 */
export async function roundWorkflow(input: RoundWorkflowInput): Promise<RoundOutcome> {
  // Working days come from the calendar the policy carries (Viet Nam's, as data, so a replay sees
  // the same days off); without one every day counts.
  const calendar = input.policy.calendar ? workingDaysOf(input.policy.calendar) : CALENDAR_DAYS;
  const scheduledOn = vietnamDate(Date.now());
  // The Schedule fires on a day of the month, which may be a day off (01/01/2027 is New Year's Day):
  // the scheduled round then opens at 08:00 on the next working day. Named after the month it was
  // scheduled for, so one month still has one round. Runs recorded before this patch opened at once.
  if (input.id === undefined && input.kind === 'MONTHLY' && patched(SCHEDULED_ROUND_ON_WORKING_DAY)) {
    const { opensAt } = scheduledRoundOpening(scheduledOn, calendar);
    if (opensAt !== null) await sleep(Math.max(1, opensAt - Date.now()));
  }
  const openedAt = Date.now();
  const today = vietnamDate(openedAt);
  const id = input.id ?? monthlyRoundId(scheduledOn);
  const dueDate = input.dueDate ?? calendar.addWorkingDays(today, input.policy.dueInWorkingDays);
  let state: RoundState = initialRoundState(
    { id, kind: input.kind, dueDate, policy: input.policy },
    openedAt,
    today,
    calendar,
  );
  let closeRequest: CloseRoundInput | null = null;
  let outcome: RoundOutcome | null = null;
  // Bumped by every update, so the timer loop re-plans at once (the "updatable timer" pattern).
  let version = 0;

  setHandler(roundStateQuery, () => state);
  setHandler(
    extendRoundUpdate,
    async (i) => {
      state = applyExtendRound(state, i, Date.now(), calendar);
      version++;
      await recordRoundDueDate({ id, dueDate: state.dueDate, closesOn: state.closesOn, extensions: state.extensions });
      return state;
    },
    {
      validator: (i) =>
        reject(
          closeRequest
            ? { code: 'ROUND_CLOSED', message: `Round ${id} is closing.` }
            : checkExtendRound(state, i, vietnamDate(Date.now())),
        ),
    },
  );
  setHandler(
    closeRoundUpdate,
    async (i) => {
      closeRequest = i;
      version++;
      await condition(() => outcome !== null);
      return outcome as RoundOutcome;
    },
    {
      validator: (i) =>
        reject(
          closeRequest
            ? { code: 'ROUND_CLOSED', message: `Round ${id} is already closing.` }
            : checkCloseRound(state, i),
        ),
    },
  );

  // Province rounds (and every run recorded before commune rounds) never call patched(COMMUNE_ROUNDS).
  const communes = input.level === 'commune' && patched(COMMUNE_ROUNDS);

  /**
   * A commune round's chase: one activity per province batch, all at once (the worker's activity slots
   * bound how many run). The workflow holds only the schedule; who has not reported is read by each batch.
   */
  async function chaseCommunes(point: RoundPoint | null): Promise<void> {
    const provinces = await communeRoundProvinces({ roundId: id });
    await Promise.all(
      provinces.map((locality) =>
        chaseCommuneBatch({
          roundId: id,
          locality,
          dueDate: state.dueDate,
          chase: point ? { kind: 'REMINDER', offsetWorkingDays: point.offsetWorkingDays } : { kind: 'OPENED' },
          chaseKey: point ? point.key : 'OPENED',
          publicBaseUrl: state.policy.publicBaseUrl,
        }),
      ),
    );
  }

  await openReportingRound({
    id,
    kind: input.kind,
    ...(communes ? { level: 'commune' as const } : {}),
    openedOn: today,
    dueDate: state.dueDate,
    closesOn: state.closesOn,
  });
  if (communes) await chaseCommunes(null);
  // Every locality that must report is told the round has opened (runs recorded before did not).
  else if (patched(ROUND_OPENED_NOTICES))
    await sendRoundOpenedNotices({ roundId: id, dueDate: state.dueDate, publicBaseUrl: state.policy.publicBaseUrl });

  async function close(early: boolean, reason: string | null): Promise<void> {
    const frozen = await closeReportingRound({ id, at: new Date(Date.now()).toISOString(), early, reason });
    state = { ...state, status: 'CLOSED', closedEarly: early };
    outcome = { id, ...frozen, closedEarly: early };
  }

  while (outcome === null) {
    const request = closeRequest as CloseRoundInput | null;
    if (request) {
      await close(true, `${actorName(request.actor)}: ${request.reason}`);
      break;
    }
    const seen = version;
    const point = nextRoundPoint(state, calendar);
    if (!point) break;
    const wait = point.at - Date.now();
    // condition(fn, timeout) resolves false when the timer fires first.
    const interrupted = wait > 0 ? await condition(() => version !== seen, wait) : false;
    if (interrupted) continue;
    if (point.kind === 'CLOSE') {
      await close(false, null);
      break;
    }
    if (communes && point.kind === 'REMINDER') await chaseCommunes(point);
    else if (communes)
      await sendCommuneRoundEscalation({
        roundId: id,
        dueDate: point.dueDate,
        homeAffairsEmail: state.policy.homeAffairsEmail,
        publicBaseUrl: state.policy.publicBaseUrl,
      });
    else
      await sendRoundNotices({
        roundId: id,
        point,
        homeAffairsEmail: state.policy.homeAffairsEmail,
        publicBaseUrl: state.policy.publicBaseUrl,
      });
    state = { ...state, done: [...state.done, point.key] };
  }

  await condition(allHandlersFinished);
  return outcome ?? { id, reported: 0, total: 0, notReported: [], closedEarly: false };
}

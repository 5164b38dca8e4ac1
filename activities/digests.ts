/**
 * The digest runs: each focal point's daily e-mail (working days only, and only when something is
 * due, overdue or changed) and Home Affairs' weekly bottleneck digest. Every message goes through
 * the digest outbox (one row per recipient and period, written before sending), so a run that is
 * retried after a crash sends nothing twice.
 */
import crypto from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Config } from '../config/env';
import type { Db } from '../db/client';
import { recordedEvents } from '../db/audit-events';
import {
  claimDigestRow,
  preferencesFor,
  recordDigestFailure,
  recordDigestSent,
  type DigestMessage,
  type MailPreferences,
} from '../db/digests';
import { cellReportChanges, cellReportsAt } from '../db/matrix';
import { listMinistries } from '../db/reference-data';
import { bottlenecksAsOf, replayAsOf, summaryAsOf, withCellReports } from '../domain/as-of';
import { forecastAll } from '../domain/at-risk';
import { DAY_MS, deadlineInstant, vietnamDate } from '../domain/dates';
import { mailLanguage } from '../domain/mail';
import {
  composeBottleneckDigest,
  composeFocalPointDigest,
  digestsByRecipient,
  type DigestLanguage,
  type MailLinks,
} from '../domain/digest';
import { unsubscribeToken } from '../domain/unsubscribe-link';
import { pageLink } from '../domain/page-links';
import { WEEKENDS_ONLY } from '../domain/escalation-ladder';
import { weekStartOf } from '../domain/trend';
import { isWorkingDay, subtractWorkingDays, type WorkingCalendar } from '../domain/working-days';
import type { Mailer } from './mailer';
import { sendRecorded } from './outbox';

export interface DigestSettings {
  homeAffairsEmail: string;
  publicBaseUrl: string;
  /** Viet Nam's working days; weekends only when absent. */
  calendar?: WorkingCalendar;
  /** Tasks due within this many days count as "due" (the longest reminder offset). */
  dueSoonDays: number;
}

export function digestSettingsFromConfig(
  cfg: Pick<Config, 'HOME_AFFAIRS_EMAIL' | 'publicBaseUrl' | 'calendar' | 'REMINDER_OFFSETS_DAYS'>,
): DigestSettings {
  return {
    homeAffairsEmail: cfg.HOME_AFFAIRS_EMAIL,
    publicBaseUrl: cfg.publicBaseUrl,
    calendar: cfg.calendar,
    dueSoonDays: Math.max(1, ...cfg.REMINDER_OFFSETS_DAYS),
  };
}

export interface DigestRun {
  period: string;
  /** False: not a working day, nothing was sent. */
  workingDay: boolean;
  sent: number;
  failed: number;
  /** Sent by an earlier attempt of the same run (not sent again). */
  alreadySent: number;
  /** Recipients with nothing due, overdue or changed. */
  nothingToSay: number;
  unsubscribed: number;
}

/** Tells Temporal the run is alive (after each recipient); a no-op when called outside an activity (tests, bench). */
function heartbeat(): void {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return;
  }
  context.heartbeat();
}

const languageOf = (s: string | undefined): DigestLanguage => mailLanguage(s);
/** 00:00 in Viet Nam on `date`. */
const startOfDay = (date: string) => deadlineInstant(date) - DAY_MS;

export function createDigestActivities(deps: { db: Db; mailer: Mailer; mailFrom: string; settings: DigestSettings }) {
  const { db, mailer, mailFrom, settings } = deps;
  const links = (pref: MailPreferences): MailLinks => ({
    preferencesUrl: pageLink(settings.publicBaseUrl, { page: 'preferences' }),
    unsubscribeUrl: pageLink(settings.publicBaseUrl, {
      page: 'unsubscribe',
      token: unsubscribeToken(pref.email, pref.token),
    }),
  });

  /** Sends the stored message for `message.key` unless an earlier attempt did. */
  async function sendDigestOnce(
    message: DigestMessage,
    pref: MailPreferences | undefined,
  ): Promise<'SENT' | 'FAILED' | 'ALREADY_SENT'> {
    const row = await claimDigestRow(db, message);
    if (row.status === 'SENT') return 'ALREADY_SENT';
    if (row.status === 'FAILED') return 'FAILED';
    const messageId = `<digest.${crypto.createHash('sha256').update(row.key).digest('hex').slice(0, 32)}@delegated-tasks-tracker>`;
    const delivery = await sendRecorded(
      mailer,
      {
        from: mailFrom,
        to: [row.recipient],
        subject: row.subject,
        text: row.textBody,
        html: row.htmlBody,
        messageId,
        ...(pref ? { listUnsubscribe: links(pref).unsubscribeUrl } : {}),
      },
      {
        failed: (error, permanent) => recordDigestFailure(db, row.key, error, permanent),
        sent: (id) => recordDigestSent(db, row.key, id),
      },
    );
    return delivery.status;
  }

  return {
    /**
     * Today's digest for every focal point with open tasks: all their tasks with deadlines and
     * links, and what changed since the previous working day began. Retried as a whole; the outbox
     * keeps what was sent.
     */
    async sendDailyDigests({ nowMs }: { nowMs: number }): Promise<DigestRun> {
      const date = vietnamDate(nowMs);
      const calendar = settings.calendar ?? WEEKENDS_ONLY;
      const run: DigestRun = {
        period: date,
        workingDay: isWorkingDay(calendar, date),
        sent: 0,
        failed: 0,
        alreadySent: 0,
        nothingToSay: 0,
        unsubscribed: 0,
      };
      if (!run.workingDay) return run;
      const changedIn = { fromMs: startOfDay(subtractWorkingDays(calendar, date, 1)), toMs: startOfDay(date) };
      const [events, cellChanges] = await Promise.all([
        recordedEvents(db, nowMs, { withNotices: false }),
        cellReportChanges(db, changedIn.fromMs, changedIn.toMs),
      ]);
      const { tasks } = replayAsOf(events, nowMs);
      // What localities reported comes from their matrix cells (the one store), not from the task's log.
      const changes = events.filter((e) => e.kind !== 'LOCALITY_REPORT').concat(cellChanges);
      const byRecipient = digestsByRecipient(tasks.values(), changes, changedIn, nowMs);
      const preferences = await preferencesFor(db, [...byRecipient.keys()]);
      for (const [email, digest] of [...byRecipient.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        heartbeat();
        const pref = preferences.get(email);
        if (pref && !pref.dailyDigest) {
          run.unsubscribed++;
          continue;
        }
        const mail = composeFocalPointDigest({
          recipient: digest.recipient,
          date,
          tasks: digest.tasks,
          baseUrl: settings.publicBaseUrl,
          language: languageOf(pref?.language),
          dueSoonDays: settings.dueSoonDays,
          ...(pref ? { links: links(pref) } : {}),
        });
        if (!mail) {
          run.nothingToSay++;
          continue;
        }
        const outcome = await sendDigestOnce(
          {
            key: `DAILY:${date}:${email}`,
            kind: 'DAILY',
            period: date,
            recipient: email,
            subject: mail.subject,
            textBody: mail.text,
            htmlBody: mail.html,
          },
          pref,
        );
        if (outcome === 'SENT') run.sent++;
        else if (outcome === 'FAILED') run.failed++;
        else run.alreadySent++;
      }
      return run;
    },

    /** Home Affairs' digest of the week's bottlenecks: overdue by ministry, the change on last week, the tasks most at risk. */
    async sendWeeklyBottleneckDigest({ nowMs }: { nowMs: number }): Promise<DigestRun> {
      const weekStart = weekStartOf(nowMs);
      const run: DigestRun = {
        period: weekStart,
        workingDay: true,
        sent: 0,
        failed: 0,
        alreadySent: 0,
        nothingToSay: 0,
        unsubscribed: 0,
      };
      const email = settings.homeAffairsEmail.toLowerCase();
      if (!email) return run;
      const pref = (await preferencesFor(db, [email])).get(email);
      if (pref && !pref.weeklyDigest) {
        run.unsubscribed++;
        return run;
      }
      const [events, ministries, cellsNow] = await Promise.all([
        recordedEvents(db, nowMs),
        listMinistries(db),
        cellReportsAt(db, null),
      ]);
      const replayed = replayAsOf(events, nowMs);
      // The at-risk reasons count the localities' obstacles in their matrix cells (the one store).
      const now = { ...replayed, tasks: withCellReports(replayed.tasks, cellsNow) };
      const weekAgo = replayAsOf(events, nowMs - 7 * DAY_MS);
      const summary = summaryAsOf(now.tasks.values(), ministries, [], nowMs);
      const before = summaryAsOf(weekAgo.tasks.values(), ministries, [], nowMs - 7 * DAY_MS);
      const overdue = summary.byMinistry.reduce((n, m) => n + m.overdue, 0);
      const names = new Map(ministries.map((m) => [m.code, { vi: m.nameVi || m.name, en: m.name }]));
      const mail = composeBottleneckDigest({
        weekStart,
        total: summary.total,
        open: summary.total - summary.byStatus.FEASIBLE.count,
        overdue,
        overdueChange: overdue - before.byMinistry.reduce((n, m) => n + m.overdue, 0),
        overdueByMinistry: bottlenecksAsOf(now.tasks.values(), nowMs).overdueByMinistry.map((m) => ({
          ...m,
          names: names.get(m.ministry) ?? { vi: m.ministry, en: m.ministry },
        })),
        // Not yet overdue, most likely to be: where attention still helps.
        atRisk: forecastAll(now.tasks.values(), now.spells, nowMs)
          .filter((f) => f.probabilityLate < 1 && f.risk !== 'low')
          .slice(0, 10)
          .map((f) => ({
            code: f.code,
            title: f.title,
            leadMinistry: f.leadMinistry,
            probabilityLate: f.probabilityLate,
            reasons: f.reasons.map((r) => ({ vi: r.vi, en: r.en })),
          })),
        baseUrl: settings.publicBaseUrl,
        language: languageOf(pref?.language),
        ...(pref ? { links: links(pref) } : {}),
      });
      const outcome = await sendDigestOnce(
        {
          key: `WEEKLY_BOTTLENECKS:${weekStart}:${email}`,
          kind: 'WEEKLY_BOTTLENECKS',
          period: weekStart,
          recipient: email,
          subject: mail.subject,
          textBody: mail.text,
          htmlBody: mail.html,
        },
        pref,
      );
      if (outcome === 'SENT') run.sent++;
      else if (outcome === 'FAILED') run.failed++;
      else run.alreadySent++;
      return run;
    },
  };
}

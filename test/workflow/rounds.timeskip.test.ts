import { WorkflowUpdateFailedError } from '@temporalio/client';
import { reference } from '../../catalog/reference-data';
import { submitLocalityReport } from '../../db/locality-cells';
import { getRound } from '../../db/reporting-rounds';
import { DAY_MS, deadlineInstant, vietnamDate, vietnameseDate } from '../../domain/dates';
import { morningOf, roundWorkflowId, type RoundPolicy } from '../../domain/reporting-round';
import { closeRoundUpdate, extendRoundUpdate, roundStateQuery } from '../../workflows/round-messages';
import type { roundWorkflow } from '../../workflows/round-workflow';
import { eventually, uid } from '../support/harness';
import { useTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping';

// Rounds span weeks; the time-skipping server jumps over the timers. Activities are real
// (PostgreSQL, SMTP on loopback), so the e-mails counted here were really sent.
const TASK = uid('RT-');
const ALL = reference.localities.map((l) => l.code);
const POLICY: RoundPolicy = {
  reminderWorkingDaysBefore: [5, 2, 1],
  closeAfterWorkingDays: 3,
  dueInWorkingDays: 10,
  homeAffairsEmail: 'moha@tracker.test',
  publicBaseUrl: 'http://tracker.test',
};
const ts = useTimeSkippingStack('rounds-', {
  seed: (db) =>
    db.prisma.task.create({
      data: {
        code: TASK,
        title: 'Round test task',
        sector: 'Test',
        status: 'FEASIBLE',
        statusSince: new Date(),
        leadMinistryCode: 'BYT',
        coordinatingMinistries: [],
      },
    }),
});
const { sleepUntil, taskQueue } = ts;
let testEnv: TimeSkippingStack['testEnv'];
let db: TimeSkippingStack['db'];
let smtp: TimeSkippingStack['smtp'];
beforeAll(() => {
  ({ testEnv, db, smtp } = ts);
});

async function startRound(daysAhead: number) {
  const id = uid('r-').toLowerCase();
  const now = await testEnv.currentTimeMs();
  const dueDate = vietnamDate(now + daysAhead * DAY_MS);
  const handle = await testEnv.client.workflow.start<typeof roundWorkflow>('roundWorkflow', {
    taskQueue,
    workflowId: roundWorkflowId(id),
    args: [{ kind: 'EXTRA', id, dueDate, policy: POLICY }],
  });
  await eventually(() => getRound(db, id), 20_000, 'the round row');
  return { id, handle, dueDate };
}

function report(round: string, locality: string) {
  return submitLocalityReport(
    db,
    { locality, round, cells: [{ task: TASK, state: 'IMPLEMENTING' }] },
    { kind: 'locality', code: locality },
    `locality:${locality}`,
    Date.now(),
  );
}

function roundMails(round: string) {
  // The loopback server decodes each Subject (embedded/loopback-smtp.ts decodeHeader).
  return smtp.received.filter((m) => m.subject.includes(`[${round}]`));
}

/** Recipients of this round's mails of one kind, in order. */
function mails(round: string, what: 'Nhắc gửi' | 'Đến hạn') {
  return roundMails(round)
    .filter((m) => m.subject.includes(what))
    .map((m) => m.to.join(','));
}

const contact = (code: string) => `office.${code.toLowerCase()}@localities.example`;

describe('reporting round workflow (time skipping)', () => {
  it('when a round runs its course, then only localities that have not reported are reminded, Home Affairs gets one escalation, and the close freezes 31 of 34', async () => {
    const { id, handle, dueDate } = await startRound(10);
    for (const code of ALL.slice(0, 30)) expect((await report(id, code)).ok).toBe(true);

    await sleepUntil(morningOf(vietnamDate(deadlineInstant(dueDate) - 5 * DAY_MS)) + 60_000);
    await eventually(async () => mails(id, 'Nhắc gửi').length === 4, 20_000, 'four reminders');
    expect(mails(id, 'Nhắc gửi').sort()).toEqual(ALL.slice(30).map(contact).sort());

    // One more reports before the next reminder: it is not reminded again.
    expect((await report(id, ALL[30] as string)).ok).toBe(true);
    await sleepUntil(deadlineInstant(dueDate) + 60_000);
    await eventually(async () => mails(id, 'Đến hạn').length === 1, 20_000, 'the escalation');
    // 4 at five days, 3 at two days, 3 at one day before.
    expect(mails(id, 'Nhắc gửi')).toHaveLength(10);
    expect(mails(id, 'Đến hạn')).toEqual(['moha@tracker.test']);
    const escalation = roundMails(id).find((m) => m.subject.includes('Đến hạn'));
    for (const code of ALL.slice(31)) expect(escalation?.raw).toContain(code);

    const outcome = await handle.result();
    expect(outcome).toEqual({ id, reported: 31, total: 34, notReported: ALL.slice(31).sort(), closedEarly: false });
    const row = await getRound(db, id);
    expect([row?.status, row?.reported, row?.total]).toEqual(['CLOSED', 31, 34]);

    // Frozen: a late report naming the round is refused and changes nothing.
    const late = await report(id, ALL[33] as string);
    expect(late.ok ? null : late.refusal).toBe('ROUND_CLOSED');
    expect((await getRound(db, id))?.reported).toBe(31);
  });

  it('when Home Affairs extends the round, then reminders and the close follow the new due date; other callers are refused', async () => {
    const { id, handle, dueDate } = await startRound(10);
    await expect(
      handle.executeUpdate(extendRoundUpdate, {
        args: [
          {
            actor: { kind: 'locality', code: 'HNI' },
            dueDate: vietnamDate(deadlineInstant(dueDate) + 5 * DAY_MS),
            reason: 'more time',
          },
        ],
      }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const newDue = vietnamDate(deadlineInstant(dueDate) + 10 * DAY_MS);
    const state = await handle.executeUpdate(extendRoundUpdate, {
      args: [{ actor: { kind: 'home-affairs' }, dueDate: newDue, reason: 'Tết holidays' }],
    });
    expect([state.dueDate, state.extensions]).toEqual([newDue, 1]);
    expect((await getRound(db, id))?.dueDate).toBe(newDue);

    // Past the old due date: no escalation yet.
    await sleepUntil(deadlineInstant(dueDate) + 60_000);
    expect((await handle.query(roundStateQuery)).status).toBe('OPEN');
    expect(mails(id, 'Đến hạn')).toHaveLength(0);
    // Only the 34 notices that the round opened (one per locality), no reminder yet.
    expect(roundMails(id).filter((m) => !m.subject.includes('Mở đợt báo cáo'))).toHaveLength(0);
    expect(
      new Set(
        roundMails(id)
          .filter((m) => m.subject.includes('Mở đợt báo cáo'))
          .map((m) => m.to.join(',')),
      ).size,
    ).toBe(34);

    const outcome = await handle.result();
    expect(
      new Set(
        roundMails(id)
          .filter((m) => m.subject.includes('Nhắc gửi'))
          .map((m) => /(\d{2}\/\d{2}\/\d{4})/.exec(m.subject)?.[1]),
      ),
    ).toEqual(new Set([vietnameseDate(newDue)]));
    expect(outcome.reported).toBe(0);
    expect(mails(id, 'Đến hạn')).toHaveLength(1);
    expect(mails(id, 'Nhắc gửi')).toHaveLength(34 * 3);
  });

  it('when Home Affairs closes the round early, then it closes at once with who had reported, and a second close is refused', async () => {
    const { id, handle } = await startRound(20);
    for (const code of ALL.slice(0, 12)) expect((await report(id, code)).ok).toBe(true);
    const outcome = await handle.executeUpdate(closeRoundUpdate, {
      args: [{ actor: { kind: 'home-affairs' }, reason: 'superseded by the extra round' }],
    });
    expect([outcome.reported, outcome.total, outcome.closedEarly]).toEqual([12, 34, true]);
    await handle.result();
    await expect(
      handle.executeUpdate(closeRoundUpdate, { args: [{ actor: { kind: 'home-affairs' }, reason: 'again' }] }),
    ).rejects.toThrow();
    const row = await getRound(db, id);
    expect([row?.status, row?.closedEarly, row?.reported]).toEqual(['CLOSED', true, 12]);
    expect(mails(id, 'Nhắc gửi')).toHaveLength(0);
  });
});

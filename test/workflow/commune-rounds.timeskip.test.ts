import fs from 'node:fs';
import { parseCommunes, type Commune } from '../../catalog/communes';
import { writeCommuneCells } from '../../db/communes';
import { getRound } from '../../db/reporting-rounds';
import { resolveCommuneDataFile } from '../../embedded/commune-reference';
import { seedCommunes } from '../../embedded/commune-seed';
import { DAY_MS, deadlineInstant, vietnamDate } from '../../domain/dates';
import { morningOf, roundWorkflowId, type RoundPolicy } from '../../domain/reporting-round';
import type { roundWorkflow } from '../../workflows/round-workflow';
import { eventually, uid } from '../support/harness';
import { useTimeSkippingStack, type TimeSkippingStack } from '../support/time-skipping';

// A commune-level round runs its course on the time-skipping server: its chases are one activity per
// province (Lai Châu's 38 units and Huế's 40 here), the activities real (PostgreSQL, SMTP on loopback).
const POLICY: RoundPolicy = {
  reminderWorkingDaysBefore: [5, 2],
  closeAfterWorkingDays: 3,
  dueInWorkingDays: 10,
  homeAffairsEmail: 'moha@tracker.test',
  publicBaseUrl: 'http://tracker.test',
};
const PROVINCES = ['LCU', 'HUE'];
let communes: Commune[];
const ts = useTimeSkippingStack('crounds-', {
  seed: async (db) => {
    communes = parseCommunes(fs.readFileSync(resolveCommuneDataFile(), 'utf8')).filter((c) =>
      PROVINCES.includes(c.locality),
    );
    await seedCommunes(db, { communes, localities: PROVINCES });
  },
});
let testEnv: TimeSkippingStack['testEnv'];
let db: TimeSkippingStack['db'];
let smtp: TimeSkippingStack['smtp'];
beforeAll(() => {
  ({ testEnv, db, smtp } = ts);
});

const address = (code: string) => `office.${code}@communes.example`;

/** Recipients of the round's e-mails whose subject holds `what`. */
function recipients(round: string, what: string): string[] {
  return smtp.received
    .filter((m) => m.subject.includes(`[${round}]`) && m.subject.includes(what))
    .flatMap((m) => m.to)
    .sort();
}

function report(round: string, c: Commune) {
  return writeCommuneCells(db, {
    locality: c.locality,
    cells: [],
    communes: [c.code],
    actor: `commune:${c.code}`,
    channel: 'COMMUNE',
    round,
    now: Date.now(),
  });
}

describe('a commune-level round (time skipping)', () => {
  it('when it runs its course, then each commune is told once it opened, only those that have not reported are reminded, Home Affairs gets one escalation by province, and the close freezes n of N communes', async () => {
    const id = uid('cr-').toLowerCase();
    const dueDate = vietnamDate((await testEnv.currentTimeMs()) + 12 * DAY_MS);
    const handle = await testEnv.client.workflow.start<typeof roundWorkflow>('roundWorkflow', {
      taskQueue: ts.taskQueue,
      workflowId: roundWorkflowId(id),
      args: [{ kind: 'EXTRA', id, dueDate, policy: POLICY, level: 'commune' }],
    });
    await eventually(() => getRound(db, id), 20_000, 'the round row');
    expect(await getRound(db, id)).toMatchObject({ level: 'commune', total: communes.length, reported: 0 });
    await eventually(async () => recipients(id, 'Mở đợt').length === communes.length, 30_000, 'the opening notices');
    expect(recipients(id, 'Mở đợt')).toEqual(communes.map((c) => address(c.code)).sort());

    // Ten communes of Lai Châu and five of Huế report before the first reminder.
    const early = [
      ...communes.filter((c) => c.locality === 'LCU').slice(0, 10),
      ...communes.filter((c) => c.locality === 'HUE').slice(0, 5),
    ];
    for (const c of early) expect((await report(id, c)).ok).toBe(true);
    const rest = communes.filter((c) => !early.includes(c));

    await ts.sleepUntil(morningOf(vietnamDate(deadlineInstant(dueDate) - 5 * DAY_MS)) + 60_000);
    await eventually(async () => recipients(id, 'Nhắc').length === rest.length, 30_000, 'the first reminders');
    expect(recipients(id, 'Nhắc')).toEqual(rest.map((c) => address(c.code)).sort());

    // One more reports; the next chase leaves it out.
    const late = rest[0] as Commune;
    expect((await report(id, late)).ok).toBe(true);
    await ts.sleepUntil(deadlineInstant(dueDate) + 60_000);
    await eventually(async () => recipients(id, 'Đến hạn').length === 1, 30_000, 'the escalation');
    const reminded = recipients(id, 'Nhắc');
    expect(reminded.filter((a) => a === address(late.code))).toHaveLength(1);
    for (const c of rest.slice(1)) expect(reminded.filter((a) => a === address(c.code))).toHaveLength(2);
    for (const c of early) expect(reminded).not.toContain(address(c.code));
    expect(recipients(id, 'Đến hạn')).toEqual(['moha@tracker.test']);
    const escalation = smtp.received.find((m) => m.subject.includes(`[${id}]`) && m.subject.includes('Đến hạn'));
    expect(escalation?.subject).toContain(`${rest.length - 1} trên ${communes.length} xã/phường chưa báo cáo`);

    const outcome = await handle.result();
    expect(outcome).toMatchObject({ id, reported: early.length + 1, total: communes.length, closedEarly: false });
    expect(await getRound(db, id)).toMatchObject({ status: 'CLOSED', reported: early.length + 1 });
    // A closed round refuses a report naming it.
    expect(await report(id, rest[1] as Commune)).toMatchObject({ ok: false, refusal: 'ROUND_CLOSED' });
    // The outbox holds exactly what was sent: the openings, the two chases and the escalation.
    const { rows } = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notifications WHERE round_id = $1 AND status = 'SENT'`,
      [id],
    );
    expect(rows[0]?.n).toBe(communes.length + 2 * rest.length - 1 + 1);
    expect(smtp.received.filter((m) => m.subject.includes(`[${id}]`))).toHaveLength(rows[0]?.n ?? -1);
  }, 180_000);
});

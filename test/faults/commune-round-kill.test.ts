import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { parseCommunes, type Commune } from '../../catalog/communes';
import { getRound } from '../../db/reporting-rounds';
import { resolveCommuneDataFile } from '../../embedded/commune-reference';
import { seedCommunes } from '../../embedded/commune-seed';
import { DAY_MS, vietnamDate } from '../../domain/dates';
import { roundWorkflowId, type RoundPolicy } from '../../domain/reporting-round';
import type { roundWorkflow } from '../../workflows/round-workflow';
import { closeRoundUpdate } from '../../workflows/round-messages';
import { TestSmtpServer, createTestDatabase, env, eventually, uid, type TestDatabase } from '../support/harness';
import { workerProcess } from '../support/worker-process';

// A worker process is SIGKILLed in the middle of a commune round's chase (issue 26): the SMTP server holds
// the messages in flight, the worker dies, they are refused, and a new worker takes the batches over from
// their last heartbeat. Every commune must end with exactly one e-mail: none lost, none twice.
const PROVINCES = ['LCU', 'HUE', 'DBN'];
const POLICY: RoundPolicy = {
  reminderWorkingDaysBefore: [2],
  closeAfterWorkingDays: 3,
  dueInWorkingDays: 10,
  homeAffairsEmail: 'moha@tracker.test',
  publicBaseUrl: 'http://tracker.test',
};
let db: TestDatabase;
let client: Client;
let connection: Connection;
let communes: Commune[];

beforeAll(async () => {
  db = await createTestDatabase();
  connection = await Connection.connect({ address: env('TEST_TEMPORAL_ADDRESS') });
  client = new Client({ connection });
  communes = parseCommunes(fs.readFileSync(resolveCommuneDataFile(), 'utf8')).filter((c) =>
    PROVINCES.includes(c.locality),
  );
  await seedCommunes(db, { communes, localities: PROVINCES });
});

afterAll(async () => {
  await connection?.close();
  await db?.drop();
});

describe('worker killed during a commune round', () => {
  it('when the worker is SIGKILLed in the middle of the opening chase, then after a restart every commune has exactly one e-mail and the batches went on from their heartbeats', async () => {
    const smtp = new TestSmtpServer();
    await smtp.start();
    // Let a third of the messages through, then hold every one after: the worker is killed mid-chase.
    const push = smtp.received.push.bind(smtp.received);
    const holdAfter = Math.floor(communes.length / 3);
    smtp.received.push = (...mails) => {
      const n = push(...mails);
      if (n >= holdAfter) smtp.hold = true;
      return n;
    };
    const taskQueue = uid('ckill-');
    let worker = await workerProcess({ databaseUrl: db.url, taskQueue, smtpUrl: smtp.url });
    const id = uid('ck-').toLowerCase();
    try {
      const handle = await client.workflow.start<typeof roundWorkflow>('roundWorkflow', {
        taskQueue,
        workflowId: roundWorkflowId(id),
        args: [{ kind: 'EXTRA', id, dueDate: vietnamDate(Date.now() + 20 * DAY_MS), policy: POLICY, level: 'commune' }],
      });
      await eventually(async () => smtp.heldCount > 0, 30_000, 'messages held mid-chase');
      // Every lane of the batches is stuck on a held message once the count stops growing.
      let seen = -1;
      await eventually(
        async () => {
          const now = smtp.heldCount;
          const still = now === seen;
          seen = now;
          if (!still) await new Promise((r) => setTimeout(r, 700));
          return still;
        },
        20_000,
        'the held count to settle',
      );
      const before = smtp.received.length;
      expect(before).toBeGreaterThanOrEqual(holdAfter);
      expect(before).toBeLessThan(communes.length);
      await worker.kill();
      // The dead sender's messages were never acknowledged: they do not count as delivered.
      smtp.releaseHeldAsRefused();
      smtp.received.push = push;
      worker = await workerProcess({ databaseUrl: db.url, taskQueue, smtpUrl: smtp.url });

      const sent = async () =>
        (
          await db.sql.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM notifications WHERE round_id = $1 AND kind = 'COMMUNE_ROUND_OPENED' AND status = 'SENT'`,
            [id],
          )
        ).rows[0]?.n;
      await eventually(
        async () => (await sent()) === communes.length,
        90_000,
        'every commune’s e-mail after the restart',
      );
      const counts = new Map<string, number>();
      for (const m of smtp.received.filter((x) => x.subject.includes(`[${id}]`)))
        for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
      expect([...counts.keys()].sort()).toEqual(communes.map((c) => `office.${c.code}@communes.example`).sort());
      expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);

      // The batches that were cut off went on after their last heartbeat (not from the start).
      const results: { locality: string; resumed: number; sent: number }[] = [];
      await eventually(
        async () => {
          results.length = 0;
          const history = await handle.fetchHistory();
          for (const e of history.events ?? []) {
            const payload = e.activityTaskCompletedEventAttributes?.result?.payloads?.[0]?.data;
            if (!payload || payload.length === 0) continue;
            const r = JSON.parse(Buffer.from(payload).toString('utf8')) as { locality?: string; resumed?: number };
            if (typeof r?.locality === 'string' && typeof r.resumed === 'number')
              results.push(r as { locality: string; resumed: number; sent: number });
          }
          return results.length === PROVINCES.length;
        },
        20_000,
        'every batch completed',
      );
      expect(results.reduce((n, r) => n + r.resumed, 0)).toBeGreaterThan(0);
      expect(await getRound(db, id)).toMatchObject({ level: 'commune', status: 'OPEN', total: communes.length });
      await handle.executeUpdate(closeRoundUpdate, {
        args: [{ actor: { kind: 'home-affairs' }, reason: 'test over' }],
      });
    } finally {
      await worker.stop();
      await smtp.stop();
    }
  }, 180_000);
});

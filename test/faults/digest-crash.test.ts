import { simpleParser } from 'mailparser';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../config/env';
import { digestRows } from '../../db/digests';
import { nextWorkingDay } from '../../domain/working-days';
import { DAY_MS, addDays, deadlineInstant, vietnamDate, vietnameseDate } from '../../domain/dates';
import { digestScheduleIds } from '../../temporal/digest-schedules';
import { startTaskWorkflow } from '../../temporal/task-client';
import {
  TEST_POLICY,
  TestSmtpServer,
  createTestDatabase,
  definition,
  env,
  eventually,
  uid,
  type TestDatabase,
} from '../support/harness';
import { workerProcess } from '../support/worker-process';

// A real crash: the worker process is SIGKILLed while a digest is on the wire; a new worker process
// finishes the run. Every recipient must get exactly one digest for the day.
let db: TestDatabase;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  connection = await Connection.connect({ address: env('TEST_TEMPORAL_ADDRESS') });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  await db?.drop();
});

/** Tomorrow or the first working day after it, in the calendar the worker process loads. */
function nextWorkingDayAfterToday(): string {
  return nextWorkingDay(loadConfig({}).calendar, addDays(vietnamDate(Date.now()), 1));
}

describe('worker killed during a digest run', () => {
  it('when the worker is SIGKILLed while a digest is being sent, then after a restart every focal point has exactly one digest for the day', async () => {
    const smtp = new TestSmtpServer();
    await smtp.start();
    const taskQueue = uid('killdigest-');
    let worker = await workerProcess({
      databaseUrl: db.url,
      taskQueue,
      smtpUrl: smtp.url,
      extra: { PUBLIC_BASE_URL: 'http://tracker.test' },
    });
    const day = nextWorkingDayAfterToday();
    const emails = ['a', 'b', 'c'].map((x) => `${x}-${taskQueue.toLowerCase()}@ministry.test`);
    try {
      for (const email of emails) {
        const def = definition({ focalPoint: { name: email, email }, dueDate: addDays(vietnamDate(Date.now()), -2) });
        await startTaskWorkflow(client, {
          taskQueue,
          definition: def,
          policy: TEST_POLICY,
          createdBy: { kind: 'home-affairs' },
        });
        await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }), 20_000, 'the task row');
      }
      smtp.hold = true;
      await client.workflow.start('dailyDigestWorkflow', {
        taskQueue,
        workflowId: uid('digest-run-'),
        args: [{ nowMs: deadlineInstant(day) - DAY_MS + 7 * 3600_000 }],
      });
      await eventually(async () => smtp.heldCount > 0, 30_000, 'the first digest to reach the SMTP server');
      await worker.kill();
      // The dead sender's message was never acknowledged: it does not count as delivered.
      smtp.releaseHeldAsRefused();
      worker = await workerProcess({
        databaseUrl: db.url,
        taskQueue,
        smtpUrl: smtp.url,
        extra: { PUBLIC_BASE_URL: 'http://tracker.test' },
      });
      const rows = await eventually(
        async () => {
          const r = (await digestRows(db, 'DAILY', day)).filter((x) => emails.includes(x.recipient));
          return r.length === emails.length && r.every((x) => x.status === 'SENT') ? r : null;
        },
        90_000,
        'every digest of the day to be sent after the restart',
      );
      expect(rows.map((r) => r.recipient).sort()).toEqual([...emails].sort());
      // The day's digests only: the worker's own schedule may send today's too, if the run spans 07:00 in Viet Nam on a weekday.
      for (const email of emails) {
        const subjects = await Promise.all(
          smtp.received.filter((m) => m.to.includes(email)).map(async (m) => (await simpleParser(m.raw)).subject ?? ''),
        );
        expect(subjects.filter((subject) => subject.includes(vietnameseDate(day)))).toHaveLength(1);
      }
    } finally {
      await worker.stop();
      await smtp.stop();
      for (const id of Object.values(digestScheduleIds(taskQueue)))
        await client.schedule
          .getHandle(id)
          .delete()
          .catch(() => undefined);
    }
  }, 150_000);
});

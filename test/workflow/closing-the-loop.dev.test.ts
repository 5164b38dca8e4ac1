import { createActivities } from '../../activities';
import { cellHistory, submitLocalityReport, verifyCellChain } from '../../db/locality-cells';
import { startTaskWorkflow } from '../../temporal/task-client';
import { taskWorkflowId, transitionUpdate } from '../../workflows/messages';
import {
  TEST_POLICY,
  definition,
  eventually,
  smtpMailer,
  startWorkflowStack,
  type WorkflowStack,
} from '../support/harness';

let stack: WorkflowStack;

beforeAll(async () => {
  stack = await startWorkflowStack('loop-');
});

afterAll(async () => {
  await stack?.stop();
});

async function report(
  task: string,
  locality: string,
  cell: { state: 'OBSTACLE' | 'WORKABLE'; category?: 'LEGAL_BASIS'; text?: string },
) {
  const r = await submitLocalityReport(
    stack.db,
    { locality, cells: [{ task, ...cell }] },
    { kind: 'locality', code: locality },
    `locality:${locality}`,
    Date.now(),
  );
  expect(r.ok).toBe(true);
}

const DOCUMENT = { number: '15/2026/TT-BYT', issuedOn: '2026-11-20' };

describe('closing the loop', () => {
  it('when a task becomes FEASIBLE, then each locality that reported an obstacle on it gets one e-mail and its cell shows the document', async () => {
    const { db, dev, smtp, taskQueue } = stack;
    const def = definition();
    await startTaskWorkflow(dev.client, {
      taskQueue,
      definition: def,
      policy: TEST_POLICY,
      createdBy: { kind: 'home-affairs' },
    });
    await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }), 20_000, 'the task row');
    await report(def.code, 'HNI', { state: 'OBSTACLE', category: 'LEGAL_BASIS', text: 'Chưa có thông tư hướng dẫn' });
    await report(def.code, 'HCM', { state: 'OBSTACLE', category: 'LEGAL_BASIS', text: 'Thiếu hướng dẫn' });
    await report(def.code, 'DNG', { state: 'WORKABLE' });

    const handle = dev.client.workflow.getHandle(taskWorkflowId(def.code));
    await handle.executeUpdate(transitionUpdate, {
      args: [{ actor: { kind: 'home-affairs' }, to: 'FEASIBLE', document: DOCUMENT }],
    });

    const sent = await eventually(
      async () => {
        const rows = await db.prisma.notification.findMany({
          where: { taskCode: def.code, kind: 'OBSTACLE_RESOLVED', status: 'SENT' },
        });
        return rows.length === 2 ? rows : null;
      },
      30_000,
      'two notices',
    );
    expect(sent.map((n) => n.localityCode).sort()).toEqual(['HCM', 'HNI']);
    const mails = smtp.received.filter((m) => m.raw.includes(DOCUMENT.number) && m.raw.includes(def.code));
    expect(mails.map((m) => m.to.join(',')).sort()).toEqual([
      'office.hcm@localities.example',
      'office.hni@localities.example',
    ]);

    const cells = await db.prisma.localityCell.findMany({
      where: { taskCode: def.code },
      orderBy: { localityCode: 'asc' },
    });
    expect(cells.map((c) => [c.localityCode, (c.resolvedBy as { number?: string } | null)?.number ?? null])).toEqual([
      ['DNG', null],
      ['HCM', DOCUMENT.number],
      ['HNI', DOCUMENT.number],
    ]);
    const history = await cellHistory(db, def.code, 'HNI');
    expect(history.map((e) => e.kind)).toEqual(['REPORTED', 'DOCUMENT_ISSUED']);
    expect(await verifyCellChain(db, def.code, 'HNI')).toEqual({ valid: true, checked: 2 });

    // A retried activity (same task event) marks nothing again and sends nothing again.
    const taskSeq = (await db.prisma.task.findUniqueOrThrow({ where: { code: def.code } })).lastSeq;
    const activities = createActivities({ db, mailer: smtpMailer(smtp), mailFrom: 'tracker@tracker.test' });
    const again = await activities.notifyObstaclesResolved({
      task: { code: def.code, title: def.title },
      taskSeq,
      document: DOCUMENT,
      at: new Date().toISOString(),
      actor: 'home-affairs',
      publicBaseUrl: 'http://x',
    });
    expect(again.localities.sort()).toEqual(['HCM', 'HNI']);
    expect(smtp.received.filter((m) => m.raw.includes(DOCUMENT.number) && m.raw.includes(def.code))).toHaveLength(2);
    expect(await cellHistory(db, def.code, 'HNI')).toHaveLength(2);
  });
});

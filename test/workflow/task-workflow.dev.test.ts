import { WorkflowUpdateFailedError } from '@temporalio/client';
import { createActivities } from '../../activities';
import { TaskNotPersistedError, createTask, startTaskWorkflow } from '../../temporal/task-client';
import { verifyChain } from '../../db/audit-chain';
import type { TaskView } from '../../domain/task';
import { addDays, vietnamDate } from '../../domain/dates';
import { settleDueDate } from '../../domain/deadline-policy';
import {
  assignmentUpdate,
  deadlineUpdate,
  localityReportUpdate,
  milestoneUpdate,
  stateQuery,
  taskWorkflowId,
  transitionUpdate,
} from '../../workflows/messages';
import {
  TEST_POLICY,
  TestSmtpServer,
  definition,
  eventually,
  smtpMailer,
  startWorkflowStack,
  uid,
  type TestDatabase,
  type WorkflowStack,
} from '../support/harness';

let stack: WorkflowStack;
let db: TestDatabase;
let smtp: TestSmtpServer;
let dev: WorkflowStack['dev'];
let taskQueue: string;

beforeAll(async () => {
  stack = await startWorkflowStack('q-');
  ({ db, smtp, dev, taskQueue } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

async function newTask(overrides = {}) {
  const def = definition(overrides);
  await startTaskWorkflow(dev.client, {
    taskQueue,
    definition: def,
    policy: TEST_POLICY,
    createdBy: { kind: 'home-affairs' },
  });
  await eventually(
    () => db.prisma.task.findUnique({ where: { code: def.code } }),
    20_000,
    `task ${def.code} in PostgreSQL`,
  );
  const handle = dev.client.workflow.getHandle(taskWorkflowId(def.code));
  // The row lands before the activity's completion is recorded; wait until the workflow is idle.
  await eventually(
    async () => {
      const d = await handle.describe();
      return (d.raw.pendingActivities ?? []).length === 0 && !d.raw.pendingWorkflowTask;
    },
    20_000,
    'an idle workflow',
  );
  return { def, handle };
}

async function auditCount(code: string) {
  return db.prisma.auditEvent.count({ where: { taskCode: code } });
}

async function historyLength(code: string) {
  const h = await dev.client.workflow.getHandle(taskWorkflowId(code)).fetchHistory();
  return h.events?.length ?? 0;
}

describe('task workflow on the Temporal dev server with PostgreSQL', () => {
  it('when a task workflow starts, then its row and CREATED event appear in PostgreSQL', async () => {
    const { def } = await newTask();
    const row = await db.prisma.task.findUniqueOrThrow({ where: { code: def.code } });
    expect(row).toMatchObject({ status: 'REQUIRES_GUIDANCE', leadMinistryCode: 'BGDDT', lastSeq: 1 });
    expect(row.dueDate).not.toBeNull();
    const events = await db.prisma.auditEvent.findMany({ where: { taskCode: def.code } });
    expect(events.map((e) => [e.seq, e.kind])).toEqual([[1, 'CREATED']]);
  });

  it('when a task workflow starts, then its first workflow task records the CREATED event and the reminder timer only: no patch marker, no search-attribute upsert', async () => {
    const { def, handle } = await newTask();
    const events = (await handle.fetchHistory()).events ?? [];
    // The start carried the search attributes and named the run's patches (workflows/task-patches.ts).
    expect(events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)).toEqual([]);
    const markers = events
      .filter((e) => e.markerRecordedEventAttributes)
      .map((e) => e.markerRecordedEventAttributes?.markerName);
    expect(markers).toEqual(['core_local_activity']);
    expect(events.filter((e) => e.timerStartedEventAttributes)).toHaveLength(1);
    expect(await auditCount(def.code)).toBe(1);
  });

  it('when the same code is started twice, then the second start is refused and nothing doubles', async () => {
    const { def } = await newTask();
    const again = await startTaskWorkflow(dev.client, {
      taskQueue,
      definition: def,
      policy: TEST_POLICY,
      createdBy: { kind: 'home-affairs' },
    });
    expect(again).toBe(false);
    expect(await auditCount(def.code)).toBe(1);
  });

  it('when guidance is issued by the lead ministry, then the update returns the new state after it is persisted', async () => {
    const { def, handle } = await newTask();
    const view: TaskView = await handle.executeUpdate(transitionUpdate, {
      args: [
        {
          actor: { kind: 'ministry', code: 'BGDDT' },
          to: 'FEASIBLE',
          document: { number: '15/2026/TT-BGDDT', issuedOn: '2026-11-20' },
        },
      ],
    });
    expect(view).toMatchObject({ status: 'FEASIBLE', dueDate: null, seq: 2 });
    // Read-your-write: the update returned only after its event and the read model were written.
    const row = await db.prisma.task.findUniqueOrThrow({ where: { code: def.code } });
    expect(row).toMatchObject({ status: 'FEASIBLE', dueDate: null, lastSeq: 2 });
    const ev = await db.prisma.auditEvent.findUniqueOrThrow({
      where: { taskCode_seq: { taskCode: def.code, seq: 2 } },
    });
    expect(ev).toMatchObject({ kind: 'TRANSITION', actor: 'ministry:BGDDT' });
    expect(ev.details).toMatchObject({
      from: 'REQUIRES_GUIDANCE',
      to: 'FEASIBLE',
      document: { number: '15/2026/TT-BGDDT' },
    });
    expect(await verifyChain(db, def.code)).toEqual({ valid: true, checked: 2 });
  });

  it.each([
    [
      'an illegal edge',
      { actor: { kind: 'home-affairs' }, to: 'REQUIRES_GUIDANCE', reason: 'x' },
      'ILLEGAL_TRANSITION',
    ],
    [
      'a locality',
      { actor: { kind: 'locality', code: 'HNI' }, to: 'FEASIBLE', document: { number: '1', issuedOn: '2026-01-01' } },
      'FORBIDDEN',
    ],
    [
      'another ministry',
      { actor: { kind: 'ministry', code: 'BTC' }, to: 'AUTHORITY_ADJUSTMENT', reason: 'x' },
      'FORBIDDEN',
    ],
    ['a missing document', { actor: { kind: 'home-affairs' }, to: 'FEASIBLE' }, 'INVALID_INPUT'],
    ['a missing reason', { actor: { kind: 'ministry', code: 'BGDDT' }, to: 'AUTHORITY_ADJUSTMENT' }, 'INVALID_INPUT'],
    [
      'a stale from',
      { actor: { kind: 'home-affairs' }, to: 'AUTHORITY_ADJUSTMENT', reason: 'x', from: 'FEASIBLE' },
      'STALE_STATUS',
    ],
  ] as const)(
    'when a transition comes with %s, then it is rejected and neither history nor database change',
    async (_name, input, code) => {
      const { def, handle } = await newTask();
      const before = await historyLength(def.code);
      const err = await handle.executeUpdate(transitionUpdate, { args: [input as never] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause).toMatchObject({ type: code });
      expect(await historyLength(def.code)).toBe(before);
      expect(await auditCount(def.code)).toBe(1);
      expect((await handle.query(stateQuery)).status).toBe('REQUIRES_GUIDANCE');
    },
  );

  it('when milestones, assignment, deadline and an old-style locality report are recorded, then each is one event in order, the read model follows, and the workflow shows no report count of its own', async () => {
    // Far off, and the later one still within the date window every deadline has (ten years from today).
    const later = settleDueDate(TEST_POLICY, addDays(vietnamDate(Date.now()), 3000));
    const { def, handle } = await newTask({ dueDate: addDays(later, -90) });
    await handle.executeUpdate(milestoneUpdate, {
      args: [{ actor: { kind: 'ministry', code: 'BNV' }, name: 'DRAFTING' }],
    });
    await handle.executeUpdate(assignmentUpdate, {
      args: [
        { actor: { kind: 'ministry', code: 'BGDDT' }, focalPoint: { name: 'Tran Thi Binh', email: 'binh@bgddt.test' } },
      ],
    });
    await handle.executeUpdate(deadlineUpdate, {
      args: [{ actor: { kind: 'home-affairs' }, dueDate: later, reason: 'Consultation takes longer' }],
    });
    const view = await handle.executeUpdate(localityReportUpdate, {
      args: [
        {
          actor: { kind: 'locality', code: 'HNI' },
          locality: 'HNI',
          kind: 'OBSTACLE',
          description: 'No implementing form yet',
        },
      ],
    });
    expect(view).toMatchObject({
      seq: 5,
      dueDate: later,
      deadlineExtensions: 1,
    });
    // The workflow shows no count of its own: what localities report is their matrix cells (the one store).
    expect(view).not.toHaveProperty('reports');
    expect(view).not.toHaveProperty('reportCounts');
    expect(await handle.query(stateQuery)).not.toHaveProperty('reports');
    const row = await db.prisma.task.findUniqueOrThrow({ where: { code: def.code } });
    // The read model counts locality reports from the matrix cells (the one store): a LOCALITY_REPORT event is history only.
    expect(row).toMatchObject({
      focalPointEmail: 'binh@bgddt.test',
      deadlineExtensions: 1,
      reportsObstacle: 0,
      lastSeq: 5,
    });
    expect((row.milestones as { name: string }[]).map((m) => m.name)).toEqual(['DRAFTING']);
    const kinds = (await db.prisma.auditEvent.findMany({ where: { taskCode: def.code }, orderBy: { seq: 'asc' } })).map(
      (e) => e.kind,
    );
    expect(kinds).toEqual(['CREATED', 'MILESTONE', 'ASSIGNMENT', 'DEADLINE', 'LOCALITY_REPORT']);
    // The old per-task report table is no longer written: the matrix cells are the one store.
    expect(await db.prisma.localityReport.count({ where: { taskCode: def.code } })).toBe(0);
  });

  it('when two updates arrive at once, then they get distinct consecutive sequence numbers and both persist', async () => {
    const { def, handle } = await newTask();
    const [a, b] = await Promise.all([
      handle.executeUpdate(milestoneUpdate, { args: [{ actor: { kind: 'home-affairs' }, name: 'DRAFTING' }] }),
      handle.executeUpdate(milestoneUpdate, { args: [{ actor: { kind: 'home-affairs' }, name: 'CONSULTATION' }] }),
    ]);
    expect([a.seq, b.seq].sort()).toEqual([2, 3]);
    expect(await verifyChain(db, def.code)).toEqual({ valid: true, checked: 3 });
  });

  it('when two conflicting transitions carry the same from, then exactly one wins', async () => {
    const { def, handle } = await newTask();
    const results = await Promise.allSettled([
      handle.executeUpdate(transitionUpdate, {
        args: [
          { actor: { kind: 'home-affairs' }, to: 'AUTHORITY_ADJUSTMENT', reason: 'law', from: 'REQUIRES_GUIDANCE' },
        ],
      }),
      handle.executeUpdate(transitionUpdate, {
        args: [
          {
            actor: { kind: 'home-affairs' },
            to: 'FEASIBLE',
            document: { number: '9/2026', issuedOn: '2026-11-01' },
            from: 'REQUIRES_GUIDANCE',
          },
        ],
      }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'STALE_STATUS' });
    expect(await auditCount(def.code)).toBe(2);
  });

  it('when the same update id is sent twice, then it is applied once', async () => {
    const { def, handle } = await newTask();
    const args = [{ actor: { kind: 'home-affairs' as const }, name: 'DRAFTING' as const }] as [never];
    const first = await handle.executeUpdate(milestoneUpdate, { args, updateId: 'same-request' });
    const second = await handle.executeUpdate(milestoneUpdate, { args, updateId: 'same-request' });
    expect(second.seq).toBe(first.seq);
    expect(await auditCount(def.code)).toBe(2);
  });
});

describe('activities against real PostgreSQL and SMTP', () => {
  it('when persistEvent is retried with the same event, then one audit row is written', async () => {
    const { def, handle } = await newTask();
    const state = await handle.query(stateQuery);
    const acts = createActivities({ db, mailer: smtpMailer(smtp), mailFrom: 'tracker@tracker.test' });
    const event = {
      taskCode: def.code,
      seq: 2,
      at: new Date().toISOString(),
      actor: 'home-affairs',
      kind: 'MILESTONE' as const,
      details: { name: 'DRAFTING' },
    };
    const snapshot = { ...state, reports: {}, seq: 2 };
    expect(await acts.persistEvent({ event, snapshot })).toEqual({ duplicate: false });
    expect(await acts.persistEvent({ event, snapshot })).toEqual({ duplicate: true });
    expect(await auditCount(def.code)).toBe(2);
  });

  it('when sendReminder is retried, then one e-mail reaches the SMTP server', async () => {
    const { def, handle } = await newTask({ dueDate: '2094-01-31' });
    const task = await handle.query(stateQuery);
    const acts = createActivities({ db, mailer: smtpMailer(smtp), mailFrom: 'tracker@tracker.test' });
    const point = { kind: 'REMINDER' as const, at: 0, offsetDays: 7, dueDate: '2094-01-31' };
    const before = smtp.received.length;
    expect(await acts.sendReminder({ point, recipients: ['focal@bgddt.test'], task })).toEqual({ status: 'SENT' });
    expect(await acts.sendReminder({ point, recipients: ['focal@bgddt.test'], task })).toEqual({ status: 'SENT' });
    const mails = smtp.received.slice(before).filter((m) => m.subject.includes(def.code));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.subject).toContain('Due in 7 days (2094-01-31)');
    expect(mails[0]?.raw).toContain(`http://tracker.test/tasks/${def.code}`);
    const row = await db.prisma.notification.findFirstOrThrow({ where: { taskCode: def.code } });
    expect(row).toMatchObject({ status: 'SENT', attempts: 1 });
  });

  it('when the SMTP server refuses permanently, then the notification is FAILED and not retried', async () => {
    const { handle } = await newTask({ dueDate: '2094-01-31' });
    const task = await handle.query(stateQuery);
    const acts = createActivities({ db, mailer: smtpMailer(smtp), mailFrom: 'tracker@tracker.test' });
    smtp.refuseWith = 550;
    try {
      const point = { kind: 'ESCALATION' as const, at: 0, offsetDays: 0, dueDate: '2094-01-31' };
      const r = await acts.sendReminder({ point, recipients: ['focal@bgddt.test'], task });
      expect(r.status).toBe('FAILED');
      smtp.refuseWith = null;
      // A later attempt does not resend a message recorded as failed.
      expect((await acts.sendReminder({ point, recipients: ['focal@bgddt.test'], task })).status).toBe('FAILED');
      const row = await db.prisma.notification.findFirstOrThrow({ where: { taskCode: task.code } });
      expect(row).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(row.lastError).toContain('550');
    } finally {
      smtp.refuseWith = null;
    }
  });

  it('when the SMTP server refuses for now, then the activity fails retryably and a later attempt sends once', async () => {
    const { handle } = await newTask({ dueDate: '2094-01-31' });
    const task = await handle.query(stateQuery);
    const acts = createActivities({ db, mailer: smtpMailer(smtp), mailFrom: 'tracker@tracker.test' });
    const point = { kind: 'REMINDER' as const, at: 0, offsetDays: 1, dueDate: '2094-01-31' };
    smtp.refuseWith = 451;
    await expect(acts.sendReminder({ point, recipients: ['focal@bgddt.test'], task })).rejects.toMatchObject({
      type: 'MAIL_TRANSIENT',
    });
    smtp.refuseWith = null;
    const before = smtp.received.length;
    expect((await acts.sendReminder({ point, recipients: ['focal@bgddt.test'], task })).status).toBe('SENT');
    expect(smtp.received.length - before).toBe(1);
    const row = await db.prisma.notification.findFirstOrThrow({ where: { taskCode: task.code } });
    expect(row).toMatchObject({ status: 'SENT', attempts: 2 });
  });
});

describe('registering a task with Update-with-Start', () => {
  it('when a task is created, then the call returns after its CREATED event is stored', async () => {
    const def = definition();
    const view = await createTask(dev.client, {
      taskQueue,
      definition: def,
      policy: TEST_POLICY,
      createdBy: { kind: 'home-affairs' },
      timeoutMs: 20_000,
    });
    expect(view).toMatchObject({ code: def.code, seq: 1, status: 'REQUIRES_GUIDANCE' });
    // No waiting: the row and the event are there when the call returns.
    expect(await db.prisma.task.findUnique({ where: { code: def.code }, select: { lastSeq: true } })).toEqual({
      lastSeq: 1,
    });
    expect(await auditCount(def.code)).toBe(1);
  });

  it('when the same code is created twice, then the second call returns null and nothing doubles', async () => {
    const def = definition();
    const first = await createTask(dev.client, {
      taskQueue,
      definition: def,
      policy: TEST_POLICY,
      createdBy: { kind: 'home-affairs' },
      timeoutMs: 20_000,
    });
    const second = await createTask(dev.client, {
      taskQueue,
      definition: { ...def, title: 'Another title' },
      policy: TEST_POLICY,
      createdBy: { kind: 'home-affairs' },
      timeoutMs: 20_000,
    });
    expect(first?.seq).toBe(1);
    expect(second).toBeNull();
    expect(await auditCount(def.code)).toBe(1);
  });

  it('when no worker serves the task queue, then the call fails with TaskNotPersistedError once its time is up', async () => {
    const def = definition();
    const idleQueue = uid('no-worker-');
    await expect(
      createTask(dev.client, {
        taskQueue: idleQueue,
        definition: def,
        policy: TEST_POLICY,
        createdBy: { kind: 'home-affairs' },
        timeoutMs: 2_000,
      }),
    ).rejects.toBeInstanceOf(TaskNotPersistedError);
    expect(await db.prisma.task.findUnique({ where: { code: def.code } })).toBeNull();
    await dev.client.workflow.getHandle(taskWorkflowId(def.code)).terminate('test cleanup');
  });
});

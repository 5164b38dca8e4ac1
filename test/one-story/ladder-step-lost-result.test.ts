import fs from 'node:fs';
import request from 'supertest';
import type { Express } from 'express';
import { WorkflowIdReusePolicy } from '@temporalio/client';
import { CATALOG_FILE, importTasks, validateCatalog } from '../../catalog/importer';
import reference from '../../catalog/reference.json';
import { loadConfig } from '../../config/env';
import { issueToken } from '../../db/tokens';
import { policyFromConfig } from '../../temporal/task-client';
import { stateQuery, taskWorkflowId } from '../../workflows/messages';
import { TASK_WORKFLOW_PATCHES } from '../../workflows/task-patches';
import { eventually, makeApp, startWorkflowStack, uid, vietnamTodayFor, type WorkflowStack } from '../support/harness';

// One story: after a 200 the read model and the audit log show the change. A ladder step stored by
// an attempt whose results the workflow lost (a workflow task retried under load, a run started again
// from its CREATED event) used to be skipped as "already recorded", leaving the run one number behind
// the log: its next change, a transition answered 200, landed on that number as a duplicate and was
// neither logged nor shown (bench step 2's STALE_STATUS). The real stack: PostgreSQL, Temporal, the worker.

let stack: WorkflowStack;
let app: Express;
let ha: string;

beforeAll(async () => {
  stack = await startWorkflowStack('ladder-lost-');
  app = makeApp(stack);
  ha = await issueToken(stack.db, 'home-affairs');
});

afterAll(async () => {
  await stack?.stop();
});

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

async function eventsOf(code: string) {
  return stack.db.prisma.auditEvent.findMany({ where: { taskCode: code }, orderBy: { seq: 'asc' } });
}

describe('a ladder step stored by a lost attempt', () => {
  it('when a run starts again behind a stored ladder step, then its next transition answered 200 is in the read model and the audit log', async () => {
    await vietnamTodayFor(5 * 60_000);
    const policy = policyFromConfig(loadConfig({ TEMPORAL_TASK_QUEUE: stack.taskQueue, LOG_REQUESTS: 'false' }));
    const ministries = new Set(reference.ministries.map((m) => m.code));
    // BNV-003 of the bundled catalog (REQUIRES_GUIDANCE, overdue: its first run climbs the step due now).
    const source = validateCatalog(fs.readFileSync(CATALOG_FILE, 'utf8'), ministries).tasks.find(
      (t) => t.code === 'BNV-003',
    );
    expect(source?.status).toBe('REQUIRES_GUIDANCE');
    const { english: _english, ...row } = source as NonNullable<typeof source>;
    const definition = { ...row, code: `${uid('L')}-BNV-003`, appliesTo: row.appliesTo ?? null };
    await importTasks({
      db: stack.db,
      temporal: stack.dev.sameConnectionClient,
      eagerStart: true,
      taskQueue: stack.taskQueue,
      policy,
      tasks: [{ ...source, ...definition } as NonNullable<typeof source>],
    });
    const code = definition.code;
    await eventually(async () => (await eventsOf(code)).some((e) => e.kind === 'ESCALATION_STEP'), 60_000, 'the step');
    expect((await eventsOf(code)).map((e) => [e.seq, e.kind])).toEqual([
      [1, 'CREATED'],
      [2, 'ESCALATION_STEP'],
    ]);

    // The run's results are lost: a run of the same task starts again from its CREATED event (seq 1)
    // while the log already holds event 2, as after a workflow task retried once its activities ran.
    const client = stack.dev.client;
    await client.workflow.getHandle(taskWorkflowId(code)).terminate('the test: results lost');
    const again = await client.workflow.start('taskWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: taskWorkflowId(code),
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      args: [{ definition, policy, createdBy: { kind: 'system' }, patchesAtStart: [...TASK_WORKFLOW_PATCHES] }],
    });
    // The new run climbs the same step due now (no new e-mail: its outbox key is the task, due date and step).
    await eventually(async () => (await again.query(stateQuery).catch(() => null))?.seq, 30_000, 'the new run');
    const climbed = Date.now() + 5_000;
    while (Date.now() < climbed && (await again.query(stateQuery)).seq < 2)
      await new Promise((r) => setTimeout(r, 100));

    const res = await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(auth(ha))
      .send({ to: 'AUTHORITY_ADJUSTMENT', from: 'REQUIRES_GUIDANCE', reason: 'thẩm quyền cần điều chỉnh' })
      .expect(200);
    expect(res.body.status).toBe('AUTHORITY_ADJUSTMENT');
    const events = await eventsOf(code);
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'CREATED'],
      [2, 'ESCALATION_STEP'],
      [3, 'TRANSITION'],
    ]);
    const stored = await stack.db.prisma.task.findUnique({ where: { code }, select: { status: true, lastSeq: true } });
    expect(stored).toEqual({ status: 'AUTHORITY_ADJUSTMENT', lastSeq: 3 });
    // The second transition, with a document, passes the API's early check against the read model.
    await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(auth(ha))
      .send({
        to: 'REQUIRES_GUIDANCE',
        from: 'AUTHORITY_ADJUSTMENT',
        document: { number: '51/2026/ND-CP', issuedOn: '2026-11-20' },
      })
      .expect(200);
    // The step's e-mail went out once (its outbox key is the task, due date and step).
    const mails = await stack.db.prisma.notification.findMany({ where: { taskCode: code, kind: 'ESCALATION_STEP' } });
    expect(mails).toHaveLength(1);
  }, 180_000);
});

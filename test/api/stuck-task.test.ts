import request from 'supertest';
import type { Express } from 'express';
import { createLogger } from '../../logging/logger';
import { issueToken } from '../../db/tokens';
import { repairUpdate, taskWorkflowId } from '../../workflows/messages';
import {
  eventually,
  makeApp,
  startWorkflowStack,
  uid,
  type TestDatabase,
  type WorkflowStack,
} from '../support/harness';

// Within the ten years ahead a deadline may be set to (domain/legal-documents.ts checkSaneDate).
const EXTENDED_DUE_DATE = '2035-06-30';

// A change the workflow accepted but PostgreSQL refuses for good must not freeze the task silently:
// the caller hears at once, operators see it (error log line, /readyz, dashboard), later changes are
// refused instead of hanging, and the documented repair stores the held event.

let stack: WorkflowStack;
let db: TestDatabase;
let app: Express;
let token: string;
let bytToken: string;
const logged: Record<string, unknown>[] = [];
const logger = createLogger({
  level: 'info',
  destination: { write: (line: string) => logged.push(JSON.parse(line) as Record<string, unknown>) },
});

beforeAll(async () => {
  stack = await startWorkflowStack('stuck-', { logger });
  db = stack.db;
  app = makeApp(stack);
  token = await issueToken(db, 'home-affairs');
  bytToken = await issueToken(db, 'ministry:BYT');
});

afterAll(async () => {
  await stack?.stop();
});

const ha = () => ({ Authorization: `Bearer ${token}` });

async function createTask(): Promise<string> {
  const code = uid('STK-');
  await request(app)
    .post('/api/tasks')
    .set(ha())
    .send({ code, title: 'Stuck candidate', sector: 'Health', status: 'REQUIRES_GUIDANCE', leadMinistry: 'BYT' })
    .expect(201);
  return code;
}

describe('a task whose event PostgreSQL refuses for good', () => {
  it('when an accepted change cannot be stored, then the task is marked stuck, shown to operators, refuses changes, and the repair stores it', async () => {
    const code = await createTask();
    // A rule no validator knows about (as a lone surrogate once was): PostgreSQL refuses the event with 23514.
    await db.sql.query(
      `ALTER TABLE audit_events ADD CONSTRAINT refuse_marked_notes CHECK (details::text NOT LIKE '%refuse-me%')`,
    );

    const started = Date.now();
    const refused = await request(app)
      .post(`/api/tasks/${code}/milestones`)
      .set(ha())
      .send({ name: 'DRAFTING', note: 'refuse-me' });
    expect(refused.status).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 503, code: 'TASK_STUCK' });
    expect(Date.now() - started).toBeLessThan(15_000);

    // Operators see it: a row, an error-level line naming the task and the repair, /readyz detail, the dashboard count.
    const row = await eventually(
      () => db.prisma.stuckTask.findUnique({ where: { taskCode: code } }),
      10_000,
      'the stuck mark',
    );
    expect(row).toMatchObject({ seq: 2, eventKind: 'MILESTONE' });
    expect(row.error).toMatch(/23514/);
    // pino's level 50 is error.
    expect(logged.some((l) => l.level === 50 && l.taskCode === code && String(l.msg).includes('tasks:repair'))).toBe(
      true,
    );
    const ready = await request(app).get('/readyz');
    expect(ready.body.stuckTasks).toMatchObject({ count: 1, tasks: [{ code, seq: 2, kind: 'MILESTONE' }] });
    const summary = await request(app).get('/api/dashboard/summary').set(ha());
    expect(summary.body.stuckTasks).toBe(1);

    // Later changes are refused at once, not queued behind the held event.
    const later = await request(app).post(`/api/tasks/${code}/milestones`).set(ha()).send({ name: 'CONSULTATION' });
    expect(later.status).toBe(503);
    expect(later.body.code).toBe('TASK_STUCK');
    expect((await db.prisma.task.findUniqueOrThrow({ where: { code } })).lastSeq).toBe(1);

    // The operator removes the cause and repairs: the held event is stored, the task moves again.
    await db.sql.query(`ALTER TABLE audit_events DROP CONSTRAINT refuse_marked_notes`);
    const handle = stack.dev.client.workflow.getHandle(taskWorkflowId(code));
    expect(await handle.executeUpdate(repairUpdate)).toEqual({ wasStuck: true, repaired: true, seq: 2 });
    expect(await db.prisma.stuckTask.count({ where: { taskCode: code } })).toBe(0);
    const repaired = await request(app).get(`/api/tasks/${code}`).set(ha());
    expect(repaired.body).toMatchObject({ lastSeq: 2, milestones: [{ name: 'DRAFTING', note: 'refuse-me' }] });
    const next = await request(app).post(`/api/tasks/${code}/milestones`).set(ha()).send({ name: 'CONSULTATION' });
    expect(next.status).toBe(200);
    expect(next.body.lastSeq).toBe(3);
    expect((await request(app).get(`/api/tasks/${code}/history/verify`).set(ha())).body).toEqual({
      valid: true,
      checked: 3,
      workflowSeq: 3,
    });
    expect((await request(app).get('/readyz')).body.stuckTasks).toEqual({ count: 0, tasks: [] });
    // Asking to repair a healthy task changes nothing.
    expect(await handle.executeUpdate(repairUpdate)).toEqual({ wasStuck: false, repaired: false });
  });

  it('when the repair cannot fix the cause, then the task stays stuck and the repair says why', async () => {
    const code = await createTask();
    await db.sql.query(
      `ALTER TABLE audit_events ADD CONSTRAINT refuse_kept CHECK (details::text NOT LIKE '%keep-refusing%')`,
    );
    try {
      expect(
        (
          await request(app)
            .post(`/api/tasks/${code}/milestones`)
            .set(ha())
            .send({ name: 'DRAFTING', note: 'keep-refusing' })
        ).status,
      ).toBe(503);
      const handle = stack.dev.client.workflow.getHandle(taskWorkflowId(code));
      const result = await handle.executeUpdate(repairUpdate);
      expect(result).toMatchObject({ wasStuck: true, repaired: false, seq: 2, error: expect.stringMatching(/23514/) });
      expect(await db.prisma.stuckTask.findUnique({ where: { taskCode: code } })).toMatchObject({ attempts: 2 });
    } finally {
      await db.sql.query(`ALTER TABLE audit_events DROP CONSTRAINT refuse_kept`);
    }
  });
});

describe('a stuck task and every kind of change', () => {
  const byt = () => ({ Authorization: `Bearer ${bytToken}` });

  /** What the probe did: the application role's INSERT on audit_events revoked for this task (42501, as PostgreSQL answers a missing grant). */
  async function revokeInsertFor(code: string): Promise<() => Promise<void>> {
    const fn = `refuse_insert_${code.replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}`;
    await db.sql.query(
      `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.task_code = '${code}' THEN RAISE EXCEPTION 'permission denied for table audit_events' USING ERRCODE = '42501'; END IF; RETURN NEW; END $$`,
    );
    await db.sql.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    return async () => {
      await db.sql.query(`DROP TRIGGER ${fn} ON audit_events`);
      await db.sql.query(`DROP FUNCTION ${fn}()`);
    };
  }

  it('when a task is stuck, then every update (extension request and decision, hold-up and release, transition, milestone, focal point, deadline) is refused at once with 503 TASK_STUCK, and none of them is written after the repair', async () => {
    const code = uid('STK-');
    await request(app)
      .post('/api/tasks')
      .set(ha())
      .send({
        code,
        title: 'Stuck candidate',
        sector: 'Health',
        status: 'REQUIRES_GUIDANCE',
        leadMinistry: 'BYT',
        dueDate: '2034-01-16',
      })
      .expect(201);
    // A request waiting for Home Affairs, so the decision's own checks would pass.
    await request(app)
      .post(`/api/tasks/${code}/extension-requests`)
      .set(byt())
      .send({ dueDate: EXTENDED_DUE_DATE, reason: 'consultation takes longer' })
      .expect(200);
    const restore = await revokeInsertFor(code);
    try {
      const first = await request(app).post(`/api/tasks/${code}/milestones`).set(byt()).send({ name: 'DRAFTING' });
      expect(first.status).toBe(503);
      expect(first.body.code).toBe('TASK_STUCK');
      await eventually(() => db.prisma.stuckTask.findUnique({ where: { taskCode: code } }), 10_000, 'the stuck mark');

      const attempts: [string, () => request.Test][] = [
        [
          'extension request',
          () =>
            request(app)
              .post(`/api/tasks/${code}/extension-requests`)
              .set(byt())
              .send({ dueDate: EXTENDED_DUE_DATE, reason: 'again' }),
        ],
        [
          'extension decision',
          () => request(app).post(`/api/tasks/${code}/extension-requests/decision`).set(ha()).send({ approve: true }),
        ],
        [
          'hold-up',
          () =>
            request(app)
              .put(`/api/tasks/${code}/held-up`)
              .set(byt())
              .send({ ministry: 'BTP', description: 'the decree amending X' }),
        ],
        ['hold-up release', () => request(app).post(`/api/tasks/${code}/held-up/release`).set(ha()).send({})],
        [
          'transition',
          () =>
            request(app)
              .post(`/api/tasks/${code}/transitions`)
              .set(byt())
              .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'needs a law change' }),
        ],
        [
          'milestone',
          () => request(app).post(`/api/tasks/${code}/milestones`).set(byt()).send({ name: 'CONSULTATION' }),
        ],
        [
          'focal point',
          () =>
            request(app)
              .put(`/api/tasks/${code}/assignment`)
              .set(byt())
              .send({ focalPoint: { name: 'Trần Thị Bình', email: 'binh@byt.test' } }),
        ],
        [
          'deadline',
          () =>
            request(app)
              .put(`/api/tasks/${code}/deadline`)
              .set(ha())
              .send({ dueDate: '2095-03-01', reason: 'law-making calendar' }),
        ],
      ];
      for (const [what, send] of attempts) {
        const started = Date.now();
        const res = await send();
        expect([what, res.status, res.body.code]).toEqual([what, 503, 'TASK_STUCK']);
        expect(res.headers['content-type']).toContain('application/problem+json');
        // At once: the validator refuses, nothing waits behind the held event.
        expect([what, Date.now() - started < 5_000]).toEqual([what, true]);
      }
    } finally {
      await restore();
    }
    const handle = stack.dev.client.workflow.getHandle(taskWorkflowId(code));
    expect(await handle.executeUpdate(repairUpdate)).toEqual({ wasStuck: true, repaired: true, seq: 3 });
    // Only the held milestone is stored; nothing refused was queued and written later.
    await new Promise((r) => setTimeout(r, 1_000));
    const kinds = (await db.prisma.auditEvent.findMany({ where: { taskCode: code }, orderBy: { seq: 'asc' } })).map(
      (e) => e.kind,
    );
    expect(kinds).toEqual(['CREATED', 'EXTENSION_REQUESTED', 'MILESTONE']);
    const task = (await request(app).get(`/api/tasks/${code}`).set(ha())).body;
    expect(task).toMatchObject({
      lastSeq: 3,
      dueDate: '2034-01-16',
      heldUp: null,
      extensionRequest: { dueDate: EXTENDED_DUE_DATE },
    });
    expect((await request(app).get(`/api/tasks/${code}/history/verify`).set(ha())).body).toEqual({
      valid: true,
      checked: 3,
      workflowSeq: 3,
    });
  });
});

import request from 'supertest';
import type { Express } from 'express';
import { issueToken } from '../../db/tokens';
import { makeApp, startWorkflowStack, uid, type TestDatabase, type WorkflowStack } from '../support/harness';

// A task whose workflow does not answer at all (here: its worker is stopped, so nothing polls its
// queue) must not hold a request open: every update is answered 503 TASK_NOT_ANSWERING within
// UPDATE_ANSWER_SECONDS, and nothing is written while nobody answers. This file stops its worker.

const BOUND_SECONDS = 2;

let stack: WorkflowStack;
let db: TestDatabase;
let app: Express;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  stack = await startWorkflowStack('bound-');
  db = stack.db;
  app = makeApp(stack, { env: { UPDATE_ANSWER_SECONDS: String(BOUND_SECONDS) } });
  for (const p of ['home-affairs', 'ministry:BYT']) tokens[p] = await issueToken(db, p);
});

afterAll(async () => {
  await stack?.stop();
});

const as = (p: string) => ({ Authorization: `Bearer ${tokens[p]}` });

describe('a task whose workflow does not answer', () => {
  it('when its worker is stopped, then every update kind answers 503 TASK_NOT_ANSWERING within the bound, and nothing is written', async () => {
    const code = uid('BND-');
    await request(app)
      .post('/api/tasks')
      .set(as('home-affairs'))
      .send({
        code,
        title: 'Nobody answers',
        sector: 'Health',
        status: 'REQUIRES_GUIDANCE',
        leadMinistry: 'BYT',
        dueDate: '2034-01-16',
      })
      .expect(201);
    // A request waiting for Home Affairs, so the decision's own checks pass.
    await request(app)
      .post(`/api/tasks/${code}/extension-requests`)
      .set(as('ministry:BYT'))
      .send({ dueDate: '2035-06-30', reason: 'consultation takes longer' })
      .expect(200);
    const before = await db.prisma.task.findUniqueOrThrow({ where: { code } });
    expect(before.lastSeq).toBe(2);

    stack.dev.worker.shutdown();
    const stopBy = Date.now() + 30_000;
    while (stack.dev.worker.getState() !== 'STOPPED' && Date.now() < stopBy)
      await new Promise((r) => setTimeout(r, 100));
    expect(stack.dev.worker.getState()).toBe('STOPPED');

    const attempts: [string, () => request.Test][] = [
      [
        'extension request',
        () =>
          request(app)
            .post(`/api/tasks/${code}/extension-requests`)
            .set(as('ministry:BYT'))
            .send({ dueDate: '2035-07-30', reason: 'again' }),
      ],
      [
        'extension decision',
        () =>
          request(app)
            .post(`/api/tasks/${code}/extension-requests/decision`)
            .set(as('home-affairs'))
            .send({ approve: true }),
      ],
      [
        'hold-up',
        () =>
          request(app)
            .put(`/api/tasks/${code}/held-up`)
            .set(as('ministry:BYT'))
            .send({ ministry: 'BTP', description: 'the decree amending X' }),
      ],
      [
        'milestone',
        () => request(app).post(`/api/tasks/${code}/milestones`).set(as('ministry:BYT')).send({ name: 'DRAFTING' }),
      ],
      [
        'transition',
        () =>
          request(app)
            .post(`/api/tasks/${code}/transitions`)
            .set(as('ministry:BYT'))
            .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'needs a law change' }),
      ],
      [
        'deadline',
        () =>
          request(app)
            .put(`/api/tasks/${code}/deadline`)
            .set(as('home-affairs'))
            .send({ dueDate: '2034-03-01', reason: 'law-making calendar' }),
      ],
    ];
    for (const [what, send] of attempts) {
      const started = Date.now();
      const res = await send();
      const waited = Date.now() - started;
      expect([what, res.status, res.body.code]).toEqual([what, 503, 'TASK_NOT_ANSWERING']);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.detail).toContain(`within ${BOUND_SECONDS} s`);
      // Held for the bound, and not much longer (a loaded machine adds a little).
      expect([what, waited >= BOUND_SECONDS * 1000 - 200, waited < BOUND_SECONDS * 1000 + 8_000]).toEqual([
        what,
        true,
        true,
      ]);
    }
    const after = await db.prisma.task.findUniqueOrThrow({ where: { code } });
    expect(after).toMatchObject({ lastSeq: 2, status: 'REQUIRES_GUIDANCE' });
    expect(after.dueDate).toEqual(before.dueDate);
    expect(await db.prisma.auditEvent.count({ where: { taskCode: code } })).toBe(2);
  });
});

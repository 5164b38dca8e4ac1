import request from 'supertest';
import type { Express } from 'express';
import { uid } from '../support/harness';
import { PRINCIPALS, useApiFixture } from '../support/api-fixture';

/** Who may do what on every write route, and bad input refused with the field named. */
const f = useApiFixture('api-access-');
const { as, createTask, snapshot } = f;
let app: Express;
let db: typeof f.db;
beforeAll(() => {
  ({ app, db } = f);
});

describe('access matrix on every write route', () => {
  type Write = { name: string; method: 'post' | 'put'; path: (c: string) => string; body: Record<string, unknown> };
  const writes: Write[] = [
    {
      name: 'transition',
      method: 'post',
      path: (c) => `/api/tasks/${c}/transitions`,
      body: { to: 'AUTHORITY_ADJUSTMENT', reason: 'needs a law change' },
    },
    { name: 'milestone', method: 'post', path: (c) => `/api/tasks/${c}/milestones`, body: { name: 'DRAFTING' } },
    {
      name: 'focal point',
      method: 'put',
      path: (c) => `/api/tasks/${c}/assignment`,
      body: { focalPoint: { name: 'Le Thi C', email: 'c@bgddt.test' } },
    },
    { name: 'lead ministry', method: 'put', path: (c) => `/api/tasks/${c}/assignment`, body: { leadMinistry: 'BYT' } },
    {
      name: 'deadline',
      method: 'put',
      path: (c) => `/api/tasks/${c}/deadline`,
      body: { dueDate: '2027-12-31', reason: 'extended' },
    },
    {
      name: 'report',
      method: 'post',
      path: (c) => `/api/tasks/${c}/reports`,
      body: { locality: 'HNI', kind: 'OBSTACLE', description: 'no form' },
    },
  ];
  // Who may: HA everything; the lead (BGDDT) transitions, milestones, its focal point; the coordinator (BNV) milestones; HNI its own report.
  const allowed: Record<string, string[]> = {
    transition: ['home-affairs', 'ministry:BGDDT'],
    milestone: ['home-affairs', 'ministry:BGDDT', 'ministry:BNV'],
    'focal point': ['home-affairs', 'ministry:BGDDT'],
    'lead ministry': ['home-affairs'],
    deadline: ['home-affairs'],
    report: ['home-affairs', 'locality:HNI'],
  };
  const cases = writes.flatMap((w) => PRINCIPALS.map((p) => [w.name, p, w] as const));

  it.each(cases)(
    'when %s is sent by %s, then it is allowed only for its roles and a refusal changes nothing',
    async (name, principal, w) => {
      const code = await createTask();
      const before = await snapshot(code);
      const res = await request(app)[w.method](w.path(code)).set(as(principal)).send(w.body);
      if (allowed[name]?.includes(principal)) {
        expect(res.status).toBe(200);
        // A report is the locality's matrix cell (the one store), not an event of the task.
        expect((await snapshot(code)).events).toBe(before.events + (name === 'report' ? 0 : 1));
      } else {
        expect(res.status).toBe(403);
        expect(res.body.title).toBe('Forbidden');
        expect(await snapshot(code)).toEqual(before);
      }
    },
  );

  it('when POST /api/tasks comes from anyone but Home Affairs, then 403', async () => {
    for (const p of PRINCIPALS.filter((x) => x !== 'home-affairs')) {
      const res = await request(app)
        .post('/api/tasks')
        .set(as(p))
        .send({ code: uid('X-'), title: 't', sector: 's', status: 'FEASIBLE', leadMinistry: 'BYT' });
      expect(res.status).toBe(403);
    }
  });
});

describe('bad input is refused with the field named and changes nothing', () => {
  const cases: [string, (c: string) => request.Test, number, string | null][] = [
    [
      'malformed JSON',
      (c) =>
        request(app)
          .post(`/api/tasks/${c}/transitions`)
          .set(as('home-affairs'))
          .set('Content-Type', 'application/json')
          .send('{"to": "FEAS'),
      400,
      'body',
    ],
    [
      'an unknown field',
      (c) =>
        request(app)
          .post(`/api/tasks/${c}/transitions`)
          .set(as('home-affairs'))
          .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'x', sneaky: 1 }),
      400,
      'body.sneaky',
    ],
    [
      'a wrong type',
      (c) => request(app).post(`/api/tasks/${c}/transitions`).set(as('home-affairs')).send({ to: 42 }),
      400,
      'body.to',
    ],
    [
      'an unknown status',
      (c) => request(app).post(`/api/tasks/${c}/transitions`).set(as('home-affairs')).send({ to: 'DONE' }),
      400,
      'body.to',
    ],
    [
      'an overlong reason',
      (c) =>
        request(app)
          .post(`/api/tasks/${c}/transitions`)
          .set(as('home-affairs'))
          .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'x'.repeat(2001) }),
      400,
      'body.reason',
    ],
    [
      'control characters',
      (c) =>
        request(app)
          .post(`/api/tasks/${c}/milestones`)
          .set(as('home-affairs'))
          .send({ name: 'DRAFTING', note: 'a\u0000b' }),
      400,
      'body.note',
    ],
    [
      'an impossible date',
      (c) =>
        request(app)
          .put(`/api/tasks/${c}/deadline`)
          .set(as('home-affairs'))
          .send({ dueDate: '2027-02-30', reason: 'x' }),
      400,
      'body.dueDate',
    ],
    [
      'a date out of range',
      (c) =>
        request(app)
          .put(`/api/tasks/${c}/deadline`)
          .set(as('home-affairs'))
          .send({ dueDate: '9999-01-01', reason: 'x' }),
      400,
      'body.dueDate',
    ],
    [
      'a missing reason',
      (c) => request(app).put(`/api/tasks/${c}/deadline`).set(as('home-affairs')).send({ dueDate: '2027-01-01' }),
      400,
      'body.reason',
    ],
    [
      'an unknown ministry',
      (c) => request(app).put(`/api/tasks/${c}/assignment`).set(as('home-affairs')).send({ leadMinistry: 'BXYZ' }),
      400,
      'body.leadMinistry',
    ],
    [
      'an unknown locality',
      (c) =>
        request(app)
          .post(`/api/tasks/${c}/reports`)
          .set(as('home-affairs'))
          .send({ locality: 'ZZZ', kind: 'WORKABLE' }),
      400,
      'body.locality',
    ],
    [
      'an obstacle without description',
      (c) =>
        request(app)
          .post(`/api/tasks/${c}/reports`)
          .set(as('locality:HNI'))
          .send({ locality: 'HNI', kind: 'OBSTACLE' }),
      400,
      'body.description',
    ],
    [
      'a missing document for guidance issued',
      (c) => request(app).post(`/api/tasks/${c}/transitions`).set(as('home-affairs')).send({ to: 'FEASIBLE' }),
      400,
      'body.document',
    ],
    [
      'an illegal edge',
      (c) =>
        request(app)
          .post(`/api/tasks/${c}/transitions`)
          .set(as('home-affairs'))
          .send({ to: 'REQUIRES_GUIDANCE', reason: 'x' }),
      409,
      'to',
    ],
    [
      'a stale from',
      (c) =>
        request(app)
          .post(`/api/tasks/${c}/transitions`)
          .set(as('home-affairs'))
          .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'x', from: 'FEASIBLE' }),
      409,
      'from',
    ],
    [
      'a milestone of the wrong track',
      (c) => request(app).post(`/api/tasks/${c}/milestones`).set(as('home-affairs')).send({ name: 'APPROVED' }),
      409,
      'name',
    ],
    [
      'a huge body',
      (c) =>
        request(app)
          .post(`/api/tasks/${c}/milestones`)
          .set(as('home-affairs'))
          .send({ name: 'DRAFTING', note: 'x'.repeat(30_000) }),
      413,
      null,
    ],
    [
      'SQL-looking text in a query',
      () => request(app).get(`/api/tasks?status=FEASIBLE';DROP TABLE tasks;--`).set(as('home-affairs')),
      400,
      'query.status',
    ],
    [
      'an unknown query parameter',
      () => request(app).get('/api/tasks?colour=red').set(as('home-affairs')),
      400,
      'query.colour',
    ],
    ['a bad task code', () => request(app).get('/api/tasks/<script>').set(as('home-affairs')), 400, 'params.code'],
  ];

  it.each(cases)('when a request has %s, then it is refused', async (_name, send, status, field) => {
    const code = await createTask();
    const before = await snapshot(code);
    const res = await send(code);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      status,
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    if (status === 409 && field === 'to')
      expect(res.body.allowed.map((a: { to: string }) => a.to).sort()).toEqual(['AUTHORITY_ADJUSTMENT', 'FEASIBLE']);
    expect(await snapshot(code)).toEqual(before);
  });

  it('when a task does not exist, then reads and writes are 404', async () => {
    expect((await request(app).get('/api/tasks/NOPE-1').set(as('home-affairs'))).status).toBe(404);
    expect(
      (await request(app).post('/api/tasks/NOPE-1/milestones').set(as('home-affairs')).send({ name: 'DRAFTING' }))
        .status,
    ).toBe(404);
  });

  it('when SQL- and HTML-looking text is stored, then it comes back verbatim and harms nothing', async () => {
    const code = await createTask();
    const note = `'); DROP TABLE tasks; -- <script>alert(1)</script>`;
    const res = await request(app)
      .post(`/api/tasks/${code}/milestones`)
      .set(as('home-affairs'))
      .send({ name: 'DRAFTING', note });
    expect(res.status).toBe(200);
    expect(res.body.milestones[0].note).toBe(note);
    expect(await db.prisma.task.count()).toBeGreaterThan(0);
  });

  it('when a task code is registered twice, then the second is 409', async () => {
    const code = await createTask();
    const res = await request(app)
      .post('/api/tasks')
      .set(as('home-affairs'))
      .send({ code, title: 'again', sector: 's', status: 'FEASIBLE', leadMinistry: 'BYT' });
    expect(res.status).toBe(409);
  });
});

import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config/env';
import { hashToken, issueToken, revokeTokens } from '../../db/tokens';
import { createActivities } from '../../activities';
import { ensureAppRole } from '../../db/app-role';
import { connectDb, openPool } from '../../db/client';
import { createLogger } from '../../logging/logger';
import { stateQuery } from '../../workflows/messages';
import { getTask, taskResponse } from '../../db/tasks';
import { TASKS_CHANGED_CHANNEL } from '../../db/tasks-changed-listener';
import { ListCache, renderedPage } from '../../api/list-cache';
import { DAY_MS, daysOverdue, deadlineInstant } from '../../domain/dates';
import { eventually, smtpMailer, startWorkflowStack, uid, type TestDatabase, type WorkflowStack } from '../support/harness';

let stack: WorkflowStack;
let db: TestDatabase;
let dev: WorkflowStack['dev'];
let app: Express;
let taskQueue: string;
const tokens: Record<string, string> = {};

const PRINCIPALS = ['home-affairs', 'ministry:BGDDT', 'ministry:BNV', 'ministry:BTC', 'locality:HNI', 'locality:HCM', 'public'] as const;

beforeAll(async () => {
  stack = await startWorkflowStack('api-');
  ({ db, dev, taskQueue } = stack);
  const config = loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, LOG_REQUESTS: 'false', BODY_LIMIT: '20kb', PUBLIC_BASE_URL: 'http://tracker.test' });
  app = createApp({ db, temporal: dev.client, config });
  for (const p of PRINCIPALS) tokens[p] = await issueToken(db, p);
});

afterAll(async () => {
  await stack?.stop();
});

const as = (p: (typeof PRINCIPALS)[number]) => ({ Authorization: `Bearer ${tokens[p]}` });

/** Registers a task through the API (Home Affairs), lead BGDDT, coordinating BNV. */
async function createTask(overrides: Record<string, unknown> = {}) {
  const code = uid('API-');
  const res = await request(app)
    .post('/api/tasks')
    .set(as('home-affairs'))
    .send({ code, title: `Recruitment at commune public service units ${code}`, sector: 'Education', level: 'commune', status: 'REQUIRES_GUIDANCE', leadMinistry: 'BGDDT', coordinatingMinistries: ['BNV'], focalPoint: { name: 'Nguyen Van An', email: 'an@bgddt.test' }, dueDate: '2027-06-30', ...overrides });
  expect(res.status).toBe(201);
  return code;
}

async function snapshot(code: string) {
  const row = await db.prisma.task.findUniqueOrThrow({ where: { code } });
  const events = await db.prisma.auditEvent.count({ where: { taskCode: code } });
  return { lastSeq: row.lastSeq, status: row.status, dueDate: row.dueDate, focal: row.focalPointEmail, lead: row.leadMinistryCode, events };
}

describe('health', () => {
  it('when PostgreSQL and Temporal answer, then /healthz and /readyz are 200', async () => {
    expect((await request(app).get('/healthz')).status).toBe(200);
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', postgres: 'up', temporal: 'up', stuckTasks: { count: 0, tasks: [] } });
  });
});

describe('the edge', () => {
  it('when a token sends more than its per-minute allowance, then it gets 429 problem+json', async () => {
    const limited = createApp({ db, temporal: dev.client, config: loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, LOG_REQUESTS: 'false', RATE_LIMIT_PER_MINUTE: '3' }) });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(limited).get('/api/ministries').set(as('locality:HCM'))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const res = await request(limited).get('/api/ministries').set(as('locality:HCM'));
    expect(res.headers['content-type']).toContain('application/problem+json');
    // Another token has its own allowance.
    expect((await request(limited).get('/api/ministries').set(as('locality:HNI'))).status).toBe(200);
  });

  it('when any answer is sent, then it carries security headers', async () => {
    const res = await request(app).get('/api/ministries').set(as('public'));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('when requests are served, then each leaves one structured log line with request id, principal, route, status and time', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => lines.push(l) } });
    const logged = createApp({ db, temporal: dev.client, config: loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue }), logger });
    const res = await request(logged).get('/api/tasks/NOPE-9').set(as('ministry:BTC')).set('X-Request-Id', 'req-42');
    await new Promise((r) => setImmediate(r));
    expect(res.headers['x-request-id']).toBe('req-42');
    expect(res.body).toMatchObject({ status: 404, requestId: 'req-42' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 30,
      requestId: 'req-42',
      method: 'GET',
      route: '/api/tasks/:code',
      status: 404,
      principal: 'ministry:BTC',
      ms: expect.any(Number),
    });
  });

  it('when a request has no usable X-Request-Id, then one is generated and echoed in the header, the problem body and the log line', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => lines.push(l) } });
    const logged = createApp({ db, temporal: dev.client, config: loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue }), logger });
    const res = await request(logged).get('/api/tasks').set('X-Request-Id', 'bad id with spaces');
    await new Promise((r) => setImmediate(r));
    const id = res.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.status).toBe(401);
    expect(res.body.requestId).toBe(id);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ requestId: id, status: 401, principal: null });
  });
});

describe('identity', () => {
  it('when no token is sent, then 401 problem+json', async () => {
    const res = await request(app).get('/api/tasks');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  });

  it('when a token is revoked, then it no longer works', async () => {
    const token = await issueToken(db, 'ministry:BYT');
    expect((await request(app).get('/api/ministries').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    await revokeTokens(db, { token });
    expect((await request(app).get('/api/ministries').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  });

  it('when a token is revoked by another process, then this one stops accepting it within TOKEN_CACHE_SECONDS', async () => {
    const cached = createApp({ db, temporal: dev.client, config: loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, LOG_REQUESTS: 'false', TOKEN_CACHE_SECONDS: '1' }) });
    const token = await issueToken(db, 'public');
    const get = () => request(cached).get('/api/ministries').set({ Authorization: `Bearer ${token}` });
    expect((await get()).status).toBe(200);
    // As `npm run tokens -- revoke` in another process does it: this process's cache is not told.
    await db.prisma.apiToken.updateMany({ where: { tokenHash: hashToken(token) }, data: { revokedAt: new Date() } });
    expect((await get()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await get()).status).toBe(401);
  });
});

describe('access matrix on every write route', () => {
  type Write = { name: string; method: 'post' | 'put'; path: (c: string) => string; body: Record<string, unknown> };
  const writes: Write[] = [
    { name: 'transition', method: 'post', path: (c) => `/api/tasks/${c}/transitions`, body: { to: 'AUTHORITY_ADJUSTMENT', reason: 'needs a law change' } },
    { name: 'milestone', method: 'post', path: (c) => `/api/tasks/${c}/milestones`, body: { name: 'DRAFTING' } },
    { name: 'focal point', method: 'put', path: (c) => `/api/tasks/${c}/assignment`, body: { focalPoint: { name: 'Le Thi C', email: 'c@bgddt.test' } } },
    { name: 'lead ministry', method: 'put', path: (c) => `/api/tasks/${c}/assignment`, body: { leadMinistry: 'BYT' } },
    { name: 'deadline', method: 'put', path: (c) => `/api/tasks/${c}/deadline`, body: { dueDate: '2027-12-31', reason: 'extended' } },
    { name: 'report', method: 'post', path: (c) => `/api/tasks/${c}/reports`, body: { locality: 'HNI', kind: 'OBSTACLE', description: 'no form' } },
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

  it.each(cases)('when %s is sent by %s, then it is allowed only for its roles and a refusal changes nothing', async (name, principal, w) => {
    const code = await createTask();
    const before = await snapshot(code);
    const res = await request(app)[w.method](w.path(code)).set(as(principal)).send(w.body);
    if (allowed[name]?.includes(principal)) {
      expect(res.status).toBe(200);
      expect((await snapshot(code)).events).toBe(before.events + 1);
    } else {
      expect(res.status).toBe(403);
      expect(res.body.title).toBe('Forbidden');
      expect(await snapshot(code)).toEqual(before);
    }
  });

  it('when POST /api/tasks comes from anyone but Home Affairs, then 403', async () => {
    for (const p of PRINCIPALS.filter((x) => x !== 'home-affairs')) {
      const res = await request(app).post('/api/tasks').set(as(p)).send({ code: uid('X-'), title: 't', sector: 's', status: 'FEASIBLE', leadMinistry: 'BYT' });
      expect(res.status).toBe(403);
    }
  });
});

describe('bad input is refused with the field named and changes nothing', () => {
  const cases: [string, (c: string) => request.Test, number, string | null][] = [
    ['malformed JSON', (c) => request(app).post(`/api/tasks/${c}/transitions`).set(as('home-affairs')).set('Content-Type', 'application/json').send('{"to": "FEAS'), 400, 'body'],
    ['an unknown field', (c) => request(app).post(`/api/tasks/${c}/transitions`).set(as('home-affairs')).send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'x', sneaky: 1 }), 400, 'body.sneaky'],
    ['a wrong type', (c) => request(app).post(`/api/tasks/${c}/transitions`).set(as('home-affairs')).send({ to: 42 }), 400, 'body.to'],
    ['an unknown status', (c) => request(app).post(`/api/tasks/${c}/transitions`).set(as('home-affairs')).send({ to: 'DONE' }), 400, 'body.to'],
    ['an overlong reason', (c) => request(app).post(`/api/tasks/${c}/transitions`).set(as('home-affairs')).send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'x'.repeat(2001) }), 400, 'body.reason'],
    ['control characters', (c) => request(app).post(`/api/tasks/${c}/milestones`).set(as('home-affairs')).send({ name: 'DRAFTING', note: 'a\u0000b' }), 400, 'body.note'],
    ['an impossible date', (c) => request(app).put(`/api/tasks/${c}/deadline`).set(as('home-affairs')).send({ dueDate: '2027-02-30', reason: 'x' }), 400, 'body.dueDate'],
    ['a date out of range', (c) => request(app).put(`/api/tasks/${c}/deadline`).set(as('home-affairs')).send({ dueDate: '9999-01-01', reason: 'x' }), 400, 'body.dueDate'],
    ['a missing reason', (c) => request(app).put(`/api/tasks/${c}/deadline`).set(as('home-affairs')).send({ dueDate: '2027-01-01' }), 400, 'body.reason'],
    ['an unknown ministry', (c) => request(app).put(`/api/tasks/${c}/assignment`).set(as('home-affairs')).send({ leadMinistry: 'BXYZ' }), 400, 'body.leadMinistry'],
    ['an unknown locality', (c) => request(app).post(`/api/tasks/${c}/reports`).set(as('home-affairs')).send({ locality: 'ZZZ', kind: 'WORKABLE' }), 400, 'body.locality'],
    ['an obstacle without description', (c) => request(app).post(`/api/tasks/${c}/reports`).set(as('locality:HNI')).send({ locality: 'HNI', kind: 'OBSTACLE' }), 400, 'body.description'],
    ['a missing document for guidance issued', (c) => request(app).post(`/api/tasks/${c}/transitions`).set(as('home-affairs')).send({ to: 'FEASIBLE' }), 400, 'body.document'],
    ['an illegal edge', (c) => request(app).post(`/api/tasks/${c}/transitions`).set(as('home-affairs')).send({ to: 'REQUIRES_GUIDANCE', reason: 'x' }), 409, 'to'],
    ['a stale from', (c) => request(app).post(`/api/tasks/${c}/transitions`).set(as('home-affairs')).send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'x', from: 'FEASIBLE' }), 409, 'from'],
    ['a milestone of the wrong track', (c) => request(app).post(`/api/tasks/${c}/milestones`).set(as('home-affairs')).send({ name: 'APPROVED' }), 409, 'name'],
    ['a huge body', (c) => request(app).post(`/api/tasks/${c}/milestones`).set(as('home-affairs')).send({ name: 'DRAFTING', note: 'x'.repeat(30_000) }), 413, null],
    ['SQL-looking text in a query', () => request(app).get(`/api/tasks?status=FEASIBLE';DROP TABLE tasks;--`).set(as('home-affairs')), 400, 'query.status'],
    ['an unknown query parameter', () => request(app).get('/api/tasks?colour=red').set(as('home-affairs')), 400, 'query.colour'],
    ['a bad task code', () => request(app).get('/api/tasks/<script>').set(as('home-affairs')), 400, 'params.code'],
  ];

  it.each(cases)('when a request has %s, then it is refused', async (_name, send, status, field) => {
    const code = await createTask();
    const before = await snapshot(code);
    const res = await send(code);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
    if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    if (status === 409 && field === 'to') expect(res.body.allowed.map((a: { to: string }) => a.to).sort()).toEqual(['AUTHORITY_ADJUSTMENT', 'FEASIBLE']);
    expect(await snapshot(code)).toEqual(before);
  });

  it('when a task does not exist, then reads and writes are 404', async () => {
    expect((await request(app).get('/api/tasks/NOPE-1').set(as('home-affairs'))).status).toBe(404);
    expect((await request(app).post('/api/tasks/NOPE-1/milestones').set(as('home-affairs')).send({ name: 'DRAFTING' })).status).toBe(404);
  });

  it('when SQL- and HTML-looking text is stored, then it comes back verbatim and harms nothing', async () => {
    const code = await createTask();
    const note = `'); DROP TABLE tasks; -- <script>alert(1)</script>`;
    const res = await request(app).post(`/api/tasks/${code}/milestones`).set(as('home-affairs')).send({ name: 'DRAFTING', note });
    expect(res.status).toBe(200);
    expect(res.body.milestones[0].note).toBe(note);
    expect(await db.prisma.task.count()).toBeGreaterThan(0);
  });

  it('when a task code is registered twice, then the second is 409', async () => {
    const code = await createTask();
    const res = await request(app).post('/api/tasks').set(as('home-affairs')).send({ code, title: 'again', sector: 's', status: 'FEASIBLE', leadMinistry: 'BYT' });
    expect(res.status).toBe(409);
  });
});

describe('writes', () => {
  it('when a transition succeeds, then the response and an immediate GET show the new state and history has the event', async () => {
    const code = await createTask();
    const res = await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(as('ministry:BGDDT'))
      .send({ to: 'FEASIBLE', from: 'REQUIRES_GUIDANCE', document: { number: '15/2026/TT-BGDDT', issuedOn: '2026-11-20', effectiveOn: '2026-11-21' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code, status: 'FEASIBLE', dueDate: null, daysOverdue: 0, lastSeq: 2 });
    const got = await request(app).get(`/api/tasks/${code}`).set(as('locality:HNI'));
    expect(got.body).toMatchObject({ status: 'FEASIBLE', lastSeq: 2, focalPoint: { name: 'Nguyen Van An', email: 'an@bgddt.test' }, reports: { workable: 0, obstacle: 0 } });
    const history = await request(app).get(`/api/tasks/${code}/history`).set(as('ministry:BTC'));
    expect(history.body.items.map((i: { seq: number; kind: string; actor: string }) => [i.seq, i.kind, i.actor])).toEqual([
      [1, 'CREATED', 'home-affairs'],
      [2, 'TRANSITION', 'ministry:BGDDT'],
    ]);
    expect((await request(app).get(`/api/tasks/${code}/history/verify`).set(as('public'))).body).toEqual({ valid: true, checked: 2 });
  });

  it('when a write answers, then the task is exactly the documented shape and carries the write', async () => {
    const code = await createTask({ coordinatingMinistries: ['BNV', 'BTC'] });
    const writes: [() => request.Test, (task: Record<string, unknown>) => void][] = [
      [
        () => request(app).post(`/api/tasks/${code}/milestones`).set(as('ministry:BNV')).send({ name: 'DRAFTING', note: 'Draft circular' }),
        (t) => expect(t.milestones).toEqual([expect.objectContaining({ name: 'DRAFTING', note: 'Draft circular', actor: 'ministry:BNV' })]),
      ],
      [
        () => request(app).put(`/api/tasks/${code}/deadline`).set(as('home-affairs')).send({ dueDate: '2027-12-31', reason: 'more consultation' }),
        (t) => expect(t.dueDate).toBe('2027-12-31'),
      ],
      [
        () => request(app).post(`/api/tasks/${code}/reports`).set(as('locality:HNI')).send({ locality: 'HNI', kind: 'OBSTACLE', description: 'No guidance yet' }),
        (t) => expect(t.reports).toEqual({ workable: 0, obstacle: 1 }),
      ],
      [
        () => request(app).post(`/api/tasks/${code}/transitions`).set(as('home-affairs')).send({ to: 'AUTHORITY_ADJUSTMENT', from: 'REQUIRES_GUIDANCE', reason: 'needs a law change' }),
        (t) => expect(t.status).toBe('AUTHORITY_ADJUSTMENT'),
      ],
    ];
    let seq = 1;
    for (const [write, carries] of writes) {
      const answer = await write();
      expect(answer.status).toBe(200);
      // Every field the document names, no other, each of its documented type.
      expect(Object.keys(answer.body).sort()).toEqual(Object.keys(taskResponse.shape).sort());
      expect(taskResponse.safeParse(answer.body).error).toBeUndefined();
      expect(answer.body.lastSeq).toBe(++seq);
      carries(answer.body);
    }
  });

  it('when the same Idempotency-Key and body are retried, then one event and the same answer; another body is 422', async () => {
    const code = await createTask();
    const send = (body: object) => request(app).post(`/api/tasks/${code}/milestones`).set(as('ministry:BNV')).set('Idempotency-Key', 'key-123').send(body);
    const first = await send({ name: 'DRAFTING' });
    const second = await send({ name: 'DRAFTING' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect((await snapshot(code)).events).toBe(2);
    const other = await send({ name: 'CONSULTATION' });
    expect(other.status).toBe(422);
    expect((await snapshot(code)).events).toBe(2);
  });

  it('when requests sharing an Idempotency-Key race with different bodies, then exactly one goes through and the key keeps its body', async () => {
    const code = await createTask();
    const notes = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];
    const send = (note: string) => request(app).post(`/api/tasks/${code}/milestones`).set(as('ministry:BNV')).set('Idempotency-Key', 'race-1').send({ name: 'DRAFTING', note });
    const answers = await Promise.all(notes.map(send));
    const winners = answers.filter((a) => a.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of answers.filter((a) => a.status !== 200)) {
      expect([409, 422]).toContain(loser.status);
      expect(loser.headers['content-type']).toContain('application/problem+json');
      expect(loser.body.errors.map((e: { field: string }) => e.field)).toContain('header.Idempotency-Key');
    }
    const winnerNote = winners[0]?.body.milestones[0].note as string;
    expect((await snapshot(code)).events).toBe(2);
    // The key is stored against the winner's body: its retry replays, every other body is 422.
    const replay = await send(winnerNote);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(winners[0]?.body);
    for (const note of notes.filter((n) => n !== winnerNote)) expect((await send(note)).status).toBe(422);
    expect((await snapshot(code)).events).toBe(2);
  });

  it('when requests sharing an Idempotency-Key race with the same body, then one event and each answer is the one answer or 409 in progress', async () => {
    const code = await createTask();
    const send = () => request(app).post(`/api/tasks/${code}/milestones`).set(as('ministry:BNV')).set('Idempotency-Key', 'race-2').send({ name: 'DRAFTING' });
    const answers = await Promise.all([send(), send(), send(), send()]);
    const ok = answers.filter((a) => a.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const a of ok) expect(a.body).toEqual(ok[0]?.body);
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect(a.status).toBe(409);
      expect(a.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    }
    expect((await snapshot(code)).events).toBe(2);
    expect((await send()).body).toEqual(ok[0]?.body);
  });

  it('when a locality reports, then the counts follow its latest report', async () => {
    const code = await createTask();
    await request(app).post(`/api/tasks/${code}/reports`).set(as('locality:HNI')).send({ locality: 'HNI', kind: 'OBSTACLE', description: 'no form' }).expect(200);
    await request(app).post(`/api/tasks/${code}/reports`).set(as('locality:HCM')).send({ locality: 'HCM', kind: 'WORKABLE' }).expect(200);
    const res = await request(app).post(`/api/tasks/${code}/reports`).set(as('locality:HNI')).send({ locality: 'HNI', kind: 'WORKABLE' }).expect(200);
    expect(res.body.reports).toEqual({ workable: 2, obstacle: 0 });
  });

  it('when an audit row is altered in PostgreSQL, then verification names it, and the application role cannot alter it', async () => {
    const code = await createTask();
    await request(app).post(`/api/tasks/${code}/milestones`).set(as('home-affairs')).send({ name: 'DRAFTING' }).expect(200);
    await request(app).post(`/api/tasks/${code}/milestones`).set(as('home-affairs')).send({ name: 'CONSULTATION' }).expect(200);
    await expect(db.sql.query(`UPDATE audit_events SET actor = 'someone-else' WHERE task_code = $1 AND seq = 2`, [code])).rejects.toThrow(/append-only/);
    await expect(db.sql.query(`DELETE FROM audit_events WHERE task_code = $1`, [code])).rejects.toThrow(/append-only/);
    // A superuser can switch triggers off; the hash chain still shows the edit.
    const c = await db.sql.connect();
    try {
      await c.query(`SET session_replication_role = replica`);
      await c.query(`UPDATE audit_events SET details = '{"name":"ISSUED"}' WHERE task_code = $1 AND seq = 2`, [code]);
      await c.query(`SET session_replication_role = origin`);
    } finally {
      c.release();
    }
    const res = await request(app).get(`/api/tasks/${code}/history/verify`).set(as('public'));
    expect(res.body).toMatchObject({ valid: false, checked: 1, brokenAtSeq: 2 });
  });
});

describe('the application database role', () => {
  it('when the API and worker connect as the application role, then they write events but cannot change or delete them', async () => {
    const code = await createTask();
    const role = `app_${uid('').toLowerCase()}`;
    const appUrl = await ensureAppRole(db.url, 'app-secret', role);
    const appDb = openPool(appUrl, 1);
    try {
      const view = (await request(app).get(`/api/tasks/${code}`).set(as('locality:HCM'))).body;
      // Persisting an event (INSERT) works as this role ...
      const acts = createActivities({ db: connectDb(appUrl, { max: 1 }), mailer: smtpMailer(stack.smtp), mailFrom: 'x@tracker.test' });
      const row = await db.prisma.task.findUniqueOrThrow({ where: { code } });
      const snapshot = { ...(await dev.client.workflow.getHandle(`task-${code}`).query(stateQuery)), seq: row.lastSeq + 1 };
      await acts.persistEvent({ event: { taskCode: code, seq: row.lastSeq + 1, at: new Date().toISOString(), actor: 'home-affairs', kind: 'MILESTONE', details: {} }, snapshot });
      expect((await appDb.query('SELECT count(*)::int AS n FROM audit_events WHERE task_code = $1', [code])).rows[0].n).toBe(view.lastSeq + 1);
      // ... changing or removing one does not, whatever the triggers say.
      for (const sql of [`UPDATE audit_events SET actor = 'x' WHERE task_code = $1`, `DELETE FROM audit_events WHERE task_code = $1`]) {
        await expect(appDb.query(sql, [code])).rejects.toMatchObject({ code: '42501' });
      }
      await expect(appDb.query('TRUNCATE audit_events')).rejects.toMatchObject({ code: '42501' });
      await expect(appDb.query('DROP TABLE audit_events')).rejects.toMatchObject({ code: '42501' });
      expect((await appDb.query(`SELECT has_table_privilege(current_user, 'audit_events', 'UPDATE') AS u, has_table_privilege(current_user, 'audit_events', 'DELETE') AS d`)).rows[0]).toEqual({ u: false, d: false });
    } finally {
      await appDb.end();
    }
  });
});

describe('reads', () => {
  let codes: string[] = [];
  beforeAll(async () => {
    codes = [
      await createTask({ title: 'Alpha licences for clinics', leadMinistry: 'BYT', coordinatingMinistries: [] }),
      await createTask({ title: 'Beta overdue guidance', dueDate: '2025-12-31' }),
      await createTask({ title: 'Gamma feasible task', status: 'FEASIBLE', dueDate: undefined }),
    ];
  });

  it('when tasks are filtered by status, ministry, overdue, dueBefore and text, then only matching ones return', async () => {
    const get = (q: string) => request(app).get(`/api/tasks?${q}`).set(as('public'));
    const byMinistry = await get('ministry=BYT&limit=500');
    expect(byMinistry.body.items.map((t: { code: string }) => t.code)).toContain(codes[0]);
    expect(byMinistry.body.items.every((t: { leadMinistry: string }) => t.leadMinistry === 'BYT')).toBe(true);
    const overdue = await get('overdue=true&limit=500');
    expect(overdue.body.items.map((t: { code: string }) => t.code)).toEqual([codes[1]]);
    expect(overdue.body.items[0].daysOverdue).toBeGreaterThan(300);
    expect((await get('q=gamma%20FEASIBLE')).body.items.map((t: { code: string }) => t.code)).toEqual([codes[2]]);
    // LIKE wildcards in the text are taken literally.
    expect((await get('q=%25')).body.total).toBe(0);
    expect((await get('q=_')).body.total).toBe(0);
    // A page past the end is empty but still knows the total.
    const past = await get('limit=1&page=100000');
    expect(past.body.items).toEqual([]);
    expect(past.body.total).toBeGreaterThanOrEqual(3);
    expect((await get('status=FEASIBLE&limit=500')).body.items.every((t: { status: string }) => t.status === 'FEASIBLE')).toBe(true);
    expect((await get('dueBefore=2026-01-01&limit=500')).body.items.map((t: { code: string }) => t.code)).toEqual([codes[1]]);
  });

  it('when PostgreSQL renders daysOverdue, then it agrees with the domain rule at every boundary', async () => {
    const due = '2025-12-31';
    const deadline = deadlineInstant(due);
    for (const offset of [-DAY_MS, -1, 0, 1, DAY_MS - 1, DAY_MS, DAY_MS + 1, 400 * DAY_MS + 12345]) {
      const task = await getTask(db, codes[1] as string, deadline + offset);
      expect([offset, task?.daysOverdue]).toEqual([offset, daysOverdue(due, deadline + offset)]);
    }
    expect((await getTask(db, codes[2] as string, deadline + 400 * DAY_MS))?.daysOverdue).toBe(0);
  });

  it('when pages are requested, then they partition the list in the requested order', async () => {
    const all = await request(app).get('/api/tasks?limit=500&sort=-code').set(as('public'));
    const total = all.body.total as number;
    expect(total).toBeGreaterThanOrEqual(3);
    const p1 = await request(app).get('/api/tasks?limit=2&page=1&sort=-code').set(as('public'));
    const p2 = await request(app).get('/api/tasks?limit=2&page=2&sort=-code').set(as('public'));
    expect(p1.body).toMatchObject({ total, page: 1, limit: 2 });
    expect([...p1.body.items, ...p2.body.items].map((t: { code: string }) => t.code)).toEqual(all.body.items.slice(0, 4).map((t: { code: string }) => t.code));
  });

  it('when CSV is asked for, then every matching task comes as text/csv', async () => {
    const viaAccept = await request(app).get('/api/tasks?ministry=BYT').set(as('locality:HCM')).set('Accept', 'text/csv');
    const viaFormat = await request(app).get('/api/tasks?ministry=BYT&format=csv').set(as('locality:HCM'));
    for (const res of [viaAccept, viaFormat]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const lines = res.text.trim().split('\r\n');
      expect(lines[0]).toBe('code,title,sector,status,leadMinistry,coordinatingMinistries,focalPointName,focalPointEmail,dueDate,daysOverdue,workableReports,obstacleReports');
      expect(lines.some((l) => l.startsWith(`${codes[0]},Alpha licences for clinics,`))).toBe(true);
    }
  });

  it('when the public token reads tasks, lists, CSV, dashboards and history, then no personal data comes back', async () => {
    const code = await createTask({ focalPoint: { name: 'Nguyen Thi Secret', email: 'secret.person@bgddt.test' }, dueDate: '2025-01-31' });
    await request(app).post(`/api/tasks/${code}/milestones`).set(as('ministry:BNV')).send({ name: 'DRAFTING', note: 'Call Mr Secret on his mobile' }).expect(200);
    await request(app).post(`/api/tasks/${code}/reports`).set(as('locality:HNI')).send({ locality: 'HNI', kind: 'OBSTACLE', description: 'Officer Secret refuses' }).expect(200);
    await request(app).put(`/api/tasks/${code}/deadline`).set(as('home-affairs')).send({ dueDate: '2025-02-28', reason: 'Secret asked for more time' }).expect(200);
    await request(app).post(`/api/tasks/${code}/transitions`).set(as('home-affairs')).send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'Secret says the law must change' }).expect(200);
    const reads = [
      await request(app).get(`/api/tasks/${code}`).set(as('public')),
      await request(app).get(`/api/tasks?q=${encodeURIComponent(code)}`).set(as('public')),
      await request(app).get(`/api/tasks?q=${encodeURIComponent(code)}&format=csv`).set(as('public')),
      await request(app).get(`/api/tasks/${code}/history`).set(as('public')),
      await request(app).get('/api/dashboard/bottlenecks').set(as('public')),
    ];
    for (const res of reads) {
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(/secret/i);
      expect(res.text).not.toMatch(/home-affairs|ministry:|locality:/);
    }
    // Still there: the task, its milestones by name, the events by kind, the figures.
    expect(reads[0]?.body).toMatchObject({ code, status: 'AUTHORITY_ADJUSTMENT', milestones: [{ track: 'GUIDANCE', name: 'DRAFTING' }] });
    expect(reads[0]?.body.focalPoint).toBeUndefined();
    expect(reads[2]?.text.split('\r\n')[0]).toBe('code,title,sector,status,leadMinistry,coordinatingMinistries,dueDate,daysOverdue,workableReports,obstacleReports');
    expect(reads[3]?.body.items.map((i: { kind: string; details: Record<string, unknown> }) => [i.kind, i.details])).toEqual([
      ['CREATED', expect.objectContaining({ leadMinistry: 'BGDDT' })],
      ['MILESTONE', { track: 'GUIDANCE', name: 'DRAFTING' }],
      ['LOCALITY_REPORT', { locality: 'HNI', kind: 'OBSTACLE' }],
      ['DEADLINE', expect.objectContaining({ to: '2025-02-28' })],
      ['TRANSITION', expect.objectContaining({ from: 'REQUIRES_GUIDANCE', to: 'AUTHORITY_ADJUSTMENT' })],
    ]);
    // Every other token still sees it all.
    expect((await request(app).get(`/api/tasks/${code}`).set(as('locality:HCM'))).text).toMatch(/Nguyen Thi Secret/);
    expect((await request(app).get(`/api/tasks/${code}/history`).set(as('ministry:BTC'))).text).toMatch(/Secret says the law must change/);
  });

  it('when the dashboard is read, then it counts the read model', async () => {
    const summary = await request(app).get('/api/dashboard/summary').set(as('public'));
    const total = await db.prisma.task.count();
    expect(summary.body.total).toBe(total);
    const sum = Object.values(summary.body.byStatus as Record<string, { count: number }>).reduce((a, s) => a + s.count, 0);
    expect(sum).toBe(total);
    expect(summary.body.localities).toEqual({ reported: 30, total: 34 });
    const b = await request(app).get('/api/dashboard/bottlenecks').set(as('public'));
    expect(b.status).toBe(200);
    expect(b.body.overdueByMinistry[0]).toMatchObject({ ministry: 'BGDDT', overdue: expect.any(Number) });
  });

  it('when reference data is read, then ministries and the 34 localities are there', async () => {
    expect((await request(app).get('/api/ministries').set(as('public'))).body.items).toHaveLength(17);
    expect((await request(app).get('/api/localities').set(as('public'))).body.items).toHaveLength(34);
  });
});

describe('OpenAPI', () => {
  it('when the document is built, then it lists exactly the routes the app serves under /api', async () => {
    const doc = (await request(app).get('/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
    const served: string[] = [];
    const walk = (stack: Layer[]) => {
      for (const l of stack) {
        if (l.route) for (const m of Object.keys(l.route.methods)) served.push(`${m.toUpperCase()} ${l.route.path.replace(/:(\w+)/g, '{$1}')}`);
        else if (l.handle?.stack) walk(l.handle.stack);
      }
    };
    walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(documented).toEqual(served.filter((r) => r.includes(' /api/')).sort());
    const transition = doc.paths['/api/tasks/{code}/transitions']?.post as { requestBody: { content: Record<string, { schema: { properties: Record<string, unknown>; additionalProperties: boolean } }> } };
    expect(Object.keys(transition.requestBody.content['application/json']?.schema.properties ?? {}).sort()).toEqual(['document', 'dueDate', 'from', 'reason', 'to']);
    expect(transition.requestBody.content['application/json']?.schema.additionalProperties).toBe(false);
    expect((await request(app).get('/docs')).text).toContain('/api/tasks/{code}/transitions');
  });

  it('when an operation takes Idempotency-Key, then the document declares it with the limits the server enforces, and only there', async () => {
    type Operation = { parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[]; responses: Record<string, unknown> };
    const doc = (await request(app).get('/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    const declared: string[] = [];
    const checked: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const header = op.parameters.find((x) => x.in === 'header' && x.name === 'Idempotency-Key');
        if (header) {
          declared.push(`${method} ${p}`);
          expect(header.required).toBe(false);
          expect(header.schema).toEqual({ type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._:-]+(?!\n)$' });
          expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '409', '422']));
        }
        if (method !== 'post' && method !== 'put') continue;
        // A key the document refuses (201 characters) is refused by the server before anything else
        // where the header is taken; elsewhere it is ignored.
        const url = p.replace(/\{[^}]+\}/g, 'NO-SUCH-CODE');
        const res = await request(app)[method](url).set(as('home-affairs')).set('Idempotency-Key', 'k'.repeat(201)).send({});
        if (res.status === 400 && (res.body.errors as { field: string }[]).some((e) => e.field === 'header.Idempotency-Key')) checked.push(`${method} ${p}`);
      }
    }
    expect(declared.sort()).toEqual(checked.sort());
    expect(declared).toEqual(expect.arrayContaining(['post /api/tasks', 'post /api/tasks/{code}/transitions', 'put /api/tasks/{code}/assignment']));
    // The longest key the document allows is taken.
    const code = await createTask();
    const kept = await request(app).post(`/api/tasks/${code}/milestones`).set(as('ministry:BGDDT')).set('Idempotency-Key', `a.b_c:d-${'9'.repeat(192)}`).send({ name: 'DRAFTING' });
    expect(kept.status).toBe(200);
  });
});

describe('the task-list cache', () => {
  let cache: ListCache;
  let cached: Express;
  beforeAll(async () => {
    cache = await new ListCache(db.url, 60_000).start();
    cached = createApp({ db, temporal: dev.client, config: loadConfig({ TEMPORAL_TASK_QUEUE: taskQueue, LOG_REQUESTS: 'false' }), listCache: cache });
  });
  afterAll(async () => {
    await cache?.stop();
  });

  it('when a page is kept, then a commit to tasks anywhere drops it, and so do a local write and a stale read', async () => {
    const g = cache.current();
    cache.put('k', g, renderedPage('page'));
    expect(cache.get('k')?.body.toString()).toBe('page');
    expect(cache.get('k', Date.now() + 60_001)).toBeNull();
    // Another process changes the read model: PostgreSQL notifies, the page goes.
    await db.sql.query(`UPDATE tasks SET updated_at = now() WHERE code = (SELECT min(code) FROM tasks)`);
    await eventually(async () => cache.get('k') === null, 5_000, 'the notification');
    // A page read before a change that is noticed meanwhile is not kept.
    const before = cache.current();
    cache.invalidate();
    cache.put('k', before, renderedPage('stale'));
    expect(cache.get('k')).toBeNull();
    // A rolled-back change notifies nobody.
    cache.put('k', cache.current(), renderedPage('page'));
    const c = await db.sql.connect();
    await c.query('BEGIN');
    await c.query(`UPDATE tasks SET updated_at = now() WHERE code = (SELECT min(code) FROM tasks)`);
    await c.query('ROLLBACK');
    c.release();
    await new Promise((r) => setTimeout(r, 300));
    expect(cache.get('k')?.body.toString()).toBe('page');
  });

  it('when the listening connection is cut, then nothing is served from the cache until it listens again', async () => {
    cache.put('k', cache.current(), renderedPage('page'));
    await db.sql.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN ${TASKS_CHANGED_CHANNEL}' AND datname = current_database()`);
    await eventually(async () => cache.get('k') === null, 5_000, 'the cut');
    // It reconnects by itself and caches again.
    await eventually(
      async () => {
        cache.put('k2', cache.current(), renderedPage('again'));
        return cache.get('k2')?.body.toString() === 'again';
      },
      10_000,
      'the reconnect',
    );
  });

  it('when lists are read through a caching API, then its own writes and writes elsewhere show up', async () => {
    const code = await createTask();
    const list = async () => (await request(cached).get(`/api/tasks?q=${encodeURIComponent(code)}`).set(as('locality:HCM'))).body.items[0];
    expect((await list()).status).toBe('REQUIRES_GUIDANCE');
    const first = await request(cached).get(`/api/tasks?q=${encodeURIComponent(code)}`).set(as('locality:HCM'));
    // A client holding the page revalidates it for nothing.
    const again = await request(cached).get(`/api/tasks?q=${encodeURIComponent(code)}`).set(as('locality:HCM')).set('If-None-Match', first.headers.etag as string);
    expect(again.status).toBe(304);
    const moved = await request(cached).post(`/api/tasks/${code}/transitions`).set(as('home-affairs')).send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'law change' });
    expect(moved.status).toBe(200);
    // Read-your-write on the same process, with no wait; the old validator no longer matches.
    expect(await list()).toEqual(moved.body);
    expect((await request(cached).get(`/api/tasks?q=${encodeURIComponent(code)}`).set(as('locality:HCM')).set('If-None-Match', first.headers.etag as string)).status).toBe(200);
    // A write through another API process (the uncached app here) reaches this one by notification.
    const back = await request(app).post(`/api/tasks/${code}/transitions`).set(as('home-affairs')).send({ to: 'REQUIRES_GUIDANCE', document: { number: '9/2026/ND-CP', issuedOn: '2026-11-20' } });
    expect(back.status).toBe(200);
    await eventually(async () => (await list()).status === 'REQUIRES_GUIDANCE', 5_000, 'the other write');
    expect(await list()).toEqual(back.body);
  });
});

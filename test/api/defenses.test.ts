import request from 'supertest';
import type { Express } from 'express';
import { createLogger } from '../../logging/logger';
import { issueToken } from '../../db/tokens';
import { makeApp, startWorkflowStack, uid, type TestDatabase, type WorkflowStack } from '../support/harness';

// What an attacker or a conformance tool tried at the edge: deep JSON, floods of bad tokens, several
// API processes, odd methods and media types, zero-width text, hex numbers, a cut audit tail.

let stack: WorkflowStack;
let db: TestDatabase;
let app: Express;
let token: string;
const logged: string[] = [];
const logger = createLogger({ level: 'info', destination: { write: (line: string) => logged.push(line) } });

beforeAll(async () => {
  stack = await startWorkflowStack('edge-');
  db = stack.db;
  app = makeApp(stack, { logger });
  token = await issueToken(db, 'home-affairs');
});

afterAll(async () => {
  await stack?.stop();
});

const ha = () => ({ Authorization: `Bearer ${token}` });

async function createTask(extra: Record<string, unknown> = {}): Promise<request.Response> {
  return request(app)
    .post('/api/tasks')
    .set(ha())
    .send({
      code: uid('EDG-'),
      title: 'Edge case',
      sector: 'Health',
      status: 'REQUIRES_GUIDANCE',
      leadMinistry: 'BYT',
      ...extra,
    })
    .expect(201);
}

/** Waits out the end of the current rate-limit minute, so a test's counts fall in one window. */
async function freshWindow(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 8_000) await new Promise((r) => setTimeout(r, left + 200));
}

describe('deeply nested JSON', () => {
  it('when a body nests thousands of levels deep (with an Idempotency-Key), then 400 naming the body, and no stack trace is logged', async () => {
    const task = (await createTask()).body as { code: string };
    for (const depth of [6_000, 40_000]) {
      const body = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const res = await request(app)
        .post(`/api/tasks/${task.code}/milestones`)
        .set(ha())
        .set('Idempotency-Key', `deep-${depth}`)
        .set('Content-Type', 'application/json')
        .send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors).toEqual([{ field: 'body', message: expect.stringContaining('nested deeper') }]);
    }
    const nested = {
      name: 'DRAFTING',
      note: 'x',
      extra: JSON.parse(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`) as unknown,
    };
    expect(
      (
        await request(app)
          .post(`/api/tasks/${task.code}/milestones`)
          .set(ha())
          .set('Idempotency-Key', 'deep-obj')
          .send(nested)
      ).status,
    ).toBe(400);
    expect(logged.filter((l) => (JSON.parse(l) as { level: number }).level >= 50)).toEqual([]);
  });
});

describe('rate limits', () => {
  it('when one address floods with unknown tokens, then it gets 429 before any token is looked up, counted across API processes', async () => {
    await freshWindow();
    const limits = { env: { RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '4', TRUST_PROXY: 'loopback' } };
    const [a, b] = [makeApp(stack, limits), makeApp(stack, limits)];
    const attacker = (x: Express) =>
      request(x)
        .get('/api/ministries')
        .set('X-Forwarded-For', '203.0.113.7')
        .set('Authorization', `Bearer not-a-token-${uid()}`);
    const statuses = [];
    for (const x of [a, b, a, b, a, b]) statuses.push((await attacker(x)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    const limited = await attacker(a);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not affected.
    expect((await request(a).get('/api/ministries').set('X-Forwarded-For', '203.0.113.8').set(ha())).status).toBe(200);
  });

  it('when a token sends more than its allowance through two API processes, then the shared count refuses it; another token goes on', async () => {
    await freshWindow();
    const limits = { env: { RATE_LIMIT_PER_MINUTE: '3' } };
    const [a, b] = [makeApp(stack, limits), makeApp(stack, limits)];
    const mine = await issueToken(db, 'locality:HCM');
    const other = await issueToken(db, 'locality:HCM');
    const get = (x: Express, t: string) => request(x).get('/api/ministries').set('Authorization', `Bearer ${t}`);
    const statuses = [];
    for (const x of [a, b, a, b]) statuses.push((await get(x, mine)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // The limit is per token, not per principal: the same principal's other token has its own.
    expect((await get(b, other)).status).toBe(200);
  });

  it('when a token sends more than a larger allowance (counted in memory below half of it) through two API processes, then none is refused below the limit, all are refused once it is passed, and the shared row holds every request', async () => {
    await freshWindow();
    const limit = 200;
    const limits = { env: { RATE_LIMIT_PER_MINUTE: String(limit) } };
    const [a, b] = [makeApp(stack, limits), makeApp(stack, limits)];
    const mine = await issueToken(db, 'locality:HCM');
    const statuses: number[] = [];
    for (let i = 0; i < 320; i++)
      statuses.push(
        (
          await request(i % 2 === 0 ? a : b)
            .get('/api/ministries')
            .set('Authorization', `Bearer ${mine}`)
        ).status,
      );
    const firstRefused = statuses.indexOf(429);
    expect(firstRefused).toBeGreaterThanOrEqual(limit);
    // Past the limit by at most what the other process still held in memory (under half the limit).
    expect(firstRefused).toBeLessThan(limit + limit / 2);
    expect(statuses.slice(firstRefused).every((s) => s === 429)).toBe(true);
    // What each process counted in memory reaches the shared row within 100 ms of its next request.
    await new Promise((r) => setTimeout(r, 150));
    for (const x of [a, b]) await request(x).get('/api/ministries').set('Authorization', `Bearer ${mine}`);
    await new Promise((r) => setTimeout(r, 150));
    const [row] = await db.pool
      .query<{ hits: number }>(
        `SELECT hits FROM rate_limit_hits WHERE key = 'token:' || encode(sha256($1::bytea), 'hex')`,
        [mine],
      )
      .then((r) => r.rows);
    expect(row?.hits).toBeGreaterThanOrEqual(statuses.length);
  });
});

describe('the HTTP edge', () => {
  it('when no token or an unknown one is sent, then 401 says Bearer in WWW-Authenticate', async () => {
    for (const auth of [undefined, 'Bearer nope']) {
      const req = request(app).get('/api/tasks');
      const res = await (auth ? req.set('Authorization', auth) : req);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('when an API path is written in other letter cases, then the token is still required (the routes match any case, so must the gate)', async () => {
    for (const path of ['/API/tasks', '/Api/Tasks', '/api/TASKS', '/API/localities/HNI/report']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.headers.ratelimit).toBeDefined();
    }
    const listed = await request(app).get('/API/Tasks').set(ha());
    expect(listed.status).toBe(200);
  });

  it('when a known path is asked with a method it does not serve, TRACE included, then 405 with Allow', async () => {
    const code = ((await createTask()).body as { code: string }).code;
    for (const [method, path, allow] of [
      ['trace', '/api/tasks', 'GET, POST'],
      ['delete', `/api/tasks/${code}`, 'GET'],
      ['patch', `/api/tasks/${code}/transitions`, 'POST'],
      ['post', '/api/dashboard/summary', 'GET'],
      ['get', `/api/tasks/${code}/deadline`, 'PUT'],
    ] as const) {
      const res = await request(app)[method](path).set(ha());
      expect([method, path, res.status]).toEqual([method, path, 405]);
      expect(res.headers.allow).toContain(allow);
      if (method !== 'trace') expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await request(app).get('/api/nothing-here').set(ha())).status).toBe(404);
  });

  it('when a body comes in a charset the parser does not take, then 415 titled Unsupported Media Type', async () => {
    const code = ((await createTask()).body as { code: string }).code;
    const res = await request(app)
      .post(`/api/tasks/${code}/milestones`)
      .set(ha())
      .set('Content-Type', 'application/json; charset=latin-9')
      .send('{"name":"DRAFTING"}');
    expect(res.status).toBe(415);
    expect(res.body.title).toBe('Unsupported Media Type');
  });
});

describe('validation details', () => {
  it('when a reason is only zero-width characters, then it is refused as empty', async () => {
    const code = ((await createTask()).body as { code: string }).code;
    const res = await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(ha())
      .send({ to: 'AUTHORITY_ADJUSTMENT', reason: '\u200B\u200C\u200D\uFEFF' });
    expect([400, 422]).toContain(res.status);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContainEqual(
      expect.stringMatching(/(^|\.)reason$/),
    );
    expect((await request(app).get(`/api/tasks/${code}`).set(ha())).body.status).toBe('REQUIRES_GUIDANCE');
  });

  it('when a new task names a coordinating ministry twice, then it coordinates once', async () => {
    const res = await createTask({ coordinatingMinistries: ['BNV', 'BTC', 'BNV'] });
    expect(res.body.coordinatingMinistries).toEqual(['BNV', 'BTC']);
  });

  it('when a page number or size is not plain decimal digits, then 400 names it', async () => {
    for (const q of ['limit=0x10', 'limit=1e2', 'page=%201', 'limit=']) {
      const res = await request(app).get(`/api/tasks?${q}`).set(ha());
      expect([q, res.status]).toEqual([q, 400]);
      expect(res.body.errors[0].field).toMatch(/^query\.(limit|page)$/);
    }
    expect((await request(app).get('/api/tasks?limit=16').set(ha())).body.limit).toBe(16);
  });

  it('when the last events of a chain are missing, then verification says so', async () => {
    const code = ((await createTask()).body as { code: string }).code;
    await request(app).post(`/api/tasks/${code}/milestones`).set(ha()).send({ name: 'DRAFTING' }).expect(200);
    const c = await db.sql.connect();
    try {
      await c.query(`SET session_replication_role = replica`);
      await c.query(`DELETE FROM audit_events WHERE task_code = $1 AND seq = 2`, [code]);
      await c.query(`SET session_replication_role = origin`);
    } finally {
      c.release();
    }
    expect((await request(app).get(`/api/tasks/${code}/history/verify`).set(ha())).body).toMatchObject({
      valid: false,
      checked: 1,
      brokenAtSeq: 2,
    });
  });
});

import request from 'supertest';
import type { Express } from 'express';
import { hashToken, issueToken, revokeTokens } from '../../db/tokens';
import { createLogger } from '../../logging/logger';
import { useApiFixture } from '../support/api-fixture';

/** The HTTP edge: health, security headers, rate limits, request logs and ids, tokens. */
const f = useApiFixture('api-edge-');
const { as, makeApp } = f;
let app: Express;
let db: typeof f.db;
beforeAll(() => {
  ({ app, db } = f);
});

describe('health', () => {
  it('when PostgreSQL and Temporal answer, then /healthz and /readyz are 200', async () => {
    expect((await request(app).get('/healthz')).status).toBe(200);
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ready',
      postgres: 'up',
      temporal: 'up',
      stuckTasks: { count: 0, tasks: [] },
    });
  });
});

describe('the edge', () => {
  it('when a token sends more than its per-minute allowance, then it gets 429 problem+json', async () => {
    const limited = makeApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await request(limited).get('/api/ministries').set(as('locality:HCM'))).status);
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
    const logged = makeApp({ env: { LOG_REQUESTS: 'true' }, logger });
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
    const logged = makeApp({ env: { LOG_REQUESTS: 'true' }, logger });
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
    const cached = makeApp({ env: { TOKEN_CACHE_SECONDS: '1' } });
    const token = await issueToken(db, 'public');
    const get = () =>
      request(cached)
        .get('/api/ministries')
        .set({ Authorization: `Bearer ${token}` });
    expect((await get()).status).toBe(200);
    // As `npm run tokens -- revoke` in another process does it: this process's cache is not told.
    await db.prisma.apiToken.updateMany({ where: { tokenHash: hashToken(token) }, data: { revokedAt: new Date() } });
    expect((await get()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await get()).status).toBe(401);
  });
});

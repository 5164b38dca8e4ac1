import net from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createLogger } from '../../logging/logger';
import { issueToken } from '../../db/tokens';
import { makeApp, startWorkflowStack, type WorkflowStack } from '../support/harness';

// What the last probe found at the edge: secrets in request logs, unanswered requests logged as
// 200, X-Forwarded-For believed from anyone on loopback, the report body limit misnamed.

let stack: WorkflowStack;
let token: string;
const lines: string[] = [];
const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });

beforeAll(async () => {
  stack = await startWorkflowStack('edge-hard-');
  token = await issueToken(stack.db, 'home-affairs');
});

afterAll(async () => {
  await stack?.stop();
});

/** Not across the edge of a one-minute rate-limit window. */
async function freshWindow(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 8_000) await new Promise((r) => setTimeout(r, left + 200));
}

describe('request logs', () => {
  it('when links carrying secrets are opened, then the request lines keep the route and lose the secret', async () => {
    const app = makeApp(stack, { logger, env: { LOG_REQUESTS: 'true' } });
    await request(app).get('/sign-in/link/SECRETLINKTOKEN123');
    await request(app).get('/unsubscribe/someone%40byt.test.SECRETSIGNATURE456');
    await request(app).post('/unsubscribe/someone%40byt.test.SECRETSIGNATURE457').type('form').send('x=1');
    await request(app).get('/api/preferences/SECRETPREFTOKEN789');
    await request(app).get('/API/Preferences/SECRETPREFTOKEN790');
    const text = lines.join('\n');
    expect(text).toContain('/sign-in/link/[redacted]');
    expect(text).toContain('/unsubscribe/[redacted]');
    expect(text).toContain('/api/preferences/[redacted]');
    expect(text).not.toMatch(/SECRET/);
  });

  it('when a client goes away before anything was answered, then its line says it was never finished, not 200', async () => {
    const app = makeApp(stack, { logger, env: { LOG_REQUESTS: 'true' } });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      // A body announced and never sent: the parser waits, then the client gives up.
      socket.write(
        `POST /api/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\nX-Request-Id: never-answered-1\r\n\r\n{"a":`,
      );
      await new Promise((r) => setTimeout(r, 500));
      socket.destroy();
      const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const until = Date.now() + 10_000;
        const look = () => {
          const found = lines
            .map((l) => JSON.parse(l) as Record<string, unknown>)
            .find((l) => l.requestId === 'never-answered-1');
          if (found) resolve(found);
          else if (Date.now() > until) reject(new Error('no line for the request'));
          else setTimeout(look, 50);
        };
        look();
      });
      // The parser's error is written to a closed socket: the line says the answer never arrived, not 200.
      expect(line).toMatchObject({ unfinished: true });
      expect(line.status).not.toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('client addresses', () => {
  it('when no proxy is configured, then X-Forwarded-For does not give a client a bucket of its own', async () => {
    await freshWindow();
    const app = makeApp(stack, { env: { RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '2' } });
    const statuses: number[] = [];
    for (const forwarded of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      statuses.push(
        (
          await request(app)
            .get('/api/ministries')
            .set('X-Forwarded-For', forwarded)
            .set('Authorization', `Bearer ${token}`)
        ).status,
      );
    }
    // Every request counts against the connection's address, whatever it claims to be forwarded for.
    expect(statuses[2]).toBe(429);
    // Behind a proxy the operator names, the forwarded address is the client's.
    const proxied = makeApp(stack, { env: { RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '2', TRUST_PROXY: 'loopback' } });
    expect(
      (
        await request(proxied)
          .get('/api/ministries')
          .set('X-Forwarded-For', '203.0.113.99')
          .set('Authorization', `Bearer ${token}`)
      ).status,
    ).toBe(200);
  });
});

describe('body limits', () => {
  it("when a locality's report body is over its own limit, then the 413 names that limit", async () => {
    const app = makeApp(stack);
    const body = JSON.stringify({ cells: [{ note: 'x'.repeat(5.2 * 1024 * 1024) }] });
    const res = await request(app)
      .post('/api/localities/HNI/report')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(413);
    expect(res.body.detail).toBe('The body is larger than 5mb.');
  });
});

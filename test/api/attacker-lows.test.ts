import request from 'supertest';
import { useApiFixture } from '../support/api-fixture';

// What the second adversarial probe (issue 28, "Low") found at the API's edge, each pinned here:
// media types, the 405 in any letter case, a key the idempotency store cannot hold, bytes that are
// not UTF-8, bidirectional overrides in stored text, dates outside the documents' window, and the
// size named when a locality's report is too large.

const f = useApiFixture('lows-');

describe('bodies the API does not read', () => {
  it('when a JSON endpoint gets a text/plain (or form) body, then 415 names the body and nothing changes', async () => {
    const code = await f.createTask();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'text/xml']) {
      const res = await request(f.app)
        .post(`/api/tasks/${code}/milestones`)
        .set(f.as('home-affairs'))
        .set('Content-Type', type)
        .send(type === 'application/x-www-form-urlencoded' ? 'name=DRAFTING' : '{"name":"DRAFTING"}');
      expect([type, res.status]).toEqual([type, 415]);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).toMatchObject({ title: 'Unsupported Media Type', errors: [{ field: 'body' }] });
    }
    expect((await f.snapshot(code)).events).toBe(1);
  });

  it('when a JSON body holds bytes that are not UTF-8, then 400 says so and nothing changes', async () => {
    const code = await f.createTask();
    const body = Buffer.concat([
      Buffer.from('{"name":"DRAFTING","note":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]);
    // Written as bytes (supertest would serialise a Buffer as JSON).
    const sent = request(f.app)
      .post(`/api/tasks/${code}/milestones`)
      .set(f.as('home-affairs'))
      .set('Content-Type', 'application/json');
    sent.write(body);
    const res = await sent;
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'body', message: expect.stringContaining('UTF-8') }]);
    expect((await f.snapshot(code)).events).toBe(1);
  });

  it('when a locality report is larger than its limit, then 413 names the report limit, not the general one', async () => {
    const res = await request(f.app)
      .post('/api/localities/HNI/report')
      .set(f.as('locality:HNI'))
      .set('Content-Type', 'application/json')
      .send(`{"cells":[],"pad":"${'x'.repeat(5 * 1024 * 1024 + 10)}"}`);
    expect(res.status).toBe(413);
    expect(res.body.detail).toContain('5mb');
    expect(res.body.detail).not.toContain('20kb');
  });
});

describe('routing', () => {
  it('when a known path is asked with an unserved method in other letter case, then 405 as in lower case', async () => {
    const code = await f.createTask();
    for (const path of [`/api/tasks/${code}`, `/API/TASKS/${code}`, `/Api/Tasks/${code.toLowerCase()}`]) {
      const res = await request(f.app).delete(path).set(f.as('home-affairs'));
      expect([path, res.status]).toEqual([path, 405]);
      expect(res.headers.allow).toContain('GET');
    }
  });
});

describe('idempotency', () => {
  it('when a keyed body has a lone surrogate in a key, then every retry gets the same 400, not 409 in use', async () => {
    const code = await f.createTask();
    const body = '{"name":"DRAFTING","\\ud800":1}';
    for (let i = 0; i < 3; i++) {
      const res = await request(f.app)
        .post(`/api/tasks/${code}/milestones`)
        .set(f.as('home-affairs'))
        .set('Idempotency-Key', `surrogate-${code}`)
        .set('Content-Type', 'application/json')
        .send(body);
      expect([i, res.status]).toEqual([i, 400]);
      expect(res.body.errors[0].message).toBe('unknown field');
    }
    expect((await f.snapshot(code)).events).toBe(1);
  });
});

describe('stored free text', () => {
  it('when a note or reason carries a bidirectional override or isolate, then 400 names the field and nothing is stored', async () => {
    const code = await f.createTask();
    for (const ch of ['\u202E', '\u202D', '\u202A', '\u2066', '\u2067', '\u2068', '\u2069']) {
      const res = await request(f.app)
        .post(`/api/tasks/${code}/milestones`)
        .set(f.as('home-affairs'))
        .send({ name: 'DRAFTING', note: `gdp.exe${ch}fdp.txt` });
      expect([JSON.stringify(ch), res.status]).toEqual([JSON.stringify(ch), 400]);
      expect(res.body.errors[0]).toMatchObject({
        field: 'body.note',
        message: expect.stringContaining('bidirectional'),
      });
    }
    const reason = await request(f.app)
      .post(`/api/tasks/${code}/transitions`)
      .set(f.as('home-affairs'))
      .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'lý do \u202Eđảo chiều' });
    expect(reason.status).toBe(400);
    expect(reason.body.errors[0].field).toBe('body.reason');
    expect((await f.snapshot(code)).events).toBe(1);
  });
});

describe('dates', () => {
  it('when a deadline, a new task, or an extension names a date outside the documents window, then 422 names it and nothing changes', async () => {
    const code = await f.createTask();
    const deadline = await request(f.app)
      .put(`/api/tasks/${code}/deadline`)
      .set(f.as('home-affairs'))
      .send({ dueDate: '1900-01-01', reason: 'typo' });
    expect(deadline.status).toBe(422);
    expect(deadline.body.errors[0].field).toMatch(/^(body\.)?dueDate$/);

    const created = await request(f.app)
      .post('/api/tasks')
      .set(f.as('home-affairs'))
      .send({
        code: `${code}X`,
        title: 'Dated in 1900',
        sector: 'Education',
        status: 'REQUIRES_GUIDANCE',
        leadMinistry: 'BGDDT',
        dueDate: '1900-01-01',
      });
    expect(created.status).toBe(422);
    expect(created.body.errors[0].field).toBe('body.dueDate');

    const extension = await request(f.app)
      .post(`/api/tasks/${code}/extension-requests`)
      .set(f.as('ministry:BGDDT'))
      .send({ dueDate: '2200-12-31', reason: 'much later' });
    expect(extension.status).toBe(422);
    expect(extension.body.errors[0].field).toMatch(/^(body\.)?dueDate$/);
    expect((await f.snapshot(code)).events).toBe(1);
  });
});

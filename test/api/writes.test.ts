import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createActivities } from '../../activities';
import { ensureAppRole } from '../../db/app-role';
import { connectDb, openPool } from '../../db/client';
import { stateQuery } from '../../workflows/messages';
import { taskResponse } from '../../db/tasks';
import { clearSeedPending, markSeedPending } from '../../catalog/seed-progress';
import { smtpMailer, uid } from '../support/harness';
import { useApiFixture } from '../support/api-fixture';

/** Writes: read-your-write, the documented shape of answers, idempotency, audit tamper detection, the application role. */
const f = useApiFixture('api-writes-');
const { as, createTask, snapshot } = f;
let app: Express;
let db: typeof f.db;
let dev: typeof f.dev;
let stack: typeof f.stack;
beforeAll(() => {
  ({ app, db, dev, stack } = f);
});

describe('writes', () => {
  it('when a transition succeeds, then the response and an immediate GET show the new state and history has the event', async () => {
    const code = await createTask();
    const res = await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(as('ministry:BGDDT'))
      .send({
        to: 'FEASIBLE',
        from: 'REQUIRES_GUIDANCE',
        document: { number: '15/2026/TT-BGDDT', issuedOn: '2026-11-20', effectiveOn: '2026-11-21' },
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code, status: 'FEASIBLE', dueDate: null, daysOverdue: 0, lastSeq: 2 });
    const got = await request(app).get(`/api/tasks/${code}`).set(as('locality:HNI'));
    expect(got.body).toMatchObject({
      status: 'FEASIBLE',
      lastSeq: 2,
      focalPoint: { name: 'Nguyen Van An', email: 'an@bgddt.test' },
      reports: { workable: 0, obstacle: 0 },
    });
    const history = await request(app).get(`/api/tasks/${code}/history`).set(as('ministry:BTC'));
    expect(
      history.body.items.map((i: { seq: number; kind: string; actor: string }) => [i.seq, i.kind, i.actor]),
    ).toEqual([
      [1, 'CREATED', 'home-affairs'],
      [2, 'TRANSITION', 'ministry:BGDDT'],
    ]);
    expect((await request(app).get(`/api/tasks/${code}/history/verify`).set(as('public'))).body).toEqual({
      valid: true,
      checked: 2,
      workflowSeq: 2,
    });
  });

  it('when a write answers, then the task is exactly the documented shape and carries the write', async () => {
    const code = await createTask({ coordinatingMinistries: ['BNV', 'BTC'] });
    const writes: [() => request.Test, (task: Record<string, unknown>) => void][] = [
      [
        () =>
          request(app)
            .post(`/api/tasks/${code}/milestones`)
            .set(as('ministry:BNV'))
            .send({ name: 'DRAFTING', note: 'Draft circular' }),
        (t) =>
          expect(t.milestones).toEqual([
            expect.objectContaining({ name: 'DRAFTING', note: 'Draft circular', actor: 'ministry:BNV' }),
          ]),
      ],
      [
        () =>
          request(app)
            .put(`/api/tasks/${code}/deadline`)
            .set(as('home-affairs'))
            .send({ dueDate: '2027-12-31', reason: 'more consultation' }),
        (t) => expect(t.dueDate).toBe('2027-12-31'),
      ],
      [
        () =>
          request(app)
            .post(`/api/tasks/${code}/reports`)
            .set(as('locality:HNI'))
            .send({ locality: 'HNI', kind: 'OBSTACLE', description: 'No guidance yet' }),
        (t) => expect(t.reports).toEqual({ workable: 0, obstacle: 1 }),
      ],
      [
        () =>
          request(app)
            .post(`/api/tasks/${code}/transitions`)
            .set(as('home-affairs'))
            .send({ to: 'AUTHORITY_ADJUSTMENT', from: 'REQUIRES_GUIDANCE', reason: 'needs a law change' }),
        (t) => expect(t.status).toBe('AUTHORITY_ADJUSTMENT'),
      ],
    ];
    let seq = 1;
    for (const [i, [write, carries]] of writes.entries()) {
      const answer = await write();
      expect(answer.status).toBe(200);
      // Every field the document names, no other, each of its documented type.
      expect(Object.keys(answer.body).sort()).toEqual(Object.keys(taskResponse.shape).sort());
      expect(taskResponse.safeParse(answer.body).error).toBeUndefined();
      // A locality's report is its matrix cell (the one store): it adds no event to the task.
      expect(answer.body.lastSeq).toBe(i === 2 ? seq : ++seq);
      carries(answer.body);
    }
  });

  it('when the same Idempotency-Key and body are retried, then one event and the same answer; another body is 422', async () => {
    const code = await createTask();
    const send = (body: object) =>
      request(app)
        .post(`/api/tasks/${code}/milestones`)
        .set(as('ministry:BNV'))
        .set('Idempotency-Key', 'key-123')
        .send(body);
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

  it('when a move with a document is retried with its Idempotency-Key after its first try was applied but its answer lost, then the retry answers 200 and the move is one event', async () => {
    const code = await createTask();
    const send = (body: object) =>
      request(app)
        .post(`/api/tasks/${code}/transitions`)
        .set(as('home-affairs'))
        .set('Idempotency-Key', 'lost-1')
        .send(body);
    const moved = await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(as('home-affairs'))
      .send({ to: 'AUTHORITY_ADJUSTMENT', from: 'REQUIRES_GUIDANCE', reason: 'needs a law change' });
    expect(moved.status).toBe(200);
    const body = {
      from: 'AUTHORITY_ADJUSTMENT',
      to: 'REQUIRES_GUIDANCE',
      document: { number: '77/2026/ND-CP', issuedOn: '2026-11-20' },
    };
    const first = await send(body);
    expect(first.status).toBe(200);
    const events = (await snapshot(code)).events;
    // What a first try whose answer never came leaves (the API's bound ran out, or a cluster service
    // was down, while the workflow took the update): a 5xx, so the key was given back for a retry.
    await db.sql.query(`DELETE FROM idempotency_records WHERE key = 'lost-1'`);
    const retry = await send(body);
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe('REQUIRES_GUIDANCE');
    expect((await snapshot(code)).events).toBe(events);
    // A new key with the same stale 'from' is still refused: only the same update id is the same move.
    const stale = await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(as('home-affairs'))
      .set('Idempotency-Key', 'lost-2')
      .send(body);
    expect(stale.status).toBe(409);
    expect((await snapshot(code)).events).toBe(events);
  });

  it('when requests sharing an Idempotency-Key race with different bodies, then exactly one goes through and the key keeps its body', async () => {
    const code = await createTask();
    const notes = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];
    const send = (note: string) =>
      request(app)
        .post(`/api/tasks/${code}/milestones`)
        .set(as('ministry:BNV'))
        .set('Idempotency-Key', 'race-1')
        .send({ name: 'DRAFTING', note });
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
    const send = () =>
      request(app)
        .post(`/api/tasks/${code}/milestones`)
        .set(as('ministry:BNV'))
        .set('Idempotency-Key', 'race-2')
        .send({ name: 'DRAFTING' });
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
    await request(app)
      .post(`/api/tasks/${code}/reports`)
      .set(as('locality:HNI'))
      .send({ locality: 'HNI', kind: 'OBSTACLE', description: 'no form' })
      .expect(200);
    await request(app)
      .post(`/api/tasks/${code}/reports`)
      .set(as('locality:HCM'))
      .send({ locality: 'HCM', kind: 'WORKABLE' })
      .expect(200);
    const res = await request(app)
      .post(`/api/tasks/${code}/reports`)
      .set(as('locality:HNI'))
      .send({ locality: 'HNI', kind: 'WORKABLE' })
      .expect(200);
    expect(res.body.reports).toEqual({ workable: 2, obstacle: 0 });
  });

  it('when an audit row is altered in PostgreSQL, then verification names it, and the application role cannot alter it', async () => {
    const code = await createTask();
    await request(app)
      .post(`/api/tasks/${code}/milestones`)
      .set(as('home-affairs'))
      .send({ name: 'DRAFTING' })
      .expect(200);
    await request(app)
      .post(`/api/tasks/${code}/milestones`)
      .set(as('home-affairs'))
      .send({ name: 'CONSULTATION' })
      .expect(200);
    await expect(
      db.sql.query(`UPDATE audit_events SET actor = 'someone-else' WHERE task_code = $1 AND seq = 2`, [code]),
    ).rejects.toThrow(/append-only/);
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

describe('while npm start seeds the catalog in the background', () => {
  // The marker npm start leaves in its data folder while it seeds (catalog/seed-progress.ts).
  let dataDir: string;
  let seedingApp: Express;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seeding-'));
    seedingApp = f.makeApp({ env: { DATA_DIR: dataDir } });
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('when a write names a task not in yet, then 503 SEEDING with Retry-After and how far the seed is, nothing written; once done, a 404', async () => {
    const code = uid('NOT-YET-');
    const send = () =>
      request(seedingApp)
        .post(`/api/tasks/${code}/transitions`)
        .set(as('home-affairs'))
        .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'needs a law change' });
    markSeedPending(dataDir, 100000);
    const rows = await db.prisma.task.count();
    const during = await send();
    expect(during.status).toBe(503);
    expect(during.headers['content-type']).toContain('application/problem+json');
    expect(during.headers['retry-after']).toMatch(/^[0-9]+$/);
    expect(during.body).toMatchObject({ status: 503, code: 'SEEDING', seeded: rows, total: 100000 });
    expect(during.body.detail).toContain(code);
    expect(await db.prisma.task.count({ where: { code } })).toBe(0);
    // A task that is in is written as usual while the seed goes on.
    const existing = await createTask();
    const moved = await request(seedingApp)
      .post(`/api/tasks/${existing}/transitions`)
      .set(as('ministry:BGDDT'))
      .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'needs a law change' });
    expect(moved.status).toBe(200);
    clearSeedPending(dataDir);
    const after = await send();
    expect(after.status).toBe(404);
  });

  it('when a page is opened, then it says how many tasks are in of how many, in Vietnamese and in English; none once done', async () => {
    markSeedPending(dataDir, 100000);
    const rows = await db.prisma.task.count();
    const vi = await request(seedingApp).get('/');
    expect(vi.status).toBe(200);
    expect(vi.text).toContain(`Đang nạp danh mục: ${rows} trên 100000 nhiệm vụ`);
    const en = await request(seedingApp).get('/').set('Accept-Language', 'en');
    expect(en.text).toContain(`Seeding the catalog: ${rows} of 100000 tasks in`);
    clearSeedPending(dataDir);
    const done = await request(seedingApp).get('/');
    expect(done.text).not.toContain('Đang nạp danh mục');
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
      const acts = createActivities({
        db: connectDb(appUrl, { max: 1 }),
        mailer: smtpMailer(stack.smtp),
        mailFrom: 'x@tracker.test',
      });
      const row = await db.prisma.task.findUniqueOrThrow({ where: { code } });
      const snapshot = {
        ...(await dev.client.workflow.getHandle(`task-${code}`).query(stateQuery)),
        reports: {},
        seq: row.lastSeq + 1,
      };
      await acts.persistEvent({
        event: {
          taskCode: code,
          seq: row.lastSeq + 1,
          at: new Date().toISOString(),
          actor: 'home-affairs',
          kind: 'MILESTONE',
          details: {},
        },
        snapshot,
      });
      expect(
        (await appDb.query('SELECT count(*)::int AS n FROM audit_events WHERE task_code = $1', [code])).rows[0].n,
      ).toBe(view.lastSeq + 1);
      // ... changing or removing one does not, whatever the triggers say.
      for (const sql of [
        `UPDATE audit_events SET actor = 'x' WHERE task_code = $1`,
        `DELETE FROM audit_events WHERE task_code = $1`,
      ]) {
        await expect(appDb.query(sql, [code])).rejects.toMatchObject({ code: '42501' });
      }
      await expect(appDb.query('TRUNCATE audit_events')).rejects.toMatchObject({ code: '42501' });
      await expect(appDb.query('DROP TABLE audit_events')).rejects.toMatchObject({ code: '42501' });
      expect(
        (
          await appDb.query(
            `SELECT has_table_privilege(current_user, 'audit_events', 'UPDATE') AS u, has_table_privilege(current_user, 'audit_events', 'DELETE') AS d`,
          )
        ).rows[0],
      ).toEqual({ u: false, d: false });
    } finally {
      await appDb.end();
    }
  });
});

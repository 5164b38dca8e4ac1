import { execFile } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { issueToken } from '../../db/tokens';
import { env, makeApp, startWorkflowStack, uid, type TestDatabase, type WorkflowStack } from '../support/harness';

// README, "Restoring PostgreSQL": a database restored from a backup taken behind Temporal has lost the
// tail of a task's audit log, and the read model's last_seq went back with it. The workflow still
// knows its sequence: verification compares the two, the gap marks the task stuck (the next write is
// refused at once, not retried forever), and the repair stores the lost events again from the workflow.

let stack: WorkflowStack;
let db: TestDatabase;
let app: Express;
let token: string;

beforeAll(async () => {
  stack = await startWorkflowStack('restore-');
  db = stack.db;
  app = makeApp(stack);
  token = await issueToken(db, 'home-affairs');
});

afterAll(async () => {
  await stack?.stop();
});

const ha = () => ({ Authorization: `Bearer ${token}` });

/** An operator command as an operator runs it (`npm run ...`), against this file's database and the dev server. */
function operator(script: string, args: string[]): Promise<{ code: number; output: string }> {
  const root = path.resolve(__dirname, '../..');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(root, script), ...args],
      {
        cwd: root,
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          TEMPORAL_ADDRESS: env('TEST_TEMPORAL_ADDRESS'),
          TEMPORAL_NAMESPACE: 'default',
        },
        timeout: 60_000,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

/** What restoring an older backup leaves: the last `n` audit rows gone and the read model's last_seq lowered to match. */
async function loseTail(code: string, n: number): Promise<void> {
  const c = await db.sql.connect();
  try {
    // The trigger refuses DELETE for every role; a restore does not go through it.
    await c.query(`SET session_replication_role = replica`);
    await c.query(
      `DELETE FROM audit_events WHERE task_code = $1 AND seq > (SELECT max(seq) FROM audit_events WHERE task_code = $1) - $2`,
      [code, n],
    );
    await c.query(
      `UPDATE tasks SET last_seq = (SELECT max(seq) FROM audit_events WHERE task_code = $1) WHERE code = $1`,
      [code],
    );
    await c.query(`SET session_replication_role = origin`);
  } finally {
    c.release();
  }
}

describe('a task whose audit tail was lost in a restore', () => {
  it('when rows are deleted and last_seq lowered, then the gap is detected, the task is stuck, and the repair stores the lost events so writes flow again with a valid chain', async () => {
    const code = uid('RST-');
    await request(app)
      .post('/api/tasks')
      .set(ha())
      .send({ code, title: 'Restore candidate', sector: 'Health', status: 'REQUIRES_GUIDANCE', leadMinistry: 'BYT' })
      .expect(201);
    for (const name of ['DRAFTING', 'CONSULTATION', 'SUBMITTED']) {
      await request(app)
        .post(`/api/tasks/${code}/milestones`)
        .set(ha())
        .send({ name, note: `step ${name}` })
        .expect(200);
    }
    await request(app)
      .put(`/api/tasks/${code}/deadline`)
      .set(ha())
      .send({ dueDate: '2034-06-30', reason: 'before the backup' })
      .expect(200);
    const before = await db.sql.query<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM audit_events WHERE task_code = $1 ORDER BY seq`,
      [code],
    );
    expect(before.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);

    await loseTail(code, 3);

    // Detected: the log alone looks whole; against the workflow it is not.
    const verified = await request(app).get(`/api/tasks/${code}/history/verify`).set(ha());
    expect(verified.body).toMatchObject({ valid: false, checked: 2, brokenAtSeq: 3, workflowSeq: 5 });
    expect(verified.body.reason).toMatch(/missing events 3-5/);
    const dbOnly = await operator('scripts/verify-audit.ts', [code]);
    expect(dbOnly.code).toBe(0);
    const against = await operator('scripts/verify-audit.ts', ['--against-workflows', code]);
    expect(against.code).toBe(1);
    expect(against.output).toContain(`${code}: BROKEN at event 3 (missing events 3-5`);
    expect((await request(app).get('/readyz')).body.stuckTasks).toMatchObject({ count: 1, tasks: [{ code, seq: 3 }] });

    // The next write is refused at once instead of waiting on "event 5 is not persisted yet" forever.
    const started = Date.now();
    const refused = await request(app)
      .put(`/api/tasks/${code}/deadline`)
      .set(ha())
      .send({ dueDate: '2034-07-30', reason: 'after the restore' });
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('TASK_STUCK');
    expect(refused.body.detail).toMatch(/events 3-5 .* missing/);
    expect(Date.now() - started).toBeLessThan(15_000);

    // Repaired: the lost events are stored again from the workflow, then the held one.
    const repair = await operator('scripts/repair-tasks.ts', []);
    expect(repair.output).toContain(
      `${code}: repaired, event 6 stored (3 lost event(s) stored again from the workflow)`,
    );
    expect(repair.code).toBe(0);
    const after = await db.sql.query<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM audit_events WHERE task_code = $1 ORDER BY seq`,
      [code],
    );
    expect(after.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // The same events, so the same hashes as before the loss.
    expect(after.rows.slice(0, 5)).toEqual(before.rows);

    // Writes flow again; the chain is valid against the workflow; nothing is stuck.
    const next = await request(app)
      .put(`/api/tasks/${code}/deadline`)
      .set(ha())
      .send({ dueDate: '2034-08-30', reason: 'flows again' });
    expect(next.status).toBe(200);
    expect(next.body.lastSeq).toBe(7);
    expect((await request(app).get(`/api/tasks/${code}/history/verify`).set(ha())).body).toEqual({
      valid: true,
      checked: 7,
      workflowSeq: 7,
    });
    expect((await operator('scripts/verify-audit.ts', ['--against-workflows', code])).code).toBe(0);
    expect((await request(app).get('/readyz')).body.stuckTasks).toEqual({ count: 0, tasks: [] });
  });

  it('when the tail is lost and nothing is written afterwards, then the repair alone stores it again', async () => {
    const code = uid('RST-');
    await request(app)
      .post('/api/tasks')
      .set(ha())
      .send({ code, title: 'Quiet restore', sector: 'Health', status: 'REQUIRES_GUIDANCE', leadMinistry: 'BYT' })
      .expect(201);
    await request(app).post(`/api/tasks/${code}/milestones`).set(ha()).send({ name: 'DRAFTING' }).expect(200);
    await loseTail(code, 1);
    const repair = await operator('scripts/repair-tasks.ts', [code]);
    expect(repair.output).toContain(
      `${code}: repaired, event 2 stored (1 lost event(s) stored again from the workflow)`,
    );
    expect((await request(app).get(`/api/tasks/${code}`).set(ha())).body).toMatchObject({
      lastSeq: 2,
      milestones: [{ name: 'DRAFTING' }],
    });
    expect((await request(app).get(`/api/tasks/${code}/history/verify`).set(ha())).body).toEqual({
      valid: true,
      checked: 2,
      workflowSeq: 2,
    });
  });
});

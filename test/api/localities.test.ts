import request from 'supertest';
import type { Express } from 'express';
import { issueToken } from '../../db/tokens';
import { MATRIX_CSV_HEADER } from '../../db/matrix';
import {
  FAR_DUE_DATE,
  makeApp,
  startWorkflowStack,
  uid,
  type TestDatabase,
  type WorkflowStack,
} from '../support/harness';

let stack: WorkflowStack;
let db: TestDatabase;
let app: Express;
const tokens: Record<string, string> = {};
const PRINCIPALS = [
  'home-affairs',
  'ministry:BGDDT',
  'ministry:BNV',
  'ministry:BTC',
  'locality:HNI',
  'locality:HCM',
  'public',
] as const;
const as = (p: (typeof PRINCIPALS)[number]) => ({ Authorization: `Bearer ${tokens[p]}` });

/** Tasks of this file: A and B apply everywhere (lead BGDDT, coordinating BNV); ONLY_HNI applies to Ha Noi alone (lead BTC). */
let A: string;
let B: string;
let ONLY_HNI: string;

async function createTask(overrides: Record<string, unknown> = {}) {
  const code = uid('LOC-');
  const res = await request(app)
    .post('/api/tasks')
    .set(as('home-affairs'))
    .send({
      code,
      title: `Task ${code}`,
      sector: 'Education',
      level: 'commune',
      status: 'REQUIRES_GUIDANCE',
      leadMinistry: 'BGDDT',
      coordinatingMinistries: ['BNV'],
      dueDate: FAR_DUE_DATE,
      ...overrides,
    });
  expect(res.status).toBe(201);
  return code;
}

beforeAll(async () => {
  stack = await startWorkflowStack('loc-');
  db = stack.db;
  app = makeApp(stack, { env: { BODY_LIMIT: '20kb', PUBLIC_BASE_URL: 'http://tracker.test' } });
  for (const p of PRINCIPALS) tokens[p] = await issueToken(db, p);
  A = await createTask();
  B = await createTask({ level: 'both', sector: 'Health' });
  ONLY_HNI = await createTask({
    leadMinistry: 'BTC',
    coordinatingMinistries: [],
    level: 'province',
    sector: 'Finance',
  });
  await db.sql.query(`UPDATE tasks SET applies_to = ARRAY['HNI'] WHERE code = $1`, [ONLY_HNI]);
});

afterAll(async () => {
  await stack?.stop();
});

async function cellsOf(locality: string) {
  const { rows } = await db.sql.query(
    `SELECT task_code, state, category, text FROM locality_cells WHERE locality_code = $1 ORDER BY task_code`,
    [locality],
  );
  return rows;
}

describe("a locality's bulk report", () => {
  it('when an OBSTACLE lacks its category, then the schema refuses the report naming the cell field (400) and nothing changes', async () => {
    const res = await request(app)
      .post('/api/localities/HCM/report')
      .set(as('locality:HCM'))
      .send({
        cells: [
          { task: A, state: 'WORKABLE' },
          { task: B, state: 'OBSTACLE', text: 'thiếu cán bộ' },
        ],
      });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('body.cells.1.category');
    expect(await cellsOf('HCM')).toEqual([]);
  });

  it('when any cell conflicts with the catalog, then nothing changes and every bad cell is named (409)', async () => {
    const res = await request(app)
      .post('/api/localities/HCM/report')
      .set(as('locality:HCM'))
      .send({
        cells: [
          { task: A, state: 'WORKABLE' },
          { task: 'NO-SUCH-TASK', state: 'WORKABLE' },
          { task: ONLY_HNI, state: 'IMPLEMENTING' },
        ],
      });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      {
        field: 'body.cells.1.task',
        cell: { task: 'NO-SUCH-TASK', locality: 'HCM' },
        message: 'unknown task NO-SUCH-TASK',
      },
      {
        field: 'body.cells.2.task',
        cell: { task: ONLY_HNI, locality: 'HCM' },
        message: `task ${ONLY_HNI} does not apply to HCM`,
      },
    ]);
    expect(await cellsOf('HCM')).toEqual([]);
  });

  it('when the report is good, then every cell is written once and a resend changes nothing', async () => {
    const body = {
      cells: [
        { task: A, state: 'WORKABLE' },
        { task: B, state: 'OBSTACLE', category: 'STAFFING', text: 'Thiếu 3 cán bộ y tế' },
      ],
    };
    const first = await request(app).post('/api/localities/HCM/report').set(as('locality:HCM')).send(body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ locality: 'HCM', changed: 2, unchanged: 0 });
    const again = await request(app).post('/api/localities/HCM/report').set(as('locality:HCM')).send(body);
    expect(again.body).toMatchObject({ changed: 0, unchanged: 2 });
    expect(await cellsOf('HCM')).toEqual(
      [
        { task_code: A, state: 'WORKABLE', category: null, text: '' },
        { task_code: B, state: 'OBSTACLE', category: 'STAFFING', text: 'Thiếu 3 cán bộ y tế' },
      ].sort((x, y) => x.task_code.localeCompare(y.task_code)),
    );
    const history = await request(app).get(`/api/localities/HCM/cells/${B}/history`).set(as('locality:HCM'));
    expect(history.body.items.map((e: { kind: string }) => e.kind)).toEqual(['REPORTED']);
    expect(history.body.verification).toEqual({ valid: true, checked: 1 });
  });

  it("when a locality writes another locality's cells, a ministry reports, or the locality is unknown, then 403/404 and nothing changes", async () => {
    const other = await request(app)
      .post('/api/localities/HNI/report')
      .set(as('locality:HCM'))
      .send({ cells: [{ task: A, state: 'WORKABLE' }] });
    expect(other.status).toBe(403);
    expect(other.body.errors).toContainEqual(expect.objectContaining({ cell: { task: A, locality: 'HNI' } }));
    expect(
      (
        await request(app)
          .post('/api/localities/HNI/report')
          .set(as('ministry:BGDDT'))
          .send({ cells: [{ task: A, state: 'WORKABLE' }] })
      ).status,
    ).toBe(403);
    const unknown = await request(app)
      .post('/api/localities/XYZ/report')
      .set(as('home-affairs'))
      .send({ cells: [{ task: A, state: 'WORKABLE' }] });
    expect([unknown.status, unknown.body.errors?.[0]?.field]).toEqual([404, 'params.code']);
    expect(await cellsOf('HNI')).toEqual([]);
  });

  it('when a report names a closed round, then 409 names the round and nothing changes', async () => {
    const res = await request(app)
      .post('/api/localities/HNI/report')
      .set(as('locality:HNI'))
      .send({ round: 'seed-2025-12-06', cells: [{ task: A, state: 'WORKABLE' }] });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([{ field: 'body.round', message: 'round seed-2025-12-06 is closed' }]);
    expect(await cellsOf('HNI')).toEqual([]);
  });

  it('when a cell has a malformed state or a lone surrogate, then 400 names it', async () => {
    const res = await request(app)
      .post('/api/localities/HNI/report')
      .set(as('locality:HNI'))
      .set('Content-Type', 'application/json')
      .send(`{"cells":[{"task":"${A}","state":"DONE"},{"task":"${B}","state":"IMPLEMENTING","text":"\\ud800"}]}`);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.cells.0.state', 'body.cells.1.text']);
  });
});

describe('reading the matrix', () => {
  it('when each kind of caller reads it, then a locality sees its own cells, a ministry those of its tasks, the public aggregates only', async () => {
    const hcm = await request(app).get('/api/matrix').set(as('locality:HCM'));
    expect(hcm.status).toBe(200);
    expect(new Set(hcm.body.items.map((c: { locality: string }) => c.locality))).toEqual(new Set(['HCM']));
    expect((await request(app).get('/api/matrix?locality=HNI').set(as('locality:HCM'))).status).toBe(403);
    expect((await request(app).get('/api/matrix').set(as('public'))).status).toBe(403);

    const btc = await request(app).get('/api/matrix').set(as('ministry:BTC'));
    expect(btc.body.items.filter((c: { task: string }) => [A, B, ONLY_HNI].includes(c.task))).toEqual([
      {
        task: ONLY_HNI,
        locality: 'HNI',
        state: 'NOT_STARTED',
        category: null,
        text: '',
        changedAt: null,
        changedBy: null,
        resolvedBy: null,
        communes: null,
      },
    ]);
    expect((await request(app).get('/api/matrix?ministry=BGDDT').set(as('ministry:BTC'))).status).toBe(403);

    const ha = await request(app).get(`/api/matrix?task=${B}&state=OBSTACLE`).set(as('home-affairs'));
    expect(ha.body).toEqual({
      total: 1,
      items: [expect.objectContaining({ task: B, locality: 'HCM', category: 'STAFFING', changedBy: 'locality:HCM' })],
    });
    const all = await request(app).get(`/api/matrix?task=${A}`).set(as('home-affairs'));
    expect(all.body.total).toBe(34);
  });

  it('when a cell changes after the matrix was read, then the next read shows the change (no stale answer)', async () => {
    const before = await request(app).get(`/api/matrix?task=${A}&locality=HCM`).set(as('home-affairs'));
    expect(before.body.items[0]).toMatchObject({ state: 'WORKABLE' });
    await request(app)
      .post('/api/localities/HCM/report')
      .set(as('locality:HCM'))
      .send({ cells: [{ task: A, state: 'IMPLEMENTING' }] })
      .expect(200);
    const after = await request(app).get(`/api/matrix?task=${A}&locality=HCM`).set(as('home-affairs'));
    expect(after.body.items[0]).toMatchObject({ state: 'IMPLEMENTING', changedBy: 'locality:HCM' });
    await request(app)
      .post('/api/localities/HCM/report')
      .set(as('locality:HCM'))
      .send({ cells: [{ task: A, state: 'WORKABLE' }] })
      .expect(200);
    const csv = await request(app).get(`/api/matrix?task=${A}&locality=HCM&format=csv`).set(as('home-affairs'));
    expect(csv.text).toContain(`${A},HCM,WORKABLE,`);
  });

  it('when the matrix is asked for as CSV, then every applicable cell is one line, quoted where needed', async () => {
    const res = await request(app).get(`/api/matrix?format=csv&locality=HCM`).set(as('home-affairs'));
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(MATRIX_CSV_HEADER);
    expect(
      MATRIX_CSV_HEADER.startsWith(
        'task,locality,state,category,text,changedAt,changedBy,resolvedByDocument,communes,',
      ),
    ).toBe(true);
    expect(lines).toContain(
      `${B},HCM,OBSTACLE,STAFFING,Thiếu 3 cán bộ y tế,${lines.find((l) => l.startsWith(`${B},`))?.split(',')[5]},locality:HCM,${','.repeat(12)}`,
    );
    expect(lines.some((l) => l.startsWith(`${ONLY_HNI},`))).toBe(false);
  });

  it('when a locality page is read, then cells show as far as the caller may read them', async () => {
    const own = await request(app).get('/api/localities/HCM').set(as('locality:HCM'));
    expect(own.body.cellsVisible).toBe('all');
    expect(own.body.tasks.find((t: { code: string }) => t.code === B).cell).toMatchObject({
      state: 'OBSTACLE',
      category: 'STAFFING',
    });
    expect(own.body.tasks.some((t: { code: string }) => t.code === ONLY_HNI)).toBe(false);
    expect(own.body.rounds[0]).toMatchObject({ id: 'seed-2025-12-06' });
    const pub = await request(app).get('/api/localities/HCM').set(as('public'));
    expect(pub.body.cellsVisible).toBe('none');
    expect(pub.body.tasks.every((t: { cell: unknown }) => t.cell === null)).toBe(true);
    expect(pub.body.counts.byState.OBSTACLE).toBeGreaterThanOrEqual(1);
    const btc = await request(app).get('/api/localities/HCM').set(as('ministry:BTC'));
    expect(btc.body.tasks.find((t: { code: string }) => t.code === B).cell).toBeNull();
    expect((await request(app).get('/api/localities/XYZ').set(as('public'))).status).toBe(404);
    expect((await request(app).get(`/api/localities/HCM/cells/${B}/history`).set(as('public'))).status).toBe(403);
  });

  it('when the bottlenecks are read by anyone, then obstacles are counted by category, locality and ministry', async () => {
    const res = await request(app).get('/api/matrix/bottlenecks').set(as('public'));
    expect(res.status).toBe(200);
    expect(res.body.byCategory).toContainEqual(
      expect.objectContaining({
        category: 'STAFFING',
        obstacles: 1,
        label: expect.objectContaining({ vi: 'Nhân lực' }),
      }),
    );
    expect(res.body.byLocality).toContainEqual({ locality: 'HCM', obstacles: 1, byCategory: { STAFFING: 1 } });
    expect(res.body.byMinistry).toContainEqual(expect.objectContaining({ ministry: 'BGDDT', obstacles: 1 }));
  });

  it('when tasks are filtered by locality, level and sector, then only matching tasks come back; an unknown locality is 400', async () => {
    const codes = async (q: string) =>
      ((await request(app).get(`/api/tasks?${q}&limit=500`).set(as('public'))).body.items as { code: string }[])
        .map((t) => t.code)
        .filter((c) => [A, B, ONLY_HNI].includes(c))
        .sort();
    expect(await codes('locality=HCM')).toEqual([A, B].sort());
    expect(await codes('locality=HNI')).toEqual([A, B, ONLY_HNI].sort());
    expect(await codes('level=province')).toEqual([B, ONLY_HNI].sort());
    expect(await codes('level=both')).toEqual([B]);
    expect(await codes('sector=health')).toEqual([B]);
    const bad = await request(app).get('/api/tasks?locality=XYZ').set(as('public'));
    expect([bad.status, bad.body.errors?.[0]?.field]).toEqual([400, 'query.locality']);
  });
});

describe('reporting rounds over HTTP', () => {
  it('when Home Affairs opens, extends and closes a round, then the summary and the locality list agree on who reported throughout', async () => {
    const agree = async () => {
      const summary = (await request(app).get('/api/dashboard/summary').set(as('public'))).body.localities;
      const list = (await request(app).get('/api/localities').set(as('public'))).body.items as {
        reportedAt: string | null;
        currentRound: string;
      }[];
      expect(list.filter((l) => l.reportedAt !== null)).toHaveLength(summary.reported);
      return { ...summary, round: list[0]?.currentRound };
    };
    expect(await agree()).toEqual({ reported: 30, total: 34, round: 'seed-2025-12-06' });

    expect(
      (await request(app).post('/api/rounds').set(as('locality:HNI')).send({ dueDate: '2099-01-31' })).status,
    ).toBe(403);
    const id = uid('x-').toLowerCase();
    const opened = await request(app).post('/api/rounds').set(as('home-affairs')).send({ id, dueDate: '2099-01-31' });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ id, status: 'OPEN', dueDate: '2099-01-31', reported: 0, total: 34 });
    expect(await agree()).toEqual({ reported: 0, total: 34, round: id });

    expect(
      (
        await request(app)
          .post('/api/localities/HNI/report')
          .set(as('locality:HNI'))
          .send({ cells: [{ task: ONLY_HNI, state: 'IMPLEMENTING' }] })
      ).status,
    ).toBe(200);
    expect(await agree()).toEqual({ reported: 1, total: 34, round: id });

    const extended = await request(app)
      .post(`/api/rounds/${id}/extension`)
      .set(as('home-affairs'))
      .send({ dueDate: '2099-02-28', reason: 'Tết' });
    expect(extended.body).toMatchObject({ dueDate: '2099-02-28', extensions: 1 });
    const backwards = await request(app)
      .post(`/api/rounds/${id}/extension`)
      .set(as('home-affairs'))
      .send({ dueDate: '2099-01-01', reason: 'x' });
    expect([backwards.status, backwards.body.errors?.[0]?.field]).toEqual([409, 'body.dueDate']);

    const closed = await request(app)
      .post(`/api/rounds/${id}/close`)
      .set(as('home-affairs'))
      .send({ reason: 'enough answers' });
    expect(closed.body).toMatchObject({ status: 'CLOSED', closedEarly: true, reported: 1, total: 34 });
    expect(
      (await request(app).post(`/api/rounds/${id}/close`).set(as('home-affairs')).send({ reason: 'again' })).status,
    ).toBe(409);
    const late = await request(app)
      .post('/api/localities/HCM/report')
      .set(as('locality:HCM'))
      .send({ round: id, cells: [{ task: A, state: 'IMPLEMENTING' }] });
    expect(late.status).toBe(409);
    expect(await agree()).toEqual({ reported: 1, total: 34, round: id });

    const detail = await request(app).get(`/api/rounds/${id}`).set(as('public'));
    expect(
      detail.body.localities
        .filter((l: { reportedAt: string | null }) => l.reportedAt)
        .map((l: { code: string }) => l.code),
    ).toEqual(['HNI']);
    const list = await request(app).get('/api/rounds?status=CLOSED').set(as('public'));
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([id, 'seed-2025-12-06']));
    expect(list.body.items.find((r: { id: string }) => r.id === 'seed-2025-12-06')).toMatchObject({
      reported: 30,
      total: 34,
      kind: 'SEED',
    });
  });
});

describe('the per-task locality report (POST /api/tasks/{code}/reports)', () => {
  const historyOf = async (task: string, locality: string) =>
    (await request(app).get(`/api/localities/${locality}/cells/${task}/history`).set(as('home-affairs'))).body
      .items as { kind: string; details: { state: string } }[];

  it('when a locality reports on one task, then its matrix cell says the same, once, and the task counts the report', async () => {
    const C = await createTask();
    const obstacle = {
      locality: 'HNI',
      kind: 'OBSTACLE',
      description: 'Chưa có kinh phí cho cấp xã',
      category: 'FINANCE',
    };
    const first = await request(app).post(`/api/tasks/${C}/reports`).set(as('locality:HNI')).send(obstacle);
    expect(first.status).toBe(200);
    expect(first.body.reports.obstacle).toBe(1);
    expect((await cellsOf('HNI')).find((c) => c.task_code === C)).toEqual({
      task_code: C,
      state: 'OBSTACLE',
      category: 'FINANCE',
      text: 'Chưa có kinh phí cho cấp xã',
    });

    // Sent again: the cell already says this, so its history does not grow.
    expect((await request(app).post(`/api/tasks/${C}/reports`).set(as('locality:HNI')).send(obstacle)).status).toBe(
      200,
    );
    expect((await historyOf(C, 'HNI')).map((e) => e.kind)).toEqual(['REPORTED']);

    const workable = await request(app)
      .post(`/api/tasks/${C}/reports`)
      .set(as('locality:HNI'))
      .send({ locality: 'HNI', kind: 'WORKABLE', category: 'STAFFING' });
    expect(workable.status).toBe(200);
    expect((await cellsOf('HNI')).find((c) => c.task_code === C)).toEqual({
      task_code: C,
      state: 'WORKABLE',
      category: null,
      text: '',
    });
    expect((await historyOf(C, 'HNI')).map((e) => e.details.state)).toEqual(['OBSTACLE', 'WORKABLE']);

    // Without a category an obstacle is filed under OTHER.
    await request(app)
      .post(`/api/tasks/${C}/reports`)
      .set(as('locality:HCM'))
      .send({ locality: 'HCM', kind: 'OBSTACLE', description: 'Thiếu hướng dẫn' });
    expect((await cellsOf('HCM')).find((c) => c.task_code === C)).toMatchObject({
      state: 'OBSTACLE',
      category: 'OTHER',
    });
  });

  it('when a locality reports on a task that does not apply to it, then 409 names the task and neither the cell nor the task changes', async () => {
    const before = (await request(app).get(`/api/tasks/${ONLY_HNI}`).set(as('home-affairs'))).body;
    const res = await request(app)
      .post(`/api/tasks/${ONLY_HNI}/reports`)
      .set(as('locality:HCM'))
      .send({ locality: 'HCM', kind: 'WORKABLE' });
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([
      {
        field: 'params.code',
        cell: { task: ONLY_HNI, locality: 'HCM' },
        message: `task ${ONLY_HNI} does not apply to HCM`,
      },
    ]);
    expect((await cellsOf('HCM')).find((c) => c.task_code === ONLY_HNI)).toBeUndefined();
    expect((await request(app).get(`/api/tasks/${ONLY_HNI}`).set(as('home-affairs'))).body.lastSeq).toBe(
      before.lastSeq,
    );
  });
});

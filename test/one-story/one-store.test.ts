import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { SEED_ROUND_ID, reference } from '../../catalog/reference-data';
import { prepareLocalityStore } from '../../catalog/seed-round';
import { adoptLegacyReports } from '../../db/locality-cells';
import { issueToken } from '../../db/tokens';
import { consistencySweep } from '../../scripts/consistency-sweep';
import { useApiFixture } from '../support/api-fixture';

/**
 * One story (issue 23, points 2 and 3): the baseline round is a real, closed round with its 30
 * reporters' cells; the matrix cells are the one store of what localities report, and every place
 * that counts or shows them agrees (the consistency sweep finds no disagreement).
 */
const f = useApiFixture('one-store-');
const NOT_REPORTED = reference.localities.slice(reference.assessment.localitiesReporting).map((l) => l.code);
const ABSENT = NOT_REPORTED[0] as string;
const codes: string[] = [];
let absentToken = '';
let server: http.Server;
let apiUrl = '';

beforeAll(async () => {
  for (const status of ['REQUIRES_GUIDANCE', 'REQUIRES_GUIDANCE', 'AUTHORITY_ADJUSTMENT', 'REQUIRES_GUIDANCE'])
    codes.push(await f.createTask({ status }));
  const first = await prepareLocalityStore(f.db, { seed: true, log: () => undefined });
  expect(first.seededLocalities).toBe(30);
  absentToken = await issueToken(f.db, `locality:${ABSENT}`);
  server = http.createServer(f.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('the baseline round', () => {
  it('when the stack is seeded, then the round of 6 December 2025 is closed with 30 of 34 reported, the 4 named, and the 30 reporters hold the cells', async () => {
    const round = await request(f.app).get(`/api/rounds/${SEED_ROUND_ID}`).set(f.as('home-affairs'));
    expect(round.status).toBe(200);
    expect(round.body).toMatchObject({ status: 'CLOSED', reported: 30, total: 34, dueDate: '2025-12-06' });
    const missing = (round.body.localities as { code: string; reportedAt: string | null }[])
      .filter((l) => l.reportedAt === null)
      .map((l) => l.code);
    expect(missing.sort()).toEqual([...NOT_REPORTED].sort());
    for (const code of NOT_REPORTED) expect(round.body.note).toContain(code);
    // Each task waiting for guidance: a legal-basis obstacle from each of the 30, marked illustrative.
    const cells = await request(f.app).get(`/api/matrix?task=${codes[0]}&state=OBSTACLE`).set(f.as('home-affairs'));
    expect(cells.body.items).toHaveLength(30);
    expect(new Set(cells.body.items.map((c: { category: string }) => c.category))).toEqual(new Set(['LEGAL_BASIS']));
    expect(cells.body.items[0].text).toContain('minh hoạ');
    const task = await request(f.app).get(`/api/tasks/${codes[0]}`).set(f.as('public'));
    expect(task.body.reports).toEqual({ workable: 0, obstacle: 30 });
  });

  it('when the stack starts a second time, then nothing more is seeded or adopted', async () => {
    const events = await f.db.sql.query('SELECT count(*)::int AS n FROM cell_events');
    expect(await prepareLocalityStore(f.db, { seed: true, log: () => undefined })).toEqual({
      adopted: 0,
      seededLocalities: 0,
    });
    expect((await f.db.sql.query('SELECT count(*)::int AS n FROM cell_events')).rows[0]).toEqual(events.rows[0]);
  });
});

describe('one store for what localities report', () => {
  it('when a locality sends a bulk obstacle report, then the task page and the task JSON count it, the public page shows no cell text, and the bottlenecks rank it', async () => {
    const code = codes[1] as string;
    const before = (await request(f.app).get(`/api/tasks/${code}`).set(f.as('public'))).body.reports as {
      workable: number;
      obstacle: number;
    };
    const report = await request(f.app)
      .post(`/api/localities/${ABSENT}/report`)
      .set({ Authorization: `Bearer ${absentToken}` })
      .send({
        cells: [{ task: code, state: 'OBSTACLE', category: 'STAFFING', text: 'Thiếu cán bộ chuyên môn ở cấp xã' }],
      });
    expect(report.status).toBe(200);
    const after = await request(f.app).get(`/api/tasks/${code}`).set(f.as('public'));
    expect(after.body.reports).toEqual({ workable: before.workable, obstacle: before.obstacle + 1 });
    const page = await request(f.app).get(`/tasks/${code}`).set('Accept-Language', 'vi');
    expect(page.text).toContain(`Thực hiện được: ${before.workable} · Vướng mắc: ${before.obstacle + 1}`);
    // The public reads the counts only; the locality itself reads its own cell on the page.
    expect(page.text).not.toContain('Thiếu cán bộ chuyên môn');
    const bottlenecks = await request(f.app).get('/api/dashboard/bottlenecks').set(f.as('home-affairs'));
    expect(bottlenecks.body.mostObstacles.find((t: { code: string }) => t.code === code)?.reports.obstacle).toBe(
      before.obstacle + 1,
    );
  });

  it('when the deprecated per-task report is used, then it writes the cell, the task counts it, and no task event is added', async () => {
    const code = codes[2] as string;
    const lastSeq = (await request(f.app).get(`/api/tasks/${code}`).set(f.as('public'))).body.lastSeq as number;
    const res = await request(f.app)
      .post(`/api/tasks/${code}/reports`)
      .set(f.as('locality:HNI'))
      .send({ locality: 'HNI', kind: 'WORKABLE', description: '' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ lastSeq, reports: { workable: 1, obstacle: 29 } });
    const cell = await request(f.app).get(`/api/matrix?task=${code}&locality=HNI`).set(f.as('home-affairs'));
    expect(cell.body.items).toEqual([expect.objectContaining({ state: 'WORKABLE' })]);
    const openapi = await request(f.app).get('/openapi.json');
    expect(openapi.body.paths['/api/tasks/{code}/reports'].post.deprecated).toBe(true);
  });

  it('when the old store holds a report that no cell has, then it is adopted into the cell once, and counted', async () => {
    const code = codes[3] as string;
    const other = NOT_REPORTED[1] as string;
    await f.db.sql.query(
      `INSERT INTO locality_reports (task_code, seq, locality_code, kind, description, at) VALUES ($1, 99, $2, 'OBSTACLE', 'Thiếu biểu mẫu', now())`,
      [code, other],
    );
    expect(await adoptLegacyReports(f.db)).toBe(1);
    expect(await adoptLegacyReports(f.db)).toBe(0);
    const cell = await request(f.app).get(`/api/matrix?task=${code}&locality=${other}`).set(f.as('home-affairs'));
    expect(cell.body.items).toEqual([
      expect.objectContaining({ state: 'OBSTACLE', category: 'OTHER', text: 'Thiếu biểu mẫu' }),
    ]);
    expect((await request(f.app).get(`/api/tasks/${code}`).set(f.as('public'))).body.reports.obstacle).toBe(31);
  });

  it('when the consistency sweep runs after this activity, then the dashboard, /rounds, /api/localities, /matrix, the public page and every task figure agree: 0 disagreements', async () => {
    await request(f.app)
      .post(`/api/tasks/${codes[0]}/transitions`)
      .set(f.as('home-affairs'))
      .send({ to: 'AUTHORITY_ADJUSTMENT', from: 'REQUIRES_GUIDANCE', reason: 'cần sửa luật' })
      .expect(200);
    const lines: string[] = [];
    const r = await consistencySweep({
      apiUrl,
      token: (f.as('home-affairs').Authorization ?? '').slice('Bearer '.length),
      tasks: 20,
      seed: 7,
      log: (l) => lines.push(l),
    });
    expect(r.tasks.length).toBe(codes.length);
    expect(r.localities).toBe(34);
    expect(r.comparisons).toBeGreaterThanOrEqual(codes.length * 5 + 35);
    expect({ disagreements: r.disagreements, lines }).toEqual({ disagreements: [], lines: expect.any(Array) });
  });
});

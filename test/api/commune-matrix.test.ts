import fs from 'node:fs';
import request from 'supertest';
import { parseCommunes, type Commune } from '../../catalog/communes';
import { issueToken } from '../../db/tokens';
import { resolveCommuneDataFile } from '../../embedded/commune-reference';
import { seedCommunes } from '../../embedded/commune-seed';
import { CELL_STATES, OBSTACLE_CATEGORIES } from '../../domain/locality-cells';
import { useApiFixture } from '../support/api-fixture';

// Province cells of commune-level tasks are roll-ups (issue 26): the province matrix (/api/matrix JSON
// and CSV, /api/localities/{code}) shows the roll-up of a province's communes for a commune-level task,
// from the same commune_rollups rows as /api/communes/rollup and the commune cells, with the drill-down
// to that task in each commune. Hà Nội is seeded (126 real units); Đà Nẵng is not.
const f = useApiFixture('cmx-');
let communes: Commune[];
let A: string; // commune level
let B: string; // commune level
let P: string; // province level
const extra: Record<string, string> = {};
const as = (principal: string) => ({ Authorization: `Bearer ${extra[principal]}` });
type ByState = Record<(typeof CELL_STATES)[number], number>;
interface Rollup {
  communes: number;
  byState: ByState;
  obstaclesByCategory: Record<string, number>;
}

beforeAll(async () => {
  communes = parseCommunes(fs.readFileSync(resolveCommuneDataFile(), 'utf8'));
  A = await f.createTask({ level: 'commune', leadMinistry: 'BYT' });
  B = await f.createTask({ level: 'commune', leadMinistry: 'BTC' });
  P = await f.createTask({ level: 'province' });
  expect(await seedCommunes(f.db, { communes, localities: ['HNI'] })).not.toBeNull();
  const hni = communes.filter((c) => c.locality === 'HNI').map((c) => c.code);
  for (const p of ['locality:HNI', 'home-affairs', 'public'] as const)
    extra[p] = f.as(p).Authorization.slice('Bearer '.length);
  extra['ministry:BYT'] = await issueToken(f.db, 'ministry:BYT');
  // Communes write their cells: a mix of states and categories over A and B.
  const write = async (commune: string, cells: Record<string, unknown>[]) => {
    const res = await request(f.app).post(`/api/communes/${commune}/report`).set(as('locality:HNI')).send({ cells });
    expect(res.status).toBe(200);
  };
  await write(hni[0] as string, [
    { task: A, state: 'WORKABLE' },
    { task: B, state: 'OBSTACLE', category: 'STAFFING', text: 'Thiếu công chức' },
  ]);
  await write(hni[1] as string, [
    { task: A, state: 'OBSTACLE', category: 'LEGAL_BASIS', text: 'Chưa có hướng dẫn' },
    { task: B, state: 'IMPLEMENTING' },
  ]);
  await write(hni[2] as string, [{ task: A, state: 'OBSTACLE', category: 'STAFFING', text: 'Thiếu viên chức' }]);
  // The province's own report on A as a whole, kept beside the roll-up.
  await request(f.app)
    .post('/api/localities/HNI/report')
    .set(as('locality:HNI'))
    .send({ cells: [{ task: A, state: 'IMPLEMENTING' }] })
    .expect(200);
}, 300_000);

/** The roll-up counted from the commune cells themselves, as the CSV of every commune cell gives them. */
async function fromCommuneCells(task: string): Promise<Rollup> {
  const csv = await request(f.app).get('/api/communes/cells?locality=HNI').set(as('home-affairs')).expect(200);
  const [head, ...lines] = csv.text.trim().split('\r\n');
  const cols = (head as string).split(',');
  const rows = lines.map((l) => l.split(',')).filter((r) => r[cols.indexOf('task')] === task);
  const byState = Object.fromEntries(
    CELL_STATES.map((s) => [s, rows.filter((r) => r[cols.indexOf('state')] === s).length]),
  ) as ByState;
  const obstaclesByCategory = Object.fromEntries(
    OBSTACLE_CATEGORIES.map((c) => [c, rows.filter((r) => r[cols.indexOf('category')] === c).length]),
  );
  return { communes: rows.length, byState, obstaclesByCategory };
}

describe('the province cell of a commune-level task is its communes’ roll-up', () => {
  it('when the matrix, its CSV, the locality, the drill-down and the commune roll-up are read, then every count comes from the same rows and equals the commune cells', async () => {
    const rollupApi = await request(f.app).get('/api/communes/rollup').set(as('public')).expect(200);
    const national = (rollupApi.body.items as (Rollup & { locality: string; tasks: number })[]).find(
      (i) => i.locality === 'HNI',
    );
    const locality = await request(f.app).get('/api/localities/HNI').set(as('public')).expect(200);
    const summed: ByState = { NOT_STARTED: 0, IMPLEMENTING: 0, WORKABLE: 0, OBSTACLE: 0 };
    const summedCategories: Record<string, number> = {};
    for (const task of [A, B]) {
      const cells = await fromCommuneCells(task);
      expect(cells.communes).toBe(126);
      const matrix = await request(f.app).get(`/api/matrix?locality=HNI&task=${task}`).set(as('home-affairs'));
      expect(matrix.status).toBe(200);
      expect(matrix.body.items).toHaveLength(1);
      const csv = await request(f.app)
        .get(`/api/matrix?locality=HNI&task=${task}&format=csv`)
        .set(as('home-affairs'))
        .expect(200);
      const [head, line] = csv.text.trim().split('\r\n') as [string, string];
      const field = (name: string) => Number(line.split(',')[head.split(',').indexOf(name)]);
      const drill = await request(f.app).get(`/api/localities/HNI/communes?task=${task}`).set(as('home-affairs'));
      expect(drill.status).toBe(200);
      const drilled = Object.fromEntries(
        CELL_STATES.map((s) => [
          s,
          (drill.body.items as { taskCell: { state: string } | null }[]).filter((c) => c.taskCell?.state === s).length,
        ]),
      );
      const fromLocality = (locality.body.tasks as { code: string; communes: Rollup | null }[]).find(
        (t) => t.code === task,
      )?.communes;
      expect({
        'api matrix': matrix.body.items[0].communes,
        'matrix csv': {
          communes: field('communes'),
          byState: {
            NOT_STARTED: field('communesNotStarted'),
            IMPLEMENTING: field('communesImplementing'),
            WORKABLE: field('communesWorkable'),
            OBSTACLE: field('communesObstacle'),
          },
          obstaclesByCategory: Object.fromEntries(OBSTACLE_CATEGORIES.map((c) => [c, field(`communesObstacle_${c}`)])),
        },
        'api locality': fromLocality,
        'api drill-down': drill.body.task.communes,
        'drill-down cells': { ...cells, byState: drilled },
      }).toEqual({
        'api matrix': cells,
        'matrix csv': cells,
        'api locality': cells,
        'api drill-down': cells,
        'drill-down cells': cells,
      });
      for (const s of CELL_STATES) summed[s] += cells.byState[s];
      for (const c of OBSTACLE_CATEGORIES)
        summedCategories[c] = (summedCategories[c] ?? 0) + (cells.obstaclesByCategory[c] ?? 0);
    }
    // The national roll-up sums the same (province, task) rows.
    expect(national).toMatchObject({
      tasks: 2,
      cells: 2 * 126,
      byState: summed,
      obstaclesByCategory: summedCategories,
    });
    expect(summed).toEqual({ NOT_STARTED: 252 - 5, IMPLEMENTING: 1, WORKABLE: 1, OBSTACLE: 3 });
    // And each commune's own counts add up to it.
    const list = await request(f.app).get('/api/localities/HNI/communes').set(as('public')).expect(200);
    const perCommune = Object.fromEntries(
      CELL_STATES.map((s) => [s, (list.body.items as { byState: ByState }[]).reduce((n, c) => n + c.byState[s], 0)]),
    );
    expect(perCommune).toEqual(summed);
  });

  it('when the province has reported on a commune-level task itself, then its own view stays in the cell beside the roll-up, with its history', async () => {
    const matrix = await request(f.app).get(`/api/matrix?locality=HNI&task=${A}`).set(as('home-affairs'));
    expect(matrix.body.items[0]).toMatchObject({
      state: 'IMPLEMENTING',
      changedBy: 'locality:HNI',
      communes: { communes: 126, byState: { WORKABLE: 1, OBSTACLE: 2 } },
    });
    const history = await request(f.app).get(`/api/localities/HNI/cells/${A}/history`).set(as('locality:HNI'));
    expect(history.status).toBe(200);
    expect(history.body.verification.valid).toBe(true);
    expect(history.body.items.at(-1).details).toMatchObject({ state: 'IMPLEMENTING' });
  });

  it('when a province-level task or a province whose communes are not seeded is read, then its cell has no roll-up', async () => {
    const p = await request(f.app).get(`/api/matrix?locality=HNI&task=${P}`).set(as('home-affairs'));
    expect(p.body.items).toEqual([expect.objectContaining({ task: P, communes: null })]);
    const dng = await request(f.app).get(`/api/matrix?locality=DNG&task=${A}`).set(as('home-affairs'));
    expect(dng.body.items).toEqual([expect.objectContaining({ task: A, communes: null })]);
    const csv = await request(f.app).get(`/api/matrix?locality=DNG&task=${A}&format=csv`).set(as('home-affairs'));
    expect(csv.text.trim().split('\r\n')[1]).toMatch(/,,,,,,,,,,,,$/);
  });

  it('when a commune writes after the matrix was read, then the next read shows the new roll-up (no stale cached answer)', async () => {
    const before = await request(f.app).get(`/api/matrix?locality=HNI&task=${B}`).set(as('home-affairs'));
    const commune = communes.filter((c) => c.locality === 'HNI')[5]?.code as string;
    await request(f.app)
      .post(`/api/communes/${commune}/report`)
      .set(as('locality:HNI'))
      .send({ cells: [{ task: B, state: 'WORKABLE' }] })
      .expect(200);
    const after = await request(f.app).get(`/api/matrix?locality=HNI&task=${B}`).set(as('home-affairs'));
    expect(after.body.items[0].communes.byState.WORKABLE).toBe(before.body.items[0].communes.byState.WORKABLE + 1);
    expect(after.body.items[0].communes).toEqual(await fromCommuneCells(B));
  });

  it('when the public or a ministry of another task drills down, then it reads the roll-up but no commune’s cell; the ministry of the task reads them', async () => {
    const pub = await request(f.app).get(`/api/localities/HNI/communes?task=${A}`).set(as('public'));
    expect(pub.status).toBe(200);
    expect(pub.body.task).toMatchObject({ code: A, cellsVisible: false, communes: { communes: 126 } });
    expect((pub.body.items as { taskCell: unknown }[]).every((c) => c.taskCell === null)).toBe(true);
    const other = await request(f.app).get(`/api/localities/HNI/communes?task=${B}`).set(as('ministry:BYT'));
    expect(other.body.task.cellsVisible).toBe(false);
    const lead = await request(f.app).get(`/api/localities/HNI/communes?task=${A}`).set(as('ministry:BYT'));
    expect(lead.body.task.cellsVisible).toBe(true);
    expect(
      (lead.body.items as { taskCell: { state: string } }[]).filter((c) => c.taskCell.state === 'OBSTACLE'),
    ).toHaveLength(2);
  });

  it('when the drill-down names a province-level task, an unknown task, or a province not seeded, then 422 or 404 naming query.task', async () => {
    for (const [url, status] of [
      [`/api/localities/HNI/communes?task=${P}`, 422],
      [`/api/localities/DNG/communes?task=${A}`, 422],
      ['/api/localities/HNI/communes?task=NOPE-404', 404],
    ] as const) {
      const res = await request(f.app).get(url).set(as('home-affairs'));
      expect([url, res.status, res.headers['content-type']]).toEqual([
        url,
        status,
        expect.stringContaining('problem+json'),
      ]);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.task' })]);
    }
  });
});

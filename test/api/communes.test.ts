import fs from 'node:fs';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { parseCommunes, type Commune } from '../../catalog/communes';
import { issueToken } from '../../db/tokens';
import { resolveCommuneDataFile } from '../../embedded/commune-reference';
import { seedCommunes } from '../../embedded/commune-seed';
import { XLSX_TYPE } from '../../app/task-xlsx';
import { useApiFixture } from '../support/api-fixture';

// The commune level on the real stack with two seeded provinces (Hà Nội and Đà Nẵng), the real codes
// and names from the pinned list; the benchmark seeds all 3,321 (npm run bench:communes).
const f = useApiFixture('com-');
let communes: Commune[];
let A: string; // commune level
let B: string; // commune level
let P: string; // province level
const HOAN_KIEM = '00070';
let HNI_OTHER: string; // a second commune of Hà Nội
let DNG_ONE: string; // a commune of Đà Nẵng
const extra: Record<string, string> = {};
const as = (principal: string) => ({ Authorization: `Bearer ${extra[principal]}` });

beforeAll(async () => {
  communes = parseCommunes(fs.readFileSync(resolveCommuneDataFile(), 'utf8'));
  A = await f.createTask({ level: 'commune', title: 'Cấp giấy phép hoạt động trạm y tế xã' });
  B = await f.createTask({ level: 'commune' });
  P = await f.createTask({ level: 'province' });
  const r = await seedCommunes(f.db, { communes, localities: ['HNI', 'DNG'] });
  expect(r).not.toBeNull();
  HNI_OTHER = communes.find((c) => c.locality === 'HNI' && c.code !== HOAN_KIEM)!.code;
  DNG_ONE = communes.find((c) => c.locality === 'DNG')!.code;
  for (const p of [`commune:${HOAN_KIEM}`, `commune:${HNI_OTHER}`, 'locality:DNG'])
    extra[p] = await issueToken(f.db, p);
  extra['locality:HNI'] = f.as('locality:HNI').Authorization.slice('Bearer '.length);
  extra['home-affairs'] = f.as('home-affairs').Authorization.slice('Bearer '.length);
  extra.public = f.as('public').Authorization.slice('Bearer '.length);
}, 300_000);

const hni = () => communes.filter((c) => c.locality === 'HNI');
const dng = () => communes.filter((c) => c.locality === 'DNG');

/** Everything a refused write must leave as it was: cells written, roll-ups, reports. */
async function snapshot() {
  const { rows } = await f.db.sql.query<{ s: string }>(
    `SELECT (SELECT count(*) FROM commune_cells WHERE changed_at IS NOT NULL)::text || '/' ||
            (SELECT string_agg(locality_code || task_code || implementing || workable || obstacle, ',' ORDER BY 1) FROM commune_rollups) || '/' ||
            (SELECT count(*) FROM commune_reports)::text AS s`,
  );
  return rows[0]?.s;
}

describe('the commune level seeded', () => {
  it('when two provinces are seeded, then each of their communes has one cell per commune-level task and the roll-ups count them', async () => {
    const { rows } = await f.db.sql.query<{ locality: string; communes: number; cells: number }>(
      `SELECT c.locality_code AS locality, count(DISTINCT c.code)::int AS communes, sum(c.cells)::int AS cells
         FROM communes c GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { locality: 'DNG', communes: dng().length, cells: 2 * dng().length },
      { locality: 'HNI', communes: hni().length, cells: 2 * hni().length },
    ]);
    const cells = await f.db.sql.query(`SELECT 1 FROM commune_cells WHERE task_code = $1`, [P]);
    expect(cells.rowCount).toBe(0);
    const res = await request(f.app).get('/api/communes/rollup').set(f.as('public'));
    expect(res.status).toBe(200);
    const h = res.body.items.find((i: { locality: string }) => i.locality === 'HNI');
    expect(h).toMatchObject({ communes: hni().length, tasks: 2, cells: 2 * hni().length, communesReported: 0 });
    expect(h.byState.NOT_STARTED).toBe(2 * hni().length);
    expect(res.body.totals.cells).toBe(2 * (hni().length + dng().length));
    expect(res.body.seeded).toBe(true);
  });

  it('when the seed runs again, then it inserts nothing', async () => {
    const again = await seedCommunes(f.db, { communes, localities: ['HNI', 'DNG'] });
    expect(again?.provinces.map((p) => p.inserted)).toEqual([0, 0]);
  });

  it('when a province’s communes are searched without diacritics, then the name with them is found', async () => {
    for (const q of ['hoan kiem', 'Hoàn Kiếm', 'HOAN KIEM']) {
      const res = await request(f.app).get('/api/localities/HNI/communes').query({ q }).set(f.as('public'));
      expect(res.status).toBe(200);
      expect(res.body.items.map((c: { code: string; name: string }) => `${c.code} ${c.name}`)).toContain(
        `${HOAN_KIEM} Phường Hoàn Kiếm`,
      );
      expect(res.body.total).toBe(hni().length);
    }
    const all = await request(f.app).get('/api/localities/HNI/communes').set(f.as('public'));
    expect(all.body.items).toHaveLength(hni().length);
  });
});

describe('a commune reports', () => {
  it('when the commune sends all its cells, then they change, the province roll-up and the commune counts follow, and the report is recorded as the commune’s', async () => {
    const res = await request(f.app)
      .post(`/api/communes/${HOAN_KIEM}/report`)
      .set(as(`commune:${HOAN_KIEM}`))
      .send({
        cells: [
          { task: A, state: 'WORKABLE' },
          { task: B, state: 'OBSTACLE', category: 'STAFFING', text: 'Thiếu 2 công chức địa chính' },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ commune: HOAN_KIEM, channel: 'COMMUNE', changed: 2, unchanged: 0 });
    const one = await request(f.app).get(`/api/communes/${HOAN_KIEM}`).set(f.as('locality:HNI'));
    expect(one.status).toBe(200);
    expect(one.body.commune.byState).toEqual({ NOT_STARTED: 0, IMPLEMENTING: 0, WORKABLE: 1, OBSTACLE: 1 });
    expect(one.body.cells.find((c: { task: string }) => c.task === B)).toMatchObject({
      state: 'OBSTACLE',
      category: 'STAFFING',
      text: 'Thiếu 2 công chức địa chính',
      changedBy: `commune:${HOAN_KIEM}`,
    });
    expect(one.body.reports[0]).toMatchObject({
      seq: 1,
      channel: 'COMMUNE',
      actor: `commune:${HOAN_KIEM}`,
      changed: 2,
    });
    const roll = await f.db.sql.query(
      'SELECT communes, not_started, workable, obstacle, by_category FROM commune_rollups WHERE locality_code = $1 AND task_code = $2',
      ['HNI', B],
    );
    expect(roll.rows[0]).toEqual({
      communes: hni().length,
      not_started: hni().length - 1,
      workable: 0,
      obstacle: 1,
      by_category: [0, 0, 1, 0, 0, 0, 0],
    });
    const province = await request(f.app).get('/api/localities/HNI').set(f.as('locality:HNI'));
    const rolledUp = (code: string) =>
      province.body.tasks.find((t: { code: string }) => t.code === code)?.communes as unknown;
    expect(rolledUp(B)).toEqual({
      communes: hni().length,
      byState: { NOT_STARTED: hni().length - 1, IMPLEMENTING: 0, WORKABLE: 0, OBSTACLE: 1 },
      obstaclesByCategory: {
        LEGAL_BASIS: 0,
        AUTHORITY: 0,
        STAFFING: 1,
        FACILITIES: 0,
        IT_DATA: 0,
        FINANCE: 0,
        OTHER: 0,
      },
    });
    expect(rolledUp(P)).toBeNull();
    const list = await request(f.app).get('/api/localities/HNI/communes').query({ q: 'hoàn kiếm' }).set(f.as('public'));
    expect(list.body.items[0]).toMatchObject({ code: HOAN_KIEM, reportedAt: expect.any(String) });
  });

  it('when the same report is sent again, then nothing changes but the commune is recorded as having reported', async () => {
    const res = await request(f.app)
      .post(`/api/communes/${HOAN_KIEM}/report`)
      .set(as(`commune:${HOAN_KIEM}`))
      .send({ cells: [{ task: A, state: 'WORKABLE' }] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ changed: 0, unchanged: 1 });
  });

  it('when its province reports on its behalf, then the cells change and the report says on whose behalf and by whom', async () => {
    const res = await request(f.app)
      .post(`/api/communes/${HNI_OTHER}/report`)
      .set(as('locality:HNI'))
      .send({ cells: [{ task: A, state: 'IMPLEMENTING' }] });
    expect(res.status).toBe(200);
    expect(res.body.channel).toBe('ON_BEHALF');
    const { rows } = await f.db.sql.query(
      'SELECT actor, channel, changed FROM commune_reports WHERE commune_code = $1 ORDER BY seq',
      [HNI_OTHER],
    );
    expect(rows).toEqual([{ actor: 'locality:HNI', channel: 'ON_BEHALF', changed: 1 }]);
  });

  it('when the public reads a commune, then it sees the counts and its verified report chain but no cells and no names of who reported', async () => {
    const res = await request(f.app).get(`/api/communes/${HOAN_KIEM}`).set(f.as('public'));
    expect(res.status).toBe(200);
    expect(res.body.cellsVisible).toBe('none');
    expect(res.body.cells).toEqual([]);
    expect(res.body.reports.every((r: { actor: unknown }) => r.actor === null)).toBe(true);
    expect(res.body.commune.byState.WORKABLE).toBe(1);
    // Its report chain, recomputed from the first report: as many links as reports, all fitting.
    expect(res.body.verification).toEqual({ valid: true, checked: res.body.reports.length });
    expect(res.body.reports.length).toBeGreaterThanOrEqual(2);
  });
});

describe('bad commune reports change nothing', () => {
  beforeAll(async () => {
    await f.db.sql.query(
      `INSERT INTO reporting_rounds (id, kind, opened_on, due_date, closes_on, status, closed_at)
       VALUES ('closed-communes', 'EXTRA', '2026-01-01', '2026-01-10', '2026-01-17', 'CLOSED', now())`,
    );
  });

  const cases: Array<[string, () => [string, string, Record<string, unknown>], number, string]> = [
    [
      'an unknown commune',
      () => ['99999', 'home-affairs', { cells: [{ task: A, state: 'WORKABLE' }] }],
      404,
      'params.code',
    ],
    [
      'a commune writing another commune’s cells',
      () => [HNI_OTHER, `commune:${HOAN_KIEM}`, { cells: [{ task: A, state: 'WORKABLE' }] }],
      403,
      'params.code',
    ],
    [
      'a province writing another province’s commune',
      () => [DNG_ONE, 'locality:HNI', { cells: [{ task: A, state: 'WORKABLE' }] }],
      403,
      'params.code',
    ],
    [
      'a cell for a province-level task',
      () => [
        HOAN_KIEM,
        `commune:${HOAN_KIEM}`,
        {
          cells: [
            { task: A, state: 'IMPLEMENTING' },
            { task: P, state: 'WORKABLE' },
          ],
        },
      ],
      422,
      'body.cells.1.task',
    ],
    [
      'an unknown task',
      () => [HOAN_KIEM, `commune:${HOAN_KIEM}`, { cells: [{ task: 'NO-SUCH-TASK', state: 'WORKABLE' }] }],
      422,
      'body.cells.0.task',
    ],
    [
      'a report after its round closed',
      () => [
        HOAN_KIEM,
        `commune:${HOAN_KIEM}`,
        { round: 'closed-communes', cells: [{ task: A, state: 'IMPLEMENTING' }] },
      ],
      409,
      'body.round',
    ],
    [
      'an obstacle without its category',
      () => [HOAN_KIEM, `commune:${HOAN_KIEM}`, { cells: [{ task: A, state: 'OBSTACLE', text: 'x' }] }],
      400,
      'body.cells.0.category',
    ],
  ];

  it.each(cases)(
    'when %s is sent, then the answer names the field and nothing changes',
    async (_name, make, status, field) => {
      const [commune, who, body] = make();
      const before = await snapshot();
      const res = await request(f.app).post(`/api/communes/${commune}/report`).set(as(who)).send(body);
      expect(res.status).toBe(status);
      expect(res.type).toBe('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await snapshot()).toBe(before);
    },
  );
});

function csv(rows: string[][]): string {
  return ['commune_code,commune_name,task,state,category,text', ...rows.map((r) => r.join(','))].join('\r\n');
}

describe('a province uploads its communes’ cells', () => {
  it('when Đà Nẵng uploads a CSV of all its communes’ cells, then every cell is written in one go and each commune’s report says UPLOAD', async () => {
    const rows = dng().flatMap((c) => [
      [c.code, c.nameVi, A, 'WORKABLE', '', ''],
      [c.code, c.nameVi, B, 'OBSTACLE', 'FINANCE', '"Chưa có kinh phí, chờ tỉnh"'],
    ]);
    const res = await request(f.app)
      .post('/api/localities/DNG/communes/cells')
      .set(as('locality:DNG'))
      .set('Content-Type', 'text/csv')
      .send(csv(rows));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      locality: 'DNG',
      communes: dng().length,
      rows: rows.length,
      changed: rows.length,
    });
    const roll = await request(f.app).get('/api/communes/rollup').set(f.as('ministry:BNV'));
    const d = roll.body.items.find((i: { locality: string }) => i.locality === 'DNG');
    expect(d).toMatchObject({ communesReported: dng().length });
    expect(d.byState).toEqual({ NOT_STARTED: 0, IMPLEMENTING: 0, WORKABLE: dng().length, OBSTACLE: dng().length });
    expect(d.obstaclesByCategory.FINANCE).toBe(dng().length);
    const { rows: reports } = await f.db.sql.query(
      `SELECT DISTINCT channel, actor FROM commune_reports WHERE locality_code = 'DNG'`,
    );
    expect(reports).toEqual([{ channel: 'UPLOAD', actor: 'locality:DNG' }]);
  });

  it('when the same cells come as an xlsx workbook, then it is read the same way', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('communes');
    sheet.addRow(['commune_code', 'commune_name', 'task', 'state', 'category', 'text']);
    const first = dng()[0]!;
    sheet.addRow([first.code, first.nameVi, A, 'IMPLEMENTING', '', 'Đang triển khai']);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const res = await request(f.app)
      .post('/api/localities/DNG/communes/cells')
      .set(as('locality:DNG'))
      .set('Content-Type', XLSX_TYPE)
      .send(bytes);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ communes: 1, rows: 1, changed: 1 });
  });

  const bad: Array<[string, () => string, string]> = [
    [
      'a commune code that does not exist',
      () => csv([['99999', 'Xã Không Có', A, 'WORKABLE', '', '']]),
      'body.rows.2.commune_code',
    ],
    [
      'a name that does not match its code',
      () => csv([[dng()[1]!.code, 'Phường Hoàn Kiếm', A, 'WORKABLE', '', '']]),
      'body.rows.2.commune_name',
    ],
    [
      'a commune of another province',
      () => csv([[HOAN_KIEM, 'Phường Hoàn Kiếm', A, 'WORKABLE', '', '']]),
      'body.rows.2.commune_code',
    ],
    [
      'a province-level task',
      () => csv([[dng()[1]!.code, dng()[1]!.nameVi, P, 'WORKABLE', '', '']]),
      'body.rows.2.task',
    ],
    [
      'one bad row after good ones',
      () =>
        csv([
          [dng()[2]!.code, dng()[2]!.nameVi, A, 'IMPLEMENTING', '', ''],
          [dng()[3]!.code, dng()[3]!.nameVi, A, 'DONE', '', ''],
        ]),
      'body.rows.3.state',
    ],
  ];

  it.each(bad)(
    'when the file has %s, then the answer names the row and cell and nothing changes',
    async (_n, make, field) => {
      const before = await snapshot();
      const res = await request(f.app)
        .post('/api/localities/DNG/communes/cells')
        .set(as('locality:DNG'))
        .set('Content-Type', 'text/csv')
        .send(make());
      expect(res.status).toBe(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(res.body.errors[0]).toMatchObject({ row: expect.any(Number), column: expect.any(String) });
      expect(await snapshot()).toBe(before);
    },
  );

  it('when a province uploads another province’s communes, then 403 and nothing changes', async () => {
    const before = await snapshot();
    const res = await request(f.app)
      .post('/api/localities/HNI/communes/cells')
      .set(as('locality:DNG'))
      .set('Content-Type', 'text/csv')
      .send(csv([[HOAN_KIEM, 'Phường Hoàn Kiếm', A, 'OBSTACLE', 'OTHER', 'x']]));
    expect(res.status).toBe(403);
    expect(res.body.errors[0].field).toBe('params.code');
    expect(await snapshot()).toBe(before);
  });
});

describe('the commune cells as a file', () => {
  it('when Home Affairs downloads every commune cell, then it streams one line per cell with a header', async () => {
    const res = await request(f.app).get('/api/communes/cells').set(f.as('home-affairs'));
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/csv');
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('province,commune_code,commune_name,task,state,category,text,changed_at');
    expect(lines).toHaveLength(1 + 2 * (hni().length + dng().length));
    expect(lines).toContainEqual(
      expect.stringMatching(new RegExp(`^HNI,${HOAN_KIEM},Phường Hoàn Kiếm,${B},OBSTACLE,STAFFING,`)),
    );
  });

  it('when a province asks for another province’s file, then 403', async () => {
    const res = await request(f.app).get('/api/communes/cells').query({ locality: 'HNI' }).set(as('locality:DNG'));
    expect(res.status).toBe(403);
    expect(res.body.errors[0].field).toBe('query.locality');
  });
});

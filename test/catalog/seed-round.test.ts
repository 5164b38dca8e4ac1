import { SEED_ROUND_ID, reference } from '../../catalog/reference-data';
import { seedRoundCells } from '../../catalog/seed-round';
import { taskStatuses, verifyCellChain } from '../../db/locality-cells';
import { getRound, roundLocalities } from '../../db/reporting-rounds';
import { createTestDatabase, type TestDatabase } from '../support/harness';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  for (const [code, status] of [
    ['SEED-1', 'FEASIBLE'],
    ['SEED-2', 'REQUIRES_GUIDANCE'],
    ['SEED-3', 'AUTHORITY_ADJUSTMENT'],
  ] as const) {
    await db.prisma.task.create({
      data: {
        code,
        title: code,
        sector: 'Seed',
        status,
        statusSince: new Date(),
        leadMinistryCode: 'BYT',
        coordinatingMinistries: [],
      },
    });
  }
});

afterAll(async () => {
  await db?.drop();
});

describe('the seed round of 6 December 2025', () => {
  it('when reference data is loaded, then the round is closed with 30 of 34 reported and the four assumed absentees are named in its note', async () => {
    const round = await getRound(db, SEED_ROUND_ID);
    expect(round).toMatchObject({ kind: 'SEED', status: 'CLOSED', reported: 30, total: 34, dueDate: '2025-12-06' });
    const missing = (await roundLocalities(db, SEED_ROUND_ID)).filter((l) => l.reportedAt === null).map((l) => l.code);
    expect(missing.sort()).toEqual(
      reference.localities
        .slice(30)
        .map((l) => l.code)
        .sort(),
    );
    for (const code of missing) expect(round?.note).toContain(code);
    expect(round?.note).toContain('Assumption');
  });

  it('when the cells are seeded twice, then the 30 reporters hold one audited cell per task, by its status, and the second run adds nothing', async () => {
    expect(await seedRoundCells(db, await taskStatuses(db))).toBe(30);
    expect(await seedRoundCells(db, await taskStatuses(db))).toBe(0);
    const { rows } = await db.sql.query(
      `SELECT task_code, state, category, count(*)::int AS n FROM locality_cells GROUP BY 1, 2, 3 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { task_code: 'SEED-1', state: 'WORKABLE', category: null, n: 30 },
      { task_code: 'SEED-2', state: 'OBSTACLE', category: 'LEGAL_BASIS', n: 30 },
      { task_code: 'SEED-3', state: 'OBSTACLE', category: 'AUTHORITY', n: 30 },
    ]);
    expect(await verifyCellChain(db, 'SEED-2', 'HNI')).toEqual({ valid: true, checked: 1 });
    const absent = reference.localities[33]?.code as string;
    expect((await db.sql.query('SELECT 1 FROM locality_cells WHERE locality_code = $1', [absent])).rowCount).toBe(0);
  });
});

import request from 'supertest';
import type { Express } from 'express';
import { setApplicability } from '../../db/tasks';
import { issueToken } from '../../db/tokens';
import { addDays, vietnamDate } from '../../domain/dates';
import { makeApp, startWorkflowStack, uid, type WorkflowStack } from '../support/harness';

// The as-of figures are rebuilt from the audit log. These tests record what the live read model
// said at several instants of a real workflow life, then ask for those instants again later.
let stack: WorkflowStack;
let app: Express;
const tokens: Record<string, string> = {};
const PRINCIPALS = ['home-affairs', 'ministry:BGDDT', 'locality:HNI', 'public'] as const;
const as = (p: (typeof PRINCIPALS)[number]) => ({ Authorization: `Bearer ${tokens[p]}` });

beforeAll(async () => {
  stack = await startWorkflowStack('insight-');
  app = makeApp(stack, { env: { LIST_CACHE_SECONDS: '0', PUBLIC_BASE_URL: 'http://tracker.test' } });
  for (const p of PRINCIPALS) tokens[p] = await issueToken(stack.db, p);
});

afterAll(async () => {
  await stack?.stop();
});

/** Due dates far enough ahead never to fall due while the file runs, whatever the date it runs on. */
const inDays = (days: number) => addDays(vietnamDate(Date.now()), days);

async function createTask(overrides: Record<string, unknown> = {}) {
  const code = uid('INS-');
  const res = await request(app)
    .post('/api/tasks')
    .set(as('home-affairs'))
    .send({
      code,
      title: `Insight task ${code}`,
      sector: 'Education',
      status: 'REQUIRES_GUIDANCE',
      leadMinistry: 'BGDDT',
      focalPoint: { name: 'Nguyen Van An', email: 'an@bgddt.test' },
      dueDate: inDays(400),
      ...overrides,
    });
  expect(res.status).toBe(201);
  return code;
}

/** What the live endpoints say now, and the instant just after. */
async function liveFigures(codes: string[]) {
  const get = async (path: string) => {
    const res = await request(app).get(path).set(as('home-affairs'));
    expect(res.status).toBe(200);
    return res.body as unknown;
  };
  const figures = {
    // stuckTasks counts tasks stuck now; a figure asOf the past has none to give.
    summary: (({ stuckTasks: _now, ...rest }) => rest)(
      (await get('/api/dashboard/summary')) as Record<string, unknown>,
    ),
    bottlenecks: await get('/api/dashboard/bottlenecks'),
    list: await get('/api/tasks?sort=-dueDate&limit=500'),
    overdue: await get('/api/tasks?overdue=true&limit=500'),
    filtered: await get('/api/tasks?locality=HNI&level=province&sector=education&limit=500'),
    tasks: await Promise.all(codes.map((c) => get(`/api/tasks/${c}`))),
  };
  // Every event read above happened before this instant, and nothing happens until after it.
  const at = new Date(Date.now() + 2).toISOString();
  await new Promise((r) => setTimeout(r, 5));
  return { at, figures };
}

async function asOfFigures(at: string, codes: string[]) {
  const get = async (path: string) => {
    const res = await request(app)
      .get(`${path}${path.includes('?') ? '&' : '?'}asOf=${encodeURIComponent(at)}`)
      .set(as('home-affairs'));
    expect(res.status).toBe(200);
    return res.body as unknown;
  };
  return {
    // stuckTasks counts tasks stuck now; a figure asOf the past has none to give.
    summary: (({ stuckTasks: _now, ...rest }) => rest)(
      (await get('/api/dashboard/summary')) as Record<string, unknown>,
    ),
    bottlenecks: await get('/api/dashboard/bottlenecks'),
    list: await get('/api/tasks?sort=-dueDate&limit=500'),
    overdue: await get('/api/tasks?overdue=true&limit=500'),
    filtered: await get('/api/tasks?locality=HNI&level=province&sector=education&limit=500'),
    tasks: await Promise.all(codes.map((c) => get(`/api/tasks/${c}`))),
  };
}

describe('as of an instant', () => {
  it('when figures recorded live at three instants of a task life are asked again with asOf, then the audit log gives back exactly the same summary, bottlenecks, lists and tasks', async () => {
    const a = await createTask({ dueDate: '2024-01-31' });
    const b = await createTask({ status: 'AUTHORITY_ADJUSTMENT', dueDate: inDays(300) });
    const codes = [a, b];
    // a applies only to Ho Chi Minh City: the lists filtered by locality leave it out, then and now.
    await setApplicability(stack.db, [{ code: a, appliesTo: ['HCM'] }]);
    const first = await liveFigures(codes);
    const filteredCodes = (first.figures.filtered as { items: { code: string }[] }).items.map((t) => t.code);
    expect(filteredCodes).toContain(b);
    expect(filteredCodes).not.toContain(a);

    const ha = as('home-affairs');
    expect(
      (
        await request(app)
          .post(`/api/tasks/${a}/milestones`)
          .set(as('ministry:BGDDT'))
          .send({ name: 'DRAFTING', note: 'draft circulated' })
      ).status,
    ).toBe(200);
    expect(
      (
        await request(app)
          .post(`/api/tasks/${b}/reports`)
          .set(as('locality:HNI'))
          .send({ locality: 'HNI', kind: 'OBSTACLE', description: 'no staff' })
      ).status,
    ).toBe(200);
    expect(
      (
        await request(app)
          .put(`/api/tasks/${b}/deadline`)
          .set(ha)
          .send({ dueDate: inDays(480), reason: 'law-making calendar' })
      ).status,
    ).toBe(200);
    const second = await liveFigures(codes);

    expect(
      (
        await request(app)
          .post(`/api/tasks/${a}/transitions`)
          .set(ha)
          .send({ to: 'FEASIBLE', document: { number: '15/2026/TT-BGDDT', issuedOn: '2026-11-20' } })
      ).status,
    ).toBe(200);
    expect(
      (
        await request(app)
          .put(`/api/tasks/${b}/assignment`)
          .set(ha)
          .send({ leadMinistry: 'BTC', reason: 'reorganisation' })
      ).status,
    ).toBe(200);
    const third = await liveFigures(codes);

    for (const moment of [first, second, third]) expect(await asOfFigures(moment.at, codes)).toEqual(moment.figures);
    // And the three moments really differ.
    expect(first.figures.tasks[0]).not.toEqual(third.figures.tasks[0]);
    expect((first.figures.overdue as { total: number }).total).toBe(1);
    expect((third.figures.overdue as { total: number }).total).toBe(0);
  });

  it('when tasks are registered after an as-of request, then the next as-of request counts them (the process mirror of the log catches up)', async () => {
    const at = () => encodeURIComponent(new Date(Date.now() + 2).toISOString());
    const before = (await request(app).get(`/api/dashboard/summary?asOf=${at()}`).set(as('public'))).body
      .total as number;
    const code = await createTask();
    await new Promise((r) => setTimeout(r, 5));
    expect((await request(app).get(`/api/dashboard/summary?asOf=${at()}`).set(as('public'))).body.total).toBe(
      before + 1,
    );
    expect((await request(app).get(`/api/tasks/${code}?asOf=${at()}`).set(as('public'))).status).toBe(200);
  });

  it('when a task is asked as of a date before it existed, then it is 404; the list and CSV as of then leave it out', async () => {
    const code = await createTask();
    const res = await request(app).get(`/api/tasks/${code}?asOf=2025-12-06`).set(as('public'));
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const csv = await request(app).get('/api/tasks?format=csv&asOf=2025-12-06').set(as('public'));
    expect(csv.status).toBe(200);
    expect(csv.text).not.toContain(code);
    expect((await request(app).get('/api/dashboard/summary?asOf=2025-12-06').set(as('public'))).body.total).toBe(0);
  });

  it.each([['tomorrow'], ['2999-01-01'], ['2025-12-06T10:00:00'], ['1999-12-31'], ['2025-02-30'], ['x'.repeat(41)]])(
    'when asOf is %s, then the answer is 400 problem+json naming query.asOf',
    async (bad) => {
      for (const path of [
        '/api/dashboard/summary',
        '/api/dashboard/bottlenecks',
        '/api/tasks',
        '/api/tasks/ANY-1',
        '/api/dashboard/at-risk',
      ]) {
        const res = await request(app).get(path).query({ asOf: bad }).set(as('home-affairs'));
        expect(res.status).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect([...new Set(res.body.errors.map((e: { field: string }) => e.field))]).toEqual(['query.asOf']);
      }
    },
  );
});

describe('trend and forecast', () => {
  it('when the trend is asked, then each week since the first event has counts per status, overall and per ministry, as JSON and CSV', async () => {
    await createTask();
    const res = await request(app).get('/api/dashboard/trend').set(as('public'));
    expect(res.status).toBe(200);
    const last = res.body.overall[res.body.overall.length - 1];
    const live = (await request(app).get('/api/dashboard/summary').set(as('public'))).body;
    expect(last.total).toBe(live.total);
    expect(last.byStatus.REQUIRES_GUIDANCE).toBe(live.byStatus.REQUIRES_GUIDANCE.count);
    expect(Object.keys(res.body.byMinistry)).toContain('BGDDT');
    const csv = await request(app).get('/api/dashboard/trend?format=csv').set(as('public'));
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('weekStart,asOf,ministry,total,REQUIRES_GUIDANCE,AUTHORITY_ADJUSTMENT,FEASIBLE,open,overdue');
    expect(lines.filter((l) => l.split(',')[2] === '*')).toHaveLength(res.body.overall.length);
    const one = await request(app).get('/api/dashboard/trend?ministry=BTC').set(as('public'));
    // One ministry's trend holds only its tasks.
    expect(Object.keys(one.body.byMinistry).every((m) => m === 'BTC')).toBe(true);
    expect(one.body.overall.at(-1).total).toBe(
      live.byMinistry.find((m: { ministry: string }) => m.ministry === 'BTC')?.total ?? 0,
    );
  });

  it('when the at-risk list is asked, then an overdue task is not in it but in the overdue list, and together they are every open task', async () => {
    const late = await createTask({ dueDate: '2025-01-31' });
    const res = await request(app).get('/api/dashboard/at-risk?ministry=BGDDT&limit=500').set(as('home-affairs'));
    expect(res.status).toBe(200);
    expect(res.body.items.find((f: { code: string }) => f.code === late)).toBeUndefined();
    expect(
      res.body.items.every(
        (f: { leadMinistry: string; probabilityLate: number }) => f.leadMinistry === 'BGDDT' && f.probabilityLate < 1,
      ),
    ).toBe(true);
    const overdue = await request(app).get('/api/dashboard/overdue?ministry=BGDDT&limit=500').set(as('home-affairs'));
    expect(overdue.status).toBe(200);
    const item = overdue.body.items.find((t: { code: string }) => t.code === late);
    // 31/01/2025 fell in the Tết break: the due date moved to the next working day.
    expect(item).toMatchObject({ dueDate: '2025-02-03', leadMinistry: 'BGDDT' });
    expect(item.daysOverdue).toBeGreaterThan(300);
    const days = overdue.body.items.map((t: { daysOverdue: number }) => t.daysOverdue);
    expect(days).toEqual([...days].sort((a: number, b: number) => b - a));
    const open = (
      await request(app).get('/api/tasks?ministry=BGDDT&limit=500').set(as('home-affairs'))
    ).body.items.filter((t: { status: string }) => t.status !== 'FEASIBLE');
    expect(res.body.total + overdue.body.total).toBe(open.length);
  });
});

import request from 'supertest';
import type { Express } from 'express';
import nodePath from 'node:path';
import { loadConfig, loadWorkingCalendar } from '../../config/env';
import { issueToken } from '../../db/tokens';
import { addDays, vietnamDate } from '../../domain/dates';
import { makeApp, startWorkflowStack, uid, type TestDatabase, type WorkflowStack } from '../support/harness';

let stack: WorkflowStack;
let db: TestDatabase;
let app: Express;
const tokens: Record<string, string> = {};
const PRINCIPALS = ['home-affairs', 'ministry:BGDDT', 'ministry:BYT', 'locality:HNI', 'public'] as const;
const as = (p: (typeof PRINCIPALS)[number]) => ({ Authorization: `Bearer ${tokens[p]}` });

beforeAll(async () => {
  stack = await startWorkflowStack('docs-');
  db = stack.db;
  app = makeApp(stack, { env: { PUBLIC_BASE_URL: 'http://tracker.test' } });
  for (const p of PRINCIPALS) tokens[p] = await issueToken(db, p);
});

afterAll(async () => {
  await stack?.stop();
});

const today = () => vietnamDate(Date.now());
let serial = 100;
/** A fresh number of this year for an issuer's circular, e.g. 101/2026/TT-BGDDT. */
function circularNumber(issuer = 'BGDDT', year = today().slice(0, 4)): string {
  serial += 1;
  return `${serial}/${year}/TT-${issuer}`;
}
const path = (number: string) => `/api/documents/${encodeURIComponent(number)}`;

async function registerCircular(
  overrides: Record<string, unknown> = {},
  who: (typeof PRINCIPALS)[number] = 'ministry:BGDDT',
) {
  const body = {
    number: circularNumber(),
    kind: 'CIRCULAR',
    issuer: 'BGDDT',
    title: 'Hướng dẫn tuyển dụng viên chức cấp xã',
    issuedOn: today(),
    ...overrides,
  };
  const res = await request(app).post('/api/documents').set(as(who)).send(body);
  return { res, body };
}

async function createTask(lead = 'BGDDT', status = 'REQUIRES_GUIDANCE') {
  const code = uid('DOC-');
  const res = await request(app)
    .post('/api/tasks')
    .set(as('home-affairs'))
    .send({
      code,
      title: `Task settled by a circular ${code}`,
      sector: 'Education',
      status,
      leadMinistry: lead,
      focalPoint: { name: 'Nguyen Van An', email: 'an@bgddt.test' },
    });
  expect(res.status).toBe(201);
  return code;
}

async function documentRows(number: string) {
  return {
    documents: await db.prisma.legalDocument.count({ where: { number } }),
    events: await db.prisma.documentEvent.count({ where: { documentNumber: number } }),
  };
}

async function taskTrace(code: string) {
  const row = await db.prisma.task.findUniqueOrThrow({ where: { code } });
  return { status: row.status, lastSeq: row.lastSeq, documents: row.documents, feasibleFrom: row.feasibleFrom };
}

describe('the document registry', () => {
  it('when the issuing ministry registers a circular, then it is stored, audited, found by number and by search', async () => {
    const { res, body } = await registerCircular({
      title: 'Thông tư hướng dẫn tuyển dụng giáo viên mầm non',
      url: 'https://vanban.example/tt',
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(path(body.number));
    // The date sent, not today() again: Viet Nam's midnight may have passed since.
    expect(res.body).toMatchObject({
      number: body.number,
      kind: 'CIRCULAR',
      issuer: 'BGDDT',
      issuedOn: body.issuedOn,
      effectiveOn: body.issuedOn,
      url: 'https://vanban.example/tt',
      registeredBy: 'ministry:BGDDT',
    });

    const got = await request(app).get(path(body.number)).set(as('public'));
    expect(got.status).toBe(200);
    expect(got.body.number).toBe(body.number);
    const found = await request(app)
      .get('/api/documents')
      .query({ q: 'mầm non', issuer: 'BGDDT' })
      .set(as('locality:HNI'));
    expect(found.body.items.map((d: { number: string }) => d.number)).toEqual([body.number]);
    expect((await request(app).get('/api/documents').query({ q: body.number }).set(as('public'))).body.total).toBe(1);
    const history = await request(app)
      .get(`${path(body.number)}/history`)
      .set(as('public'));
    expect(history.body.items).toEqual([expect.objectContaining({ actor: 'ministry:BGDDT', kind: 'REGISTERED' })]);
  });

  it('when Home Affairs registers a Government decree, then it is accepted', async () => {
    const number = `${++serial}/${today().slice(0, 4)}/NĐ-CP`;
    const res = await request(app)
      .post('/api/documents')
      .set(as('home-affairs'))
      .send({
        number,
        kind: 'DECREE',
        issuer: 'CP',
        title: 'Nghị định phân cấp',
        issuedOn: today(),
        effectiveOn: addDays(today(), 45),
      });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ number, kind: 'DECREE', issuer: 'CP', registeredBy: 'home-affairs' });
  });

  const year = () => today().slice(0, 4);
  it.each([
    ['a number not in the Vietnamese form', () => ({ number: 'TT 15 2026' }), 400, 'body.number'],
    ['an issue date later than today in Viet Nam', () => ({ issuedOn: addDays(today(), 1) }), 422, 'body.issuedOn'],
    [
      'an issue date in 2200',
      () => ({ number: `${++serial}/2200/TT-BGDDT`, issuedOn: '2200-01-01' }),
      422,
      'body.issuedOn',
    ],
    ['an effective date before the issue date', () => ({ effectiveOn: addDays(today(), -1) }), 422, 'body.effectiveOn'],
    ['an effective date decades away', () => ({ effectiveOn: addDays(today(), 365 * 30) }), 422, 'body.effectiveOn'],
    [
      'an implausibly old issue date',
      () => ({ number: `${++serial}/1900/TT-BGDDT`, issuedOn: '1900-01-02' }),
      422,
      'body.issuedOn',
    ],
    [
      'a year in the number that is not the issue year',
      () => ({ number: `${++serial}/2019/TT-BGDDT` }),
      422,
      'body.issuedOn',
    ],
    ['a symbol of another kind', () => ({ number: `${++serial}/${year()}/NĐ-BGDDT` }), 422, 'body.kind'],
    ['a symbol without the issuer', () => ({ number: `${++serial}/${year()}/TT-BYT` }), 422, 'body.issuer'],
    ['an unknown kind', () => ({ kind: 'MEMO' }), 400, 'body.kind'],
    ['a link that is not http(s)', () => ({ url: 'javascript:alert(1)' }), 400, 'body.url'],
    ['an unknown field', () => ({ secret: true }), 400, 'body.secret'],
  ])(
    'when a registration has %s, then it is refused naming the field and nothing is stored',
    async (_what, change, status, field) => {
      const { res, body } = await registerCircular(change());
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await documentRows(body.number)).toEqual({ documents: 0, events: 0 });
    },
  );

  it('when a ministry registers a document of another issuer, then it is 403 and nothing is stored', async () => {
    const number = circularNumber('BYT');
    const res = await request(app)
      .post('/api/documents')
      .set(as('ministry:BGDDT'))
      .send({ number, kind: 'CIRCULAR', issuer: 'BYT', title: 'x', issuedOn: today() });
    expect(res.status).toBe(403);
    expect(res.body.errors).toEqual([{ field: 'body.issuer', message: 'must be BGDDT for this token' }]);
    expect(await documentRows(number)).toEqual({ documents: 0, events: 0 });
    expect(
      (
        await request(app)
          .post('/api/documents')
          .set(as('locality:HNI'))
          .send({ number, kind: 'CIRCULAR', issuer: 'BYT', title: 'x', issuedOn: today() })
      ).status,
    ).toBe(403);
  });

  it('when a number is registered twice, then the second is 409 and the first is unchanged', async () => {
    const { res, body } = await registerCircular();
    expect(res.status).toBe(201);
    const again = await request(app)
      .post('/api/documents')
      .set(as('home-affairs'))
      .send({ ...body, title: 'changed' });
    expect(again.status).toBe(409);
    expect((await request(app).get(path(body.number)).set(as('public'))).body.title).toBe(body.title);
    expect(await documentRows(body.number)).toEqual({ documents: 1, events: 1 });
  });

  it('when an unknown document is asked for, then it is 404', async () => {
    expect(
      (
        await request(app)
          .get(path(`9999/${today().slice(0, 4)}/TT-BGDDT`))
          .set(as('public'))
      ).status,
    ).toBe(404);
  });
});

describe('one document settles many tasks', () => {
  it('when the issuing ministry settles three of its tasks, then each becomes FEASIBLE, shows the document, and the answer lists each', async () => {
    const { body } = await registerCircular();
    const codes = [await createTask(), await createTask(), await createTask()];
    const res = await request(app)
      .post(`${path(body.number)}/settlements`)
      .set(as('ministry:BGDDT'))
      .send({ tasks: codes });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual(
      codes.map((task) => ({ task, outcome: 'FEASIBLE', status: 'FEASIBLE', feasibleFrom: null, message: null })),
    );
    for (const code of codes) {
      const task = await request(app).get(`/api/tasks/${code}`).set(as('public'));
      expect(task.body).toMatchObject({ status: 'FEASIBLE', feasibleFrom: null });
      expect(task.body.documents).toEqual([
        expect.objectContaining({ number: body.number, kind: 'CIRCULAR', issuer: 'BGDDT', via: 'SETTLEMENT' }),
      ]);
    }
    // The same request again, twice at once, changes nothing and answers the same.
    const seqs = await Promise.all(codes.map(async (c) => (await taskTrace(c)).lastSeq));
    const agains = await Promise.all(
      [1, 2].map(() =>
        request(app)
          .post(`${path(body.number)}/settlements`)
          .set(as('ministry:BGDDT'))
          .send({ tasks: codes }),
      ),
    );
    for (const again of agains) {
      expect(again.status).toBe(200);
      expect(again.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([
        'FEASIBLE',
        'FEASIBLE',
        'FEASIBLE',
      ]);
    }
    expect(await Promise.all(codes.map(async (c) => (await taskTrace(c)).lastSeq))).toEqual(seqs);
    const history = await request(app)
      .get(`${path(body.number)}/history`)
      .set(as('public'));
    // The same request reaches the same settlement: its start is in the document's history once.
    expect(history.body.items.map((i: { kind: string }) => i.kind)).toEqual(['REGISTERED', 'SETTLEMENT_STARTED']);
  });

  it('when the document takes effect later, then the tasks record it now and show "feasible from" that date', async () => {
    const effectiveOn = addDays(today(), 30);
    const { body } = await registerCircular({ effectiveOn });
    const code = await createTask();
    const res = await request(app)
      .post(`${path(body.number)}/settlements`)
      .set(as('home-affairs'))
      .send({ tasks: [code] });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      { task: code, outcome: 'FEASIBLE_FROM', status: 'REQUIRES_GUIDANCE', feasibleFrom: effectiveOn, message: null },
    ]);
    const task = await request(app).get(`/api/tasks/${code}`).set(as('public'));
    expect(task.body).toMatchObject({ status: 'REQUIRES_GUIDANCE', feasibleFrom: effectiveOn, daysOverdue: 0 });
    expect(task.body.documents.map((d: { number: string }) => d.number)).toEqual([body.number]);
    const events = await request(app).get(`/api/tasks/${code}/history`).set(as('public'));
    expect(events.body.items.map((i: { kind: string }) => i.kind)).toEqual(['CREATED', 'DOCUMENT_RECORDED']);
  });

  it("when a batch names another ministry's task, an unknown task or a FEASIBLE one, then nothing moves and each refusal is listed by task", async () => {
    const { body } = await registerCircular();
    const mine = await createTask();
    const theirs = await createTask('BYT');
    const done = await createTask('BGDDT', 'FEASIBLE');
    const before = await Promise.all([mine, theirs, done].map(taskTrace));

    const forbiddenBatch = await request(app)
      .post(`${path(body.number)}/settlements`)
      .set(as('ministry:BGDDT'))
      .send({ tasks: [mine, theirs, 'NO-SUCH-1', done] });
    expect(forbiddenBatch.status).toBe(403);
    expect(forbiddenBatch.body.refusals.map((r: { task: string; code: string }) => [r.task, r.code])).toEqual([
      [theirs, 'FORBIDDEN'],
      ['NO-SUCH-1', 'NOT_FOUND'],
      [done, 'ILLEGAL_TRANSITION'],
    ]);
    expect(forbiddenBatch.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'body.tasks.1',
      'body.tasks.2',
      'body.tasks.3',
    ]);

    const unknown = await request(app)
      .post(`${path(body.number)}/settlements`)
      .set(as('home-affairs'))
      .send({ tasks: [mine, 'NO-SUCH-2'] });
    expect(unknown.status).toBe(422);
    expect(await Promise.all([mine, theirs, done].map(taskTrace))).toEqual(before);

    // Home Affairs may settle any ministry's tasks.
    const ha = await request(app)
      .post(`${path(body.number)}/settlements`)
      .set(as('home-affairs'))
      .send({ tasks: [mine, theirs] });
    expect(ha.status).toBe(200);
    expect(ha.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['FEASIBLE', 'FEASIBLE']);
  });

  it('when the document is unknown or of another issuer, or the body is bad, then it is refused naming the field', async () => {
    const code = await createTask();
    const unknown = await request(app)
      .post(`${path(`9998/${today().slice(0, 4)}/TT-BGDDT`)}/settlements`)
      .set(as('home-affairs'))
      .send({ tasks: [code] });
    expect(unknown.status).toBe(404);
    const { body } = await registerCircular({ number: circularNumber('BYT'), issuer: 'BYT' }, 'ministry:BYT');
    const wrongIssuer = await request(app)
      .post(`${path(body.number)}/settlements`)
      .set(as('ministry:BGDDT'))
      .send({ tasks: [code] });
    expect(wrongIssuer.status).toBe(403);
    expect(wrongIssuer.body.errors).toEqual([
      expect.objectContaining({ field: 'params.number', rule: 'NOT_OWN_DOCUMENT' }),
    ]);
    const twice = await request(app)
      .post(`${path(body.number)}/settlements`)
      .set(as('home-affairs'))
      .send({ tasks: [code, code] });
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0].field).toBe('body.tasks');
    const empty = await request(app)
      .post(`${path(body.number)}/settlements`)
      .set(as('home-affairs'))
      .send({ tasks: [] });
    expect(empty.status).toBe(400);
    const badNumber = await request(app)
      .post('/api/documents/not-a-number/settlements')
      .set(as('home-affairs'))
      .send({ tasks: [code] });
    expect(badNumber.status).toBe(400);
    expect(badNumber.body.errors[0].field).toBe('params.number');
    expect((await taskTrace(code)).lastSeq).toBe(1);
  });
});

describe('milestones', () => {
  it('when a milestone is recorded twice, then the second changes nothing, except a consultation, which may repeat', async () => {
    const code = await createTask();
    const record = (name: string) =>
      request(app).post(`/api/tasks/${code}/milestones`).set(as('ministry:BGDDT')).send({ name });
    expect((await record('DRAFTING')).body.lastSeq).toBe(2);
    const again = await record('DRAFTING');
    expect(again.status).toBe(200);
    expect(again.body.lastSeq).toBe(2);
    await record('CONSULTATION');
    const second = await record('CONSULTATION');
    expect(second.body.milestones.map((m: { name: string }) => m.name)).toEqual([
      'DRAFTING',
      'CONSULTATION',
      'CONSULTATION',
    ]);
    expect((await taskTrace(code)).lastSeq).toBe(4);
  });

  it('when ISSUED is sent as a milestone, then it is refused: issuing is the transition that carries the document', async () => {
    const code = await createTask();
    const res = await request(app)
      .post(`/api/tasks/${code}/milestones`)
      .set(as('ministry:BGDDT'))
      .send({ name: 'ISSUED' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.name');
    expect((await taskTrace(code)).lastSeq).toBe(1);
  });
});

describe('extension requests', () => {
  async function taskDueIn(days: number) {
    const code = uid('EXT-');
    const res = await request(app)
      .post('/api/tasks')
      .set(as('home-affairs'))
      .send({
        code,
        title: `Task asking for time ${code}`,
        sector: 'Education',
        status: 'REQUIRES_GUIDANCE',
        leadMinistry: 'BGDDT',
        dueDate: addDays(today(), days),
      });
    expect(res.status).toBe(201);
    return { code, dueDate: res.body.dueDate as string };
  }

  it('when the lead ministry asks and Home Affairs approves, then the deadline moves only on approval and both are audited', async () => {
    const { code, dueDate } = await taskDueIn(20);
    const wanted = addDays(dueDate, 45);
    const asked = await request(app)
      .post(`/api/tasks/${code}/extension-requests`)
      .set(as('ministry:BGDDT'))
      .send({ dueDate: wanted, reason: 'Consultation with 34 provinces takes longer' });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({ dueDate, extensionRequest: { dueDate: wanted, requestedBy: 'ministry:BGDDT' } });
    const seen = (await request(app).get(`/api/tasks/${code}`).set(as('public'))).body;
    expect(seen.dueDate).toBe(dueDate);
    // The public sees that a later date is asked for, not the ministry's reason or who asked.
    expect(seen.extensionRequest).toEqual({ dueDate: wanted, requestedAt: asked.body.extensionRequest.requestedAt });

    const approved = await request(app)
      .post(`/api/tasks/${code}/extension-requests/decision`)
      .set(as('home-affairs'))
      .send({ approve: true });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ extensionRequest: null, deadlineExtensions: 1 });
    expect(approved.body.dueDate >= wanted).toBe(true);
    // Actors are names of people's offices: the public token does not see them.
    const history = await request(app).get(`/api/tasks/${code}/history`).set(as('home-affairs'));
    expect(history.body.items.map((i: { kind: string; actor: string }) => `${i.kind}:${i.actor}`)).toEqual([
      'CREATED:home-affairs',
      'EXTENSION_REQUESTED:ministry:BGDDT',
      'EXTENSION_APPROVED:home-affairs',
    ]);
  });

  it('when Home Affairs refuses, then the deadline stays and the refusal needs a reason', async () => {
    const { code, dueDate } = await taskDueIn(20);
    await request(app)
      .post(`/api/tasks/${code}/extension-requests`)
      .set(as('ministry:BGDDT'))
      .send({ dueDate: addDays(dueDate, 10), reason: 'more time' })
      .expect(200);
    const noReason = await request(app)
      .post(`/api/tasks/${code}/extension-requests/decision`)
      .set(as('home-affairs'))
      .send({ approve: false });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('body.reason');
    const refused = await request(app)
      .post(`/api/tasks/${code}/extension-requests/decision`)
      .set(as('home-affairs'))
      .send({ approve: false, reason: 'The plan allows no delay' });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ dueDate, extensionRequest: null, deadlineExtensions: 0 });
  });

  const cases: [string, (due: string) => object, (typeof PRINCIPALS)[number], number, string | null][] = [
    ['a date before today', () => ({ dueDate: addDays(today(), -1), reason: 'x' }), 'ministry:BGDDT', 409, 'dueDate'],
    [
      'a date before the current due date',
      (due) => ({ dueDate: addDays(due, -1), reason: 'x' }),
      'ministry:BGDDT',
      409,
      'dueDate',
    ],
    ['no reason', (due) => ({ dueDate: addDays(due, 5) }), 'ministry:BGDDT', 400, 'body.reason'],
    ['another ministry asking', (due) => ({ dueDate: addDays(due, 5), reason: 'x' }), 'ministry:BYT', 403, null],
    [
      'Home Affairs asking (it sets deadlines directly)',
      (due) => ({ dueDate: addDays(due, 5), reason: 'x' }),
      'home-affairs',
      403,
      null,
    ],
  ];
  it.each(cases)(
    'when a request has %s, then it is refused and nothing changes',
    async (_what, body, who, status, field) => {
      const { code, dueDate } = await taskDueIn(20);
      const res = await request(app).post(`/api/tasks/${code}/extension-requests`).set(as(who)).send(body(dueDate));
      expect(res.status).toBe(status);
      if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect((await taskTrace(code)).lastSeq).toBe(1);
    },
  );

  it('when a ministry decides, or nothing is pending, then the decision is refused', async () => {
    const { code, dueDate } = await taskDueIn(20);
    expect(
      (
        await request(app)
          .post(`/api/tasks/${code}/extension-requests/decision`)
          .set(as('home-affairs'))
          .send({ approve: true })
      ).status,
    ).toBe(409);
    await request(app)
      .post(`/api/tasks/${code}/extension-requests`)
      .set(as('ministry:BGDDT'))
      .send({ dueDate: addDays(dueDate, 3), reason: 'x' })
      .expect(200);
    expect(
      (
        await request(app)
          .post(`/api/tasks/${code}/extension-requests/decision`)
          .set(as('ministry:BGDDT'))
          .send({ approve: true })
      ).status,
    ).toBe(403);
    expect(
      (
        await request(app)
          .post(`/api/tasks/${code}/extension-requests`)
          .set(as('ministry:BGDDT'))
          .send({ dueDate: addDays(dueDate, 9), reason: 'again' })
      ).status,
    ).toBe(409);
  });
});

describe('held up by another ministry', () => {
  it('when the holding ministry registers the awaited document, then the task is released and its lead ministry told; the ranking counts the hold-ups', async () => {
    const named = await createTask();
    const unnamed = await createTask();
    const other = await createTask('BYT');
    const number = `${++serial}/${today().slice(0, 4)}/TT-BYT`;
    const hold = (code: string, who: (typeof PRINCIPALS)[number], extra: object = {}) =>
      request(app)
        .put(`/api/tasks/${code}/held-up`)
        .set(as(who))
        .send({ ministry: 'BYT', description: 'the circular on health-sector recruitment', ...extra });
    const held = await hold(named, 'ministry:BGDDT', { documentNumber: number });
    expect(held.status).toBe(200);
    expect(held.body.heldUp).toMatchObject({ ministry: 'BYT', documentNumber: number, recordedBy: 'ministry:BGDDT' });
    const seen = (await request(app).get(`/api/tasks/${named}`).set(as('public'))).body;
    expect(seen.heldUp).toEqual({
      ministry: 'BYT',
      description: 'the circular on health-sector recruitment',
      documentNumber: number,
      since: held.body.heldUp.since,
    });
    await hold(unnamed, 'home-affairs').expect(200);
    expect((await hold(other, 'home-affairs')).status).toBe(409);
    expect((await hold(named, 'ministry:BYT')).status).toBe(403);

    const ranking = await request(app).get('/api/dashboard/held-up').set(as('public'));
    expect(ranking.body.items.find((r: { ministry: string }) => r.ministry === 'BYT')).toMatchObject({
      tasks: 2,
      ministries: 1,
    });

    // A registration may name only tasks the issuer holds up.
    const wrong = await request(app)
      .post('/api/documents')
      .set(as('ministry:BYT'))
      .send({
        number,
        kind: 'CIRCULAR',
        issuer: 'BYT',
        title: 'Tuyển dụng ngành y tế',
        issuedOn: today(),
        releases: [other],
      });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].field).toBe('body.releases.0');

    const registered = await request(app)
      .post('/api/documents')
      .set(as('ministry:BYT'))
      .send({ number, kind: 'CIRCULAR', issuer: 'BYT', title: 'Tuyển dụng ngành y tế', issuedOn: today() });
    expect(registered.status).toBe(201);
    expect(registered.body.releasedTasks).toEqual([named]);
    const released = async (code: string) =>
      (await request(app).get(`/api/tasks/${code}`).set(as('public'))).body.heldUp === null;
    for (let i = 0; i < 100 && !(await released(named)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await released(named)).toBe(true);
    expect(await released(unnamed)).toBe(false);
    const history = await request(app).get(`/api/tasks/${named}/history`).set(as('home-affairs'));
    expect(history.body.items.map((i: { kind: string; actor: string }) => `${i.kind}:${i.actor}`)).toEqual([
      'CREATED:home-affairs',
      'HELD_UP:ministry:BGDDT',
      'HOLD_UP_RELEASED:system',
    ]);
    const mails = () =>
      stack.smtp.received.filter(
        (m) => m.subject.includes(`[${named}] Hết vướng`) && m.subject.includes('No longer held up'),
      );
    for (let i = 0; i < 100 && mails().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(mails().map((m) => m.to)).toEqual([['an@bgddt.test']]);

    // The unnamed hold-up is released by hand (or by a registration that lists it).
    const byHand = await request(app).post(`/api/tasks/${unnamed}/held-up/release`).set(as('ministry:BGDDT')).send({});
    expect(byHand.status).toBe(200);
    expect(byHand.body.heldUp).toBeNull();
    expect(
      (await request(app).post(`/api/tasks/${unnamed}/held-up/release`).set(as('ministry:BGDDT')).send({})).status,
    ).toBe(409);
  });
});

describe('days overdue in working days', () => {
  it('when PostgreSQL counts working days, then the Tết break is not overdue time, as the domain rule says', async () => {
    const { withOverdueCalendar, getTask } = await import('../../db/tasks');
    const { overdueDays } = await import('../../domain/deadline-policy');
    const { daysOverdue, deadlineInstant } = await import('../../domain/dates');
    // The calendar as built in 2026 (last year to four years ahead): loadConfig's covers the years
    // around the day the test runs, and from 2028 on it would no longer know Tết 2026.
    const calendar = loadWorkingCalendar(
      nodePath.resolve(loadConfig({}).CALENDAR_FILE),
      Date.parse('2026-06-01T00:00:00Z'),
    );
    const code = uid('WD-');
    await request(app)
      .post('/api/tasks')
      .set(as('home-affairs'))
      .send({
        code,
        title: 'Due the Friday before Tết 2026',
        sector: 'Education',
        status: 'REQUIRES_GUIDANCE',
        leadMinistry: 'BGDDT',
        dueDate: '2026-02-13',
      })
      .expect(201);
    const working = withOverdueCalendar(db, calendar);
    {
      const policy = { calendar, dueDaysUnit: 'working' as const };
      const at = [
        deadlineInstant('2026-02-13') - 1,
        deadlineInstant('2026-02-13'),
        deadlineInstant('2026-02-22') - 1,
        deadlineInstant('2026-02-22'),
        deadlineInstant('2026-03-02'),
      ];
      const fromSql = [];
      for (const nowMs of at) fromSql.push((await getTask(working, code, nowMs))?.daysOverdue);
      expect(fromSql).toEqual([0, 0, 0, 1, 7]);
      expect(at.map((nowMs) => overdueDays(policy, '2026-02-13', nowMs))).toEqual(fromSql);
      // The handle without the calendar still counts calendar days (nothing global changed).
      const march = deadlineInstant('2026-03-02');
      expect((await getTask(db, code, march))?.daysOverdue).toBe(daysOverdue('2026-02-13', march));
    }
  });
});

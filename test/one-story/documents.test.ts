/**
 * One story (issue 23, "Every document that moves a task is a registered document"; "Date answers
 * agree"; issue 28's document numbers, hold-ups and dates), on the real stack: PostgreSQL, the Temporal
 * dev server and a worker, SMTP on loopback.
 */
import request from 'supertest';
import { addDays, vietnamDate } from '../../domain/dates';
import { useApiFixture } from '../support/api-fixture';
import { eventually } from '../support/harness';

const f = useApiFixture('one-story-docs-');
const today = () => vietnamDate(Date.now());
const year = () => today().slice(0, 4);
let serial = 7000 + Math.floor(Math.random() * 1000);
const next = () => ++serial;
const docPath = (number: string) => `/api/documents/${encodeURIComponent(number)}`;

async function counts(code: string) {
  return {
    task: await f.snapshot(code),
    documents: await f.db.prisma.legalDocument.count(),
    documentEvents: await f.db.prisma.documentEvent.count(),
  };
}

function move(code: string, document: Record<string, unknown>, who: Parameters<typeof f.as>[0] = 'ministry:BGDDT') {
  return request(f.app)
    .post(`/api/tasks/${code}/transitions`)
    .set(f.as(who))
    .send({ to: 'FEASIBLE', from: 'REQUIRES_GUIDANCE', document });
}

describe('a transition cites a registered document', () => {
  it('when a ministry cites an unregistered document of its own symbol, then the document is registered in the step (issuer and kind from the symbol) and the task records it as registered', async () => {
    const code = await f.createTask();
    const number = `${next()}/${year()}/TT-BGDDT`;
    expect((await request(f.app).get(docPath(number)).set(f.as('public'))).status).toBe(404);

    const res = await move(code, { number, issuedOn: today() });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('FEASIBLE');

    const doc = await request(f.app).get(docPath(number)).set(f.as('public'));
    expect(doc.status).toBe(200);
    expect(doc.body).toMatchObject({
      number,
      kind: 'CIRCULAR',
      issuer: 'BGDDT',
      title: `Thông tư ${number}`,
      issuedOn: today(),
      effectiveOn: today(),
      registeredBy: 'ministry:BGDDT',
    });
    const history = await request(f.app)
      .get(`${docPath(number)}/history`)
      .set(f.as('public'));
    expect(history.body.items).toEqual([
      expect.objectContaining({
        kind: 'REGISTERED',
        actor: 'ministry:BGDDT',
        details: expect.objectContaining({ via: 'TRANSITION', task: code }),
      }),
    ]);
    const task = await request(f.app).get(`/api/tasks/${code}`).set(f.as('home-affairs'));
    expect(task.body.documents).toEqual([
      expect.objectContaining({
        number,
        kind: 'CIRCULAR',
        issuer: 'BGDDT',
        title: `Thông tư ${number}`,
        issuedOn: today(),
        effectiveOn: today(),
        via: 'TRANSITION',
      }),
    ]);
  });

  it.each([
    ["another ministry's circular", () => `${next()}/${year()}/TT-BTP`, 403, 'NOT_OWN_DOCUMENT'],
    ['a Government decree', () => `${next()}/${year()}/NĐ-CP`, 403, 'CENTRAL_DOCUMENT'],
    ["a Prime Minister's decision", () => `${next()}/QĐ-TTg`, 403, 'CENTRAL_DOCUMENT'],
    ['markup instead of a number', () => 'whatever <b>bold</b>', 422, 'NUMBER_FORM'],
    ['a symbol naming no issuer', () => `${next()}/${year()}/TT-XYZ`, 422, 'UNKNOWN_ISSUER'],
  ])(
    'when a ministry cites %s, then it is refused naming body.document.number and nothing changes',
    async (_what, number, status, rule) => {
      const code = await f.createTask();
      const before = await counts(code);
      const res = await move(code, { number: number(), issuedOn: today() });
      expect(res.status).toBe(status);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.document.number', rule })]);
      expect(await counts(code)).toEqual(before);
    },
  );

  it("when a ministry cites another ministry's registered circular, then 403 and nothing changes; Home Affairs may cite it and a Government decree", async () => {
    const number = `${next()}/${year()}/TT-BTC`;
    expect(
      (
        await request(f.app)
          .post('/api/documents')
          .set(f.as('ministry:BTC'))
          .send({ number, kind: 'CIRCULAR', issuer: 'BTC', title: 'Hướng dẫn', issuedOn: today() })
      ).status,
    ).toBe(201);
    const code = await f.createTask();
    const before = await counts(code);
    const refused = await move(code, { number, issuedOn: today() });
    expect(refused.status).toBe(403);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ field: 'body.document.number', rule: 'NOT_OWN_DOCUMENT' }),
    ]);
    expect(await counts(code)).toEqual(before);

    expect((await move(code, { number, issuedOn: today() }, 'home-affairs')).status).toBe(200);
    const other = await f.createTask();
    const decree = `${next()}/${year()}/NĐ-CP`;
    expect((await move(other, { number: decree, issuedOn: today() }, 'home-affairs')).status).toBe(200);
    expect((await request(f.app).get(docPath(decree)).set(f.as('public'))).body).toMatchObject({
      kind: 'DECREE',
      issuer: 'CP',
      registeredBy: 'home-affairs',
    });
  });

  it('when a number differs only in letter case, then it is the same document: registering it again is 409, a transition citing it records the registered number, and the registry holds one', async () => {
    const n = next();
    const number = `${n}/${year()}/TT-BGDDT`;
    const lower = `${n}/${year()}/tt-bgddt`;
    expect(
      (
        await request(f.app)
          .post('/api/documents')
          .set(f.as('ministry:BGDDT'))
          .send({ number, kind: 'CIRCULAR', issuer: 'BGDDT', title: 'Hướng dẫn', issuedOn: today() })
      ).status,
    ).toBe(201);
    const again = await request(f.app)
      .post('/api/documents')
      .set(f.as('ministry:BGDDT'))
      .send({ number: lower, kind: 'CIRCULAR', issuer: 'BGDDT', title: 'Hướng dẫn', issuedOn: today() });
    expect(again.status).toBe(409);
    expect((await request(f.app).get(docPath(lower)).set(f.as('public'))).body.number).toBe(number);

    const code = await f.createTask();
    expect((await move(code, { number: lower, issuedOn: today() })).status).toBe(200);
    const task = await request(f.app).get(`/api/tasks/${code}`).set(f.as('home-affairs'));
    expect(task.body.documents.map((d: { number: string }) => d.number)).toEqual([number]);
    const all = await f.db.prisma.legalDocument.findMany({ where: { number: { in: [number, lower] } } });
    expect(all.map((d) => d.number)).toEqual([number]);
  });

  it('when a transition cites a registered number with other dates, then 422 names the date and nothing changes', async () => {
    const number = `${next()}/${year()}/TT-BGDDT`;
    const issuedOn = addDays(today(), -3).slice(0, 4) === year() ? addDays(today(), -3) : today();
    expect(
      (
        await request(f.app)
          .post('/api/documents')
          .set(f.as('ministry:BGDDT'))
          .send({ number, kind: 'CIRCULAR', issuer: 'BGDDT', title: 'Hướng dẫn', issuedOn })
      ).status,
    ).toBe(201);
    const code = await f.createTask();
    const before = await counts(code);
    const other = issuedOn === today() ? addDays(today(), -1) : today();
    const res = await move(code, { number, issuedOn: other });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'body.document.issuedOn', rule: 'REGISTERED_OTHERWISE' }),
    ]);
    expect(await counts(code)).toEqual(before);
  });
});

describe('transition and settlement share one path', () => {
  async function withObstacles(code: string) {
    for (const locality of ['HNI', 'HCM'] as const) {
      const res = await request(f.app)
        .post(`/api/localities/${locality}/report`)
        .set(f.as(`locality:${locality}`))
        .send({
          cells: [{ task: code, state: 'OBSTACLE', category: 'LEGAL_BASIS', text: 'Chưa có hướng dẫn tuyển dụng' }],
        });
      expect(res.status).toBe(200);
    }
  }

  async function cells(code: string) {
    const rows = await f.db.prisma.localityCell.findMany({
      where: { taskCode: code },
      orderBy: { localityCode: 'asc' },
    });
    return rows.map((r) => ({
      locality: r.localityCode,
      state: r.state,
      category: r.category,
      text: r.text,
      resolvedBy: r.resolvedBy,
    }));
  }

  async function cellEvents(code: string) {
    const rows = await f.db.prisma.cellEvent.findMany({
      where: { taskCode: code },
      orderBy: [{ localityCode: 'asc' }, { seq: 'asc' }],
    });
    return rows.map((r) => ({
      locality: r.localityCode,
      kind: r.kind,
      actor: r.actor,
      document: (r.details as { document?: unknown }).document ?? null,
    }));
  }

  /** Messages received by the SMTP server on loopback about the task (its code is in each). */
  const mailsOf = (code: string, number: string) =>
    f.stack.smtp.received.filter((m) => m.raw.includes(code) && m.raw.includes(number));
  /** The closing-the-loop e-mails as written to the outbox and sent, with the task's code (the only intended difference) made neutral. */
  const notices = async (code: string) =>
    (await f.db.prisma.notification.findMany({ where: { taskCode: code, kind: 'OBSTACLE_RESOLVED' } }))
      .map((n) => ({
        locality: n.localityCode,
        to: n.recipients,
        status: n.status,
        subject: n.subject.replaceAll(code, 'TASK'),
        body: n.body.replaceAll(code, 'TASK'),
      }))
      .sort((a, b) => String(a.locality).localeCompare(String(b.locality)));

  it('when one task moves to FEASIBLE by a transition and another is settled with the same document, then both leave identical cells, cell events and e-mails, and both are FEASIBLE', async () => {
    const moved = await f.createTask({ title: 'Tuyển dụng viên chức cấp xã' });
    const settled = await f.createTask({ title: 'Tuyển dụng viên chức cấp xã' });
    await withObstacles(moved);
    await withObstacles(settled);
    const number = `${next()}/${year()}/TT-BGDDT`;
    expect(
      (
        await request(f.app)
          .post('/api/documents')
          .set(f.as('ministry:BGDDT'))
          .send({ number, kind: 'CIRCULAR', issuer: 'BGDDT', title: 'Hướng dẫn tuyển dụng', issuedOn: today() })
      ).status,
    ).toBe(201);

    expect((await move(moved, { number, issuedOn: today() })).status).toBe(200);
    const settlement = await request(f.app)
      .post(`${docPath(number)}/settlements`)
      .set(f.as('ministry:BGDDT'))
      .send({ tasks: [settled] });
    expect(settlement.status).toBe(200);
    expect(settlement.body.results).toEqual([expect.objectContaining({ task: settled, outcome: 'FEASIBLE' })]);

    await eventually(
      async () => mailsOf(moved, number).length === 2 && mailsOf(settled, number).length === 2,
      30_000,
      'the closing-the-loop e-mails of both tasks',
    );
    const [movedCells, settledCells] = [await cells(moved), await cells(settled)];
    expect(movedCells).toHaveLength(2);
    expect(movedCells.every((c) => (c.resolvedBy as { number?: string } | null)?.number === number)).toBe(true);
    const withoutSeq = (cs: typeof movedCells) =>
      cs.map((c) => ({ ...c, resolvedBy: { ...(c.resolvedBy as object), taskSeq: 'n' } }));
    expect(withoutSeq(settledCells)).toEqual(withoutSeq(movedCells));
    expect(await cellEvents(settled)).toEqual(await cellEvents(moved));
    const sent = await notices(moved);
    expect(sent.map((n) => [n.locality, n.status])).toEqual([
      ['HCM', 'SENT'],
      ['HNI', 'SENT'],
    ]);
    expect(await notices(settled)).toEqual(sent);
    expect(
      mailsOf(settled, number)
        .map((m) => m.to)
        .sort(),
    ).toEqual(
      mailsOf(moved, number)
        .map((m) => m.to)
        .sort(),
    );

    const [a, b] = await Promise.all([f.snapshot(moved), f.snapshot(settled)]);
    expect([a.status, b.status]).toEqual(['FEASIBLE', 'FEASIBLE']);
  });
});

describe('date answers agree', () => {
  const strip = (res: request.Response) => ({
    status: res.status,
    detail: res.body.detail,
    message: res.body.errors?.[0]?.message,
    rule: res.body.errors?.[0]?.rule,
  });

  it('when the effective date is before the issue date, then the registry and a transition answer the same 422 with the same words', async () => {
    const issuedOn = today();
    const effectiveOn = addDays(issuedOn, -1);
    const registered = await request(f.app)
      .post('/api/documents')
      .set(f.as('ministry:BGDDT'))
      .send({
        number: `${next()}/${year()}/TT-BGDDT`,
        kind: 'CIRCULAR',
        issuer: 'BGDDT',
        title: 'Hướng dẫn',
        issuedOn,
        effectiveOn,
      });
    const code = await f.createTask();
    const before = await counts(code);
    const moved = await move(code, { number: `${next()}/${year()}/TT-BGDDT`, issuedOn, effectiveOn });
    expect(strip(registered)).toEqual({
      status: 422,
      detail: 'The document is refused: effectiveOn must be on or after issuedOn.',
      message: 'must be on or after issuedOn',
      rule: 'EFFECTIVE_BEFORE_ISSUED',
    });
    expect(strip(moved)).toEqual(strip(registered));
    expect(registered.body.errors[0].field).toBe('body.effectiveOn');
    expect(moved.body.errors[0].field).toBe('body.document.effectiveOn');
    expect(await counts(code)).toEqual(before);
  });

  it('when a document is not issued yet, then the registry, a transition and a settlement (of a row stored before the rules) answer the same 422', async () => {
    const tomorrow = addDays(today(), 1);
    const y = tomorrow.slice(0, 4);
    const registered = await request(f.app)
      .post('/api/documents')
      .set(f.as('ministry:BGDDT'))
      .send({
        number: `${next()}/${y}/TT-BGDDT`,
        kind: 'CIRCULAR',
        issuer: 'BGDDT',
        title: 'Hướng dẫn',
        issuedOn: tomorrow,
      });
    const code = await f.createTask();
    const moved = await move(code, { number: `${next()}/${y}/TT-BGDDT`, issuedOn: tomorrow });
    // A row as an older version could have stored it (the registry's own rules refuse it now).
    const stored = `${next()}/${y}/TT-BGDDT`;
    await f.db.prisma.legalDocument.create({
      data: {
        number: stored,
        numberKey: stored.toUpperCase(),
        kind: 'CIRCULAR',
        issuer: 'BGDDT',
        title: 'Hướng dẫn',
        issuedOn: new Date(`${tomorrow}T00:00:00Z`),
        effectiveOn: new Date(`${tomorrow}T00:00:00Z`),
        registeredBy: 'ministry:BGDDT',
      },
    });
    const before = await counts(code);
    const settled = await request(f.app)
      .post(`${docPath(stored)}/settlements`)
      .set(f.as('ministry:BGDDT'))
      .send({ tasks: [code] });
    const citedStored = await move(code, { number: stored, issuedOn: tomorrow });
    const expected = {
      status: 422,
      detail: `The document is refused: issuedOn must be no later than today in Viet Nam (${today()}): the document is not issued yet.`,
      message: `must be no later than today in Viet Nam (${today()}): the document is not issued yet`,
      rule: 'NOT_ISSUED_YET',
    };
    expect(strip(registered)).toEqual(expected);
    expect(strip(moved)).toEqual(expected);
    expect(strip(settled)).toEqual(expected);
    expect(strip(citedStored)).toEqual(expected);
    expect(await counts(code)).toEqual(before);
  });

  it.each([
    [
      'a deadline on 1900-01-01',
      (code: string) =>
        request(f.app)
          .put(`/api/tasks/${code}/deadline`)
          .set(f.as('home-affairs'))
          .send({ dueDate: '1900-01-01', reason: 'typo' }),
      'BEFORE_EARLIEST',
    ],
    [
      'a deadline on 2200-12-31',
      (code: string) =>
        request(f.app)
          .put(`/api/tasks/${code}/deadline`)
          .set(f.as('home-affairs'))
          .send({ dueDate: '2200-12-31', reason: 'typo' }),
      'BEYOND_WINDOW',
    ],
    [
      'an extension to 2200-12-31',
      (code: string) =>
        request(f.app)
          .post(`/api/tasks/${code}/extension-requests`)
          .set(f.as('ministry:BGDDT'))
          .send({ dueDate: '2200-12-31', reason: 'more time' }),
      'BEYOND_WINDOW',
    ],
  ])(
    "when Home Affairs or the lead asks for %s, then 422 names dueDate with the documents' date window and nothing changes",
    async (_what, send, rule) => {
      const code = await f.createTask({ dueDate: addDays(today(), 30) });
      const before = await counts(code);
      const res = await send(code);
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'dueDate', rule })]);
      expect(await counts(code)).toEqual(before);
    },
  );
});

describe("hold-ups name the holding ministry's document", () => {
  it('when a hold-up names a document of another issuer, then 422; a second hold-up on a held task is 409; the holder registering the number in another letter case releases the task', async () => {
    const code = await f.createTask();
    const hold = (body: Record<string, unknown>) =>
      request(f.app).put(`/api/tasks/${code}/held-up`).set(f.as('ministry:BGDDT')).send(body);
    const before = await counts(code);
    const foreign = await hold({
      ministry: 'BTC',
      description: 'Chờ thông tư của Bộ Tài chính',
      documentNumber: `${next()}/${year()}/TT-BYT`,
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors).toEqual([
      expect.objectContaining({ field: 'body.documentNumber', rule: 'HOLDER_NOT_ISSUER' }),
    ]);
    expect(await counts(code)).toEqual(before);

    const n = next();
    expect(
      (
        await hold({
          ministry: 'BTC',
          description: 'Chờ thông tư của Bộ Tài chính',
          documentNumber: `${n}/${year()}/TT-BTC`,
        })
      ).status,
    ).toBe(200);
    const held = await counts(code);
    const again = await hold({ ministry: 'BNV', description: 'Chờ hướng dẫn của Bộ Nội vụ' });
    expect(again.status).toBe(409);
    expect(await counts(code)).toEqual(held);

    const registered = await request(f.app)
      .post('/api/documents')
      .set(f.as('ministry:BTC'))
      .send({
        number: `${n}/${year()}/tt-btc`,
        kind: 'CIRCULAR',
        issuer: 'BTC',
        title: 'Hướng dẫn kinh phí',
        issuedOn: today(),
      });
    expect(registered.status).toBe(201);
    expect(registered.body.releasedTasks).toEqual([code]);
    await eventually(
      async () => (await f.db.prisma.task.findUniqueOrThrow({ where: { code } })).heldUp === null,
      30_000,
      'the release',
    );
  });
});

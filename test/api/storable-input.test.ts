import request from 'supertest';
import type { Express } from 'express';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { issueToken } from '../../db/tokens';
import { isBlankText, storableValue, unstorableReason } from '../../domain/storable-text';
import { checkText } from '../../domain/transition-rules';
import { localityReportUpdate, milestoneUpdate, taskWorkflowId } from '../../workflows/messages';
import { makeApp, startWorkflowStack, uid, type TestDatabase, type WorkflowStack } from '../support/harness';

// Whatever a validator accepts must be storable. The table holds text PostgreSQL refuses (checked
// against the real server first, so the table cannot go stale); every text field of every write
// route must refuse each of them with 400 naming the field, and change nothing.

const REFUSED_TEXT: [string, string][] = [
  ['a lone high surrogate', 'blocked \ud83d'],
  ['a lone low surrogate', '\udc00 blocked'],
  ['a reversed surrogate pair', 'x \ude00\ud83d y'],
  ['NUL', 'a\u0000b'],
];

let stack: WorkflowStack;
let db: TestDatabase;
let app: Express;
let token: string;
let localityToken: string;

beforeAll(async () => {
  stack = await startWorkflowStack('storable-');
  db = stack.db;
  app = makeApp(stack, { env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  token = await issueToken(db, 'home-affairs');
  localityToken = await issueToken(db, 'locality:HNI');
});

afterAll(async () => {
  await stack?.stop();
});

describe('text PostgreSQL refuses', () => {
  it.each(REFUSED_TEXT)(
    'when %s is cast to jsonb, then PostgreSQL refuses it (the table is real)',
    async (_name, value) => {
      await expect(db.sql.query('SELECT $1::jsonb', [JSON.stringify({ note: value })])).rejects.toMatchObject({
        code: expect.stringMatching(/^22/),
      });
      expect(unstorableReason(value)).not.toBeNull();
      expect(unstorableReason(storableValue(value))).toBeNull();
      await expect(
        db.sql.query('SELECT $1::jsonb', [JSON.stringify({ note: storableValue(value) })]),
      ).resolves.toBeDefined();
    },
  );

  it('when text is well-formed, then it is storable, emoji and Vietnamese included', () => {
    for (const ok of ['Hà Nội 🏛️', 'tab\tand\nnewline', '']) expect(unstorableReason(ok)).toBeNull();
  });

  it('when a required text is only whitespace or zero-width characters, then it counts as empty', () => {
    for (const blank of ['', '   ', '\u200B\u200B', '\u200D\uFEFF \u2060']) {
      expect(isBlankText(blank)).toBe(true);
      expect(checkText(blank, 'reason', true)).toMatchObject({ code: 'INVALID_INPUT', field: 'reason' });
    }
    expect(isBlankText('\u200Bx')).toBe(false);
  });
});

type Write = {
  field: string;
  method: 'post' | 'put';
  path: (code: string) => string;
  body: (v: string) => Record<string, unknown>;
  token?: () => string;
};
const WRITES: Write[] = [
  {
    field: 'body.reason',
    method: 'post',
    path: (c) => `/api/tasks/${c}/transitions`,
    body: (v) => ({ to: 'AUTHORITY_ADJUSTMENT', reason: v }),
  },
  {
    field: 'body.document.number',
    method: 'post',
    path: (c) => `/api/tasks/${c}/transitions`,
    body: (v) => ({ to: 'FEASIBLE', document: { number: v, issuedOn: '2026-11-20' } }),
  },
  {
    field: 'body.note',
    method: 'post',
    path: (c) => `/api/tasks/${c}/milestones`,
    body: (v) => ({ name: 'DRAFTING', note: v }),
  },
  {
    field: 'body.focalPoint.name',
    method: 'put',
    path: (c) => `/api/tasks/${c}/assignment`,
    body: (v) => ({ focalPoint: { name: v, email: 'a@b.test' } }),
  },
  {
    field: 'body.focalPoint.email',
    method: 'put',
    path: (c) => `/api/tasks/${c}/assignment`,
    body: (v) => ({ focalPoint: { name: 'An', email: `a${v}@b.test` } }),
  },
  {
    field: 'body.reason',
    method: 'put',
    path: (c) => `/api/tasks/${c}/assignment`,
    body: (v) => ({ focalPoint: { name: 'An', email: 'a@b.test' }, reason: v }),
  },
  {
    field: 'body.reason',
    method: 'put',
    path: (c) => `/api/tasks/${c}/deadline`,
    body: (v) => ({ dueDate: '2027-01-01', reason: v }),
  },
  {
    field: 'body.description',
    method: 'post',
    path: (c) => `/api/tasks/${c}/reports`,
    body: (v) => ({ locality: 'HNI', kind: 'OBSTACLE', description: v }),
    token: () => localityToken,
  },
  {
    field: 'body.title',
    method: 'post',
    path: () => '/api/tasks',
    body: (v) => ({ code: uid('NEW-'), title: v, sector: 'Health', status: 'FEASIBLE', leadMinistry: 'BYT' }),
  },
  {
    field: 'body.sector',
    method: 'post',
    path: () => '/api/tasks',
    body: (v) => ({ code: uid('NEW-'), title: 'ok', sector: v, status: 'FEASIBLE', leadMinistry: 'BYT' }),
  },
  {
    field: 'body.legalBasis',
    method: 'post',
    path: () => '/api/tasks',
    body: (v) => ({
      code: uid('NEW-'),
      title: 'ok',
      sector: 'Health',
      legalBasis: v,
      status: 'FEASIBLE',
      leadMinistry: 'BYT',
    }),
  },
  ...(['titleEn', 'sectorEn', 'legalBasisEn'] as const).map((f): Write => ({
    field: `body.${f}`,
    method: 'post',
    path: () => '/api/tasks',
    body: (v) => ({
      code: uid('NEW-'),
      title: 'ok',
      sector: 'Health',
      [f]: v,
      status: 'FEASIBLE',
      leadMinistry: 'BYT',
    }),
  })),
  {
    field: 'body.focalPoint.name',
    method: 'post',
    path: () => '/api/tasks',
    body: (v) => ({
      code: uid('NEW-'),
      title: 'ok',
      sector: 'Health',
      status: 'FEASIBLE',
      leadMinistry: 'BYT',
      focalPoint: { name: v, email: 'a@b.test' },
    }),
  },
];

describe('every text field of every write route', () => {
  let code: string;
  beforeAll(async () => {
    code = uid('ST-');
    await request(app)
      .post('/api/tasks')
      .set('Authorization', `Bearer ${token}`)
      .send({ code, title: 'Storable target', sector: 'Health', status: 'REQUIRES_GUIDANCE', leadMinistry: 'BYT' })
      .expect(201);
  });

  const cases = WRITES.flatMap((w) =>
    REFUSED_TEXT.map(
      ([name, value]) => [`${w.method.toUpperCase()} ${w.path('{code}')} ${w.field}`, name, w, value] as const,
    ),
  );
  it.each(cases)(
    'when %s carries %s, then 400 names the field and nothing changes',
    async (_route, _name, w, value) => {
      const before = { tasks: await db.prisma.task.count(), events: await db.prisma.auditEvent.count() };
      const res = await request(app)
        [w.method](w.path(code))
        .set('Authorization', `Bearer ${(w.token ?? (() => token))()}`)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(w.body(value)));
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(w.field);
      expect({ tasks: await db.prisma.task.count(), events: await db.prisma.auditEvent.count() }).toEqual(before);
    },
  );

  it('when a client goes around the API to the workflow, then its validator refuses the same text', async () => {
    const handle = stack.dev.client.workflow.getHandle(taskWorkflowId(code));
    for (const [, value] of REFUSED_TEXT) {
      await expect(
        handle.executeUpdate(milestoneUpdate, {
          args: [{ actor: { kind: 'home-affairs' }, name: 'DRAFTING', note: value }],
        }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(
        handle.executeUpdate(localityReportUpdate, {
          args: [{ actor: { kind: 'locality', code: 'HNI' }, locality: 'HNI', kind: 'OBSTACLE', description: value }],
        }),
      ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    }
    expect((await db.prisma.task.findUniqueOrThrow({ where: { code } })).lastSeq).toBe(1);
  });
});

import request from 'supertest';
import type { Express } from 'express';
import { issueToken } from '../../db/tokens';
import {
  FAR_DUE_DATE,
  makeApp,
  startWorkflowStack,
  uid,
  type AppOverrides,
  type TestDatabase,
  type WorkflowStack,
} from './harness';

export const PRINCIPALS = [
  'home-affairs',
  'ministry:BGDDT',
  'ministry:BNV',
  'ministry:BTC',
  'locality:HNI',
  'locality:HCM',
  'public',
] as const;
export type TestPrincipal = (typeof PRINCIPALS)[number];

export interface ApiFixture {
  stack: WorkflowStack;
  db: TestDatabase;
  dev: WorkflowStack['dev'];
  /** The app most tests use: BODY_LIMIT 20kb, links to http://tracker.test. */
  app: Express;
  /** The Authorization header of a principal. */
  as(p: TestPrincipal): { Authorization: string };
  /** Another app on the same database and worker, for a test about configuration. */
  makeApp(overrides?: AppOverrides): Express;
  /** Registers a task through the API (Home Affairs), lead BGDDT, coordinating BNV; returns its code. */
  createTask(overrides?: Record<string, unknown>): Promise<string>;
  /** The task's read-model row and its number of audit events, straight from PostgreSQL. */
  snapshot(
    code: string,
  ): Promise<{ lastSeq: number; status: string; dueDate: Date | null; focal: string; lead: string; events: number }>;
}

/**
 * A test file's API: its own database, SMTP server, worker and tokens, started before its tests and
 * stopped after them. `stack`, `db`, `dev` and `app` are filled in by `beforeAll`: read them inside
 * tests (or a later `beforeAll`); the functions may be taken at once.
 */
export function useApiFixture(queuePrefix: string): ApiFixture {
  const tokens = {} as Record<TestPrincipal, string>;
  const f = {} as ApiFixture;
  beforeAll(async () => {
    f.stack = await startWorkflowStack(queuePrefix);
    f.db = f.stack.db;
    f.dev = f.stack.dev;
    f.app = f.makeApp({ env: { BODY_LIMIT: '20kb', PUBLIC_BASE_URL: 'http://tracker.test' } });
    for (const p of PRINCIPALS) tokens[p] = await issueToken(f.db, p);
  });
  afterAll(async () => {
    await f.stack?.stop();
  });
  f.makeApp = (overrides = {}) => makeApp(f.stack, overrides);
  f.as = (p) => ({ Authorization: `Bearer ${tokens[p]}` });
  f.createTask = async (overrides = {}) => {
    const code = uid('API-');
    const res = await request(f.app)
      .post('/api/tasks')
      .set(f.as('home-affairs'))
      .send({
        code,
        title: `Recruitment at commune public service units ${code}`,
        sector: 'Education',
        level: 'commune',
        status: 'REQUIRES_GUIDANCE',
        leadMinistry: 'BGDDT',
        coordinatingMinistries: ['BNV'],
        focalPoint: { name: 'Nguyen Van An', email: 'an@bgddt.test' },
        dueDate: FAR_DUE_DATE,
        ...overrides,
      });
    expect(res.status).toBe(201);
    return code;
  };
  f.snapshot = async (code) => {
    const row = await f.db.prisma.task.findUniqueOrThrow({ where: { code } });
    const events = await f.db.prisma.auditEvent.count({ where: { taskCode: code } });
    return {
      lastSeq: row.lastSeq,
      status: row.status,
      dueDate: row.dueDate,
      focal: row.focalPointEmail,
      lead: row.leadMinistryCode,
      events,
    };
  };
  return f;
}

import fc from 'fast-check';
import request from 'supertest';
import type { Express } from 'express';
import { issueToken } from '../../db/tokens';
import { makeApp, startWorkflowStack, uid, type TestDatabase, type WorkflowStack } from '../support/harness';

// A bounded, schema-driven fuzz run: every operation of /openapi.json gets random path values,
// query strings and JSON bodies (half shaped like the documented body, half anything at all).
// Whatever comes in, the answer is never a 5xx, and every refusal is problem+json.

let stack: WorkflowStack;
let db: TestDatabase;
let app: Express;
let token: string;
let code: string;
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 25);

type Schema = { type?: string; properties?: Record<string, Schema>; enum?: unknown[]; items?: Schema };
type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};

beforeAll(async () => {
  stack = await startWorkflowStack('fuzz-');
  ({ db } = stack);
  app = makeApp(stack, { env: { RATE_LIMIT_PER_MINUTE: '100000' } });
  token = await issueToken(db, 'home-affairs');
  code = uid('FZ-');
  await request(app)
    .post('/api/tasks')
    .set('Authorization', `Bearer ${token}`)
    .send({ code, title: 'Fuzz target', sector: 'Health', status: 'REQUIRES_GUIDANCE', leadMinistry: 'BYT' })
    .expect(201);
});

afterAll(async () => {
  await stack?.stop();
});

/** Values shaped by a JSON Schema, with random junk mixed in at every level. */
function shaped(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const junk = depth > 2 ? fc.jsonValue({ maxDepth: 1 }) : fc.jsonValue({ maxDepth: 2 });
  if (!schema) return junk;
  if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), junk);
  if (schema.type === 'object' && schema.properties) {
    const props = Object.fromEntries(Object.entries(schema.properties).map(([k, s]) => [k, shaped(s, depth + 1)]));
    return fc.oneof(fc.record(props, { requiredKeys: [] }), junk);
  }
  if (schema.type === 'array') return fc.oneof(fc.array(shaped(schema.items, depth + 1), { maxLength: 3 }), junk);
  if (schema.type === 'string')
    return fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('2026-02-30', '2027-01-01', 'BYT', 'HNI', "'; DROP TABLE tasks; --", '<script>', '\u0000'),
      junk,
    );
  return junk;
}

describe('fuzzing the API from its OpenAPI document', () => {
  it('when random requests hit every operation, then none gets a 5xx', async () => {
    const doc = (await request(app).get('/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path: p, method, op })),
    );
    expect(operations.length).toBeGreaterThan(10);
    let requests = 0;
    for (const { path, method, op } of operations) {
      const queryNames = (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name);
      const bodySchema = op.requestBody?.content['application/json']?.schema;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.constant(code), fc.string({ maxLength: 12 })),
          fc.dictionary(
            fc.oneof(fc.constantFrom(...(queryNames.length ? queryNames : ['x'])), fc.string({ maxLength: 6 })),
            fc.string({ maxLength: 12 }),
            { maxKeys: 3 },
          ),
          bodySchema ? shaped(bodySchema) : fc.constant(undefined),
          async (pathValue, query, body) => {
            const url = path.replace('{code}', encodeURIComponent(pathValue) || 'x');
            let req = request(app)
              [method as 'get' | 'post' | 'put'](url)
              .query(query)
              .set('Authorization', `Bearer ${token}`);
            if (body !== undefined) req = req.set('Content-Type', 'application/json').send(JSON.stringify(body));
            const res = await req;
            requests++;
            if (res.status >= 500)
              throw new Error(
                `${method.toUpperCase()} ${url} ${JSON.stringify(query)} ${JSON.stringify(body)} -> ${res.status} ${res.text}`,
              );
            if (res.status >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
          },
        ),
        { numRuns: RUNS_PER_OPERATION, seed: Number(process.env.FUZZ_SEED ?? 20251206) },
      );
    }
    console.log(`fuzz: ${requests} requests over ${operations.length} operations, no 5xx`);
  }, 300_000);
});

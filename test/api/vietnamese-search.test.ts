import fs from 'node:fs';
import request from 'supertest';
import { CATALOG_FILE, importTasks, validateCatalog, type CatalogTask } from '../../catalog/importer';
import { reference } from '../../catalog/reference-data';
import { issueToken } from '../../db/tokens';
import { foldVietnamese } from '../../domain/vietnamese-text';
import {
  TEST_POLICY,
  TestSmtpServer,
  createTestDatabase,
  makeApp,
  smtpMailer,
  startDevWorker,
  uid,
  type TestDatabase,
} from '../support/harness';

/**
 * Search that understands Vietnamese (issue 25), in PostgreSQL: tasks of the bundled catalog (five
 * ministries' and a few more, so both languages and every kind of text are there) imported through their workflows.
 * Codes get a per-run suffix (`BYT-005.R1A2B3C4`): the shared dev server keeps earlier runs' workflows.
 */
const ministries = new Set(reference.ministries.map((m) => m.code));
const run = uid('R');
const catalog = validateCatalog(fs.readFileSync(CATALOG_FILE, 'utf8'), ministries).tasks;
const chosen = (t: CatalogTask) =>
  ['BCA', 'BTP'].includes(t.leadMinistry) ||
  /^(BYT|BGDDT)-0[01]\d$/.test(t.code) ||
  t.legalBasis.includes('Nghị định 58/2025/') ||
  t.legalBasis.includes('Nghị định 158/2025/');
const tasks: CatalogTask[] = catalog.filter(chosen).map((t) => ({ ...t, code: `${t.code}.${run}` }));
const base = (code: string) => code.slice(0, code.lastIndexOf('.'));

let db: TestDatabase;
let smtp: TestSmtpServer;
let dev: Awaited<ReturnType<typeof startDevWorker>>;
let search: (q: string) => Promise<string[]>;

beforeAll(async () => {
  db = await createTestDatabase();
  smtp = new TestSmtpServer();
  await smtp.start();
  const taskQueue = uid('vs-');
  dev = await startDevWorker({ db, mailer: smtpMailer(smtp), taskQueue });
  await importTasks({
    db,
    temporal: dev.sameConnectionClient,
    eagerStart: true,
    taskQueue,
    policy: TEST_POLICY,
    tasks,
  });
  const app = makeApp({ db, dev, taskQueue });
  const token = await issueToken(db, 'public');
  search = async (q) => {
    const res = await request(app)
      .get('/api/tasks')
      .query({ q, limit: 200, sort: 'code' })
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    return (res.body.items as { code: string }[]).map((t) => base(t.code));
  };
}, 240_000);

afterAll(async () => {
  await dev?.stop();
  await smtp?.stop();
  await db?.drop();
});

const codesWhere = (pred: (t: CatalogTask) => boolean) =>
  tasks
    .filter(pred)
    .map((t) => base(t.code))
    .sort();
const residence = codesWhere((t) => t.sector === 'Cư trú và căn cước' || t.code.startsWith('BCA-001.'));
const decree58 = codesWhere((t) => t.legalBasis.includes(' 58/2025/'));
const decree158 = codesWhere((t) => t.legalBasis.includes(' 158/2025/'));
const judicial = codesWhere((t) => t.sector === 'Lý lịch tư pháp và công chứng' || t.code.startsWith('BTP-001.'));

describe('searching tasks in Vietnamese and English (GET /api/tasks?q=)', () => {
  it('when the catalog texts are folded by PostgreSQL (vi_fold) and by TypeScript, then both give the same text', async () => {
    const texts = tasks.flatMap((t) => [
      t.title,
      t.sector,
      t.legalBasis,
      t.focalPoint.name,
      t.title.toUpperCase(),
      t.title.normalize('NFD'),
    ]);
    const { rows } = await db.pool.query<{ f: string }>(
      'SELECT vi_fold(x) AS f FROM unnest($1::text[]) WITH ORDINALITY AS u(x, i) ORDER BY i',
      [texts],
    );
    expect(rows.map((r) => r.f)).toEqual(texts.map(foldVietnamese));
    expect(foldVietnamese('CƯ TRÚ Đăng ký')).toBe('cu tru dang ky');
  });

  // What a person types, and what they expect to find (the tasks' codes without the run's suffix).
  const table: [string, string, () => string[] | ((found: string[]) => void)][] = [
    ['with diacritics', 'cư trú', () => residence],
    ['without diacritics', 'cu tru', () => residence],
    ['upper case with diacritics', 'CƯ TRÚ', () => residence],
    ['mixed case without diacritics', 'Cu Tru', () => residence],
    ['decomposed (NFD) input', 'cư trú'.normalize('NFD'), () => residence],
    ['an English word', 'residence', () => residence],
    ['words in another order', 'trú cư', () => residence],
    ['a code', 'BYT-005', () => ['BYT-005']],
    ['a code in lower case', 'byt-005', () => ['BYT-005']],
    ['a legal basis number', '58/2025', () => decree58],
    ['a legal basis in the Vietnamese form', 'nghị định 58/2025', () => decree58],
    ['a number that ends like another ("58/2025" is not in "158/2025")', '158/2025', () => decree158],
    ['a Vietnamese phrase without marks', 'ly lich tu phap', () => judicial],
    ['English words of a bottleneck title', 'criminal record', () => ['BTP-001']],
    ['a Vietnamese phrase from a report example', 'trạm y tế', () => (found) => expect(found).toContain('BYT-001')],
    ['a word found nowhere', 'xyzzy', () => []],
  ];

  it.each(table)('when someone searches %s (%j), then they find what they expect', async (_what, q, expected) => {
    const found = await search(q);
    const want = expected();
    if (typeof want === 'function') want(found);
    else expect([...found].sort()).toEqual(want);
  });

  it('when the expected sets are non-trivial, then the table tests something', () => {
    expect(residence.length).toBeGreaterThan(5);
    expect(decree58.length).toBeGreaterThan(0);
    expect(decree158.length).toBeGreaterThan(0);
    expect(judicial.length).toBeGreaterThan(5);
  });

  it('when a search matches a code and other tasks, then the code comes first, then titles holding the words, then the rest', async () => {
    // "BCA-001" is the code of one task and appears in no other text.
    expect((await search('bca-001'))[0]).toBe('BCA-001');
    // "cư trú": BCA-001's title holds it; the other residence tasks only by their sector.
    const found = await search('cu tru');
    expect(found[0]).toBe('BCA-001');
    const titled = found.filter((c) =>
      foldVietnamese(tasks.find((t) => base(t.code) === c)?.title ?? '').includes('cu tru'),
    );
    expect(found.slice(0, titled.length)).toEqual(titled);
  });

  it('when a search runs, then PostgreSQL can answer it from the trigram index (and its time is logged)', async () => {
    const where =
      "task_search_text(t.code, t.title, t.title_en, t.sector, t.sector_en, t.legal_basis, t.legal_basis_en) LIKE '%cu tru%'";
    const client = await db.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const plan = (
        await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT code FROM tasks t WHERE ${where}`)
      ).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toContain('tasks_search_trgm_idx');
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
    // Distinct searches, so no answer comes from the list cache.
    const ms: number[] = [];
    for (const q of [
      'cu tru',
      'cư trú',
      'CƯ TRÚ',
      'residence',
      'byt-005',
      '58/2025',
      'ly lich',
      'tư pháp',
      'criminal',
      'đăng ký',
      'thuong tru',
    ]) {
      const t0 = performance.now();
      await search(q);
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    console.log(
      `search over ${tasks.length} tasks through the API: p50 ${ms[Math.floor(ms.length / 2)]?.toFixed(1)} ms, max ${ms[ms.length - 1]?.toFixed(1)} ms`,
    );
  });

  it('when a search is made as of a past instant, then the audit log is searched the same way (Vietnamese, folded)', async () => {
    const app = makeApp({ db, dev });
    const token = await issueToken(db, 'public');
    const res = await request(app)
      .get('/api/tasks')
      .query({ q: 'CU TRU', asOf: new Date().toISOString(), limit: 200 })
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect((res.body.items as { code: string }[]).map((t) => base(t.code)).sort()).toEqual(residence);
    // English renderings come from the read model.
    expect(res.body.items[0].titles.en).toEqual(expect.any(String));
  });
});

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { CATALOG_FILE, importTasks, validateCatalog } from '../../catalog/importer';
import { localityFocalPointEmails, reference } from '../../catalog/reference-data';
import { issueToken } from '../../db/tokens';
import { freePort } from '../../embedded/ports';
import { BAD_CATALOG_LINES, csvLinesAsXlsx } from '../support/catalog-files';
import {
  TEST_POLICY,
  TestSmtpServer,
  createTestDatabase,
  env,
  makeApp,
  smtpMailer,
  startDevWorker,
  uid,
  type TestDatabase,
} from '../support/harness';

const ministries = new Set(reference.ministries.map((m) => m.code));
const catalogText = fs.readFileSync(CATALOG_FILE, 'utf8');

describe('the bundled catalog', () => {
  it('when it is validated, then it has 949 valid tasks matching every published aggregate', () => {
    const { tasks, errors } = validateCatalog(catalogText, ministries);
    expect(errors).toEqual([]);
    expect(tasks).toHaveLength(reference.assessment.delegatedTasks);
    const byStatus = (s: string) => tasks.filter((t) => t.status === s).length;
    expect(byStatus('FEASIBLE')).toBe(584);
    expect(byStatus('REQUIRES_GUIDANCE')).toBe(355);
    expect(byStatus('AUTHORITY_ADJUSTMENT')).toBe(10);
    expect(new Set(tasks.map((t) => t.leadMinistry)).size).toBe(reference.assessment.ministriesGivingFeedback);
    for (const k of reference.knownBottleneckExamples) {
      expect(tasks.find((t) => t.english?.title === k.title)).toMatchObject({
        leadMinistry: k.ministry,
        status: expect.not.stringMatching('FEASIBLE'),
      });
    }
    expect(catalogText.split('\n')[0]).toContain('ILLUSTRATIVE');
  });

  it('when it is validated, then every task is in Vietnamese first (title, sector, the legal basis as "Điều n Nghị định n/2025/NĐ-CP", names with diacritics) with its English rendering', () => {
    const { tasks } = validateCatalog(catalogText, ministries);
    const vietnamese = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;
    for (const t of tasks) {
      expect(t.title).toMatch(vietnamese);
      expect(t.sector).toMatch(vietnamese);
      expect(t.legalBasis).toMatch(/^Điều \d+ Nghị định \d+\/2025\/NĐ-CP$/);
      expect(t.english?.legalBasis).toMatch(/^Decree \d+\/2025\/ND-CP, Art\. \d+$/);
      expect(t.english?.title).not.toBe('');
      expect(t.english?.sector).not.toBe('');
      expect(t.focalPoint.name).toMatch(vietnamese);
    }
    // The same decree and article in both languages.
    const byt = tasks.find((t) => t.code === 'BYT-001');
    const [, article, decree] = /^Điều (\d+) Nghị định (\d+)/.exec(byt?.legalBasis ?? '') ?? [];
    expect(byt?.english?.legalBasis).toBe(`Decree ${decree}/2025/ND-CP, Art. ${article}`);
    // The seven examples of the report in Vietnamese.
    expect(tasks.find((t) => t.code === 'BCA-001')?.title).toBe(
      'Thủ tục quản lý cư trú của công dân (29 thủ tục cần đơn giản hoá)',
    );
    expect(new Set(tasks.map((t) => t.title)).size).toBe(949);
  });

  it('when a row has no Vietnamese title or sector, then it is refused naming the row and the column; English may be left out', () => {
    const head =
      'code,title_vi,title_en,sector_vi,sector_en,legal_basis_vi,legal_basis_en,level,lead_ministry,coordinating_ministries,initial_status,initial_due_date,focal_point_name,focal_point_email';
    const rows = [
      head,
      'V-1,,Only English,Y tế,Health,,,province,BYT,,FEASIBLE,,,',
      'V-2,Chỉ tiếng Việt,,,Health,,,province,BYT,,FEASIBLE,,,',
      'V-3,Cấp giấy phép,,Y tế,,Điều 1 Luật 15/2023/QH15,,province,BYT,,FEASIBLE,,Trần Thị Bình,',
    ];
    const { tasks, errors } = validateCatalog(rows.join('\n'), ministries);
    expect(errors).toEqual([
      { line: 2, code: 'V-1', reason: 'title_vi is missing' },
      { line: 3, code: 'V-2', reason: 'sector_vi is missing' },
    ]);
    expect(tasks).toEqual([
      expect.objectContaining({
        code: 'V-3',
        title: 'Cấp giấy phép',
        legalBasis: 'Điều 1 Luật 15/2023/QH15',
        english: { title: '', sector: '', legalBasis: '' },
      }),
    ]);
  });

  it('when a catalog in the first, English-only format is given, then nothing is imported and the message says how to convert it', () => {
    const { tasks, errors } = validateCatalog(
      'code,title,sector,legal_basis,level,lead_ministry,coordinating_ministries,initial_status,initial_due_date,focal_point_name,focal_point_email\nE-1,Task,Health,,province,BYT,,FEASIBLE,,,',
      ministries,
    );
    expect(tasks).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.reason).toContain(
      'rename them (title → title_en, sector → sector_en, legal_basis → legal_basis_en) and add title_vi, sector_vi and legal_basis_vi',
    );
  });

  it('when it is validated, then every task has the date it has been in its status since, between 1 July and the report of 6 December 2025, marked illustrative', () => {
    const { tasks } = validateCatalog(catalogText, ministries);
    const since = tasks.map((t) => t.statusSince ?? '');
    expect(since.every((d) => d >= '2025-07-01' && d <= '2025-12-06')).toBe(true);
    expect(new Set(since).size).toBeGreaterThan(100);
    expect(catalogText).toMatch(/status_since\(YYYY-MM-DD[^\n]*\n#[^\n]*ILLUSTRATIVE dates/);
  });

  it('when a status_since is malformed, in the future or implausibly old, then its row is refused; without the column the import date is used', () => {
    const head =
      'code,title_vi,sector_vi,legal_basis_vi,level,lead_ministry,coordinating_ministries,initial_status,initial_due_date,focal_point_name,focal_point_email,status_since';
    const rows = [
      head,
      'S-1,A,Health,,province,BYT,,FEASIBLE,,,,2025-13-01',
      'S-2,B,Health,,province,BYT,,FEASIBLE,,,,2999-01-01',
      'S-3,C,Health,,province,BYT,,FEASIBLE,,,,1999-01-01',
      'S-4,D,Health,,province,BYT,,FEASIBLE,,,,2025-09-15',
    ];
    const { tasks, errors } = validateCatalog(rows.join('\n'), ministries);
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'S-1'],
      [3, 'S-2'],
      [4, 'S-3'],
    ]);
    expect(tasks.map((t) => [t.code, t.statusSince])).toEqual([['S-4', '2025-09-15']]);
    const without = validateCatalog(
      'code,title_vi,sector_vi,legal_basis_vi,level,lead_ministry,coordinating_ministries,initial_status,initial_due_date,focal_point_name,focal_point_email\nS-5,E,Health,,province,BYT,,FEASIBLE,,,',
      ministries,
    );
    expect(without.tasks[0]?.statusSince).toBeUndefined();
  });
});

describe('where a task applies (applies_to)', () => {
  const head =
    'code,title_vi,sector_vi,legal_basis_vi,level,lead_ministry,coordinating_ministries,initial_status,initial_due_date,focal_point_name,focal_point_email,applies_to';
  const all = reference.localities.map((l) => l.code).join(';');

  it('when a row names some localities, then the task applies there only; empty or all 34 means everywhere', () => {
    const rows = [
      head,
      'A-1,A,Health,,province,BYT,,FEASIBLE,,,,HNI; HCM',
      'A-2,B,Health,,both,BYT,,FEASIBLE,,,,',
      `A-3,C,Health,,commune,BYT,,FEASIBLE,,,,${all}`,
    ];
    const { tasks, errors } = validateCatalog(rows.join('\n'), ministries);
    expect(errors).toEqual([]);
    expect(tasks.map((t) => [t.code, t.level, t.appliesTo])).toEqual([
      ['A-1', 'province', ['HCM', 'HNI']],
      ['A-2', 'both', undefined],
      ['A-3', 'commune', undefined],
    ]);
  });

  it('when applies_to names an unknown locality or one twice, or the level is not province, commune or both, then the row is refused, saying which', () => {
    const rows = [
      head,
      'B-1,A,Health,,province,BYT,,FEASIBLE,,,,HNI;XYZ',
      'B-2,B,Health,,province,BYT,,FEASIBLE,,,,HNI;HNI',
      'B-3,C,Health,,district,BYT,,FEASIBLE,,,,HNI',
      'B-4,D,Health,,province,BYT,,FEASIBLE,,,,hni',
    ];
    const { tasks, errors } = validateCatalog(rows.join('\n'), ministries);
    expect(tasks).toEqual([]);
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'B-1'],
      [3, 'B-2'],
      [4, 'B-3'],
      [5, 'B-4'],
    ]);
    expect(errors[0]?.reason).toContain('applies_to names unknown locality XYZ');
    expect(errors[1]?.reason).toContain('applies_to lists HNI twice');
    expect(errors[2]?.reason).toContain('level must be one of province, commune, both');
    expect(errors[3]?.reason).toContain('unknown locality hni');
  });
});

describe('validation of an import file', () => {
  const bad = BAD_CATALOG_LINES.join('\n');

  it('when rows are bad, then every bad row is named with its line and reason', () => {
    const { errors } = validateCatalog(bad, ministries);
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [4, 'BAD-1'],
      [5, 'BAD-2'],
      [6, 'OK-1'],
      [7, 'BAD-3'],
      [8, 'BAD-4'],
      [9, 'BAD-5'],
    ]);
    const reasons = errors.map((e) => e.reason).join('\n');
    for (const words of [
      'unknown lead_ministry BXX',
      'initial_status must be one of',
      'duplicate code OK-1 (first on line 3)',
      'title_vi is missing',
      'initial_due_date must be a date',
      'also listed as coordinating',
    ]) {
      expect(reasons).toContain(words);
    }
  });

  it('when the import command gets a bad file, CSV or .xlsx, then it exits non-zero, lists the rows (and cells) and imports nothing', async () => {
    const db = await createTestDatabase();
    try {
      const root = path.resolve(__dirname, '..', '..');
      const files: [string, string | Buffer, string][] = [
        ['csv', bad, 'line 8 (BAD-4): initial_due_date must be a date YYYY-MM-DD'],
        [
          'xlsx',
          await csvLinesAsXlsx(BAD_CATALOG_LINES),
          'line 8 (BAD-4): I8: initial_due_date must be a date YYYY-MM-DD',
        ],
      ];
      for (const [ext, content, named] of files) {
        const file = path.join(env('TEST_DATA_DIR'), `${uid('bad-')}.${ext}`);
        fs.writeFileSync(file, content);
        const run = promisify(execFile)(
          process.execPath,
          [
            path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
            path.join(root, 'scripts', 'import-catalog.ts'),
            file,
          ],
          {
            cwd: root,
            env: {
              ...process.env,
              DATABASE_URL: db.url,
              TEMPORAL_ADDRESS: env('TEST_TEMPORAL_ADDRESS'),
              TEMPORAL_TASK_QUEUE: uid('q-'),
            },
          },
        );
        const err = (await run.catch((e: unknown) => e)) as { code: number; stderr: string };
        expect(err.code).toBe(1);
        expect(err.stderr).toContain('6 bad row(s); nothing was imported');
        expect(err.stderr).toContain(named);
        expect(await db.prisma.task.count()).toBe(0);
      }
    } finally {
      await db.drop();
    }
  });
});

describe('importing the whole catalog', () => {
  let db: TestDatabase;
  let smtp: TestSmtpServer;
  let dev: Awaited<ReturnType<typeof startDevWorker>>;
  const taskQueue = uid('cat-');

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = new TestSmtpServer();
    await smtp.start();
    dev = await startDevWorker({ db, mailer: smtpMailer(smtp), taskQueue });
  });

  afterAll(async () => {
    await dev?.stop();
    await smtp?.stop();
    await db?.drop();
  });

  it('when the catalog is imported (starts handed straight to the worker), then the API shows exactly the published figures, and a second import changes nothing', async () => {
    // Codes get a per-run prefix: the shared dev server keeps workflows of earlier runs.
    const prefix = uid('R');
    const tasks = validateCatalog(catalogText, ministries).tasks.map((t) => ({ ...t, code: `${prefix}-${t.code}` }));
    // A window smaller than the catalog: starts wait for stored tasks as they go.
    const first = await importTasks({
      db,
      temporal: dev.sameConnectionClient,
      eagerStart: true,
      taskQueue,
      policy: TEST_POLICY,
      tasks,
      concurrency: 16,
      window: 64,
    });
    expect(first).toMatchObject({ started: 949, existing: 0 });
    expect(await db.prisma.auditEvent.count({ where: { taskCode: { startsWith: prefix }, kind: 'CREATED' } })).toBe(
      949,
    );
    console.log(`imported 949 tasks in ${first.seconds.toFixed(1)} s`);

    const app = makeApp({ db, dev, taskQueue });
    const token = await issueToken(db, 'public');
    const summary = await request(app).get('/api/dashboard/summary').set('Authorization', `Bearer ${token}`);
    expect(summary.body).toMatchObject({
      total: 949,
      byStatus: {
        FEASIBLE: { count: 584, percent: 61.54 },
        REQUIRES_GUIDANCE: { count: 355, percent: 37.41 },
        AUTHORITY_ADJUSTMENT: { count: 10, percent: 1.05 },
      },
      localities: { reported: 30, total: 34 },
    });
    expect(summary.body.byMinistry.filter((m: { total: number }) => m.total > 0)).toHaveLength(12);

    const eventsBefore = await db.prisma.auditEvent.count();
    const second = await importTasks({ db, temporal: dev.client, taskQueue, policy: TEST_POLICY, tasks });
    expect(second).toMatchObject({ started: 0, existing: 949, updated: 0 });
    expect(await db.prisma.auditEvent.count()).toBe(eventsBefore);

    // --update changes a definition through the workflow, as an audit event.
    const changed = tasks.map((t, i) => (i === 0 ? { ...t, title: `${t.title} (revised)` } : t));
    const third = await importTasks({
      db,
      temporal: dev.client,
      taskQueue,
      policy: TEST_POLICY,
      tasks: changed,
      update: true,
    });
    expect(third).toMatchObject({ started: 0, updated: 1 });
    const row = await db.prisma.task.findUniqueOrThrow({ where: { code: changed[0]?.code } });
    expect(row.title).toMatch(/\(revised\)$/);
    expect(await db.prisma.auditEvent.count({ where: { taskCode: row.code, kind: 'DEFINITION_UPDATED' } })).toBe(1);

    // applies_to: set for new tasks; with --update, changed for existing ones; the matrix follows.
    const [p1, p2] = [changed[1] as (typeof tasks)[number], changed[2] as (typeof tasks)[number]];
    const placed = changed.map((t) =>
      t === p1 ? { ...t, appliesTo: ['HNI', 'HPG'] } : t === p2 ? { ...t, appliesTo: ['CMU'] } : t,
    );
    await importTasks({ db, temporal: dev.client, taskQueue, policy: TEST_POLICY, tasks: placed });
    const where = async (code: string) =>
      (await db.sql.query<{ a: string[] | null }>('SELECT applies_to AS a FROM tasks WHERE code = $1', [code])).rows[0]
        ?.a;
    expect(await where(p1.code)).toBeNull();
    await importTasks({ db, temporal: dev.client, taskQueue, policy: TEST_POLICY, tasks: placed, update: true });
    expect(await where(p1.code)).toEqual(['HNI', 'HPG']);
    expect(await where(p2.code)).toEqual(['CMU']);
    // Each change of where a task applies is an audit event of the task (as-of reads it).
    expect(await db.prisma.auditEvent.count({ where: { taskCode: p1.code, kind: 'DEFINITION_UPDATED' } })).toBe(1);
    const cells = (
      await db.sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM tasks t JOIN localities l ON (t.applies_to IS NULL OR l.code = ANY(t.applies_to)) WHERE t.code = $1`,
        [p1.code],
      )
    ).rows[0]?.n;
    expect(cells).toBe(2);
    await importTasks({ db, temporal: dev.client, taskQueue, policy: TEST_POLICY, tasks: changed, update: true });
    expect(await where(p1.code)).toBeNull();
  }, 600_000); // 949 workflows started and stored: over two minutes on a loaded 2-core machine

  it('when no worker takes the started workflows, then the import stops naming them, and a re-run once a worker runs finishes them without starting twice', async () => {
    const idleQueue = uid('cat-idle-');
    const prefix = uid('S');
    const tasks = validateCatalog(catalogText, ministries)
      .tasks.slice(0, 3)
      .map((t) => ({ ...t, code: `${prefix}-${t.code}` }));
    await expect(
      importTasks({ db, temporal: dev.client, taskQueue: idleQueue, policy: TEST_POLICY, tasks, stallMs: 1_500 }),
    ).rejects.toThrow(
      new RegExp(`3 started task workflows stored no first event .*${prefix}-.*is the worker running\\?`),
    );
    expect(await db.prisma.task.count({ where: { code: { startsWith: prefix } } })).toBe(0);

    const late = await startDevWorker({ db, mailer: smtpMailer(smtp), taskQueue: idleQueue });
    try {
      const rerun = await importTasks({ db, temporal: dev.client, taskQueue: idleQueue, policy: TEST_POLICY, tasks });
      expect(rerun).toMatchObject({ started: 0, existing: 3 });
      expect(await db.prisma.task.count({ where: { code: { startsWith: prefix } } })).toBe(3);
      expect(await db.prisma.auditEvent.count({ where: { taskCode: { startsWith: prefix }, kind: 'CREATED' } })).toBe(
        3,
      );
    } finally {
      await late.stop();
    }
  });

  it('when the import is stopped while Temporal does not answer (npm start stopping with it), then it ends at once, interrupted, with nothing stored', async () => {
    // A connection to a port nobody listens on: every start fails UNAVAILABLE, after two tries of the
    // SDK's (its default ~20 s of them would only make the test longer; the importer then tries again).
    const down = new Client({
      connection: Connection.lazy({
        address: `127.0.0.1:${await freePort()}`,
        interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 2 }))],
      }),
    });
    const prefix = uid('S');
    const tasks = validateCatalog(catalogText, ministries)
      .tasks.slice(0, 20)
      .map((t) => ({ ...t, code: `${prefix}-${t.code}` }));
    const stop = new AbortController();
    const t0 = Date.now();
    const importing = importTasks({
      db,
      temporal: down,
      taskQueue: uid('cat-down-'),
      policy: TEST_POLICY,
      tasks,
      signal: stop.signal,
    });
    setTimeout(() => stop.abort(), 1_000);
    try {
      // Before, a failed start went on being tried again after the stop (for up to 300 s).
      await expect(importing).resolves.toMatchObject({ interrupted: true, started: 0 });
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(await db.prisma.task.count({ where: { code: { startsWith: prefix } } })).toBe(0);
    } finally {
      await down.connection.close();
    }
  });
});

describe("the localities' focal-point e-mails (catalog/locality-focal-points.csv, illustrative)", () => {
  it('when the shipped file is read, then each of the 34 localities has one address of its own', () => {
    const emails = localityFocalPointEmails();
    expect([...emails.keys()].sort()).toEqual(reference.localities.map((l) => l.code).sort());
    expect(new Set(emails.values()).size).toBe(34);
    for (const e of emails.values()) expect(e).toMatch(/@localities\.example$/);
  });

  it('when a file misses a locality, repeats one, names an unknown one or holds a bad or shared address, then loading stops naming each line', () => {
    const [first, second] = reference.localities;
    const rest = reference.localities.slice(3).map((l) => `${l.code},x.${l.code.toLowerCase()}@localities.example`);
    const text = [
      'locality,email',
      `${first?.code},not-an-address`,
      `${second?.code},x.shared@localities.example`,
      `${second?.code},y@localities.example`,
      'XXX,z@localities.example',
      `${rest[0]?.split(',')[0]},x.shared@localities.example`,
      ...rest.slice(1),
    ].join('\n');
    expect(() => localityFocalPointEmails(text)).toThrow(
      new RegExp(
        `line 2: ${first?.code} has no valid e-mail; line 4: ${second?.code} is listed twice; line 5: unknown locality XXX; line 6: x.shared@localities.example already serves another locality.*${reference.localities[2]?.code} has no focal-point e-mail`,
      ),
    );
  });
});

import { parse } from 'csv-parse/sync';
import request from 'supertest';
import type { Express } from 'express';
import { TASK_COLUMNS } from '../../app/task-csv';
import { XLSX_TYPE } from '../../app/task-xlsx';
import { readXlsxRecords } from '../../catalog/xlsx';
import { getTask } from '../../db/tasks';
import { DAY_MS, daysOverdue, deadlineInstant } from '../../domain/dates';
import { useApiFixture } from '../support/api-fixture';
import { FAR_DUE_DATE } from '../support/harness';

/** Reads: filters, daysOverdue, pages, CSV and .xlsx, personal data, dashboards, reference data, the OpenAPI document. */
const f = useApiFixture('api-reads-');
const { as, createTask } = f;

/** supertest: keep a binary body (a spreadsheet) as a Buffer. */
const binary: Parameters<request.Test['parse']>[0] = (res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};
let app: Express;
let db: typeof f.db;
beforeAll(() => {
  ({ app, db } = f);
});

describe('reads', () => {
  let codes: string[] = [];
  beforeAll(async () => {
    codes = [
      await createTask({ title: 'Alpha licences for clinics', leadMinistry: 'BYT', coordinatingMinistries: [] }),
      await createTask({ title: 'Beta overdue guidance', dueDate: '2025-12-31' }),
      await createTask({ title: 'Gamma feasible task', status: 'FEASIBLE', dueDate: undefined }),
    ];
  });

  it('when tasks are filtered by status, ministry, overdue, dueBefore and text, then only matching ones return', async () => {
    const get = (q: string) => request(app).get(`/api/tasks?${q}`).set(as('public'));
    const byMinistry = await get('ministry=BYT&limit=500');
    expect(byMinistry.body.items.map((t: { code: string }) => t.code)).toContain(codes[0]);
    expect(byMinistry.body.items.every((t: { leadMinistry: string }) => t.leadMinistry === 'BYT')).toBe(true);
    const overdue = await get('overdue=true&limit=500');
    expect(overdue.body.items.map((t: { code: string }) => t.code)).toEqual([codes[1]]);
    expect(overdue.body.items[0].daysOverdue).toBeGreaterThan(300);
    expect((await get('q=gamma%20FEASIBLE')).body.items.map((t: { code: string }) => t.code)).toEqual([codes[2]]);
    // LIKE wildcards in the text are taken literally.
    expect((await get('q=%25')).body.total).toBe(0);
    expect((await get('q=_')).body.total).toBe(0);
    // A page past the end is empty but still knows the total.
    const past = await get('limit=1&page=100000');
    expect(past.body.items).toEqual([]);
    expect(past.body.total).toBeGreaterThanOrEqual(3);
    expect(
      (await get('status=FEASIBLE&limit=500')).body.items.every((t: { status: string }) => t.status === 'FEASIBLE'),
    ).toBe(true);
    expect((await get('dueBefore=2026-01-01&limit=500')).body.items.map((t: { code: string }) => t.code)).toEqual([
      codes[1],
    ]);
  });

  it('when PostgreSQL renders daysOverdue, then it agrees with the domain rule at every boundary', async () => {
    const due = '2025-12-31';
    const deadline = deadlineInstant(due);
    for (const offset of [-DAY_MS, -1, 0, 1, DAY_MS - 1, DAY_MS, DAY_MS + 1, 400 * DAY_MS + 12345]) {
      const task = await getTask(db, codes[1] as string, deadline + offset);
      expect([offset, task?.daysOverdue]).toEqual([offset, daysOverdue(due, deadline + offset)]);
    }
    expect((await getTask(db, codes[2] as string, deadline + 400 * DAY_MS))?.daysOverdue).toBe(0);
  });

  it('when pages are requested, then they partition the list in the requested order', async () => {
    const all = await request(app).get('/api/tasks?limit=500&sort=-code').set(as('public'));
    const total = all.body.total as number;
    expect(total).toBeGreaterThanOrEqual(3);
    const p1 = await request(app).get('/api/tasks?limit=2&page=1&sort=-code').set(as('public'));
    const p2 = await request(app).get('/api/tasks?limit=2&page=2&sort=-code').set(as('public'));
    expect(p1.body).toMatchObject({ total, page: 1, limit: 2 });
    expect([...p1.body.items, ...p2.body.items].map((t: { code: string }) => t.code)).toEqual(
      all.body.items.slice(0, 4).map((t: { code: string }) => t.code),
    );
  });

  it('when CSV is asked for, then every matching task comes as text/csv', async () => {
    const viaAccept = await request(app)
      .get('/api/tasks?ministry=BYT')
      .set(as('locality:HCM'))
      .set('Accept', 'text/csv');
    const viaFormat = await request(app).get('/api/tasks?ministry=BYT&format=csv').set(as('locality:HCM'));
    for (const res of [viaAccept, viaFormat]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const lines = res.text.trim().split('\r\n');
      expect(lines[0]).toBe(
        'code,title,sector,status,leadMinistry,coordinatingMinistries,focalPointName,focalPointEmail,dueDate,daysOverdue,workableReports,obstacleReports,titleEn,sectorEn,legalBasis,legalBasisEn',
      );
      expect(lines.some((l) => l.startsWith(`${codes[0]},Alpha licences for clinics,`))).toBe(true);
    }
  });

  it('when a field holds a comma, a semicolon or looks like a formula, then the CSV quotes or guards it and csv-parse reads it back', async () => {
    const code = await createTask({
      title: 'Fees; permits, and licences',
      sector: '=HYPERLINK("http://x")',
      leadMinistry: 'BTC',
      coordinatingMinistries: ['BNV', 'BGDDT'],
    });
    const res = await request(app).get('/api/tasks?ministry=BTC&format=csv').set(as('home-affairs'));
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="tasks.csv"');
    const line = res.text.split('\r\n').find((l) => l.startsWith(`${code},`));
    expect(line).toBe(
      `${code},"Fees; permits, and licences","'=HYPERLINK(""http://x"")",REQUIRES_GUIDANCE,BTC,"BNV;BGDDT",Nguyen Van An,an@bgddt.test,${FAR_DUE_DATE},0,0,0,,,,`,
    );
    const rows = parse(res.text) as string[][];
    expect(rows[0]).toEqual([...TASK_COLUMNS]);
    expect(rows.find((r) => r[0] === code)).toEqual([
      code,
      'Fees; permits, and licences',
      `'=HYPERLINK("http://x")`,
      'REQUIRES_GUIDANCE',
      'BTC',
      'BNV;BGDDT',
      'Nguyen Van An',
      'an@bgddt.test',
      FAR_DUE_DATE,
      '0',
      '0',
      '0',
      '',
      '',
      '',
      '',
    ]);
  });

  it('when a spreadsheet is asked for, then every matching task comes as one .xlsx worksheet with the CSV columns, and the importer reads it back as the CSV', async () => {
    const code = await createTask({
      title: 'Spreadsheet; export, of "tasks"',
      sector: '=1+1',
      leadMinistry: 'BYT',
      coordinatingMinistries: ['BTC', 'BNV'],
    });
    const csv = parse(
      (await request(app).get('/api/tasks?ministry=BYT&format=csv').set(as('locality:HCM'))).text,
    ) as string[][];
    const viaAccept = await request(app)
      .get('/api/tasks?ministry=BYT')
      .set(as('locality:HCM'))
      .set('Accept', XLSX_TYPE)
      .buffer(true)
      .parse(binary);
    const viaFormat = await request(app)
      .get('/api/tasks?ministry=BYT&format=xlsx')
      .set(as('locality:HCM'))
      .buffer(true)
      .parse(binary);
    const asOf = await request(app)
      .get(`/api/tasks?ministry=BYT&format=xlsx&asOf=${encodeURIComponent(new Date().toISOString())}`)
      .set(as('locality:HCM'))
      .buffer(true)
      .parse(binary);
    for (const res of [viaAccept, viaFormat, asOf]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(XLSX_TYPE);
      expect(res.headers['content-disposition']).toBe('attachment; filename="tasks.xlsx"');
      const rows = (await readXlsxRecords(res.body as Buffer)).map((r) => r.fields);
      expect(rows[0]).toEqual([...TASK_COLUMNS]);
      expect(rows.find((r) => r[0] === code)).toEqual([
        code,
        'Spreadsheet; export, of "tasks"',
        '=1+1',
        'REQUIRES_GUIDANCE',
        'BYT',
        'BTC;BNV',
        'Nguyen Van An',
        'an@bgddt.test',
        FAR_DUE_DATE,
        '0',
        '0',
        '0',
        '',
        '',
        '',
        '',
      ]);
      // Cell for cell the CSV's rows, but text is text: no formula guard is needed in a spreadsheet.
      expect(rows).toEqual(csv.map((r) => r.map((field) => field.replace(/^'(?=[=+\-@\t\r])/, ''))));
      expect(rows.map((r) => r[0])).toContain(codes[0]);
    }
    // The OpenAPI document says so: the media type, and the file name's header as sent.
    const doc = (await request(app).get('/openapi.json')).body as {
      paths: Record<
        string,
        {
          get: {
            responses: Record<
              string,
              { content: Record<string, unknown>; headers: Record<string, { schema: { pattern: string } }> }
            >;
          };
        }
      >;
    };
    const ok = doc.paths['/api/tasks']?.get.responses['200'];
    expect(ok?.content[XLSX_TYPE]).toEqual({ schema: { type: 'string', format: 'binary' } });
    expect(viaFormat.headers['content-disposition']).toMatch(
      new RegExp(ok?.headers['Content-Disposition']?.schema.pattern ?? '^$'),
    );
    const publicFile = await request(app)
      .get('/api/tasks?ministry=BYT&format=xlsx')
      .set(as('public'))
      .buffer(true)
      .parse(binary);
    const publicRows = (await readXlsxRecords(publicFile.body as Buffer)).map((r) => r.fields);
    expect(publicRows[0]).toEqual(TASK_COLUMNS.filter((c) => c !== 'focalPointName' && c !== 'focalPointEmail'));
    expect(publicRows.flat()).not.toContain('an@bgddt.test');
  });

  it('when the public token reads tasks, lists, CSV, dashboards and history, then no personal data comes back', async () => {
    const code = await createTask({
      focalPoint: { name: 'Nguyen Thi Secret', email: 'secret.person@bgddt.test' },
      dueDate: '2025-01-31',
    });
    await request(app)
      .post(`/api/tasks/${code}/milestones`)
      .set(as('ministry:BNV'))
      .send({ name: 'DRAFTING', note: 'Call Mr Secret on his mobile' })
      .expect(200);
    await request(app)
      .post(`/api/tasks/${code}/reports`)
      .set(as('locality:HNI'))
      .send({ locality: 'HNI', kind: 'OBSTACLE', description: 'Officer Secret refuses' })
      .expect(200);
    await request(app)
      .put(`/api/tasks/${code}/deadline`)
      .set(as('home-affairs'))
      .send({ dueDate: '2025-02-28', reason: 'Secret asked for more time' })
      .expect(200);
    await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(as('home-affairs'))
      .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'Secret says the law must change' })
      .expect(200);
    const reads = [
      await request(app).get(`/api/tasks/${code}`).set(as('public')),
      await request(app)
        .get(`/api/tasks?q=${encodeURIComponent(code)}`)
        .set(as('public')),
      await request(app)
        .get(`/api/tasks?q=${encodeURIComponent(code)}&format=csv`)
        .set(as('public')),
      await request(app).get(`/api/tasks/${code}/history`).set(as('public')),
      await request(app).get('/api/dashboard/bottlenecks').set(as('public')),
    ];
    for (const res of reads) {
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(/secret/i);
      expect(res.text).not.toMatch(/home-affairs|ministry:|locality:/);
    }
    // Still there: the task, its milestones by name, the events by kind, the figures.
    expect(reads[0]?.body).toMatchObject({
      code,
      status: 'AUTHORITY_ADJUSTMENT',
      milestones: [{ track: 'GUIDANCE', name: 'DRAFTING' }],
    });
    expect(reads[0]?.body.focalPoint).toBeUndefined();
    expect(reads[2]?.text.split('\r\n')[0]).toBe(
      'code,title,sector,status,leadMinistry,coordinatingMinistries,dueDate,daysOverdue,workableReports,obstacleReports,titleEn,sectorEn,legalBasis,legalBasisEn',
    );
    const items = (reads[3]?.body.items as { kind: string; details: Record<string, unknown> }[]).map(
      (i) => [i.kind, i.details] as const,
    );
    // The task is overdue, so its ladder escalates (at once, and again for the moved due date): the public sees that it did, not to whom.
    expect(
      items.filter(([kind]) => kind === 'ESCALATION_STEP').every(([, details]) => Object.keys(details).length === 0),
    ).toBe(true);
    expect(items.filter(([kind]) => kind !== 'ESCALATION_STEP')).toEqual([
      ['CREATED', expect.objectContaining({ leadMinistry: 'BGDDT' })],
      ['MILESTONE', { track: 'GUIDANCE', name: 'DRAFTING' }],
      // The locality's report is its matrix cell (the one store), not an event of the task.
      ['DEADLINE', expect.objectContaining({ to: '2025-02-28' })],
      ['TRANSITION', expect.objectContaining({ from: 'REQUIRES_GUIDANCE', to: 'AUTHORITY_ADJUSTMENT' })],
    ]);
    // Every other token still sees it all.
    expect((await request(app).get(`/api/tasks/${code}`).set(as('locality:HCM'))).text).toMatch(/Nguyen Thi Secret/);
    expect((await request(app).get(`/api/tasks/${code}/history`).set(as('ministry:BTC'))).text).toMatch(
      /Secret says the law must change/,
    );
  });

  it('when the dashboard is read, then it counts the read model', async () => {
    const summary = await request(app).get('/api/dashboard/summary').set(as('public'));
    const total = await db.prisma.task.count();
    expect(summary.body.total).toBe(total);
    const sum = Object.values(summary.body.byStatus as Record<string, { count: number }>).reduce(
      (a, s) => a + s.count,
      0,
    );
    expect(sum).toBe(total);
    expect(summary.body.localities).toEqual({ reported: 30, total: 34 });
    const b = await request(app).get('/api/dashboard/bottlenecks').set(as('public'));
    expect(b.status).toBe(200);
    expect(b.body.overdueByMinistry[0]).toMatchObject({ ministry: 'BGDDT', overdue: expect.any(Number) });
  });

  it('when reference data is read, then ministries and the 34 localities are there', async () => {
    expect((await request(app).get('/api/ministries').set(as('public'))).body.items).toHaveLength(17);
    expect((await request(app).get('/api/localities').set(as('public'))).body.items).toHaveLength(34);
  });
});

describe('OpenAPI', () => {
  it('when the document is built, then it lists exactly the routes the app serves under /api', async () => {
    const doc = (await request(app).get('/openapi.json')).body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
    const served: string[] = [];
    const walk = (stack: Layer[]) => {
      for (const l of stack) {
        if (l.route)
          for (const m of Object.keys(l.route.methods))
            served.push(`${m.toUpperCase()} ${l.route.path.replace(/:(\w+)/g, '{$1}')}`);
        else if (l.handle?.stack) walk(l.handle.stack);
      }
    };
    walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(documented).toEqual(served.filter((r) => r.includes(' /api/')).sort());
    const transition = doc.paths['/api/tasks/{code}/transitions']?.post as {
      requestBody: {
        content: Record<string, { schema: { properties: Record<string, unknown>; additionalProperties: boolean } }>;
      };
    };
    expect(Object.keys(transition.requestBody.content['application/json']?.schema.properties ?? {}).sort()).toEqual([
      'document',
      'dueDate',
      'from',
      'reason',
      'to',
    ]);
    expect(transition.requestBody.content['application/json']?.schema.additionalProperties).toBe(false);
  });

  it('when /docs is opened, then Swagger UI loads from this server only, with no inline script, under the CSP', async () => {
    const page = await request(app).get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    // Every script is a file from here (an inline one would be refused by the CSP).
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(body?.trim()).toBe('');
      expect(attrs).toMatch(/src="\/docs\//);
    }
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1] as string)
      .filter((u) => u !== '/openapi.json');
    expect(assets.every((u) => u.startsWith('/docs/'))).toBe(true);
    for (const url of assets) {
      const res = await request(app).get(url);
      expect([url, res.status]).toEqual([url, 200]);
      expect(res.headers['content-type']).toMatch(url.endsWith('.css') ? /text\/css/ : /javascript/);
    }
    expect((await request(app).get('/docs/swagger-init.js')).text).toContain("url: '/openapi.json'");
  });
  it('when an operation takes Idempotency-Key, then the document declares it with the limits the server enforces, and only there', async () => {
    type Operation = {
      parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
      responses: Record<string, unknown>;
    };
    const doc = (await request(app).get('/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    const declared: string[] = [];
    const checked: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const header = op.parameters.find((x) => x.in === 'header' && x.name === 'Idempotency-Key');
        if (header) {
          declared.push(`${method} ${p}`);
          expect(header.required).toBe(false);
          expect(header.schema).toEqual({
            type: 'string',
            minLength: 1,
            maxLength: 200,
            pattern: '^[A-Za-z0-9._:-]+(?!\n)$',
          });
          expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['400', '409', '422']));
        }
        if (method !== 'post' && method !== 'put') continue;
        // A key the document refuses (201 characters) is refused by the server before anything else
        // where the header is taken; elsewhere it is ignored.
        const url = p.replace(/\{[^}]+\}/g, 'NO-SUCH-CODE');
        const res = await request(app)
          [method](url)
          .set(as('home-affairs'))
          .set('Idempotency-Key', 'k'.repeat(201))
          .send({});
        if (
          res.status === 400 &&
          (res.body.errors as { field: string }[]).some((e) => e.field === 'header.Idempotency-Key')
        )
          checked.push(`${method} ${p}`);
      }
    }
    expect(declared.sort()).toEqual(checked.sort());
    expect(declared).toEqual(
      expect.arrayContaining([
        'post /api/tasks',
        'post /api/tasks/{code}/transitions',
        'put /api/tasks/{code}/assignment',
      ]),
    );
    // The longest key the document allows is taken.
    const code = await createTask();
    const kept = await request(app)
      .post(`/api/tasks/${code}/milestones`)
      .set(as('ministry:BGDDT'))
      .set('Idempotency-Key', `a.b_c:d-${'9'.repeat(192)}`)
      .send({ name: 'DRAFTING' });
    expect(kept.status).toBe(200);
  });
});

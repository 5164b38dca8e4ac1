import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { CATALOG_FILE, CATALOG_COLUMNS, validateCatalog, validateCatalogXlsx } from '../../catalog/importer';
import { reference } from '../../catalog/reference-data';
import { MAX_XLSX_ROWS, columnLetter, readXlsxRecords } from '../../catalog/xlsx';
import { toXlsx } from '../../app/task-xlsx';
import { toCsv } from '../../domain/csv';
import { BAD_CATALOG_LINES, csvLinesAsXlsx } from '../support/catalog-files';

const ministries = new Set(reference.ministries.map((m) => m.code));
const catalogText = fs.readFileSync(CATALOG_FILE, 'utf8');
const header = CATALOG_COLUMNS.join(',');

/** CSV lines as the fields of a worksheet's rows (one cell per field). */
const fieldsOf = (lines: string[]) =>
  parse(lines.join('\n'), { relax_column_count: true, comment: '#', comment_no_infix: true }) as string[][];

describe('catalog import from .xlsx', () => {
  it('when the bundled catalog is written by the export writer and read back, then it validates to exactly the tasks the CSV gives', async () => {
    const [head, ...rows] = fieldsOf(catalogText.split('\n').filter((l) => l.trim() !== ''));
    const file = await toXlsx('catalog', head as string[], rows);
    const fromXlsx = await validateCatalogXlsx(file, ministries);
    const fromCsv = validateCatalog(catalogText, ministries);
    expect(fromXlsx.errors).toEqual([]);
    expect(fromXlsx.tasks).toHaveLength(reference.assessment.delegatedTasks);
    expect(fromXlsx.tasks).toEqual(fromCsv.tasks);
  });

  it('when rows are bad, then nothing is accepted from them and each reason names its row and cell', async () => {
    const { tasks, errors } = await validateCatalogXlsx(await csvLinesAsXlsx(BAD_CATALOG_LINES), ministries);
    expect(tasks.map((t) => t.code)).toEqual(['OK-1']);
    expect(errors.map((e) => [e.line, e.code, e.reason])).toEqual([
      [4, 'BAD-1', 'F4: unknown lead_ministry BXX'],
      [5, 'BAD-2', 'H5: initial_status must be one of REQUIRES_GUIDANCE, AUTHORITY_ADJUSTMENT, FEASIBLE'],
      [6, 'OK-1', 'A6: duplicate code OK-1 (first on line 3)'],
      [7, 'BAD-3', 'B7: title_vi is missing'],
      [8, 'BAD-4', 'I8: initial_due_date must be a date YYYY-MM-DD'],
      [9, 'BAD-5', 'G9: the lead ministry is also listed as coordinating'],
    ]);
    // The same lines as CSV: the same rows refused, on the same lines, with the same reasons and no cell names.
    const csv = validateCatalog(BAD_CATALOG_LINES.join('\n'), ministries);
    expect(csv.errors.map((e) => [e.line, e.code, e.reason])).toEqual(
      errors.map((e) => [e.line, e.code, e.reason.replace(/^[A-Z]+\d+: /, '')]),
    );
  });

  it('when a worksheet holds date cells, formulas, comments and a wide empty area, then they read as a CSV would hold them', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('official list');
    sheet.addRow(['# the official list']);
    sheet.addRow([...CATALOG_COLUMNS]);
    sheet.addRow([
      'D-1',
      'Dated',
      'Health',
      '',
      'province',
      'BYT',
      '',
      'REQUIRES_GUIDANCE',
      new Date(Date.UTC(2027, 2, 31)),
      'Focal',
      'focal@byt.test',
    ]);
    sheet.addRow([
      'D-2',
      { formula: 'UPPER("computed")', result: 'COMPUTED' },
      'Health',
      '',
      'commune',
      'BYT',
      'BTC;BNV',
      'FEASIBLE',
    ]);
    sheet.getCell('P10').value = '';
    const file = Buffer.from(await book.xlsx.writeBuffer());
    const records = await readXlsxRecords(file);
    expect(records.map((r) => r.line)).toEqual([2, 3, 4]);
    const { tasks, errors } = await validateCatalogXlsx(file, ministries);
    expect(errors).toEqual([]);
    expect(tasks.map((t) => [t.code, t.title, t.dueDate, t.coordinatingMinistries])).toEqual([
      ['D-1', 'Dated', '2027-03-31', []],
      ['D-2', 'COMPUTED', null, ['BTC', 'BNV']],
    ]);
  });

  it('when the file is not a spreadsheet, then it is refused as a whole, saying so', async () => {
    const { tasks, errors } = await validateCatalogXlsx(Buffer.from(catalogText), ministries);
    expect(tasks).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.reason).toMatch(/^not a readable \.xlsx file: /);
  });

  it('when columns go past Z, then cells are named as a spreadsheet names them', () => {
    expect([0, 25, 26, 51, 52, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
  });
});

describe('catalog import from CSV (csv-parse)', () => {
  it('when a quoted field spans lines, then the next row still gets its own line number', () => {
    const text = [
      header,
      'Q-1,"Two',
      'lines",Health,,province,BYT,,FEASIBLE,,,',
      'Q-2,,Health,,province,BYT,,FEASIBLE,,,',
    ].join('\r\n');
    const { tasks, errors } = validateCatalog(text, ministries);
    expect(tasks.map((t) => [t.code, t.title])).toEqual([['Q-1', 'Two\r\nlines']]);
    expect(errors.map((e) => [e.line, e.code])).toEqual([[4, 'Q-2']]);
  });

  it('when quoted fields hold line breaks of every kind, then each row keeps the line it starts on', () => {
    for (const eol of ['\n', '\r\n']) {
      const lines = [
        header,
        'Q-1,"One',
        'break",Health,,province,BYT,,FEASIBLE,,,',
        'Q-2,,Health,,province,BYT,,FEASIBLE,,,',
        '# a comment',
        '',
        'Q-3,"Two\r\n',
        'breaks",Health,,province,BYT,,FEASIBLE,,,',
        'Q-4,,Health,,province,BYT,,FEASIBLE,,,',
      ];
      const { errors } = validateCatalog(lines.join(eol), ministries);
      expect(errors.map((e) => [e.line, e.code])).toEqual([
        [4, 'Q-2'],
        [10, 'Q-4'],
      ]);
    }
  });

  it('when a file mixes line endings (CRLF, then LF, then CR), then every line is its own row', () => {
    const text = `${header}\r\nM-1,One,Health,,province,BYT,,FEASIBLE,,,\nM-2,,Health,,province,BYT,,FEASIBLE,,,\rM-3,Three,Health,,province,BYT,,FEASIBLE,,,\n`;
    const { tasks, errors } = validateCatalog(text, ministries);
    expect(tasks.map((t) => t.code)).toEqual(['M-1', 'M-3']);
    expect(errors.map((e) => [e.line, e.code])).toEqual([[3, 'M-2']]);
  });

  it('when a quote is never closed, then the file is refused as a whole, naming where', () => {
    const { tasks, errors } = validateCatalog(
      [header, 'U-1,"Never closed,Health,,province,BYT,,FEASIBLE,,,'].join('\n'),
      ministries,
    );
    expect(tasks).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.reason).toMatch(/^not valid CSV: /);
  });

  it('when the export writer writes rows and csv-parse reads them, then every field comes back (formulas guarded)', () => {
    const rows = [['a,b', 'c;d', 'say "hi"', 'two\r\nlines', 'lone\nfeed', 'lone\rreturn', '=1+1', 7, null]];
    const text = toCsv(['w', 'x', 'y', 'z', 'lf', 'cr', 'f', 'n', 'e'], rows);
    expect(text.split('\r\n')[1]).toBe('"a,b","c;d","say ""hi""","two');
    expect(text).toContain(',"lone\nfeed","lone\rreturn",');
    expect(parse(text)).toEqual([
      ['w', 'x', 'y', 'z', 'lf', 'cr', 'f', 'n', 'e'],
      ['a,b', 'c;d', 'say "hi"', 'two\r\nlines', 'lone\nfeed', 'lone\rreturn', "'=1+1", '7', ''],
    ]);
  });
});

describe('.xlsx import at scale', () => {
  /** A worksheet of `n` catalog rows (the header first), as an .xlsx file. */
  async function sheetOf(n: number): Promise<Buffer> {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('many');
    sheet.addRow([...CATALOG_COLUMNS]);
    for (let i = 0; i < n; i++)
      sheet.addRow([`M-${i}`, `Task ${i}`, 'Health', '', 'province', 'BYT', '', 'REQUIRES_GUIDANCE']);
    return Buffer.from(await book.xlsx.writeBuffer());
  }

  /** The rows read from `file`, and how long reading took. */
  async function timedRead(file: Buffer): Promise<{ rows: number; ms: number }> {
    const started = performance.now();
    const records = await readXlsxRecords(file, { maxRows: 60_000 });
    return { rows: records.length, ms: performance.now() - started };
  }

  it('when a worksheet has 20,000 rows, then it is read in time linear in its rows (five times 4,000 rows, not twenty-five)', async () => {
    const [small, large] = [await sheetOf(4_000), await sheetOf(20_000)];
    const r4k = await timedRead(small);
    const r20k = await timedRead(large);
    // Quadratic reading (sheet.columnCount per row) took 9.4 s for 10k and over 300 s for 50k rows: a
    // ratio of 25 between these two sizes, against 5 for a linear reader.
    expect(r20k.ms / r4k.ms).toBeLessThan(12);
    expect([r4k.rows, r20k.rows]).toEqual([4_001, 20_001]);
  }, 240_000);

  it('when a worksheet has more rows than the limit or the file is too large, then it is refused as a whole, naming the limit', async () => {
    const many = await validateCatalogXlsx(await sheetOf(MAX_XLSX_ROWS + 1), ministries);
    expect(many.tasks).toEqual([]);
    expect(many.errors).toEqual([
      {
        line: 1,
        reason: `too large: the worksheet has ${MAX_XLSX_ROWS + 2} rows; at most ${MAX_XLSX_ROWS} are read (split it)`,
      },
    ]);
    await expect(readXlsxRecords(Buffer.alloc(5 * 1024 * 1024))).rejects.toThrow(
      /5242880 bytes; at most 4194304 are read/,
    );
  }, 120_000);
});

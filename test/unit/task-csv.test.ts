import type { ApiTask } from '../../db/tasks';
import { parse } from 'csv-parse/sync';
import { TASK_COLUMNS, publicTasksCsv, tasksCsv } from '../../app/task-csv';

const task = (focalPointName: string): ApiTask =>
  ({
    code: 'BYT-001',
    title: 'Cấp phép, hành nghề',
    sector: 'health',
    status: 'REQUIRES_GUIDANCE',
    leadMinistry: 'BYT',
    coordinatingMinistries: ['BTC', 'BNV'],
    focalPoint: { name: focalPointName, email: 'a@example.org' },
    dueDate: '2026-12-31',
    daysOverdue: 0,
    reports: { workable: 0, obstacle: 0 },
    legalBasis: 'Điều 5 Nghị định 58/2025/NĐ-CP',
    titles: { vi: 'Cấp phép, hành nghề', en: 'Licences, practice' },
    sectors: { vi: 'health', en: null },
    legalBases: { vi: 'Điều 5 Nghị định 58/2025/NĐ-CP', en: 'Decree 58/2025/ND-CP, Art. 5' },
  }) as ApiTask;

describe('tasks as CSV', () => {
  it('when a field holds a semicolon, then it is quoted (spreadsheets in some locales split on ;) and a formula stays text', () => {
    const [, line] = tasksCsv([task('Nguyen;=1+1;x')]).split('\r\n');
    expect(line).toContain(',"Nguyen;=1+1;x",');
    expect(line).toContain(',"BTC;BNV",');
  });

  it('when a field starts like a formula, then it gets a leading quote', () => {
    const [, line] = tasksCsv([task('=HYPERLINK("x")')]).split('\r\n');
    expect(line).toContain(`,"'=HYPERLINK(""x"")",`);
  });

  it('when fields hold commas, quotes or line breaks, then they are quoted and csv-parse reads every task back as written', () => {
    const tricky = {
      ...task('Trần, "Ba"\r\nline two'),
      title: 'Fees, permits; licences',
      sector: '@sum',
      dueDate: null,
      daysOverdue: 3,
    } as ApiTask;
    const text = tasksCsv([tricky, task('plain')]);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n')[0]).toBe(TASK_COLUMNS.join(','));
    expect(text).toContain(',"Fees, permits; licences",');
    expect(parse(text)).toEqual([
      [...TASK_COLUMNS],
      [
        'BYT-001',
        'Fees, permits; licences',
        "'@sum",
        'REQUIRES_GUIDANCE',
        'BYT',
        'BTC;BNV',
        'Trần, "Ba"\r\nline two',
        'a@example.org',
        '',
        '3',
        '0',
        '0',
        'Licences, practice',
        '',
        'Điều 5 Nghị định 58/2025/NĐ-CP',
        'Decree 58/2025/ND-CP, Art. 5',
      ],
      [
        'BYT-001',
        'Cấp phép, hành nghề',
        'health',
        'REQUIRES_GUIDANCE',
        'BYT',
        'BTC;BNV',
        'plain',
        'a@example.org',
        '2026-12-31',
        '0',
        '0',
        '0',
        'Licences, practice',
        '',
        'Điều 5 Nghị định 58/2025/NĐ-CP',
        'Decree 58/2025/ND-CP, Art. 5',
      ],
    ]);
  });

  it('when the list is for the public, then the focal-point columns are left out and the rest is unchanged', () => {
    const [head, row] = parse(publicTasksCsv([task('Private Person')])) as string[][];
    expect(head).toEqual(TASK_COLUMNS.filter((c) => c !== 'focalPointName' && c !== 'focalPointEmail'));
    expect(row).toEqual([
      'BYT-001',
      'Cấp phép, hành nghề',
      'health',
      'REQUIRES_GUIDANCE',
      'BYT',
      'BTC;BNV',
      '2026-12-31',
      '0',
      '0',
      '0',
      'Licences, practice',
      '',
      'Điều 5 Nghị định 58/2025/NĐ-CP',
      'Decree 58/2025/ND-CP, Art. 5',
    ]);
  });
});

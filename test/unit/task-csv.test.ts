import type { ApiTask } from '../../db/tasks';
import { tasksCsv } from '../../api/task-csv';

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
});

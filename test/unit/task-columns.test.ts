import { TASK_JSON_FIELDS, WRITTEN_COLUMN_NAMES, taskRow } from '../../db/task-columns';
import { taskResponse } from '../../db/tasks';
import type { TaskState } from '../../domain/task';

const state = {
  code: 'BYT-001',
  title: 'T',
  sector: 'S',
  legalBasis: 'L',
  level: 'province',
  status: 'REQUIRES_GUIDANCE',
  statusSince: '2026-01-01T00:00:00.000Z',
  leadMinistry: 'BYT',
  coordinatingMinistries: ['BTC'],
  focalPoint: { name: 'A', email: 'a@example.test' },
  dueDate: '2026-04-01',
  deadlineExtensions: 0,
  milestones: [],
  reports: {},
  lastDocument: null,
  seq: 3,
  reminderCursor: 0,
  policy: {} as TaskState['policy'],
} as TaskState;

describe('the task column map', () => {
  it('when a state is written, then its row has every written column and nothing else', () => {
    expect(Object.keys(taskRow(state))).toEqual(WRITTEN_COLUMN_NAMES);
    expect(taskRow(state)).toMatchObject({ legal_basis: 'L', last_seq: 3, held_up: null, documents: [] });
  });

  it('when the JSON is built, then every written column is read by it and its keys are the documented ones', () => {
    const fields = TASK_JSON_FIELDS('0');
    const sql = fields.map(([, s]) => s).join(' ');
    for (const c of WRITTEN_COLUMN_NAMES) expect(sql).toMatch(new RegExp(`\\bt\\.${c}\\b`));
    expect(fields.map(([k]) => k).sort()).toEqual(Object.keys(taskResponse.shape).sort());
  });
});

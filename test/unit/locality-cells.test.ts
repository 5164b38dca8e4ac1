import {
  appliesTo,
  matchesLevel,
  validateReport,
  type Applicability,
  type CellError,
  type LocalityReport,
  type ReportContext,
} from '../../domain/locality-cells';
import { pathOf } from '../../domain/refusal';

/** A cell error's location as the API names it (the domain returns it structured). */
const at = (e: CellError) => pathOf({ in: 'body', ...e.location });

const ALL: Applicability = { localities: null, level: 'province' };
const ONLY_HNI: Applicability = { localities: ['HNI'], level: 'commune' };

function ctx(over: Partial<ReportContext> = {}): ReportContext {
  return {
    localities: new Set(['HNI', 'HCM', 'DNG']),
    tasks: new Map([
      ['BYT-001', ALL],
      ['BYT-002', ALL],
      ['BTP-001', ONLY_HNI],
    ]),
    round: { id: 'monthly-2026-01', status: 'OPEN' },
    actor: { kind: 'locality', code: 'HCM' },
    ...over,
  };
}

const report = (cells: LocalityReport['cells'], locality = 'HCM'): LocalityReport => ({ locality, cells });

describe('applicability', () => {
  it('when a task names no localities, then it applies to every locality', () => {
    expect(appliesTo(ALL, 'CMU')).toBe(true);
    expect(appliesTo(ONLY_HNI, 'HNI')).toBe(true);
    expect(appliesTo(ONLY_HNI, 'HCM')).toBe(false);
  });

  it('when filtering by level, then a task at both levels counts for province and for commune', () => {
    expect(matchesLevel('both', 'province')).toBe(true);
    expect(matchesLevel('both', 'commune')).toBe(true);
    expect(matchesLevel('province', 'commune')).toBe(false);
    expect(matchesLevel('province', 'both')).toBe(false);
    expect(matchesLevel('both', 'both')).toBe(true);
  });
});

describe('a locality report', () => {
  it('when every cell is well formed and applies, then it is accepted', () => {
    const v = validateReport(
      report([
        { task: 'BYT-001', state: 'WORKABLE' },
        { task: 'BYT-002', state: 'OBSTACLE', category: 'STAFFING', text: 'Thiếu 3 cán bộ' },
      ]),
      ctx(),
    );
    expect(v).toEqual({ ok: true });
  });

  it('when several cells are bad, then every one is named by index, task and locality', () => {
    const v = validateReport(
      report([
        { task: 'NOPE-1', state: 'WORKABLE' },
        { task: 'BTP-001', state: 'IMPLEMENTING' },
        { task: 'BYT-001', state: 'OBSTACLE' },
        { task: 'BYT-002', state: 'WORKABLE', category: 'FINANCE' },
        { task: 'BYT-002', state: 'WORKABLE' },
      ]),
      ctx(),
    );
    if (v.ok) throw new Error('expected a refusal');
    expect(v.refusal).toBe('INVALID_CELLS');
    expect(v.errors.map((e) => [at(e), e.cell?.task, e.cell?.locality])).toEqual([
      ['body.cells.0.task', 'NOPE-1', 'HCM'],
      ['body.cells.1.task', 'BTP-001', 'HCM'],
      ['body.cells.2.category', 'BYT-001', 'HCM'],
      ['body.cells.2.text', 'BYT-001', 'HCM'],
      ['body.cells.3.category', 'BYT-002', 'HCM'],
      ['body.cells.4.task', 'BYT-002', 'HCM'],
    ]);
    expect(v.errors[1]?.message).toBe('task BTP-001 does not apply to HCM');
  });

  it("when a locality writes another locality's cells, then it is forbidden and the cell is named", () => {
    const v = validateReport(report([{ task: 'BYT-001', state: 'WORKABLE' }], 'HNI'), ctx());
    if (v.ok) throw new Error('expected a refusal');
    expect(v.refusal).toBe('FORBIDDEN');
    expect(v.errors).toContainEqual(
      expect.objectContaining({
        location: { list: 'cells', index: 0, field: '' },
        cell: { task: 'BYT-001', locality: 'HNI' },
      }),
    );
  });

  it('when Home Affairs sends it for a locality, then it is accepted; a ministry is refused', () => {
    expect(
      validateReport(report([{ task: 'BYT-001', state: 'WORKABLE' }]), ctx({ actor: { kind: 'home-affairs' } })).ok,
    ).toBe(true);
    const v = validateReport(
      report([{ task: 'BYT-001', state: 'WORKABLE' }]),
      ctx({ actor: { kind: 'ministry', code: 'BYT' } }),
    );
    expect(v.ok ? null : v.refusal).toBe('FORBIDDEN');
  });

  it('when the locality is unknown, then it is refused naming body.locality', () => {
    const v = validateReport(
      report([{ task: 'BYT-001', state: 'WORKABLE' }], 'XXX'),
      ctx({ actor: { kind: 'home-affairs' } }),
    );
    expect(v.ok ? null : [v.refusal, v.errors[0] && at(v.errors[0])]).toEqual(['UNKNOWN_LOCALITY', 'body.locality']);
  });

  it('when its round is closed, then it is refused whatever the cells', () => {
    const v = validateReport(
      report([{ task: 'BYT-001', state: 'WORKABLE' }]),
      ctx({ round: { id: 'seed-2025-12-06', status: 'CLOSED' } }),
    );
    expect(v.ok ? null : [v.refusal, v.errors[0] && at(v.errors[0])]).toEqual(['ROUND_CLOSED', 'body.round']);
  });

  it('when its round does not exist, then it is refused naming body.round', () => {
    const v = validateReport({ locality: 'HCM', round: 'nope', cells: [] }, ctx({ round: null, roundMissing: true }));
    expect(v.ok ? null : v.refusal).toBe('UNKNOWN_ROUND');
  });

  it('when a text is too long, then the cell is named', () => {
    const v = validateReport(report([{ task: 'BYT-001', state: 'IMPLEMENTING', text: 'x'.repeat(4001) }]), ctx());
    expect(v.ok ? null : v.errors.map(at)).toEqual(['body.cells.0.text']);
  });
});

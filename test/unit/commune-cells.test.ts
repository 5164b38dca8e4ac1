import {
  checkCommuneEntries,
  isCommuneLevel,
  reportChannel,
  stateNumber,
  categoryNumber,
} from '../../domain/commune-cells';

describe('who may write a commune’s cells', () => {
  const hoanKiem = { code: '00070', locality: 'HNI' };
  it('when the commune itself writes, then it is the COMMUNE channel', () => {
    expect(reportChannel({ kind: 'commune', code: '00070' }, hoanKiem)).toEqual({ ok: true, channel: 'COMMUNE' });
  });
  it('when its province or Home Affairs writes, then it is ON_BEHALF', () => {
    expect(reportChannel({ kind: 'locality', code: 'HNI' }, hoanKiem)).toEqual({ ok: true, channel: 'ON_BEHALF' });
    expect(reportChannel({ kind: 'home-affairs' }, hoanKiem)).toEqual({ ok: true, channel: 'ON_BEHALF' });
  });
  it('when another commune, another province or anyone else writes, then it is refused with a reason', () => {
    for (const who of [
      { kind: 'commune', code: '00004' },
      { kind: 'locality', code: 'DNG' },
      { kind: 'other' },
    ] as const) {
      const r = reportChannel(who, hoanKiem);
      expect(r.ok).toBe(false);
    }
    expect(reportChannel({ kind: 'locality', code: 'DNG' }, hoanKiem)).toMatchObject({
      message: expect.stringContaining('belongs to HNI'),
    });
  });
});

describe('the entries of a commune’s report', () => {
  const mine = new Set(['A', 'B']);
  const levels = new Map([
    ['P', 'province'],
    ['C', 'commune'],
  ]);
  const at = (i: number, column: string) => ({ field: `body.cells.${i}.${column}` });
  it('when every entry names one of its tasks once, then there is no error', () => {
    expect(
      checkCommuneEntries(
        '00070',
        [
          { task: 'A', state: 'WORKABLE' },
          { task: 'B', state: 'NOT_STARTED' },
        ],
        mine,
        levels,
        at,
      ),
    ).toEqual([]);
  });
  it('when entries name a province-level task, a task of another province, an unknown task and a task twice, then each is named', () => {
    const errors = checkCommuneEntries(
      '00070',
      [
        { task: 'P', state: 'WORKABLE' },
        { task: 'C', state: 'WORKABLE' },
        { task: 'X', state: 'WORKABLE' },
        { task: 'A', state: 'WORKABLE' },
        { task: 'A', state: 'IMPLEMENTING' },
      ],
      mine,
      levels,
      at,
    );
    expect(errors.map((e) => [e.field, e.message])).toEqual([
      ['body.cells.0.task', 'task P is carried out at province level: communes do not report on it'],
      ['body.cells.1.task', 'task C does not apply to the province of commune 00070'],
      ['body.cells.2.task', 'unknown task X'],
      ['body.cells.4.task', 'task A appears twice'],
    ]);
  });
  it('when states and categories are stored, then they are their index in the shared lists', () => {
    expect(['NOT_STARTED', 'IMPLEMENTING', 'WORKABLE', 'OBSTACLE'].map((s) => stateNumber(s as never))).toEqual([
      0, 1, 2, 3,
    ]);
    expect([categoryNumber('LEGAL_BASIS'), categoryNumber('OTHER'), categoryNumber(null)]).toEqual([0, 6, null]);
    expect([isCommuneLevel('commune'), isCommuneLevel('both'), isCommuneLevel('province')]).toEqual([
      true,
      true,
      false,
    ]);
  });
});

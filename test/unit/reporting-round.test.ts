import { deadlineInstant } from '../../domain/dates';
import {
  applyExtendRound,
  checkCloseRound,
  checkExtendRound,
  initialRoundState,
  nextRoundPoint,
  type RoundPolicy,
  type RoundState,
} from '../../domain/reporting-round';
import { CALENDAR_DAYS, workingDaysOf, type WorkingDayCalendar } from '../../domain/round-days';

const policy: RoundPolicy = {
  reminderWorkingDaysBefore: [5, 2, 1],
  closeAfterWorkingDays: 3,
  dueInWorkingDays: 10,
  homeAffairsEmail: 'moha@test',
  publicBaseUrl: 'http://x',
};

/** A calendar without weekends, to show the round only asks the calendar (never counts days itself). */
const WEEKDAYS: WorkingDayCalendar = {
  addWorkingDays(date, n) {
    let d = Date.parse(`${date}T00:00:00Z`);
    const step = n < 0 ? -1 : 1;
    for (let left = Math.abs(n); left > 0;) {
      d += step * 86_400_000;
      const wd = new Date(d).getUTCDay();
      if (wd !== 0 && wd !== 6) left--;
    }
    return new Date(d).toISOString().slice(0, 10);
  },
};

function timeline(round: RoundState, calendar: WorkingDayCalendar) {
  const out: string[] = [];
  let r = round;
  for (let p = nextRoundPoint(r, calendar); p; p = nextRoundPoint(r, calendar)) {
    out.push(`${p.kind}:${p.offsetWorkingDays}:${new Date(p.at).toISOString()}`);
    r = { ...r, done: [...r.done, p.key], status: p.kind === 'CLOSE' ? 'CLOSED' : r.status };
  }
  return out;
}

describe('reporting round timeline', () => {
  const opened = Date.parse('2026-01-01T01:00:00Z');

  it('when a round is due on 2026-01-15, then reminders go 5, 2 and 1 days before, escalation at the due date, close 3 days after', () => {
    const r = initialRoundState(
      { id: 'r', kind: 'EXTRA', dueDate: '2026-01-15', policy },
      opened,
      '2026-01-01',
      CALENDAR_DAYS,
    );
    expect(r.closesOn).toBe('2026-01-18');
    expect(timeline(r, CALENDAR_DAYS)).toEqual([
      'REMINDER:5:2026-01-10T01:00:00.000Z',
      'REMINDER:2:2026-01-13T01:00:00.000Z',
      'REMINDER:1:2026-01-14T01:00:00.000Z',
      `ESCALATION:0:${new Date(deadlineInstant('2026-01-15')).toISOString()}`,
      `CLOSE:-3:${new Date(deadlineInstant('2026-01-18')).toISOString()}`,
    ]);
  });

  it('when the calendar skips weekends, then the points fall on the days it names', () => {
    // 2026-01-15 is a Thursday: 5 working days before is Thursday 8 January; 3 after is Tuesday 20 January.
    const r = initialRoundState(
      { id: 'r', kind: 'EXTRA', dueDate: '2026-01-15', policy },
      opened,
      '2026-01-01',
      WEEKDAYS,
    );
    expect(r.closesOn).toBe('2026-01-20');
    expect(timeline(r, WEEKDAYS)[0]).toBe('REMINDER:5:2026-01-08T01:00:00.000Z');
  });

  it('when a round opens 3 days before its due date, then the reminders already past are not sent', () => {
    const r = initialRoundState(
      { id: 'r', kind: 'EXTRA', dueDate: '2026-01-04', policy },
      opened,
      '2026-01-01',
      CALENDAR_DAYS,
    );
    expect(timeline(r, CALENDAR_DAYS).map((s) => s.split(':').slice(0, 2).join(':'))).toEqual([
      'REMINDER:2',
      'REMINDER:1',
      'ESCALATION:0',
      'CLOSE:-3',
    ]);
  });

  it('when Home Affairs extends, then the timeline is planned again for the new due date from now', () => {
    let r = initialRoundState(
      { id: 'r', kind: 'EXTRA', dueDate: '2026-01-15', policy },
      opened,
      '2026-01-01',
      CALENDAR_DAYS,
    );
    r = { ...r, done: ['REMINDER:2026-01-15:5'] };
    const now = Date.parse('2026-01-12T00:00:00Z');
    r = applyExtendRound(
      r,
      { actor: { kind: 'home-affairs' }, dueDate: '2026-01-20', reason: 'Tết' },
      now,
      CALENDAR_DAYS,
    );
    expect([r.dueDate, r.closesOn, r.extensions]).toEqual(['2026-01-20', '2026-01-23', 1]);
    expect(timeline(r, CALENDAR_DAYS).map((s) => s.split(':').slice(0, 2).join(':'))).toEqual([
      'REMINDER:5',
      'REMINDER:2',
      'REMINDER:1',
      'ESCALATION:0',
      'CLOSE:-3',
    ]);
  });

  it('when someone other than Home Affairs extends or closes, or the round is closed, then it is refused', () => {
    const r = initialRoundState(
      { id: 'r', kind: 'EXTRA', dueDate: '2026-01-15', policy },
      opened,
      '2026-01-01',
      CALENDAR_DAYS,
    );
    expect(
      checkExtendRound(
        r,
        { actor: { kind: 'locality', code: 'HNI' }, dueDate: '2026-02-01', reason: 'x' },
        '2026-01-02',
      )?.code,
    ).toBe('FORBIDDEN');
    expect(
      checkExtendRound(r, { actor: { kind: 'home-affairs' }, dueDate: '2026-01-10', reason: 'x' }, '2026-01-02')?.field,
    ).toBe('dueDate');
    expect(
      checkExtendRound(r, { actor: { kind: 'home-affairs' }, dueDate: '2026-02-01', reason: ' ' }, '2026-01-02')?.field,
    ).toBe('reason');
    expect(
      checkExtendRound(
        r,
        { actor: { kind: 'home-affairs' }, dueDate: '2026-02-01', reason: 'late data' },
        '2026-01-02',
      ),
    ).toBeNull();
    expect(checkCloseRound({ ...r, status: 'CLOSED' }, { actor: { kind: 'home-affairs' }, reason: 'done' })?.code).toBe(
      'ROUND_CLOSED',
    );
    expect(checkCloseRound(r, { actor: { kind: 'ministry', code: 'BYT' }, reason: 'done' })?.code).toBe('FORBIDDEN');
  });
});

describe("a round on Viet Nam's working days", () => {
  it('when the policy carries a calendar with a holiday, then reminders skip it and weekends', () => {
    // 2026-04-27 (Monday) is Hùng Kings' day off in this calendar; the round is due Thursday 30 April.
    const calendar = workingDaysOf({
      firstYear: 2026,
      lastYear: 2026,
      daysOff: ['2026-04-27'],
      workingWeekendDays: [],
    });
    const r = initialRoundState(
      { id: 'r', kind: 'EXTRA', dueDate: '2026-04-30', policy },
      Date.parse('2026-04-01T01:00:00Z'),
      '2026-04-01',
      calendar,
    );
    // 5 working days before Thursday 30 April: 29, 28, (27 off), 24, 23, 22 → Wednesday 22 April; 3 after: 1, 4, 5 May (weekend skipped).
    expect(timeline(r, calendar)[0]).toBe('REMINDER:5:2026-04-22T01:00:00.000Z');
    expect(r.closesOn).toBe('2026-05-05');
  });
});

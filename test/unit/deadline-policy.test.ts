import { DAY_MS, daysOverdue, deadlineInstant, vietnamDate } from '../../domain/dates';
import {
  defaultDueDate,
  nextReminder,
  replannedReminderCursor,
  type ReminderPoint,
} from '../../domain/deadline-policy';
import { ladderSchedule, nextLadderStep, replannedLadderCursor, type LadderStep } from '../../domain/escalation-ladder';
import type { WorkingCalendar } from '../../domain/working-days';
import type { DeadlinePolicy, TaskStatus } from '../../domain/task';
import { DEFAULT_DUE_DAYS } from '../../domain/statuses';

const policy: DeadlinePolicy = {
  reminderOffsetsDays: [14, 7, 1],
  overdueIntervalDays: 7,
  defaultDueDays: DEFAULT_DUE_DAYS,
  homeAffairsEmail: 'moha@test',
  publicBaseUrl: 'http://x',
};

function schedule(status: TaskStatus, dueDate: string | null, from: number, count: number): ReminderPoint[] {
  const out: ReminderPoint[] = [];
  let cursor = from;
  for (let i = 0; i < count; i++) {
    const p = nextReminder({ status, dueDate, policy }, cursor);
    if (!p) break;
    out.push(p);
    cursor = p.at;
  }
  return out;
}

describe('deadline policy', () => {
  it('when a task is due on 2027-01-31, then the deadline is the end of that day in Viet Nam', () => {
    expect(new Date(deadlineInstant('2027-01-31')).toISOString()).toBe('2027-01-31T17:00:00.000Z');
    expect(vietnamDate(Date.parse('2027-01-31T16:59:59Z'))).toBe('2027-01-31');
    expect(vietnamDate(Date.parse('2027-01-31T17:00:00Z'))).toBe('2027-02-01');
  });

  it('when reminders are planned from far ahead, then they come at 14, 7 and 1 days, the escalation at the deadline, then every 7 days', () => {
    const due = deadlineInstant('2027-03-01');
    const points = schedule('REQUIRES_GUIDANCE', '2027-03-01', due - 60 * DAY_MS, 7);
    expect(points.map((p) => [p.kind, p.offsetDays, (p.at - due) / DAY_MS])).toEqual([
      ['REMINDER', 14, -14],
      ['REMINDER', 7, -7],
      ['REMINDER', 1, -1],
      ['ESCALATION', 0, 0],
      ['OVERDUE', -7, 7],
      ['OVERDUE', -14, 14],
      ['OVERDUE', -21, 21],
    ]);
  });

  it('when the plan starts 3 days before the deadline, then the missed reminders are skipped', () => {
    const due = deadlineInstant('2027-03-01');
    expect(schedule('REQUIRES_GUIDANCE', '2027-03-01', due - 3 * DAY_MS, 2).map((p) => p.kind)).toEqual([
      'REMINDER',
      'ESCALATION',
    ]);
  });

  it('when a task is FEASIBLE or has no due date, then there are no reminders', () => {
    expect(nextReminder({ status: 'FEASIBLE', dueDate: '2027-03-01', policy }, 0)).toBeNull();
    expect(nextReminder({ status: 'REQUIRES_GUIDANCE', dueDate: null, policy }, 0)).toBeNull();
  });

  it('when a task enters a state, then its default due date follows the policy', () => {
    const now = Date.parse('2026-11-23T03:00:00Z');
    expect(defaultDueDate(policy, 'REQUIRES_GUIDANCE', now)).toBe('2027-02-21');
    expect(defaultDueDate(policy, 'AUTHORITY_ADJUSTMENT', now)).toBe('2027-05-22');
    expect(defaultDueDate(policy, 'FEASIBLE', now)).toBeNull();
  });

  it('when the deadline has passed, then days overdue count whole days from it', () => {
    const due = deadlineInstant('2026-11-01');
    expect(daysOverdue('2026-11-01', due - 1)).toBe(0);
    expect(daysOverdue('2026-11-01', due)).toBe(1);
    expect(daysOverdue('2026-11-01', due + 10 * DAY_MS)).toBe(11);
    expect(daysOverdue(null, due)).toBe(0);
  });
});

describe('reminders re-planned on an updated calendar', () => {
  const daysOff = (...days: string[]): WorkingCalendar => ({
    firstYear: 2027,
    lastYear: 2027,
    daysOff: days,
    workingWeekendDays: [],
  });
  const task = (dueDate: string, calendar: WorkingCalendar, reminderOffsetsDays: number[]) => ({
    status: 'REQUIRES_GUIDANCE' as const,
    dueDate,
    policy: { ...policy, reminderOffsetsDays, calendar, reminderDaysUnit: 'working' as const },
  });
  const what = (p: ReminderPoint | null) => p && [p.kind, p.offsetDays, p.dueDate, vietnamDate(p.at - 1)];

  it('when a removed day off moves the reminder already sent later, then the next point is the following reminder, not that one again', () => {
    // Due Wednesday 10/03/2027 with Monday 08/03 off: "2 working days before" went out at the end of Friday 05/03.
    const before = {
      ...task('2027-03-10', daysOff('2027-03-08'), [2, 1]),
      reminderCursor: deadlineInstant('2027-03-05'),
    };
    const after = task('2027-03-10', daysOff(), [2, 1]);
    expect(what(nextReminder(after, before.reminderCursor))).toEqual(['REMINDER', 2, '2027-03-10', '2027-03-08']);
    expect(what(nextReminder(after, replannedReminderCursor(before, after)))).toEqual([
      'REMINDER',
      1,
      '2027-03-10',
      '2027-03-09',
    ]);
  });

  it('when added days off move the next reminder before the one already sent, then it is still the next point (due at once), not skipped', () => {
    // "5 working days before" went out at the end of Wednesday 03/03; the whole week before the due date becomes days off.
    const before = { ...task('2027-03-10', daysOff(), [5, 1]), reminderCursor: deadlineInstant('2027-03-03') };
    const after = task(
      '2027-03-10',
      daysOff('2027-03-03', '2027-03-04', '2027-03-05', '2027-03-08', '2027-03-09'),
      [5, 1],
    );
    expect(what(nextReminder(after, before.reminderCursor))?.[0]).toBe('ESCALATION');
    expect(what(nextReminder(after, replannedReminderCursor(before, after)))).toEqual([
      'REMINDER',
      1,
      '2027-03-10',
      '2027-03-02',
    ]);
  });

  it('when the calendar moves the due date, then a reminder offset already sent is not sent again for the moved date', () => {
    // Due Tuesday 09/03 with Monday 08/03 off: "2 working days before" went out on Thursday 04/03. Then Monday
    // is a working day and Tuesday a day off: due Wednesday 10/03, whose "2 working days before" is Friday 05/03.
    const before = {
      ...task('2027-03-09', daysOff('2027-03-08'), [2, 1]),
      reminderCursor: deadlineInstant('2027-03-04'),
    };
    const after = task('2027-03-10', daysOff('2027-03-09'), [2, 1]);
    expect(what(nextReminder(after, replannedReminderCursor(before, after)))).toEqual([
      'REMINDER',
      1,
      '2027-03-10',
      '2027-03-08',
    ]);
  });

  it('when the calendar moves a due date already past, then neither the escalation nor an overdue reminder already sent is sent again', () => {
    // Due Tuesday 09/03: escalated that evening, first overdue reminder on 16/03. A correction makes 09/03 a day off.
    const before = { ...task('2027-03-09', daysOff(), [2, 1]), reminderCursor: deadlineInstant('2027-03-16') };
    const after = task('2027-03-10', daysOff('2027-03-09'), [2, 1]);
    expect(what(nextReminder(after, before.reminderCursor))).toEqual(['OVERDUE', -7, '2027-03-10', '2027-03-17']);
    expect(what(nextReminder(after, replannedReminderCursor(before, after)))).toEqual([
      'OVERDUE',
      -14,
      '2027-03-10',
      '2027-03-24',
    ]);
  });

  it('when an added day off moves a ladder step already sent later, then the next step is the following one; a finished ladder stays finished', () => {
    const steps: LadderStep[] = [
      { recipient: 'focal-point', afterWorkingDays: 0 },
      { recipient: 'ministry-leadership', afterWorkingDays: 1 },
      { recipient: 'home-affairs', afterWorkingDays: 2 },
    ];
    const old = { dueDate: '2027-03-08', calendar: daysOff() };
    const updated = { dueDate: '2027-03-08', calendar: daysOff('2027-03-09') };
    const sentUpTo = (index: number) => ladderSchedule(old.dueDate, steps, old.calendar)[index]!.at;
    const next = (cursor: number) => nextLadderStep(updated.dueDate, steps, updated.calendar, cursor);
    expect(next(sentUpTo(1))).toMatchObject({ index: 1, date: '2027-03-10' });
    expect(next(replannedLadderCursor(steps, old, updated, sentUpTo(1)))).toMatchObject({
      index: 2,
      date: '2027-03-11',
    });
    expect(next(replannedLadderCursor(steps, old, updated, sentUpTo(2)))).toBeNull();
  });
});

import { DAY_MS, daysOverdue, deadlineInstant, vietnamDate } from '../../domain/dates';
import { defaultDueDate, nextReminder, type ReminderPoint } from '../../domain/deadline-policy';
import type { DeadlinePolicy, TaskStatus } from '../../domain/task';

const policy: DeadlinePolicy = {
  reminderOffsetsDays: [14, 7, 1],
  overdueIntervalDays: 7,
  defaultDueDays: { REQUIRES_GUIDANCE: 90, AUTHORITY_ADJUSTMENT: 180 },
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
    expect(schedule('REQUIRES_GUIDANCE', '2027-03-01', due - 3 * DAY_MS, 2).map((p) => p.kind)).toEqual(['REMINDER', 'ESCALATION']);
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

import { replayAsOf, type RecordedEvent } from '../../domain/as-of';
import { forecastAll, overdueTasks } from '../../domain/at-risk';
import { backtest, TOP_N } from '../../domain/backtest';
import { addDays } from '../../domain/dates';
import { simulateHistory } from '../../bench/simulated-history';

const ev = (
  taskCode: string,
  seq: number,
  at: string,
  kind: string,
  details: Record<string, unknown> = {},
): RecordedEvent => ({ taskCode, seq, at, actor: 'system', kind, details });
const created = (code: string, lead: string, dueDate: string | null, at: string) =>
  ev(code, 1, at, 'CREATED', {
    title: `Task ${code}`,
    sector: 'S',
    legalBasis: '',
    level: 'province',
    status: 'REQUIRES_GUIDANCE',
    leadMinistry: lead,
    coordinatingMinistries: [],
    focalPoint: { name: 'A', email: 'a@x.test' },
    dueDate,
  });

describe('the overdue list and the at-risk ranking', () => {
  const now = Date.parse('2026-06-15T03:00:00Z');

  it('when tasks are overdue by 17 and by 251 days, then the overdue list puts 251 first, and neither is in the at-risk list', () => {
    const events = [
      created('AAA-001', 'BYT', addDays('2026-06-15', -17), '2025-07-01T03:00:00Z'),
      created('ZZZ-001', 'BYT', addDays('2026-06-15', -251), '2025-07-01T03:00:00Z'),
      created('MMM-001', 'BYT', '2026-09-30', '2026-06-01T03:00:00Z'),
    ];
    const r = replayAsOf(events, now);
    expect(overdueTasks(r.tasks.values(), now).map((t) => [t.code, t.daysOverdue])).toEqual([
      ['ZZZ-001', 251],
      ['AAA-001', 17],
    ]);
    expect(forecastAll(r.tasks.values(), r.spells, now).map((f) => f.code)).toEqual(['MMM-001']);
  });

  it('when a task has many ignored reminders, then its chance and its expected resolution agree: above 50 % exactly when expected after the due date', () => {
    const events: RecordedEvent[] = [];
    // Tasks with 0..12 ignored reminders, due 1..120 days ahead: every mix of pace and warning signs.
    let n = 0;
    for (let notices = 0; notices <= 12; notices += 3) {
      for (const ahead of [1, 14, 30, 60, 120]) {
        const code = `R-${++n}`;
        events.push(created(code, 'BTC', addDays('2026-06-15', ahead), '2026-03-01T03:00:00Z'));
        for (let i = 0; i < notices; i++)
          events.push(ev(code, 2 + i, `2026-06-0${1 + (i % 9)}T03:00:00Z`, 'REMINDER_SENT', {}));
      }
    }
    const forecasts = forecastAll(replayAsOf(events, now).tasks.values(), [], now);
    expect(forecasts).toHaveLength(n);
    for (const f of forecasts) {
      const late = f.expectedResolution > (f.dueDate as string);
      const early = f.expectedResolution < (f.dueDate as string);
      if (late) expect(f.probabilityLate).toBeGreaterThan(0.5);
      if (early) expect(f.probabilityLate).toBeLessThan(0.5);
      const head = f.reasons[0]!;
      expect(head.code).toBe('EXPECTED_LATENESS');
      // The words say the same as the figure: "after" only when late, "before" only when early.
      expect(head.en.includes(' after the due date')).toBe(late);
      expect(head.en.includes(' before the due date')).toBe(early);
      expect(head.vi.includes('chậm') && head.vi.includes('so với hạn')).toBe(late);
      // Every warning sign names the days it adds.
      for (const r of f.reasons.slice(1)) expect(r.en).toMatch(/about \d+ day\(s\) later$/);
    }
    // Riskiest first.
    for (let i = 1; i < forecasts.length; i++)
      expect(forecasts[i - 1]!.probabilityLate).toBeGreaterThanOrEqual(forecasts[i]!.probabilityLate);
  });

  it('when backtested, then it reports the Brier score and the late share of its top 20 beside nearest-due-first', () => {
    const ministries = ['BTP', 'BYT', 'BGDDT', 'BTC'];
    const events = simulateHistory({ seed: 3, tasks: 200, ministries, start: '2025-07-01T00:00:00Z', days: 400 });
    const start = Date.parse('2025-07-01T00:00:00Z');
    const r = backtest(events, start + 90 * 86_400_000, start + 400 * 86_400_000);
    expect(r.topN).toBe(Math.min(TOP_N, r.scored));
    for (const share of [r.topLateShare, r.naiveTopLateShare]) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
    expect(r.brier).toBeLessThan(0.25);
    expect(r.baseRateBrier).toBeGreaterThan(0);
  });
});

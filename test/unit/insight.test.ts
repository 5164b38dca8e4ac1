import { replayAsOf, type RecordedEvent } from '../../domain/as-of';
import { forecastAll, medianStay, overdueTasks } from '../../domain/at-risk';
import { backtest } from '../../domain/backtest';
import { composeBottleneckDigest, composeFocalPointDigest, digestsByRecipient } from '../../domain/digest';
import {
  DEFAULT_LADDER,
  WEEKENDS_ONLY,
  ladderSchedule,
  nextLadderStep,
  parseLadder,
} from '../../domain/escalation-ladder';
import { trendCsv, weekStartOf, weeklyTrend } from '../../domain/trend';
import { addWorkingDays } from '../../domain/working-days';
import { simulateHistory } from '../../bench/simulated-history';

const ev = (
  taskCode: string,
  seq: number,
  at: string,
  kind: string,
  details: Record<string, unknown> = {},
): RecordedEvent => ({ taskCode, seq, at, actor: 'system', kind, details });
const created = (
  code: string,
  lead: string,
  status: string,
  dueDate: string | null,
  at: string,
  email = `f@${lead.toLowerCase()}.test`,
) =>
  ev(code, 1, at, 'CREATED', {
    title: `Task ${code}`,
    sector: 'S',
    legalBasis: '',
    level: 'province',
    status,
    leadMinistry: lead,
    coordinatingMinistries: [],
    focalPoint: { name: 'Nguyễn Văn A', email },
    dueDate,
  });
const guidance = (code: string, seq: number, at: string) =>
  ev(code, seq, at, 'TRANSITION', {
    from: 'REQUIRES_GUIDANCE',
    to: 'FEASIBLE',
    reason: null,
    document: { number: '1/TT', issuedOn: at.slice(0, 10) },
    dueDate: null,
  });

describe('weekly trend', () => {
  it('when a week is asked of a Thursday, then it starts on the Monday before, Viet Nam time', () => {
    expect(weekStartOf(Date.parse('2025-12-04T05:00:00Z'))).toBe('2025-12-01');
    // Sunday 23:30 in Viet Nam is still the week of Monday 1 December.
    expect(weekStartOf(Date.parse('2025-12-07T16:30:00Z'))).toBe('2025-12-01');
    expect(weekStartOf(Date.parse('2025-12-07T17:00:00Z'))).toBe('2025-12-08');
  });

  it('when tasks are created and resolved over three weeks, then each week counts the statuses at its end, overall and per ministry', () => {
    const events = [
      created('A-1', 'BYT', 'REQUIRES_GUIDANCE', '2025-12-10', '2025-12-02T03:00:00Z'),
      created('B-1', 'BTC', 'REQUIRES_GUIDANCE', '2026-03-01', '2025-12-03T03:00:00Z'),
      guidance('B-1', 2, '2025-12-09T03:00:00Z'),
      created('A-2', 'BYT', 'AUTHORITY_ADJUSTMENT', '2026-06-01', '2025-12-16T03:00:00Z'),
    ];
    const now = Date.parse('2025-12-17T05:00:00Z');
    const trend = weeklyTrend(events, now);
    expect(
      trend.overall.map((p) => [
        p.weekStart,
        p.total,
        p.byStatus.REQUIRES_GUIDANCE,
        p.byStatus.AUTHORITY_ADJUSTMENT,
        p.byStatus.FEASIBLE,
        p.overdue,
      ]),
    ).toEqual([
      ['2025-12-01', 2, 2, 0, 0, 0],
      ['2025-12-08', 2, 1, 0, 1, 1],
      ['2025-12-15', 3, 1, 1, 1, 1],
    ]);
    expect(trend.overall[2]!.asOf).toBe(new Date(now).toISOString());
    expect(trend.byMinistry.BTC!.map((p) => p.byStatus.FEASIBLE)).toEqual([0, 1, 1]);
    expect(trend.byMinistry.BYT!.map((p) => p.total)).toEqual([1, 1, 2]);
    const csv = trendCsv(trend).split('\r\n');
    expect(csv[0]).toBe('weekStart,asOf,ministry,total,REQUIRES_GUIDANCE,AUTHORITY_ADJUSTMENT,FEASIBLE,open,overdue');
    expect(csv[1]).toMatch(/^2025-12-01,2025-12-07T16:59:59.999Z,\*,2,2,0,0,2,0$/);
    expect(csv).toHaveLength(1 + 3 + 3 * 2 + 1);
    expect(weeklyTrend(events, now, 'BTC').overall.map((p) => p.total)).toEqual([1, 1, 1]);
  });
});

describe('at-risk forecast', () => {
  it('when half the stays have ended, then the median counts the running ones as lasting at least so long', () => {
    expect(medianStay({ resolved: [10, 20, 30], running: [] })).toBe(20);
    // Two fast resolutions among six: the median is not known yet.
    expect(medianStay({ resolved: [5, 6], running: [40, 40, 40, 40] })).toBeNull();
    expect(medianStay({ resolved: [5, 6, 7], running: [1] })).toBe(6);
  });

  it('when a ministry is slow, has ignored reminders and localities report obstacles, then its open task is high risk and each reason is named', () => {
    const events: RecordedEvent[] = [];
    // BYT took 100 days for each of its last three tasks; BTC took 10.
    for (let i = 1; i <= 3; i++) {
      events.push(
        created(`Y-${i}`, 'BYT', 'REQUIRES_GUIDANCE', '2025-06-01', '2025-01-01T03:00:00Z'),
        guidance(`Y-${i}`, 2, '2025-04-11T03:00:00Z'),
      );
      events.push(
        created(`T-${i}`, 'BTC', 'REQUIRES_GUIDANCE', '2025-06-01', '2025-01-01T03:00:00Z'),
        guidance(`T-${i}`, 2, '2025-01-11T03:00:00Z'),
      );
    }
    events.push(
      created('Y-9', 'BYT', 'REQUIRES_GUIDANCE', '2025-07-31', '2025-06-01T03:00:00Z'),
      ev('Y-9', 2, '2025-07-17T03:00:00Z', 'REMINDER_SENT', { offsetDays: 14 }),
      ev('Y-9', 3, '2025-07-24T03:00:00Z', 'REMINDER_SENT', { offsetDays: 7 }),
      ev('Y-9', 4, '2025-07-25T03:00:00Z', 'LOCALITY_REPORT', { locality: 'HNI', kind: 'OBSTACLE', description: 'x' }),
      created('T-9', 'BTC', 'REQUIRES_GUIDANCE', '2025-07-31', '2025-06-01T03:00:00Z'),
    );
    const now = Date.parse('2025-07-26T03:00:00Z');
    const r = replayAsOf(events, now);
    const [first, second, ...rest] = forecastAll(r.tasks.values(), r.spells, now);
    expect(rest).toEqual([]);
    expect(first!.code).toBe('Y-9');
    expect(first!.risk).toBe('high');
    expect(first!.typicalBasis).toBe('ministry');
    expect(first!.typicalDays).toBe(100);
    // BYT's pace (100 days from 1 June: 9 September) plus 9 days per ignored reminder and 6 per obstacle.
    expect(first!.expectedResolution).toBe('2025-10-03');
    expect(first!.reasons[0]!.en).toMatch(
      /^expected resolution 03\/10\/2025 is 64 day\(s\) after the due date 31\/07\/2025/,
    );
    expect(first!.reasons.map((x) => x.code).sort()).toEqual([
      'EXPECTED_LATENESS',
      'LOCALITY_OBSTACLES',
      'NOTICES_IGNORED',
    ]);
    expect(first!.reasons.find((x) => x.code === 'NOTICES_IGNORED')!.en).toMatch(/^2 reminder/);
    // BTC's task has been open 55 days against a 10-day median: 45 days beyond it add about 19 days from today.
    expect(second!.code).toBe('T-9');
    expect(second!.reasons.map((x) => x.code)).toContain('TIME_IN_STATUS');
    expect(second!.probabilityLate).toBeLessThan(first!.probabilityLate);
    expect(second!.expectedResolution).toBe('2025-08-14');
  });

  it('when a task is already past its deadline, then it is not forecast but listed among the overdue, 4 days late', () => {
    const events = [created('A-1', 'BYT', 'REQUIRES_GUIDANCE', '2025-03-01', '2025-01-01T03:00:00Z')];
    const now = Date.parse('2025-03-05T03:00:00Z');
    const r = replayAsOf(events, now);
    expect(forecastAll(r.tasks.values(), r.spells, now)).toEqual([]);
    expect(overdueTasks(r.tasks.values(), now)).toEqual([
      {
        code: 'A-1',
        title: 'Task A-1',
        leadMinistry: 'BYT',
        status: 'REQUIRES_GUIDANCE',
        dueDate: '2025-03-01',
        daysOverdue: 4,
      },
    ]);
  });

  it('when backtested on a simulated history, then it scores only tasks whose outcome is known and beats a coin on the Brier score', () => {
    const ministries = ['BTP', 'BYT', 'BGDDT', 'BTC', 'BCT', 'BXD'];
    const events = simulateHistory({ seed: 7, tasks: 300, ministries, start: '2025-07-01T00:00:00Z', days: 400 });
    const start = Date.parse('2025-07-01T00:00:00Z');
    const result = backtest(events, start + 120 * 86_400_000, start + 400 * 86_400_000);
    expect(result.scored).toBeGreaterThan(50);
    expect(result.brier).toBeLessThan(0.25);
    expect(result.accuracy).toBeGreaterThan(0.5);
    // Deterministic for a seed.
    expect(
      backtest(
        simulateHistory({ seed: 7, tasks: 300, ministries, start: '2025-07-01T00:00:00Z', days: 400 }),
        start + 120 * 86_400_000,
        start + 400 * 86_400_000,
      ),
    ).toEqual(result);
  });
});

describe('digests', () => {
  const events = [
    created('A-1', 'BYT', 'REQUIRES_GUIDANCE', '2025-12-01', '2025-09-01T03:00:00Z', 'Focal@BYT.test'),
    created('A-2', 'BYT', 'REQUIRES_GUIDANCE', '2025-12-15', '2025-09-01T03:00:00Z', 'focal@byt.test'),
    created('A-3', 'BYT', 'REQUIRES_GUIDANCE', '2026-06-01', '2025-09-01T03:00:00Z', 'focal@byt.test'),
    created('B-1', 'BTC', 'REQUIRES_GUIDANCE', '2026-06-01', '2025-09-01T03:00:00Z'),
    ev('A-3', 2, '2025-12-04T03:00:00Z', 'MILESTONE', { track: 'GUIDANCE', name: 'DRAFTING', note: null }),
  ];
  const now = Date.parse('2025-12-05T01:00:00Z'); // 08:00 on Friday 5 December in Viet Nam
  const since = Date.parse('2025-12-03T17:00:00Z'); // start of Thursday 4 December

  it('when a focal point has one overdue, one due-soon and one changed task, then one digest lists all three with deadlines, links and changes, Vietnamese first', () => {
    const r = replayAsOf(events, now);
    const byRecipient = digestsByRecipient(r.tasks.values(), events, { fromMs: since, toMs: now }, now);
    expect([...byRecipient.keys()].sort()).toEqual(['f@btc.test', 'focal@byt.test']);
    const byt = byRecipient.get('focal@byt.test')!;
    const mail = composeFocalPointDigest({
      recipient: byt.recipient,
      date: '2025-12-05',
      tasks: byt.tasks,
      baseUrl: 'http://tracker.test',
      language: 'vi+en',
      dueSoonDays: 14,
    })!;
    expect(mail.subject).toBe(
      '[Nhiệm vụ phân cấp] Tổng hợp ngày 05/12/2025: 1 quá hạn, 1 sắp đến hạn / Digest 05/12/2025: 1 overdue, 1 due soon',
    );
    const lines = mail.text.split('\n');
    const vi = lines.indexOf('- A-1 Task A-1');
    const en = lines.lastIndexOf('- A-1 Task A-1');
    expect(vi).toBeGreaterThan(-1);
    expect(en).toBeGreaterThan(vi);
    expect(lines[vi + 1]).toBe('  Cần ban hành văn bản, hướng dẫn thực hiện; quá hạn 4 ngày (hạn 01/12/2025)');
    expect(lines[en + 1]).toBe('  Requires guidance; overdue by 4 day(s) (due 01/12/2025)');
    expect(mail.text).toContain('hạn 15/12/2025, còn 10 ngày');
    expect(mail.text).toContain('  * Ghi nhận tiến độ: DRAFTING');
    expect(mail.text).toContain('  * Milestone recorded: DRAFTING');
    expect(mail.text).toContain('http://tracker.test/tasks/A-3');
    expect(mail.html).toContain('<a href="http://tracker.test/tasks/A-1">A-1</a>');
    expect(mail.html.indexOf('lang="vi"')).toBeLessThan(mail.html.indexOf('lang="en"'));
  });

  it('when nothing is due, overdue or changed, then no digest is sent', () => {
    const r = replayAsOf(events, now);
    const btc = digestsByRecipient(r.tasks.values(), events, { fromMs: since, toMs: now }, now).get('f@btc.test')!;
    expect(
      composeFocalPointDigest({
        recipient: btc.recipient,
        date: '2025-12-05',
        tasks: btc.tasks,
        baseUrl: 'http://x',
        language: 'vi+en',
        dueSoonDays: 14,
      }),
    ).toBeNull();
  });

  it('when the recipient prefers English, then the digest has no Vietnamese, and HTML in titles is escaped', () => {
    const mail = composeFocalPointDigest({
      recipient: { name: 'A', email: 'a@x.test' },
      date: '2025-12-05',
      tasks: [
        {
          code: 'X-1',
          title: '<script>x</script>',
          status: 'REQUIRES_GUIDANCE',
          dueDate: '2025-12-06',
          daysOverdue: 0,
          dueInDays: 1,
          changes: [],
        },
      ],
      baseUrl: 'http://x',
      language: 'en',
      dueSoonDays: 14,
    })!;
    expect(mail.subject).toBe('[Delegated tasks] Digest 05/12/2025: 0 overdue, 1 due soon');
    expect(mail.text).not.toMatch(/hạn/);
    expect(mail.html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');
  });

  it('when Home Affairs gets its weekly digest, then it names the overdue ministries and the tasks at risk with their reasons in both languages', () => {
    const mail = composeBottleneckDigest({
      weekStart: '2025-12-01',
      total: 949,
      open: 365,
      overdue: 179,
      overdueChange: 12,
      overdueByMinistry: [
        { ministry: 'BYT', names: { vi: 'Bộ Y tế', en: 'Ministry of Health' }, overdue: 40, maxDaysOverdue: 120 },
      ],
      atRisk: [
        {
          code: 'BYT-001',
          title: 'T',
          leadMinistry: 'BYT',
          probabilityLate: 0.82,
          reasons: [{ vi: 'đã quá hạn', en: 'already overdue' }],
        },
      ],
      baseUrl: 'http://x',
      language: 'vi+en',
    });
    expect(mail.subject).toContain('179 quá hạn');
    expect(mail.text).toContain('BYT Bộ Y tế: 40 quá hạn, lâu nhất 120 ngày');
    expect(mail.text).toContain('BYT Ministry of Health: 40 overdue, oldest 120 days');
    expect(mail.text).toContain('(+12 so với tuần trước)');
    expect(mail.text).toContain('BYT-001 (BYT) T: 82% risk');
    expect(mail.text).toContain('  * already overdue');
  });
});

describe('escalation ladder', () => {
  it('when the calendar skips weekends, then working days after Friday start on Monday', () => {
    expect(addWorkingDays(WEEKENDS_ONLY, '2025-12-05', 1)).toBe('2025-12-08');
    expect(addWorkingDays(WEEKENDS_ONLY, '2025-12-05', 5)).toBe('2025-12-12');
    // Step 0 on a Saturday due date waits for Monday.
    expect(addWorkingDays(WEEKENDS_ONLY, '2025-12-06', 0)).toBe('2025-12-08');
  });

  it('when a task is due on Friday 5 December, then the default ladder tells the focal point that night, leadership 5 working days later, Home Affairs after 10', () => {
    const points = ladderSchedule('2025-12-05', DEFAULT_LADDER, WEEKENDS_ONLY);
    expect(points.map((p) => [p.index, p.recipient, p.date, new Date(p.at).toISOString()])).toEqual([
      [0, 'focal-point', '2025-12-05', '2025-12-05T17:00:00.000Z'],
      [1, 'ministry-leadership', '2025-12-12', '2025-12-12T17:00:00.000Z'],
      [2, 'home-affairs', '2025-12-19', '2025-12-19T17:00:00.000Z'],
    ]);
    expect(nextLadderStep('2025-12-05', DEFAULT_LADDER, WEEKENDS_ONLY, Date.parse('2025-12-05T17:00:00Z'))!.index).toBe(
      1,
    );
    expect(nextLadderStep('2025-12-05', DEFAULT_LADDER, WEEKENDS_ONLY, Date.parse('2025-12-19T17:00:00Z'))).toBeNull();
  });

  it('when a holiday calendar is given, then the steps skip its days off', () => {
    const tet = {
      firstYear: 2026,
      lastYear: 2026,
      daysOff: ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'],
      workingWeekendDays: [],
    };
    expect(ladderSchedule('2026-02-13', [{ recipient: 'home-affairs', afterWorkingDays: 1 }], tet)[0]!.date).toBe(
      '2026-02-23',
    );
  });

  it('when the ladder is configured as text, then it is parsed, and a bad step is refused with its text', () => {
    expect(parseLadder('focal-point:0, home-affairs:3')).toEqual([
      { recipient: 'focal-point', afterWorkingDays: 0 },
      { recipient: 'home-affairs', afterWorkingDays: 3 },
    ]);
    expect(() => parseLadder('minister:2')).toThrow('"minister:2"');
    expect(() => parseLadder('home-affairs:5,focal-point:1')).toThrow('in order');
    expect(() => parseLadder('')).toThrow('at least one');
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, loadWorkingCalendar } from '../../config/env';
import { DAY_MS, deadlineInstant, vietnamDate, vietnamOffsetMs } from '../../domain/dates';
import { defaultDueDate, nextReminder, overdueDays, settleDueDate } from '../../domain/deadline-policy';
import type { DeadlinePolicy } from '../../domain/task';
import {
  MAX_YEAR,
  MIN_YEAR,
  buildVietnamCalendar,
  parseCalendarAdjustments,
  statutoryHolidays,
} from '../../domain/vietnam-calendar';
import { TABLE_FILE, holidayTable, libraryHolidays } from '../../scripts/generate-statutory-holidays';
import {
  addWorkingDays,
  isWorkingDay,
  nextWorkingDay,
  subtractWorkingDays,
  workingDaysBetween,
} from '../../domain/working-days';
import { scheduledRoundOpening } from '../../domain/reporting-round';
import { workingDaysOf } from '../../domain/round-days';
import { DEFAULT_DUE_DAYS } from '../../domain/statuses';

const SHIPPED_FILE = path.resolve('catalog/vn-calendar-adjustments.csv');
const calendar = loadWorkingCalendar(SHIPPED_FILE, Date.parse('2026-06-01T00:00:00Z'));

function daysOffBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = new Date(Date.parse(`${d}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10)) {
    if (!isWorkingDay(calendar, d)) out.push(d);
  }
  return out;
}

describe("Viet Nam's working-day calendar", () => {
  it('when the statutory-holiday table is compared with the library, then every year from 2000 to 2100 is what the library computes, and the file is what the generator writes', () => {
    for (let year = MIN_YEAR; year <= MAX_YEAR; year++)
      expect([year, statutoryHolidays(year)]).toEqual([year, libraryHolidays(year)]);
    expect(fs.readFileSync(TABLE_FILE, 'utf8')).toBe(holidayTable());
    expect(() => statutoryHolidays(MAX_YEAR + 1)).toThrow(/covers 2000 to 2100/);
  });

  it("when the library computes 2026, then Tết day is 17 February and Hùng Kings' day 26 April (the published dates)", () => {
    const holidays = statutoryHolidays(2026);
    expect(holidays.filter((h) => h.name === 'Tết Nguyên Đán').map((h) => h.date)).toEqual(['2026-02-17']);
    expect(holidays.filter((h) => h.name === 'Giỗ tổ Hùng Vương').map((h) => h.date)).toEqual(['2026-04-26']);
    expect(holidays.map((h) => h.date)).toEqual(
      expect.arrayContaining([
        '2026-01-01',
        '2026-02-16',
        '2026-02-18',
        '2026-02-19',
        '2026-02-20',
        '2026-04-30',
        '2026-05-01',
        '2026-09-02',
      ]),
    );
  });

  it('when Tết 2026 comes, then offices close from 14 to 22 February as the government set, and reopen on the 23rd', () => {
    expect(daysOffBetween('2026-02-12', '2026-02-24')).toEqual([
      '2026-02-14',
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
    ]);
    expect(isWorkingDay(calendar, '2026-02-13')).toBe(true);
    expect(isWorkingDay(calendar, '2026-02-23')).toBe(true);
  });

  it("when Hùng Kings' day 2026 falls on a Sunday, then the Monday after it is the substitute day off", () => {
    expect(daysOffBetween('2026-04-24', '2026-05-04')).toEqual([
      '2026-04-25',
      '2026-04-26',
      '2026-04-27',
      '2026-04-30',
      '2026-05-01',
      '2026-05-02',
      '2026-05-03',
    ]);
  });

  it('when no decision names the day next to National Day, then 1 September is off with 2 September', () => {
    // 2028: 1/9 a Friday, 2/9 a Saturday (its substitute day the Monday after), no line in the file.
    expect(daysOffBetween('2028-08-31', '2028-09-05')).toEqual([
      '2028-09-01',
      '2028-09-02',
      '2028-09-03',
      '2028-09-04',
    ]);
  });

  it('when the 2026 decisions are in the file, then New Year is 1–4 January with 10 January worked, and National Day 29/08–02/09 with 22 August worked', () => {
    expect(daysOffBetween('2025-12-31', '2026-01-05')).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
      '2026-01-04',
    ]);
    expect(isWorkingDay(calendar, '2026-01-10')).toBe(true);
    expect(daysOffBetween('2026-08-28', '2026-09-03')).toEqual([
      '2026-08-29',
      '2026-08-30',
      '2026-08-31',
      '2026-09-01',
      '2026-09-02',
    ]);
    expect(isWorkingDay(calendar, '2026-08-22')).toBe(true);
  });

  it('when the file records a swap, then the swapped weekday is off and the Saturday is a working day', () => {
    // Tết 2025 (8726/VPCP-KGVX): the five Tết days are 27–31/01, no Saturday made up, offices reopen 03/02.
    expect(daysOffBetween('2025-01-24', '2025-02-04')).toEqual([
      '2025-01-25',
      '2025-01-26',
      '2025-01-27',
      '2025-01-28',
      '2025-01-29',
      '2025-01-30',
      '2025-01-31',
      '2025-02-01',
      '2025-02-02',
    ]);
    expect(isWorkingDay(calendar, '2025-02-08')).toBe(false);
    // 30/4–1/5 2025: Friday 2/5 swapped with Saturday 26/4; National Day 2025: 30/08–02/09.
    expect(daysOffBetween('2025-04-25', '2025-05-05')).toEqual([
      '2025-04-27',
      '2025-04-30',
      '2025-05-01',
      '2025-05-02',
      '2025-05-03',
      '2025-05-04',
    ]);
    expect(daysOffBetween('2025-08-29', '2025-09-03')).toEqual([
      '2025-08-30',
      '2025-08-31',
      '2025-09-01',
      '2025-09-02',
    ]);
    const cal = buildVietnamCalendar({
      firstYear: 2027,
      lastYear: 2027,
      adjustments: parseCalendarAdjustments('2027-09-03,national-day-adjacent,decided', 'x.csv'),
    });
    expect([isWorkingDay(cal, '2027-09-01'), isWorkingDay(cal, '2027-09-03')]).toEqual([true, false]);
  });

  it('when a deadline falls on a day off, then it moves to the next working day', () => {
    expect(nextWorkingDay(calendar, '2026-02-15')).toBe('2026-02-23');
    expect(settleDueDate({ calendar }, '2026-02-17')).toBe('2026-02-23');
    expect(settleDueDate({ calendar }, '2026-02-13')).toBe('2026-02-13');
    expect(settleDueDate({}, '2026-02-17')).toBe('2026-02-17');
  });

  it('when working days are added or counted across Tết, then the break does not count', () => {
    expect(addWorkingDays(calendar, '2026-02-12', 1)).toBe('2026-02-13');
    expect(addWorkingDays(calendar, '2026-02-12', 2)).toBe('2026-02-23');
    expect(addWorkingDays(calendar, '2026-02-12', 5)).toBe('2026-02-26');
    expect(subtractWorkingDays(calendar, '2026-02-23', 1)).toBe('2026-02-13');
    expect(workingDaysBetween(calendar, '2026-02-12', '2026-02-23')).toBe(2);
    expect(workingDaysBetween(calendar, '2026-02-23', '2026-02-12')).toBe(0);
  });

  it('when the policy counts working days, then due dates, reminders and days overdue skip days off', () => {
    const policy: DeadlinePolicy = {
      reminderOffsetsDays: [3, 1],
      overdueIntervalDays: 7,
      defaultDueDays: { ...DEFAULT_DUE_DAYS, REQUIRES_GUIDANCE: 5, AUTHORITY_ADJUSTMENT: 10 },
      homeAffairsEmail: 'moha@test',
      publicBaseUrl: 'http://x',
      calendar,
      dueDaysUnit: 'working',
      reminderDaysUnit: 'working',
    };
    const morning = Date.parse('2026-02-11T02:00:00Z'); // Wednesday 11 February, 09:00 in Hà Nội
    expect(defaultDueDate(policy, 'REQUIRES_GUIDANCE', morning)).toBe('2026-02-25');
    const first = nextReminder({ status: 'REQUIRES_GUIDANCE', dueDate: '2026-02-25', policy }, morning);
    expect(first && [first.kind, first.offsetDays, vietnamDate(first.at - 1)]).toEqual(['REMINDER', 3, '2026-02-13']);
    const second = first && nextReminder({ status: 'REQUIRES_GUIDANCE', dueDate: '2026-02-25', policy }, first.at);
    expect(second && [second.kind, second.offsetDays, vietnamDate(second.at - 1)]).toEqual([
      'REMINDER',
      1,
      '2026-02-24',
    ]);
    // Due Friday 13 February: the whole Tết break is not overdue time, Monday 23rd is the first day late.
    expect(overdueDays(policy, '2026-02-13', deadlineInstant('2026-02-13') - 1)).toBe(0);
    expect(overdueDays(policy, '2026-02-13', deadlineInstant('2026-02-22') - 1)).toBe(0);
    expect(overdueDays(policy, '2026-02-13', deadlineInstant('2026-02-22'))).toBe(1);
    expect(overdueDays({ ...policy, dueDaysUnit: 'calendar' }, '2026-02-13', deadlineInstant('2026-02-22'))).toBe(10);
  });

  it('when the time zone is read from the tz database, then Viet Nam is 7 hours ahead of UTC', () => {
    expect(vietnamOffsetMs(Date.parse('2026-02-17T00:00:00Z'))).toBe(7 * 3600 * 1000);
    expect(new Date(deadlineInstant('2026-02-17')).toISOString()).toBe('2026-02-17T17:00:00.000Z');
  });
});

describe('calendar adjustments file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calendar-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['2026-02-30,off,no such day', 'line 3: "2026-02-30" is not a date'],
    ['26/02/2026,off,wrong form', 'line 3: "26/02/2026" is not a date'],
    ['2026-02-10,holiday,unknown kind', 'line 3: kind "holiday" is not one of off, work, national-day-adjacent'],
    ['2026-09-04,national-day-adjacent,not next to 2/9', 'line 3: the day next to National Day is 1 or 3 September'],
    ['1850-01-02,off,too old', 'line 3: "1850-01-02" is not a date'],
    ['2150-01-02,off,too far', 'line 3: 2150-01-02 is outside the years'],
    ['2026-01-02,work,twice', 'line 3: 2026-01-02 is already given on line 2'],
  ])('when a line reads %s, then start-up stops naming the file and the line', (line, message) => {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, `date,kind,note\n2026-01-02,off,first\n${line}\n`);
    expect(() => loadConfig({ CALENDAR_FILE: file })).toThrow(ConfigError);
    expect(() => loadConfig({ CALENDAR_FILE: file })).toThrow(`${file} ${message}`);
  });

  it('when the shipped lines are checked against the library and the Labour Code, then each swap bridges a statutory holiday to a weekend and the National Day line is next to 2/9', () => {
    const lines = parseCalendarAdjustments(fs.readFileSync(SHIPPED_FILE, 'utf8'), SHIPPED_FILE);
    // The library's holidays, and the day next to National Day each year's line names (art. 112(1)(đ)).
    const statutory = new Set([
      ...[2025, 2026].flatMap((y) => statutoryHolidays(y).map((h) => h.date)),
      ...lines.filter((a) => a.kind === 'national-day-adjacent').map((a) => a.date),
    ]);
    // What the library gives for the days the 2025 lines sit next to (Tết 2025 is 29 January).
    expect(
      [
        '2025-01-28',
        '2025-01-29',
        '2025-01-30',
        '2025-01-31',
        '2025-02-01',
        '2025-04-30',
        '2025-05-01',
        '2025-09-02',
      ].every((d) => statutory.has(d)),
    ).toBe(true);
    const weekend = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay() % 6 === 0;
    const restOrHoliday = (d: string) => weekend(d) || statutory.has(d);
    const step = (d: string, n: number) =>
      new Date(Date.parse(`${d}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
    for (const a of lines) {
      if (a.kind === 'off') {
        // A swapped day off is a weekday with a holiday on one side and a weekend on the other.
        expect({ date: a.date, weekday: !weekend(a.date) }).toEqual({ date: a.date, weekday: true });
        const sides = [step(a.date, -1), step(a.date, 1)];
        expect({ date: a.date, bridges: sides.every(restOrHoliday) && sides.some((d) => statutory.has(d)) }).toEqual({
          date: a.date,
          bridges: true,
        });
      } else if (a.kind === 'national-day-adjacent') {
        expect([`${a.date.slice(0, 4)}-09-01`, `${a.date.slice(0, 4)}-09-03`]).toContain(a.date);
      } else {
        // A day worked is a Saturday made up for a swap, or a substitute weekday not given; never a statutory holiday.
        const saturday = new Date(`${a.date}T00:00:00Z`).getUTCDay() === 6;
        expect({ date: a.date, fits: (saturday || !weekend(a.date)) && !statutory.has(a.date) }).toEqual({
          date: a.date,
          fits: true,
        });
      }
      // Every line names the decision it comes from (a number such as 8726/VPCP-KGVX), or is marked for the operator.
      expect({ date: a.date, sourced: /\d+\/[A-ZĐ-]+/u.test(a.note) || a.note.startsWith('[confirm]') }).toEqual({
        date: a.date,
        sourced: true,
      });
    }
  });

  it('when the file is missing, then start-up stops naming it', () => {
    expect(() => loadConfig({ CALENDAR_FILE: path.join(dir, 'none.csv') })).toThrow(
      /CALENDAR_FILE: cannot read .*none\.csv/,
    );
  });

  it('when the shipped file is loaded by the configuration, then it is valid and covers the years around today', () => {
    // Read again if Viet Nam's New Year midnight fell between loading and asking the year.
    let year: number;
    let cfg: ReturnType<typeof loadConfig>;
    do {
      year = Number(vietnamDate(Date.now()).slice(0, 4));
      cfg = loadConfig({});
    } while (Number(vietnamDate(Date.now()).slice(0, 4)) !== year);
    expect([cfg.calendar.firstYear, cfg.calendar.lastYear]).toEqual([year - 1, year + 4]);
    expect(cfg.calendar.daysOff.length).toBeGreaterThan(40);
  });
});

describe('the scheduled reporting round opens on a working day', () => {
  const days = workingDaysOf(calendar);

  it("when the Schedule fires on 01/01/2027 (New Year), then the round opens at 08:00 on Monday 04/01/2027 and is January's round", () => {
    expect(isWorkingDay(calendar, '2027-01-01')).toBe(false);
    const o = scheduledRoundOpening('2027-01-01', days);
    expect(o).toEqual({ id: 'monthly-2027-01', openOn: '2027-01-04', opensAt: Date.parse('2027-01-04T01:00:00Z') });
  });

  it('when the Schedule fires on a working day, then the round opens at once', () => {
    expect(scheduledRoundOpening('2026-12-01', days)).toEqual({
      id: 'monthly-2026-12',
      openOn: '2026-12-01',
      opensAt: null,
    });
  });

  it('when the Schedule fires during Tết, then the round opens on the first working day after the break', () => {
    // 2026: the Tết break runs 14–22 February (README); the 17th is Tết day.
    const o = scheduledRoundOpening('2026-02-17', days);
    expect(o.openOn).toBe('2026-02-23');
    expect(o.id).toBe('monthly-2026-02');
  });

  it('for every month of the calendar, then the opening day is a working day', () => {
    for (let y = 2026; y <= 2029; y++) {
      for (let m = 1; m <= 12; m++) {
        const o = scheduledRoundOpening(`${y}-${String(m).padStart(2, '0')}-01`, days);
        expect(isWorkingDay(calendar, o.openOn)).toBe(true);
      }
    }
  });
});

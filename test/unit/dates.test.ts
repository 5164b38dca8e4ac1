import fc from 'fast-check';
import { VIETNAM_TIME_ZONE, parseVietnameseDate, vietnamDate, vietnameseDate } from '../../domain/dates';

/** The date in Viet Nam straight from the tz database, without the remembered day. */
function fromIntl(atMs: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: VIETNAM_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(atMs));
}

describe('vietnamDate', () => {
  it('when instants are asked in any order, around midnights included, then each gets its own day in Viet Nam', () => {
    const midnight = Date.parse('2026-11-24T17:00:00Z'); // 25/11/2026 00:00 in Viet Nam
    const near = fc
      .integer({ min: -3, max: 3 })
      .chain((days) => fc.integer({ min: -2_000, max: 2_000 }).map((ms) => midnight + days * 86_400_000 + ms));
    const anywhere = fc.integer({ min: Date.parse('1976-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') });
    fc.assert(
      fc.property(fc.array(fc.oneof(near, anywhere), { minLength: 1, maxLength: 20 }), (instants) => {
        for (const at of instants) expect(vietnamDate(at)).toBe(fromIntl(at));
      }),
    );
    expect(vietnamDate(midnight - 1)).toBe('2026-11-24');
    expect(vietnamDate(midnight)).toBe('2026-11-25');
  });
});

describe('parseVietnameseDate', () => {
  it('when a calendar date is written dd/mm/yyyy, then it reads back as the same date; a date that does not exist reads as none', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true }),
        (d) => {
          const date = d.toISOString().slice(0, 10);
          expect(parseVietnameseDate(vietnameseDate(date))).toBe(date);
        },
      ),
    );
    expect(parseVietnameseDate('31/02/2026')).toBeNull();
    expect(parseVietnameseDate('2026-02-03')).toBeNull();
    expect(parseVietnameseDate('')).toBeNull();
  });
});

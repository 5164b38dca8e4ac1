/**
 * Writes domain/statutory-holidays.json: Viet Nam's public holidays under the Labour Code, one entry
 * per day, for every year the calendar accepts (MIN_YEAR to MAX_YEAR), as the `date-holidays` library
 * computes them (its lunar dates need astronomy, too slow to run at every start). Run it after
 * upgrading the library: `npm run generate:holidays`; test/unit/working-days.test.ts fails while the
 * table and the library disagree.
 */
import fs from 'node:fs';
import path from 'node:path';
import Holidays, { type HolidaysTypes } from 'date-holidays';
import { addDays, vietnamDate } from '../domain/dates';
import { MAX_YEAR, MIN_YEAR } from '../domain/vietnam-calendar';

export const TABLE_FILE = path.resolve(__dirname, '..', 'domain', 'statutory-holidays.json');

let library: Holidays | undefined;

/** The library's public holidays of a year as days off, one entry per day (Tết spans five). */
function publicHolidayDays(holidays: readonly HolidaysTypes.Holiday[]): { date: string; name: string }[] {
  const out: { date: string; name: string }[] = [];
  for (const h of holidays) {
    if (h.type !== 'public') continue;
    // start and end are instants: a holiday ends at the start of the day after it.
    const last = vietnamDate(h.end.getTime() - 1);
    for (let d = vietnamDate(h.start.getTime()); d <= last; d = addDays(d, 1)) out.push({ date: d, name: h.name });
  }
  return out;
}

/** The library's public holidays of `year` for Viet Nam, one entry per day. */
export function libraryHolidays(year: number): { date: string; name: string }[] {
  library ??= new Holidays('VN', { types: ['public'] });
  return publicHolidayDays(library.getHolidays(year));
}

/** The table's text: one line per year, so a change to the library shows as the years it moves. */
export function holidayTable(): string {
  const years: string[] = [];
  for (let year = MIN_YEAR; year <= MAX_YEAR; year++)
    years.push(`    "${year}": ${JSON.stringify(libraryHolidays(year).map((h) => [h.date, h.name]))}`);
  const version = (
    JSON.parse(fs.readFileSync(require.resolve('date-holidays/package.json'), 'utf8')) as { version: string }
  ).version;
  return `{\n  "source": "date-holidays ${version}, VN, public holidays; npm run generate:holidays",\n  "years": {\n${years.join(',\n')}\n  }\n}\n`;
}

if (require.main === module) {
  fs.writeFileSync(TABLE_FILE, holidayTable());
  console.log(`wrote ${path.relative(process.cwd(), TABLE_FILE)} (${MIN_YEAR} to ${MAX_YEAR})`);
}

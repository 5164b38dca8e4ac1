import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AGENCY_CODE, unanchored } from '../domain/codes';
import { vietnamDate } from '../domain/dates';
import { CalendarFileError, buildVietnamCalendar, parseCalendarAdjustments } from '../domain/vietnam-calendar';
import type { WorkingCalendar } from '../domain/working-days';
import { OPEN_STATUSES, STATUS_RULES, type OpenStatus } from '../domain/statuses';
import { DEFAULT_LADDER, parseLadder, type LadderStep } from '../domain/escalation-ladder';

const dayList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'a comma-separated list of whole days, e.g. "14,7,1"')
  .transform((s) => [...new Set(s.split(',').map(Number))].sort((a, b) => b - a));

const optionalString = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s));

/** "focal-point:0,ministry-leadership:5,home-affairs:10" */
const ladder = z.string().transform((s, ctx): LadderStep[] => {
  try {
    return parseLadder(s);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** One "BYT=lanhdao@byt.gov.vn" of a contact map. */
const CONTACT = `${unanchored(AGENCY_CODE)}=[^\\s,=@]+@[^\\s,=@]+`;
/** "BYT=lanhdao@byt.gov.vn,BTC=..." */
const contactMap = z
  .string()
  .regex(new RegExp(`^\\s*$|^${CONTACT}(,${CONTACT})*$`), 'a list CODE=email,CODE=email')
  .transform((s) =>
    Object.fromEntries(
      s
        .split(',')
        .filter((p) => p.includes('='))
        .map((p) => p.split('=') as [string, string]),
    ),
  );

/** One variable per open status (domain/statuses.ts `due.env`), defaulting to the status's span. */
function dueDaysEnv(): Record<string, z.ZodDefault<z.ZodCoercedNumber<unknown>>> {
  return Object.fromEntries(
    OPEN_STATUSES.map((s) => [
      STATUS_RULES[s].due.env,
      z.coerce.number().int().min(1).max(3650).default(STATUS_RULES[s].due.days),
    ]),
  );
}

/**
 * Every environment variable the tracker reads, parsed once. `.env.example` lists the same names.
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATA_DIR: z.string().min(1).default('.data'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: optionalString.pipe(z.url().optional()),

  DATABASE_URL: optionalString.pipe(z.url().optional()),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),

  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('delegated-tasks'),
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  TEMPORAL_CLI: optionalString,
  TEMPORAL_TEST_SERVER: optionalString,
  /** A prebuilt workflow bundle (npm run build:workflows) for `npm run worker`; unset: bundle at start. */
  WORKFLOW_BUNDLE: optionalString,

  /** Worker tuning (worker/tuning.ts; BENCHMARKS.md has the figures behind each default). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(2_000),
  WORKER_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2).max(1_000).default(40),
  WORKER_ACTIVITY_TASK_SLOTS: z.coerce.number().int().min(1).max(1_000).default(20),
  WORKER_LOCAL_ACTIVITY_SLOTS: z.coerce.number().int().min(1).max(1_000).default(40),
  WORKER_WORKFLOW_POLLERS: z.coerce.number().int().min(2).max(100).default(4),
  WORKER_ACTIVITY_POLLERS: z.coerce.number().int().min(1).max(100).default(2),
  WORKER_REUSE_V8_CONTEXT: z
    .enum(['true', 'false'])
    .default('true')
    .transform((s) => s === 'true'),

  /** `npm start`: import the bundled catalog into an empty database (`false`: start empty). */
  SEED_CATALOG: z
    .enum(['true', 'false'])
    .default('true')
    .transform((s) => s === 'true'),
  /**
   * Set by `npm start` for the API and worker it runs: the supervisor's pid. A child whose
   * supervisor is gone (killed without the chance to stop it) shuts itself down.
   */
  SUPERVISOR_PID: z.coerce.number().int().min(1).optional(),

  SMTP_URL: optionalString,
  MAIL_FROM: z.string().min(3).default('Delegated-tasks tracker <tracker@localhost>'),
  HOME_AFFAIRS_EMAIL: z.email().default('delegation-office@moha.localhost'),

  REMINDER_OFFSETS_DAYS: dayList.default([14, 7, 1]),
  OVERDUE_INTERVAL_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  ESCALATION_LADDER: ladder.default(DEFAULT_LADDER),
  /** Hour (Viet Nam time) the digest schedules start their runs. */
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
  MINISTRY_LEADERSHIP_EMAILS: contactMap.default({}),
  PER_TASK_REMINDERS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((s) => s === 'true'),
  // DEFAULT_DUE_DAYS_<status> for each open status: dueDaysEnv below, from domain/statuses.ts.
  ...dueDaysEnv(),
  /** Unit of the default due days and of days overdue: every day, or Viet Nam's working days. */
  DUE_DAYS_UNIT: z.enum(['calendar', 'working']).default('calendar'),
  /** Unit of REMINDER_OFFSETS_DAYS. */
  REMINDER_DAYS_UNIT: z.enum(['calendar', 'working']).default('calendar'),
  /** The government's yearly holiday decisions and day swaps (see the file's header). */
  CALENDAR_FILE: z.string().min(1).default('catalog/vn-calendar-adjustments.csv'),

  /** Reporting rounds: a Temporal Schedule opens one on this day of every month (0: no schedule). */
  ROUND_DAY_OF_MONTH: z.coerce.number().int().min(0).max(28).default(1),
  ROUND_DUE_WORKING_DAYS: z.coerce.number().int().min(1).max(120).default(10),
  ROUND_REMINDER_WORKING_DAYS: dayList.default([5, 2, 1]),
  ROUND_CLOSE_AFTER_WORKING_DAYS: z.coerce.number().int().min(0).max(60).default(3),
  /** Body limit of a locality's bulk report (up to 2000 cells with texts). */
  REPORT_BODY_LIMIT: z.string().min(1).default('5mb'),

  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(3000),
  /**
   * Which proxies' X-Forwarded-For is believed (Express's 'trust proxy': 'loopback', subnets such as
   * '10.0.0.0/8', or a number of hops). Unset: none, so a client cannot pick its own rate-limit bucket.
   */
  TRUST_PROXY: optionalString,
  /** Pages (not their static assets) per client address and minute. */
  PAGE_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** Open-data downloads (/open-data/*: the whole catalog each) per client address and minute. */
  OPEN_DATA_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  TOKEN_CACHE_SECONDS: z.coerce.number().min(0).max(300).default(5),
  /** How long a request waits for a task's workflow to answer an update before 503 TASK_NOT_ANSWERING. */
  UPDATE_ANSWER_SECONDS: z.coerce.number().min(1).max(300).default(30),
  LIST_CACHE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  BODY_LIMIT: z.string().min(1).default('100kb'),
  /** Signs the pages' CSRF tokens; set the same value on every API process (unset: random per process). */
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'at least 32 characters').optional()),
  SESSION_HOURS: z.coerce.number().min(0.01).max(720).default(8),
  SIGN_IN_LINK_MINUTES: z.coerce.number().min(1).max(1440).default(15),
  SIGN_IN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  LOG_REQUESTS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((s) => s === 'true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  dataDir: string;
  publicBaseUrl: string;
  /** Viet Nam's working days from last year to four years ahead, with the adjustments of CALENDAR_FILE. */
  calendar: WorkingCalendar;
  /** Each open status's default span (DEFAULT_DUE_DAYS_<status>). */
  defaultDueDays: Record<OpenStatus, number>;
}

/** Years around today that the working-day calendar covers (beyond them only weekends are rest days). */
const CALENDAR_YEARS_BEFORE = 1;
const CALENDAR_YEARS_AFTER = 4;

/**
 * The version of a built calendar: a hash of its years and lists, so it changes when the file's
 * decisions change or the years covered move on, and not when a comment is edited.
 */
export function calendarVersion(calendar: Omit<WorkingCalendar, 'version'>): string {
  const content = JSON.stringify([
    calendar.firstYear,
    calendar.lastYear,
    calendar.daysOff,
    calendar.workingWeekendDays,
  ]);
  return createHash('sha256').update(content).digest('hex').slice(0, 12);
}

/** Reads and checks the calendar adjustments file; a bad line is a ConfigError naming the file and line. */
export function loadWorkingCalendar(file: string, nowMs = Date.now()): WorkingCalendar {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  CALENDAR_FILE: cannot read ${file} (${(err as Error).message})`);
  }
  try {
    const year = Number(vietnamDate(nowMs).slice(0, 4));
    const adjustments = parseCalendarAdjustments(text, file);
    const calendar = buildVietnamCalendar({
      firstYear: year - CALENDAR_YEARS_BEFORE,
      lastYear: year + CALENDAR_YEARS_AFTER,
      adjustments,
    });
    return { ...calendar, version: calendarVersion(calendar) };
  } catch (err) {
    if (err instanceof CalendarFileError) throw new ConfigError(`Invalid calendar file: ${err.message}`);
    throw err;
  }
}

export class ConfigError extends Error {}

/** Parses an environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    ...e,
    dataDir: path.resolve(e.DATA_DIR),
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    calendar: loadWorkingCalendar(path.resolve(e.CALENDAR_FILE)),
    defaultDueDays: Object.fromEntries(
      OPEN_STATUSES.map((s) => [s, (e as Record<string, unknown>)[STATUS_RULES[s].due.env] as number]),
    ) as Record<OpenStatus, number>,
  };
}

let cached: Config | undefined;

/** The process's configuration, parsed on first use; exits with the message on bad input. */
export function config(): Config {
  if (!cached) {
    try {
      cached = loadConfig();
    } catch (err) {
      if (err instanceof ConfigError) {
        // No logger yet: its level is part of what failed to parse.
        process.stderr.write(`${err.message}\n`);
        process.exit(2);
      }
      throw err;
    }
  }
  return cached;
}

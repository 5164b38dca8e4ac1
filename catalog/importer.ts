import path from 'node:path';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { AGENCY_CODE, TASK_CODE } from '../domain/codes';
import { isCalendarDate, vietnamDate } from '../domain/dates';
import { hasDueDate } from '../domain/statuses';
import { checkSaneDate } from '../domain/legal-documents';
import { isBlankText, unstorableReason } from '../domain/storable-text';
import { DELEGATION_LEVELS, TASK_STATUSES, type DeadlinePolicy, type TaskDefinition } from '../domain/task';
import type { Db } from '../db/client';
import { TaskArrivals } from '../db/task-arrivals';
import { catalogFieldsOf, setApplicability, setEnglishTexts } from '../db/tasks';
import { startTaskWorkflow } from '../temporal/task-client';
import { retryTransient } from '../temporal/transient-retry';
import { definitionUpdate, taskWorkflowId } from '../workflows/messages';
import { CsvSyntaxError, parseCsv, type CsvRecord } from './csv';
import { reference } from './reference-data';
import { XlsxTooLargeError, columnLetter, readXlsxRecords } from './xlsx';

/** The bundled catalog (illustrative rows; README "The catalog"). */
export const CATALOG_FILE = path.resolve(__dirname, 'tasks.csv');

/** The columns every catalog has; `title_en`, `sector_en`, `legal_basis_en`, `status_since` and `applies_to` may be left out. */
export const CATALOG_COLUMNS = [
  'code',
  'title_vi',
  'sector_vi',
  'legal_basis_vi',
  'level',
  'lead_ministry',
  'coordinating_ministries',
  'initial_status',
  'initial_due_date',
  'focal_point_name',
  'focal_point_email',
] as const;

/** The first catalog format's columns, in English only, and what each became. */
const ENGLISH_ONLY_COLUMNS: Record<string, string> = {
  title: 'title_en',
  sector: 'sector_en',
  legal_basis: 'legal_basis_en',
};

/** The delegations under the two-tier model were decided in 2025; an earlier status date is a typing error. */
const EARLIEST_STATUS_SINCE = '2025-01-01';

export interface RowError {
  line: number;
  code?: string;
  reason: string;
}

/** Catalog text: what PostgreSQL can store (domain/storable-text.ts), trimmed. */
const catalogText = (field: string, max: number, required: boolean) =>
  z
    .string()
    .trim()
    .max(max)
    .superRefine((s, ctx) => {
      const reason = unstorableReason(s);
      if (reason) ctx.addIssue({ code: 'custom', message: `${field} ${reason}` });
      else if (required && isBlankText(s)) ctx.addIssue({ code: 'custom', message: `${field} is missing` });
    });
const ministryCode = z.string().regex(AGENCY_CODE, 'must be a ministry code');
/** A date column inside the one sanity window every date of the tracker has (domain/legal-documents.ts). */
const saneDate = (column: string) => (s: string | undefined, ctx: z.RefinementCtx) => {
  if (s === undefined || s === '' || !isCalendarDate(s)) return;
  const bad = checkSaneDate(s, column, vietnamDate(Date.now()));
  if (bad) ctx.addIssue({ code: 'custom', message: `${column} ${bad.message}` });
};

const rowSchema = z.object({
  code: z.string().regex(TASK_CODE, 'code must be A-Z, 0-9, ".", "_", "-" (at most 40)'),
  // Vietnamese first: the title and sector in Vietnamese are required; the English renderings are optional.
  title_vi: catalogText('title_vi', 500, true),
  title_en: catalogText('title_en', 500, false).optional(),
  sector_vi: catalogText('sector_vi', 200, true),
  sector_en: catalogText('sector_en', 200, false).optional(),
  legal_basis_vi: catalogText('legal_basis_vi', 1000, false),
  legal_basis_en: catalogText('legal_basis_en', 1000, false).optional(),
  level: z.enum(DELEGATION_LEVELS, { error: `level must be one of ${DELEGATION_LEVELS.join(', ')}` }),
  lead_ministry: ministryCode,
  coordinating_ministries: z
    .string()
    .transform((s) =>
      s
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(ministryCode)),
  initial_status: z.enum(TASK_STATUSES, { error: `initial_status must be one of ${TASK_STATUSES.join(', ')}` }),
  initial_due_date: z
    .string()
    .trim()
    .refine((s) => s === '' || isCalendarDate(s), 'initial_due_date must be a date YYYY-MM-DD')
    .superRefine(saneDate('initial_due_date')),
  focal_point_name: catalogText('focal_point_name', 200, false),
  focal_point_email: z.union([z.literal(''), z.email('focal_point_email must be an e-mail address')]),
  // Optional column: the date the task has been in its status since (the import date when absent).
  status_since: z
    .string()
    .trim()
    .optional()
    .refine((s) => s === undefined || s === '' || isCalendarDate(s), 'status_since must be a date YYYY-MM-DD')
    .superRefine(saneDate('status_since')),
  // Optional column: the localities the task applies to, ";"-separated codes (empty or absent: all of them).
  applies_to: z
    .string()
    .optional()
    .transform((s) =>
      (s ?? '')
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
});

/**
 * A catalog row: the task's definition (title, sector and legal basis in Vietnamese), their English
 * renderings ('' when the file gives none) and where it applies (absent: every locality).
 */
export type CatalogTask = TaskDefinition & {
  appliesTo?: string[] | null;
  english?: { title: string; sector: string; legalBasis: string };
};

const ALL_LOCALITIES = new Set(reference.localities.map((l) => l.code));

export interface CatalogCheck {
  tasks: CatalogTask[];
  errors: RowError[];
}

/**
 * Validates every row of a catalog CSV before anything is imported; reports every bad row with its
 * line number. `knownMinistries` are the codes a lead or coordinating ministry may have.
 */
export function validateCatalog(
  text: string,
  knownMinistries: Set<string>,
  knownLocalities: ReadonlySet<string> = ALL_LOCALITIES,
): CatalogCheck {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      return { tasks: [], errors: [{ line: err.line, reason: `not valid CSV: ${err.message}` }] };
    throw err;
  }
  return validateRecords(records, knownMinistries, knownLocalities, () => '');
}

/**
 * The same for the first worksheet of an .xlsx file (the official list arrives as a spreadsheet):
 * the same columns and rules; `line` is the row number and each reason names its cell (`E7: ...`).
 */
export async function validateCatalogXlsx(
  file: Buffer,
  knownMinistries: Set<string>,
  knownLocalities: ReadonlySet<string> = ALL_LOCALITIES,
): Promise<CatalogCheck> {
  let records: CsvRecord[];
  try {
    records = await readXlsxRecords(file);
  } catch (err) {
    if (err instanceof XlsxTooLargeError)
      return { tasks: [], errors: [{ line: 1, reason: `too large: ${err.message}` }] };
    return {
      tasks: [],
      errors: [{ line: 1, reason: `not a readable .xlsx file: ${err instanceof Error ? err.message : String(err)}` }],
    };
  }
  return validateRecords(
    records,
    knownMinistries,
    knownLocalities,
    (column, line) => `${columnLetter(column)}${line}: `,
  );
}

/** `cellOf(column index, line)` prefixes a reason with the cell it is about (empty for CSV, which has no cell names). */
function validateRecords(
  records: CsvRecord[],
  knownMinistries: Set<string>,
  knownLocalities: ReadonlySet<string>,
  cellOf: (column: number, line: number) => string,
): CatalogCheck {
  const errors: RowError[] = [];
  const header = records.shift();
  if (!header) return { tasks: [], errors: [{ line: 1, reason: 'the file is empty' }] };
  const names = header.fields.map((f) => f.trim());
  const missing = CATALOG_COLUMNS.filter((c) => !names.includes(c));
  const englishOnly = Object.keys(ENGLISH_ONLY_COLUMNS).filter((c) => names.includes(c));
  if (englishOnly.length > 0) {
    // The first format: English text only. Say how to convert rather than guess a language.
    const renames = englishOnly.map((c) => `${c} → ${ENGLISH_ONLY_COLUMNS[c]}`).join(', ');
    return {
      tasks: [],
      errors: [
        {
          line: header.line,
          reason: `column(s) ${englishOnly.join(', ')} are the English-only format: rename them (${renames}) and add title_vi, sector_vi and legal_basis_vi with the Vietnamese text (required: title_vi, sector_vi)`,
        },
      ],
    };
  }
  if (missing.length > 0)
    return { tasks: [], errors: [{ line: header.line, reason: `missing column(s): ${missing.join(', ')}` }] };

  const tasks: CatalogTask[] = [];
  const seen = new Map<string, number>();
  for (const rec of records) {
    if (rec.fields.length !== names.length) {
      errors.push({ line: rec.line, reason: `has ${rec.fields.length} fields, the header has ${names.length}` });
      continue;
    }
    const raw = Object.fromEntries(names.map((n, i) => [n, rec.fields[i] ?? '']));
    const at = (column: string, reason: string) =>
      `${names.includes(column) ? cellOf(names.indexOf(column), rec.line) : ''}${reason}`;
    const parsed = rowSchema.safeParse(raw);
    const code = typeof raw.code === 'string' && raw.code !== '' ? raw.code : undefined;
    if (!parsed.success) {
      errors.push({
        line: rec.line,
        code,
        reason: parsed.error.issues.map((i) => at(String(i.path[0] ?? ''), i.message)).join('; '),
      });
      continue;
    }
    const r = parsed.data;
    const problems: string[] = [];
    if (!knownMinistries.has(r.lead_ministry))
      problems.push(at('lead_ministry', `unknown lead_ministry ${r.lead_ministry}`));
    for (const c of r.coordinating_ministries)
      if (!knownMinistries.has(c)) problems.push(at('coordinating_ministries', `unknown coordinating ministry ${c}`));
    if (r.coordinating_ministries.includes(r.lead_ministry))
      problems.push(at('coordinating_ministries', 'the lead ministry is also listed as coordinating'));
    if (!hasDueDate(r.initial_status) && r.initial_due_date !== '')
      problems.push(at('initial_due_date', `a ${r.initial_status} task has no initial_due_date`));
    if (r.status_since && r.status_since > vietnamDate(Date.now()))
      problems.push(at('status_since', `status_since ${r.status_since} is later than today`));
    if (r.status_since && r.status_since < EARLIEST_STATUS_SINCE)
      problems.push(at('status_since', `status_since ${r.status_since} is before ${EARLIEST_STATUS_SINCE}`));
    const unknown = r.applies_to.filter((c) => !knownLocalities.has(c));
    if (unknown.length > 0)
      problems.push(
        at(
          'applies_to',
          `applies_to names unknown locality ${unknown.join(', ')} (codes such as HNI, HCM; see catalog/reference.json)`,
        ),
      );
    const twice = r.applies_to.filter((c, i) => r.applies_to.indexOf(c) !== i);
    if (twice.length > 0) problems.push(at('applies_to', `applies_to lists ${[...new Set(twice)].join(', ')} twice`));
    const first = seen.get(r.code);
    if (first !== undefined) problems.push(at('code', `duplicate code ${r.code} (first on line ${first})`));
    else seen.set(r.code, rec.line);
    if (problems.length > 0) {
      errors.push({ line: rec.line, code: r.code, reason: problems.join('; ') });
      continue;
    }
    tasks.push({
      code: r.code,
      title: r.title_vi,
      sector: r.sector_vi,
      legalBasis: r.legal_basis_vi,
      english: { title: r.title_en ?? '', sector: r.sector_en ?? '', legalBasis: r.legal_basis_en ?? '' },
      level: r.level,
      status: r.initial_status,
      leadMinistry: r.lead_ministry,
      coordinatingMinistries: r.coordinating_ministries,
      focalPoint: { name: r.focal_point_name, email: r.focal_point_email },
      dueDate: r.initial_due_date === '' ? null : r.initial_due_date,
      ...(r.status_since ? { statusSince: r.status_since } : {}),
      // Every locality listed is the same as none: the task applies everywhere.
      ...(r.applies_to.length > 0 &&
      !(r.applies_to.length === knownLocalities.size && [...knownLocalities].every((c) => r.applies_to.includes(c)))
        ? { appliesTo: [...r.applies_to].sort() }
        : {}),
    });
  }
  return { tasks, errors };
}

export interface ImportProgress {
  done: number;
  total: number;
  ratePerSecond: number;
  secondsLeft: number | null;
}

export interface ImportResult {
  started: number;
  existing: number;
  updated: number;
  seconds: number;
  /** `signal` was aborted: the starts stopped part-way (a re-run finishes them, none twice). */
  interrupted?: boolean;
}

/**
 * Starts one workflow per new task, `concurrency` starts in flight, and returns once every new
 * task's first event is in PostgreSQL. The starts do not wait for the workflows: the workflows
 * store their CREATED events behind them, and PostgreSQL's NOTIFY on `tasks` says when they have
 * (db/task-arrivals.ts; no timer polls), with at most `window` tasks started and not yet stored.
 * Codes that already exist are left alone (or, with `update`, get their definition changed through
 * the workflow, which records it as an audit event). Safe to re-run after an interruption: starting
 * an existing workflow is refused by Temporal and counted as existing (its task is still awaited).
 */
export async function importTasks(opts: {
  db: Db;
  temporal: Client;
  taskQueue: string;
  policy: DeadlinePolicy;
  tasks: CatalogTask[];
  update?: boolean;
  concurrency?: number;
  /** Started and not yet stored at most (default 256): bounds the workflows queued behind the worker. */
  window?: number;
  /** The client shares its NativeConnection with a worker on `taskQueue` in this process (the embedded stack, the benchmarks): the first workflow task goes straight to it. */
  eagerStart?: boolean;
  /** No task stored for this long while some are awaited: no worker is running (default 120 s). */
  stallMs?: number;
  /** How long one start is tried again while Temporal is unavailable (default 300 s). */
  retryForMs?: number;
  onProgress?: (p: ImportProgress) => void;
  /** Stops the import between two starts (a start in flight completes, but a failed one is not tried again); nothing after the starts runs. */
  signal?: AbortSignal;
}): Promise<ImportResult> {
  const t0 = Date.now();
  const { db, temporal, tasks } = opts;
  const existingRows = await catalogFieldsOf(
    db,
    tasks.map((t) => t.code),
  );
  const existing = new Map(existingRows.map((r) => [r.code, r]));
  const todo = tasks.filter((t) => !existing.has(t.code));
  const result: ImportResult = { started: 0, existing: existing.size, updated: 0, seconds: 0 };

  const arrivals = await TaskArrivals.open(db, { stallMs: opts.stallMs ?? 120_000 });
  const window = Math.max(1, opts.window ?? 256);
  let handed = 0;
  const report = () => {
    const done = handed - arrivals.outstanding;
    const elapsed = (Date.now() - t0) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    opts.onProgress?.({
      done,
      total: todo.length,
      ratePerSecond: rate,
      secondsLeft: rate > 0 ? (todo.length - done) / rate : null,
    });
  };
  const ticker = setInterval(report, 1000);
  try {
    let next = 0;
    const starters = Array.from({ length: Math.max(1, opts.concurrency ?? 16) }, async () => {
      for (;;) {
        await aborted(arrivals.whenFewerThan(window), opts.signal);
        // Taken after the wait: another starter may have taken the last one meanwhile.
        if (next >= todo.length || opts.signal?.aborted) break;
        // Where it applies is part of the baseline: recorded in its CREATED event (null: all 34).
        const { english: _english, ...row } = todo[next++] as CatalogTask;
        const task = { ...row, appliesTo: row.appliesTo ?? null };
        // A start the SDK gave up on (a cluster service down longer than its ~20 s of retries) is sent
        // again, same workflow id, for up to `retryForMs`: a retry that finds the workflow already
        // there (the lost answer's start) is this import's start, so nothing is lost or doubled.
        let retried = false;
        const start = () =>
          startTaskWorkflow(temporal, {
            taskQueue: opts.taskQueue,
            definition: task,
            policy: opts.policy,
            createdBy: { kind: 'system' },
            eager: opts.eagerStart,
          });
        let started: boolean;
        try {
          started = await retryTransient(
            start,
            Date.now() + (opts.retryForMs ?? 300_000),
            () => (retried = true),
            opts.signal,
          );
        } catch (err) {
          // Stopped while this start failed (Temporal going down with the stack): it is not tried again
          // but left to the next run, which starts it under the same workflow id, or finds it started
          // and waits for its first event. Nothing lost, nothing doubled.
          if (opts.signal?.aborted) break;
          throw err;
        }
        if (started || retried) result.started++;
        else result.existing++;
        arrivals.expect([task.code]);
        handed++;
      }
    });
    await Promise.all(starters);
    if (opts.signal?.aborted) {
      result.interrupted = true;
      return result;
    }
    await aborted(arrivals.whenFewerThan(1), opts.signal);
    if (opts.signal?.aborted) {
      result.interrupted = true;
      return result;
    }

    const whereOf = (t: CatalogTask) => (t.appliesTo && t.appliesTo.length > 0 ? t.appliesTo : null);
    const sameWhere = (a: string[] | null, b: readonly string[] | null | undefined) =>
      (a ?? []).join(';') === (b && b.length > 0 ? [...b].sort().join(';') : '');
    if (opts.update) {
      for (const t of tasks) {
        const row = existing.get(t.code);
        if (!row) continue;
        const changed =
          row.title !== t.title || row.sector !== t.sector || row.legalBasis !== t.legalBasis || row.level !== t.level;
        // A change of where it applies is an audit event of the task like any other (as-of and a past day's matrix read it).
        const moved = !sameWhere(whereOf(t), row.appliesTo);
        if (!changed && !moved) continue;
        const where = moved
          ? {
              appliesTo: whereOf(t),
              appliesToBefore: row.appliesTo && row.appliesTo.length > 0 ? [...row.appliesTo].sort() : null,
            }
          : {};
        await temporal.workflow.getHandle(taskWorkflowId(t.code)).executeUpdate(definitionUpdate, {
          args: [
            {
              actor: { kind: 'home-affairs' },
              title: t.title,
              sector: t.sector,
              legalBasis: t.legalBasis,
              level: t.level,
              ...where,
            },
          ],
        });
        if (changed) result.updated++;
      }
    }

    // Where each task applies is a column of the read model (the matrix and the reports read it): set
    // for the new tasks, and with `update` for existing ones whose list changed (after its audit event). Idempotent.
    const applicability = tasks
      .filter((t) =>
        existing.has(t.code)
          ? opts.update && !sameWhere(whereOf(t), existing.get(t.code)?.appliesTo)
          : whereOf(t) !== null,
      )
      .map((t) => ({ code: t.code, appliesTo: whereOf(t) }));
    if (applicability.length > 0) await setApplicability(db, applicability);

    // The English renderings are read-model columns too: for the new tasks, and with `update` for all.
    const english = tasks
      .filter((t) => !existing.has(t.code) || opts.update)
      .map((t) => ({
        code: t.code,
        titleEn: t.english?.title ?? '',
        sectorEn: t.english?.sector ?? '',
        legalBasisEn: t.english?.legalBasis ?? '',
      }));
    if (english.length > 0) await setEnglishTexts(db, english);
  } finally {
    clearInterval(ticker);
    await arrivals.close();
  }
  report();
  result.seconds = (Date.now() - t0) / 1000;
  return result;
}

/** `p`, or sooner once `signal` aborts (what `p` waited for is then not needed any more). */
function aborted(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

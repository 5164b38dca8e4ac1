/**
 * `npm run sweep` (`-- --tasks 20 --seed 1`): on a running stack, reads every figure that appears in
 * more than one place and prints each disagreement; exit code 1 if there is any.
 *
 * For a random sample of tasks: status, due date, days overdue, workable and obstacle reports in the
 * task's JSON, the same task as of today (`asOf`, rebuilt from the audit log and the matrix's history),
 * the CSV export, the open data CSV, the public task page, and its matrix cells counted by state.
 * For all localities: whether it reported in the current round in GET /api/localities, the round's own
 * list (GET /api/rounds/{id}), and the count on the dashboard (API and page), /rounds, /matrix and the
 * public page. The e-mails the stack sent (the `.eml` files of its outbox folder, `--mailbox DIR`, or
 * the messages a test's loopback SMTP server received): each task e-mail's status and due date against
 * the task as of the moment it was sent (`asOf`), an escalation's step and due date against the task's
 * ESCALATION_STEP event, a closing-the-loop notice's document against the document register and the
 * locality's cell, and each round e-mail's due date and addressee against the round (every locality
 * that must report told once; a locality chased only while it had not reported). E-mails are compared
 * for the sampled tasks, for `mailTasks` more tasks picked at random among those the e-mails name, and
 * for every locality. The commune level, for every province whose communes are seeded: each
 * commune-level task's province cell (the roll-up) against the commune cells in the matrix (JSON, CSV)
 * and the locality, a few of them on the matrix and drill-down pages, the province's totals in the
 * national roll-up (API and page) and its communes' counts, and every reported commune's report chain.
 * Uses the running embedded stack (or API_URL) and the Home Affairs token of
 * `.data/dev-tokens.json` (or SWEEP_TOKEN).
 */
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { parseCsv } from '../catalog/csv';
import { reference } from '../catalog/reference-data';
import { VIETNAMESE_DATE_PATTERN, parseVietnameseDate, vietnamDate } from '../domain/dates';
import { STATUS_EN, STATUS_VI } from '../domain/digest';
import { TASK_STATUSES, type TaskStatus } from '../domain/statuses';
import { runtimeFile } from '../embedded/runtime-target';

export interface SweepOptions {
  apiUrl: string;
  /** A Home Affairs API token. */
  token: string;
  tasks?: number;
  seed?: number;
  /** The e-mails the stack sent, as raw RFC 5322 messages (none: e-mails are not compared). */
  mails?: string[];
  /** Tasks named in the e-mails whose e-mails are compared besides the sampled tasks' (default 10). */
  mailTasks?: number;
  /** Commune-level tasks per seeded province whose pages (matrix, drill-down) are read too (default 5). */
  communePages?: number;
  log?: (line: string) => void;
}

export interface Disagreement {
  subject: string;
  figure: string;
  values: Record<string, string>;
}

export interface SweepResult {
  tasks: string[];
  localities: number;
  comparisons: number;
  /** Of `comparisons`, those of a figure an e-mail states. */
  mailComparisons: number;
  /** Of `comparisons`, those of the commune level: the seeded provinces, their (province, task) roll-ups, report chains. */
  communeComparisons: number;
  communes: { provinces: string[]; rollups: number; chains: number };
  /** The e-mails read, and the tasks whose e-mails were compared. */
  mails: number;
  mailTasks: string[];
  disagreements: Disagreement[];
}

type Figures = Record<string, string>;

/** A small deterministic generator, so a sweep can be repeated on the same sample. */
function sampler(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function csvRecords(text: string): Record<string, string>[] {
  const rows = parseCsv(text).map((r) => r.fields);
  const [head, ...rest] = rows;
  if (!head) return [];
  return rest
    .filter((r) => r.length === head.length)
    .map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}

const ddmmyyyy = (iso: string | null) => (iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '');

/** The figures the public task page shows, read from its HTML as a person reads them. */
function taskPageFigures(html: string): Figures {
  const counts = /Thực hiện được: ([\d.]+) · Vướng mắc: ([\d.]+)/.exec(html);
  const status = /<strong class="tag tag-(feasible|requires-guidance|authority-adjustment)">/.exec(html);
  const due = /<dt>Hạn[^<]*<\/dt>\s*<dd>\s*(\d{2}\/\d{2}\/\d{4})?/.exec(html);
  const overdue = /class="overdue-text"> · [^<]*?([\d.]+)/.exec(html);
  return {
    status: status?.[1]?.toUpperCase().replace(/-/g, '_') ?? '?',
    dueDate: due?.[1] ?? '',
    daysOverdue: overdue?.[1]?.replace(/\./g, '') ?? '0',
    workable: counts?.[1]?.replace(/\./g, '') ?? '?',
    obstacle: counts?.[2]?.replace(/\./g, '') ?? '?',
  };
}

/** "n/34" as the public page and /matrix print it (data attributes of the same line). */
function whoReportedLine(html: string): string {
  const m = /id="who-reported" data-reported="(\d+)" data-total="(\d+)"/.exec(html);
  return m ? `${m[1]}/${m[2]}` : '?';
}

/** A province cell of a commune-level task as every source states it: communes and cells by state. */
interface RollupFigures {
  communes: number;
  byState: Record<string, number>;
  obstaclesByCategory?: Record<string, number>;
}
const STATE_NAMES = ['NOT_STARTED', 'IMPLEMENTING', 'WORKABLE', 'OBSTACLE'] as const;
const statesText = (r: RollupFigures | null | undefined) =>
  r ? `${r.communes} communes: ${STATE_NAMES.map((s) => `${s} ${r.byState[s] ?? 0}`).join(', ')}` : 'none';
const categoriesText = (r: RollupFigures | null | undefined) =>
  r
    ? Object.entries(r.obstaclesByCategory ?? {})
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, n]) => `${k} ${n}`)
        .join(', ') || 'none'
    : 'none';

/** The roll-up a page draws (the data attributes of web/components/commune-rollup.tsx), null if none. */
export function pageRollup(html: string): RollupFigures | null {
  const m =
    /class="commune-rollup" data-communes="(\d+)" data-not-started="(\d+)" data-implementing="(\d+)" data-workable="(\d+)" data-obstacle="(\d+)"/.exec(
      html,
    );
  if (!m) return null;
  const [, communes, ...states] = m.map(Number);
  return {
    communes: communes ?? 0,
    byState: Object.fromEntries(STATE_NAMES.map((s, i) => [s, states[i] ?? 0])),
  };
}

/** The table row (`<tr>…</tr>`) of a page that holds a text, or '' if none does. */
function rowOf(html: string, text: string): string {
  const at = html.indexOf(text);
  if (at < 0) return '';
  const start = html.lastIndexOf('<tr', at);
  const end = html.indexOf('</tr>', at);
  return start < 0 || end < 0 ? '' : html.slice(start, end + '</tr>'.length);
}

/** The drill-down page's cells, counted by their state (`<td class="task-cell" data-state>`). */
function drillDownPageCells(html: string): RollupFigures {
  const states = [...html.matchAll(/class="task-cell" data-state="([A-Z_]+)"/g)].map((m) => m[1]);
  return {
    communes: states.length,
    byState: Object.fromEntries(STATE_NAMES.map((s) => [s, states.filter((x) => x === s).length])),
  };
}

/** An e-mail as the sweep reads it: addressees, subject, plain text and when it was sent. */
export interface SentMail {
  to: string[];
  subject: string;
  text: string;
  /** The Date header (ms); the end of its second, since the header drops the milliseconds. */
  at: number;
}

async function readMails(raw: string[]): Promise<SentMail[]> {
  const out: SentMail[] = [];
  for (const r of raw) {
    const p = await simpleParser(r);
    const to = (Array.isArray(p.to) ? p.to : p.to ? [p.to] : []).flatMap((a) =>
      a.value.map((v) => (v.address ?? '').toLowerCase()),
    );
    out.push({ to, subject: p.subject ?? '', text: p.text ?? '', at: (p.date?.getTime() ?? Date.now()) + 999 });
  }
  return out;
}

/** The `.eml` files of a mailbox folder (the embedded stack's outbox), oldest name first. */
export function mailboxFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

const ROUND_MAIL = /^\[([a-z0-9][a-z0-9-]*)\] /;
const TASK_MAIL = /^\[([A-Z0-9][A-Za-z0-9._-]*)\] /;
/** A dd/mm/yyyy date in an e-mail (domain/mail.ts mailDate writes them so). */
const DATE = VIETNAMESE_DATE_PATTERN;

/** The first dd/mm/yyyy date a text states, as YYYY-MM-DD (undefined: none; the raw text if it names no day). */
function dateIn(text: string | undefined): string | undefined {
  const written = text === undefined ? undefined : new RegExp(DATE).exec(text)?.[1];
  return written === undefined ? undefined : (parseVietnameseDate(written) ?? written);
}

/** A status as an e-mail names it (Vietnamese or English, the status table's names) back to its code. */
const STATUS_BY_NAME = new Map<string, TaskStatus>(
  TASK_STATUSES.flatMap((s) => [
    [STATUS_VI[s], s],
    [STATUS_EN[s], s],
  ]),
);

/** The value of a `Label:  value` line of an e-mail's fields (the first part's: Vietnamese first). */
function mailField(text: string, ...labels: string[]): string | undefined {
  for (const label of labels) {
    const v = new RegExp(`^${label}:[ \\t]+(.+?)[ \\t]*$`, 'm').exec(text)?.[1];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Status and due date as a task e-mail's fields state them (reminders, escalation steps, releases). */
export function taskMailFigures(m: SentMail): { status?: string; dueDate?: string } {
  const statusName = mailField(m.text, 'Trạng thái', 'Status');
  const dueText = mailField(m.text, 'Hạn', 'Due date');
  const status = statusName === undefined ? undefined : (STATUS_BY_NAME.get(statusName) ?? statusName);
  // No due date: the field says so in words ("không có" / "none"), without a date.
  const due =
    dueText === undefined ? undefined : (dateIn(dueText) ?? (/^(không có|none)$/.test(dueText) ? '' : dueText));
  return {
    ...(status !== undefined ? { status } : {}),
    ...(due !== undefined ? { dueDate: due } : {}),
  };
}

/**
 * The step of the escalation ladder an e-mail is, as the ESCALATION_STEP event would say it
 * ("step 2 after 5 working days, due 2026-11-20"), or null if it is none. The reminder at the
 * deadline ("Đến hạn hôm nay (…), đã báo Bộ Nội vụ") is not a step of the ladder.
 */
export function escalationStepStated(m: SentMail): string | null {
  const step =
    /Cảnh báo bậc (\d+): quá hạn (\d+) ngày làm việc/.exec(m.subject) ??
    /(?:\] |\/ )Escalation step (\d+): (\d+) working days overdue/.exec(m.subject) ??
    (new RegExp(`Đến hạn hôm nay \\(${DATE}\\)(?!,)|(?:\\] |/ )Deadline reached \\(${DATE}\\)`).test(m.subject)
      ? ['', '1', '0']
      : null);
  if (!step) return null;
  const due = new RegExp(
    `\\(hạn ${DATE}\\)|đã đến hạn \\(${DATE}\\)|past its deadline \\(${DATE}\\)|reached its deadline \\(${DATE}\\)`,
  ).exec(m.text);
  return `step ${step[1]} after ${step[2]} working days, due ${dateIn(due?.[0]) ?? '?'}`;
}

/** A closing-the-loop notice's document number (subject), or undefined for any other e-mail. */
export function closingDocument(m: SentMail): string | undefined {
  return (
    /Đã ban hành văn bản (\S+?): /.exec(m.subject)?.[1] ?? /(?:\] |\/ )Document (\S+) issued: /.exec(m.subject)?.[1]
  );
}

/** Localities by the names e-mails greet them with: Vietnamese (nameVi) and English, from the reference data. */
const LOCALITY_BY_NAME = new Map<string, string>(
  reference.localities.flatMap((l) => [
    [l.nameVi, l.code],
    [l.name, l.code],
  ]),
);

/** The code of the locality an e-mail greets (Vietnamese part first); `?name` for a name no locality has. */
export function greetedLocality(m: SentMail): string {
  const name = /^Kính gửi (.+),\s*$/m.exec(m.text)?.[1] ?? /^To (.+),\s*$/m.exec(m.text)?.[1] ?? '';
  return LOCALITY_BY_NAME.get(name) ?? `?${name}`;
}

export async function consistencySweep(opts: SweepOptions): Promise<SweepResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const base = opts.apiUrl.replace(/\/$/, '');
  const auth = { Authorization: `Bearer ${opts.token}` };
  const getText = async (url: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${url}`, { headers: { 'Accept-Language': 'vi', ...headers }, redirect: 'manual' });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
    return res.text();
  };
  const getJson = async <T>(url: string, headers: Record<string, string> = auth) =>
    JSON.parse(await getText(url, headers)) as T;

  // A page session as Home Affairs (the dashboard and /rounds need one): the sign-in form with its CSRF token.
  const signInPage = await fetch(`${base}/sign-in`, { headers: { 'Accept-Language': 'vi' } });
  const cookies = (signInPage.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1] ?? '';
  const signedIn = await fetch(`${base}/sign-in/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookies },
    body: new URLSearchParams({ _csrf: csrf, token: opts.token }).toString(),
    redirect: 'manual',
  });
  const session = [cookies, ...(signedIn.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0])].join('; ');
  const asPerson = { Cookie: session };

  const disagreements: Disagreement[] = [];
  let comparisons = 0;
  const compare = (subject: string, figure: string, values: Record<string, string>) => {
    comparisons++;
    if (new Set(Object.values(values)).size > 1) disagreements.push({ subject, figure, values });
  };

  // ---- tasks ----
  const today = vietnamDate(Date.now());
  const exported = csvRecords(await getText('/api/tasks?format=csv', auth));
  const openData = new Map(csvRecords(await getText('/open-data/tasks.csv')).map((r) => [r.code ?? '', r]));
  const byCode = new Map(exported.map((r) => [r.code ?? '', r]));
  const random = sampler(opts.seed ?? Date.now());
  const pool: string[] = [];
  for (let page = 1; ; page++) {
    const list = await getJson<{ items: { code: string }[]; total: number }>(
      `/api/tasks?sort=code&limit=500&page=${page}`,
    );
    pool.push(...list.items.map((t) => t.code));
    if (pool.length >= list.total || list.items.length === 0) break;
  }
  const known = new Set(pool);
  const sample: string[] = [];
  const wanted = Math.min(opts.tasks ?? 20, pool.length);
  while (sample.length < wanted) {
    const [code] = pool.splice(Math.floor(random() * pool.length), 1);
    if (code) sample.push(code);
  }
  for (const code of sample) {
    const t = await getJson<{
      status: string;
      dueDate: string | null;
      daysOverdue: number;
      reports: { workable: number; obstacle: number };
    }>(`/api/tasks/${encodeURIComponent(code)}`);
    const asOf = await getJson<typeof t>(`/api/tasks/${encodeURIComponent(code)}?asOf=${today}`);
    const page = taskPageFigures(await getText(`/tasks/${encodeURIComponent(code)}`));
    const cells = await getJson<{ items: { state: string }[] }>(`/api/matrix?task=${encodeURIComponent(code)}`);
    const csv = byCode.get(code) ?? {};
    const open = openData.get(code) ?? {};
    const fromJson = (x: typeof t) => ({
      status: x.status,
      dueDate: x.dueDate ?? '',
      daysOverdue: String(x.daysOverdue),
      workable: String(x.reports.workable),
      obstacle: String(x.reports.obstacle),
    });
    const sources: Record<string, Figures> = {
      'api json': fromJson(t),
      'api asOf today': fromJson(asOf),
      'csv export': {
        status: csv.status ?? '?',
        dueDate: csv.dueDate ?? '',
        daysOverdue: csv.daysOverdue ?? '?',
        workable: csv.workableReports ?? '?',
        obstacle: csv.obstacleReports ?? '?',
      },
      'open data csv': {
        status: open.status ?? '?',
        dueDate: open.dueDate ?? '',
        daysOverdue: open.daysOverdue ?? '?',
        workable: open.workableReports ?? '?',
        obstacle: open.obstacleReports ?? '?',
      },
      'task page': page,
      'matrix cells': {
        workable: String(cells.items.filter((c) => c.state === 'WORKABLE').length),
        obstacle: String(cells.items.filter((c) => c.state === 'OBSTACLE').length),
      },
    };
    for (const figure of ['status', 'dueDate', 'daysOverdue', 'workable', 'obstacle'] as const) {
      const values: Record<string, string> = {};
      for (const [where, f] of Object.entries(sources)) {
        const v = f[figure];
        if (v === undefined) continue;
        values[where] = figure === 'dueDate' && where !== 'task page' ? ddmmyyyy(v || null) : v;
      }
      compare(code, figure, values);
    }
  }

  // ---- localities: who reported in the current round ----
  const statuses = await getJson<{
    items: { code: string; name: string; reportedAt: string | null; currentRound: string | null }[];
  }>('/api/localities');
  const round = statuses.items[0]?.currentRound ?? null;
  const roundJson = round
    ? await getJson<{ reported: number; total: number; localities: { code: string; reportedAt: string | null }[] }>(
        `/api/rounds/${encodeURIComponent(round)}`,
      )
    : null;
  const inRound = new Map((roundJson?.localities ?? []).map((l) => [l.code, l.reportedAt !== null]));
  for (const l of statuses.items) {
    compare(l.code, 'reported in the current round', {
      'api localities': String(l.reportedAt !== null),
      'api round': String(inRound.get(l.code) ?? false),
    });
  }
  const reported = statuses.items.filter((l) => l.reportedAt !== null).length;
  const summary = await getJson<{ localities: { reported: number; total: number } }>('/api/dashboard/summary');
  const dashboardHtml = await getText('/dashboard', asPerson);
  const roundsHtml = await getText('/rounds', asPerson);
  const roundRow = round
    ? (new RegExp(
        `<tr[^>]*>(?:(?!</tr>)[\\s\\S])*?${round.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:(?!</tr>)[\\s\\S])*?</tr>`,
      ).exec(roundsHtml)?.[0] ?? '')
    : '';
  compare('localities', 'n of 34 reported', {
    'api localities': `${reported}/${statuses.items.length}`,
    'api round': roundJson ? `${roundJson.reported}/${roundJson.total}` : '?',
    'api dashboard summary': `${summary.localities.reported}/${summary.localities.total}`,
    'dashboard page': /([\d.]+) trên ([\d.]+) địa phương đã báo cáo/.exec(dashboardHtml)?.slice(1, 3).join('/') ?? '?',
    '/rounds page': /([\d.]+)\/([\d.]+) đã báo cáo/.exec(roundRow)?.slice(1, 3).join('/') ?? '?',
    '/matrix page': whoReportedLine(await getText('/matrix')),
    'public page': whoReportedLine(await getText('/')),
  });

  // ---- the commune level: every seeded province's roll-ups against the commune cells ----
  const communeStart = comparisons;
  const nationalRollup = await getJson<{
    items: (RollupFigures & { locality: string; communesReported: number; tasks: number })[];
  }>('/api/communes/rollup');
  const seededProvinces = nationalRollup.items.filter((i) => i.communes > 0 && i.tasks > 0);
  const communesPage = await getText('/communes');
  let rollups = 0;
  let chains = 0;
  for (const province of seededProvinces) {
    const L = province.locality;
    const enc = encodeURIComponent(L);
    // The commune cells themselves, as the file of a province's commune cells gives them.
    const counted = new Map<string, RollupFigures>();
    for (const r of csvRecords(await getText(`/api/communes/cells?locality=${enc}`, auth))) {
      const t = counted.get(r.task ?? '') ?? { communes: 0, byState: {}, obstaclesByCategory: {} };
      t.communes++;
      t.byState[r.state ?? '?'] = (t.byState[r.state ?? '?'] ?? 0) + 1;
      if (r.category) t.obstaclesByCategory![r.category] = (t.obstaclesByCategory![r.category] ?? 0) + 1;
      counted.set(r.task ?? '', t);
    }
    const matrix = await getJson<{ items: { task: string; communes: RollupFigures | null }[] }>(
      `/api/matrix?locality=${enc}`,
    );
    const matrixCsv = new Map(
      csvRecords(await getText(`/api/matrix?locality=${enc}&format=csv`, auth)).map((r) => [r.task ?? '', r]),
    );
    const locality = await getJson<{ tasks: { code: string; leadMinistry: string; communes: RollupFigures | null }[] }>(
      `/api/localities/${enc}`,
    );
    const fromLocality = new Map(locality.tasks.map((t) => [t.code, t.communes]));
    const fromCsv = (r: Record<string, string> | undefined): RollupFigures | null =>
      r && r.communes
        ? {
            communes: Number(r.communes),
            byState: {
              NOT_STARTED: Number(r.communesNotStarted),
              IMPLEMENTING: Number(r.communesImplementing),
              WORKABLE: Number(r.communesWorkable),
              OBSTACLE: Number(r.communesObstacle),
            },
            obstaclesByCategory: Object.fromEntries(
              Object.entries(r)
                .filter(([k]) => k.startsWith('communesObstacle_'))
                .map(([k, v]) => [k.slice('communesObstacle_'.length), Number(v)]),
            ),
          }
        : null;
    // Every commune-level task of the province: the matrix cell, its CSV and the locality are the commune cells' roll-up.
    const tasksOf = new Set([...counted.keys(), ...matrix.items.filter((i) => i.communes).map((i) => i.task)]);
    const total: RollupFigures = { communes: 0, byState: {}, obstaclesByCategory: {} };
    for (const task of [...tasksOf].sort()) {
      const cells = counted.get(task);
      const sources = {
        'commune cells': cells,
        'api matrix': matrix.items.find((i) => i.task === task)?.communes,
        'matrix csv': fromCsv(matrixCsv.get(task)),
        'api locality': fromLocality.get(task),
      };
      compare(
        `${L} · ${task}`,
        'commune roll-up by state',
        Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, statesText(v)])),
      );
      compare(
        `${L} · ${task}`,
        'commune obstacles by category',
        Object.fromEntries(Object.entries(sources).map(([k, v]) => [k, categoriesText(v)])),
      );
      rollups++;
      for (const s of STATE_NAMES) total.byState[s] = (total.byState[s] ?? 0) + (cells?.byState[s] ?? 0);
      for (const [k, n] of Object.entries(cells?.obstaclesByCategory ?? {}))
        total.obstaclesByCategory![k] = (total.obstaclesByCategory![k] ?? 0) + n;
      total.communes += cells?.communes ?? 0;
    }
    // A few tasks on the pages too: the sampled ones first, then others of the province at random.
    const others = [...tasksOf].filter((t) => !sample.includes(t)).sort();
    const paged = sample.filter((t) => tasksOf.has(t));
    while (others.length > 0) paged.push(...others.splice(Math.floor(random() * others.length), 1));
    for (const task of paged.slice(0, opts.communePages ?? 5)) {
      // The matrix page lists a province's cells of one lead ministry (fewer than its 300 rows): the task's row.
      const ministry = locality.tasks.find((t) => t.code === task)?.leadMinistry ?? '';
      const matrixPage = await getText(`/matrix?locality=${enc}&ministry=${encodeURIComponent(ministry)}`, asPerson);
      const drill = await getJson<{
        task: { communes: RollupFigures | null };
        items: { taskCell: { state: string } | null }[];
      }>(`/api/localities/${enc}/communes?task=${encodeURIComponent(task)}`);
      const drillPage = await getText(`/localities/${enc}/communes?task=${encodeURIComponent(task)}`, asPerson);
      compare(`${L} · ${task}`, 'commune roll-up on the pages', {
        'commune cells': statesText(counted.get(task)),
        'matrix page': statesText(pageRollup(rowOf(matrixPage, `href="/tasks/${encodeURIComponent(task)}"`))),
        'api drill-down': statesText(drill.task.communes),
        'drill-down page': statesText(pageRollup(drillPage)),
        'drill-down cells (api)': statesText({
          communes: drill.items.length,
          byState: Object.fromEntries(
            STATE_NAMES.map((s) => [s, drill.items.filter((c) => c.taskCell?.state === s).length]),
          ),
        }),
        'drill-down cells (page)': statesText(drillDownPageCells(drillPage)),
      });
    }
    // The province as a whole: the national roll-up, its page, and its communes' own counts.
    const list = await getJson<{
      items: { code: string; byState: Record<string, number>; reportedAt: string | null }[];
    }>(`/api/localities/${enc}/communes`);
    const row = rowOf(communesPage, `href="/localities/${L}/communes"`);
    const nums = [...row.matchAll(/<td class="num">([\d.]*)<\/td>/g)].map((m) =>
      Number((m[1] ?? '').replace(/\./g, '')),
    );
    const reportedCommunes = list.items.filter((c) => c.reportedAt !== null);
    compare(L, 'communes, reported and cells by state', {
      'commune cells': `${list.items.length}, ${reportedCommunes.length}; ${statesText(total)}`,
      'api communes rollup': `${province.communes}, ${province.communesReported}; ${statesText({ ...province, communes: total.communes })}`,
      '/communes page': `${nums[0]}, ${nums[1]}; ${statesText({ communes: total.communes, byState: Object.fromEntries(STATE_NAMES.map((s, i) => [s, nums[3 + i] ?? -1])) })}`,
      "communes' own counts": `${list.items.length}, ${reportedCommunes.length}; ${statesText({
        communes: total.communes,
        byState: Object.fromEntries(
          STATE_NAMES.map((s) => [s, list.items.reduce((n, c) => n + (c.byState[s] ?? 0), 0)]),
        ),
      })}`,
    });
    compare(L, 'commune obstacles by category', {
      'commune cells': categoriesText(total),
      'api communes rollup': categoriesText(province),
    });
    // Each commune that reported: its report chain recomputes from the first report.
    for (const c of reportedCommunes) {
      const detail = await getJson<{ verification: { valid: boolean; brokenAtSeq?: number; reason?: string } }>(
        `/api/communes/${encodeURIComponent(c.code)}`,
      );
      const v = detail.verification;
      compare(`${L} · ${c.code}`, 'commune report chain', {
        'commune_reports recomputed': v.valid ? 'valid' : `broken at ${v.brokenAtSeq}: ${v.reason}`,
        expected: 'valid',
      });
      chains++;
    }
  }
  const communeComparisons = comparisons - communeStart;

  // ---- e-mails: each figure an e-mail states, against the API ----
  const mails = await readMails(opts.mails ?? []);
  let mailComparisons = 0;
  const compareMail = (subject: string, figure: string, values: Record<string, string>) => {
    mailComparisons++;
    compare(subject, figure, values);
  };
  const taskMails = new Map<string, SentMail[]>();
  const roundMails = new Map<string, SentMail[]>();
  for (const m of mails) {
    const round = ROUND_MAIL.exec(m.subject)?.[1];
    const task = round ? undefined : TASK_MAIL.exec(m.subject)?.[1];
    if (round) roundMails.set(round, [...(roundMails.get(round) ?? []), m]);
    else if (task && known.has(task)) taskMails.set(task, [...(taskMails.get(task) ?? []), m]);
  }
  // The sampled tasks' e-mails, and those of `mailTasks` more tasks the e-mails name.
  const named = [...taskMails.keys()].filter((c) => !sample.includes(c)).sort();
  const mailed: string[] = sample.filter((c) => taskMails.has(c));
  for (let n = Math.min(opts.mailTasks ?? 10, named.length); n > 0; n--) {
    const [code] = named.splice(Math.floor(random() * named.length), 1);
    if (code) mailed.push(code);
  }
  const documents = new Map<string, { issuedOn: string } | null>();
  const documentOf = async (number: string) => {
    if (!documents.has(number)) {
      const res = await fetch(`${base}/api/documents/${encodeURIComponent(number)}`, { headers: auth });
      documents.set(number, res.status === 200 ? ((await res.json()) as { issuedOn: string }) : null);
    }
    return documents.get(number) ?? null;
  };
  for (const code of mailed) {
    const enc = encodeURIComponent(code);
    const events: { kind: string; details?: Record<string, unknown> }[] = [];
    for (let page = 1; ; page++) {
      const h = await getJson<{ items: typeof events; total: number }>(
        `/api/tasks/${enc}/history?page=${page}&limit=100`,
      );
      events.push(...h.items);
      if (events.length >= h.total || h.items.length === 0) break;
    }
    const steps = events
      .filter((e) => e.kind === 'ESCALATION_STEP')
      .map(
        (e) =>
          `step ${Number(e.details?.step) + 1} after ${String(e.details?.afterWorkingDays)} working days, due ${String(e.details?.dueDate)}`,
      );
    for (const m of taskMails.get(code) ?? []) {
      if (closingDocument(m) !== undefined) continue; // a closing-the-loop notice: compared with its locality below
      const stated = taskMailFigures(m);
      const figures = Object.keys(stated) as ('status' | 'dueDate')[];
      if (figures.length > 0) {
        const asOf = await getJson<{ status: string; dueDate: string | null }>(
          `/api/tasks/${enc}?asOf=${encodeURIComponent(new Date(m.at).toISOString())}`,
        );
        const api = { status: asOf.status, dueDate: asOf.dueDate ?? '' };
        for (const f of figures)
          compareMail(code, `${f} in the e-mail "${m.subject.slice(0, 60)}"`, {
            'e-mail': stated[f] ?? '',
            'api asOf when sent': api[f],
          });
      }
      // An escalation step: its step and due date are the ESCALATION_STEP event the task's history holds.
      const said = escalationStepStated(m);
      if (said) {
        compareMail(code, 'escalation step', {
          'e-mail': said,
          'api history': steps.includes(said) ? said : steps.join('; ') || 'no escalation step',
        });
      }
    }
  }

  // Closing-the-loop notices (to a locality): the document is the register's, the locality's cell names it.
  for (const [code, list] of taskMails) {
    for (const m of list) {
      const doc = closingDocument(m);
      if (!doc) continue;
      const locality = greetedLocality(m);
      const issued = dateIn(new RegExp(`ban hành ngày ${DATE}|issued ${DATE}`).exec(m.text)?.[0]) ?? '?';
      const registered = await documentOf(doc);
      compareMail(`${code} · ${locality}`, `issue date of ${doc}`, {
        'e-mail': issued,
        'api documents': registered?.issuedOn ?? 'not registered',
      });
      const cell = await getJson<{ items: { resolvedBy: { number?: string } | null }[] }>(
        `/api/matrix?task=${encodeURIComponent(code)}&locality=${encodeURIComponent(locality)}`,
      ).catch(() => ({ items: [] }));
      compareMail(`${code} · ${locality}`, 'document that resolved the obstacle', {
        'e-mail': doc,
        'api matrix cell': cell.items[0]?.resolvedBy?.number ?? 'none',
      });
    }
  }

  // Round e-mails: every locality that must report told once; chased or reminded only while it had not reported.
  for (const [roundId, list] of roundMails) {
    const res = await fetch(`${base}/api/rounds/${encodeURIComponent(roundId)}`, { headers: auth });
    if (res.status !== 200) {
      compareMail(roundId, 'round', { 'e-mails': 'sent', 'api round': `GET ${res.status}` });
      continue;
    }
    const r = (await res.json()) as {
      dueDate: string;
      extensions: number;
      total: number;
      localities: { code: string; name: string; reportedAt: string | null }[];
    };
    const inRoundByCode = new Map(r.localities.map((l) => [l.code, l]));
    const opened = list.filter((m) => /Mở đợt báo cáo|(?:\] |\/ )Reporting round opened/.test(m.subject));
    if (opened.length > 0) {
      const told = new Map<string, number>();
      for (const m of opened) {
        const code = greetedLocality(m);
        told.set(code, (told.get(code) ?? 0) + 1);
      }
      compareMail(roundId, 'localities told the round opened', {
        'e-mails': `${told.size} localities, ${opened.length} e-mails`,
        'api round': `${r.total} localities, ${r.total} e-mails`,
      });
      // A due date moved by an extension is the round's later answer; the opening e-mail told the first one.
      if (r.extensions === 0)
        compareMail(roundId, 'due date in the opening e-mails', {
          'e-mails': [...new Set(opened.map((m) => dateIn(m.subject) ?? '?'))].join(','),
          'api round': r.dueDate,
        });
    }
    const asked = /đề nghị gửi báo cáo|Nhắc gửi báo cáo|(?:\] |\/ )(?:Home Affairs asks for your report|Report due)/;
    for (const m of list.filter((x) => asked.test(x.subject))) {
      const code = greetedLocality(m);
      const l = inRoundByCode.get(code);
      compareMail(`${roundId} · ${code}`, 'had not reported when asked', {
        'e-mail': 'not reported',
        'api round': !l
          ? 'not in the round'
          : l.reportedAt === null || Date.parse(l.reportedAt) > m.at
            ? 'not reported'
            : `reported ${l.reportedAt}`,
      });
      if (r.extensions === 0)
        compareMail(`${roundId} · ${code}`, 'due date in the e-mail', {
          'e-mail': dateIn(m.subject) ?? '?',
          'api round': r.dueDate,
        });
    }
  }

  log(
    `consistency sweep: ${sample.length} task(s), ${statuses.items.length} localities, ${seededProvinces.length} province(s) with communes (${rollups} roll-ups, ${chains} report chains), ${mails.length} e-mail(s) of ${mailed.length} task(s) and ${roundMails.size} round(s), ${comparisons} comparisons (${mailComparisons} of e-mails), ${disagreements.length} disagreement(s)`,
  );
  for (const d of disagreements)
    log(
      `  ${d.subject} · ${d.figure}: ${Object.entries(d.values)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  return {
    tasks: sample,
    localities: statuses.items.length,
    comparisons,
    communeComparisons,
    communes: { provinces: seededProvinces.map((p) => p.locality), rollups, chains },
    mailComparisons,
    mails: mails.length,
    mailTasks: mailed,
    disagreements,
  };
}

async function main(): Promise<void> {
  const { config } = await import('../config/env');
  const cfg = config();
  const file = runtimeFile(cfg);
  const runtime = (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}) as { apiUrl?: string };
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const apiUrl = process.env.API_URL ?? runtime.apiUrl ?? `http://127.0.0.1:${cfg.PORT}`;
  const token =
    process.env.SWEEP_TOKEN ??
    (JSON.parse(fs.readFileSync(path.join(cfg.dataDir, 'dev-tokens.json'), 'utf8')) as Record<string, string>)[
      'home-affairs'
    ] ??
    '';
  const r = await consistencySweep({
    apiUrl,
    token,
    tasks: Number(arg('tasks') ?? 20),
    seed: arg('seed') ? Number(arg('seed')) : undefined,
    // The e-mails the stack wrote to its outbox folder (no SMTP_URL), or a folder of `.eml` files given.
    mails: mailboxFiles(arg('mailbox') ?? path.join(cfg.dataDir, 'outbox')),
    mailTasks: arg('mail-tasks') ? Number(arg('mail-tasks')) : undefined,
    communePages: arg('commune-pages') ? Number(arg('commune-pages')) : undefined,
  });
  if (r.disagreements.length > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}

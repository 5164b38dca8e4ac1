/**
 * `npm run sweep` (`-- --tasks 20 --seed 1`): on a running stack, reads every figure that appears in
 * more than one place and prints each disagreement; exit code 1 if there is any.
 *
 * For a random sample of tasks: status, due date, days overdue, workable and obstacle reports in the
 * task's JSON, the same task as of today (`asOf`, rebuilt from the audit log and the matrix's history),
 * the CSV export, the open data CSV, the public task page, and its matrix cells counted by state.
 * For all localities: whether it reported in the current round in GET /api/localities, the round's own
 * list (GET /api/rounds/{id}), and the count on the dashboard (API and page), /rounds, /matrix and the
 * public page. Uses the running embedded stack (or API_URL) and the Home Affairs token of
 * `.data/dev-tokens.json` (or SWEEP_TOKEN).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../catalog/csv';
import { vietnamDate } from '../domain/dates';
import { runtimeFile } from '../embedded/runtime-target';

export interface SweepOptions {
  apiUrl: string;
  /** A Home Affairs API token. */
  token: string;
  tasks?: number;
  seed?: number;
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
  const statuses = await getJson<{ items: { code: string; reportedAt: string | null; currentRound: string | null }[] }>(
    '/api/localities',
  );
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

  log(
    `consistency sweep: ${sample.length} task(s), ${statuses.items.length} localities, ${comparisons} comparisons, ${disagreements.length} disagreement(s)`,
  );
  for (const d of disagreements)
    log(
      `  ${d.subject} · ${d.figure}: ${Object.entries(d.values)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  return { tasks: sample, localities: statuses.items.length, comparisons, disagreements };
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
  });
  if (r.disagreements.length > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}

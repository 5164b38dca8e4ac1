/**
 * Writes catalog/tasks.csv: an ILLUSTRATIVE catalog of the 949 delegated tasks that matches every
 * published aggregate (949 tasks; 584 FEASIBLE, 355 REQUIRES_GUIDANCE, 10 AUTHORITY_ADJUSTMENT;
 * 12 ministries) and includes the known bottleneck examples from reference.json as real rows.
 * Deterministic: the same file every run. Usage: npm run catalog:generate
 */
import fs from 'node:fs';
import path from 'node:path';
import reference from '../catalog/reference.json';

const OUT = path.resolve(__dirname, '..', 'catalog', 'tasks.csv');

// Per ministry: sectors and the subjects of tasks delegated in them.
const AREAS: Record<string, { sector: string; subjects: string[] }[]> = {
  BNV: [
    { sector: 'Civil service', subjects: ['recruitment of commune-level civil servants', 'rank promotion examinations for provincial officials', 'secondment of officials to communes', 'job-position frameworks in provincial agencies'] },
    { sector: 'Local government organisation', subjects: ['establishment of commune specialised divisions', 'naming of merged commune-level units', 'village and residential group organisation', 'allowances for part-time commune staff'] },
    { sector: 'Emulation and rewards', subjects: ['provincial certificates of merit', 'emulation flags for commune units', 'labour medal nominations'] },
  ],
  BTP: [
    { sector: 'Civil status', subjects: ['birth registration with foreign elements', 'marriage registration with foreign elements', 'change of civil status records', 'certification of marital status'] },
    { sector: 'Judicial records and notarisation', subjects: ['authentication of copies', 'notarial practice registration', 'judicial-assistance procedures'] },
    { sector: 'Legal aid and mediation', subjects: ['grassroots mediation teams', 'legal-aid collaborators', 'legal dissemination plans'] },
  ],
  BTC: [
    { sector: 'Investment', subjects: ['investment policy approval for small projects', 'adjustment of investment registration certificates', 'investment incentives within industrial zones'] },
    { sector: 'Public assets and budget', subjects: ['transfer of public assets after unit mergers', 'liquidation of public housing', 'commune budget estimates'] },
    { sector: 'Enterprise registration', subjects: ['household business registration', 'cooperative registration', 'branch registration of enterprises'] },
  ],
  BCT: [
    { sector: 'Trade', subjects: ['licences for alcohol retail', 'tobacco retail licences', 'registration of sales promotions', 'market management boards'] },
    { sector: 'Energy and industry', subjects: ['electricity operation licences for small plants', 'industrial cluster planning', 'chemical safety certificates'] },
  ],
  BNNMT: [
    { sector: 'Land', subjects: ['land allocation to households', 'land-use right certificates', 'land recovery compensation plans', 'land price tables'] },
    { sector: 'Environment', subjects: ['environmental permits for small facilities', 'environmental registration', 'domestic waste collection plans'] },
    { sector: 'Agriculture and rural development', subjects: ['plant protection certificates', 'veterinary hygiene certificates', 'irrigation works management', 'forest protection contracts'] },
    { sector: 'Water resources and fisheries', subjects: ['surface water exploitation licences', 'fishing vessel registration', 'aquaculture registration'] },
  ],
  BXD: [
    { sector: 'Construction', subjects: ['construction permits for individual houses', 'appraisal of construction designs', 'construction quality inspection'] },
    { sector: 'Urban planning and housing', subjects: ['detailed urban planning approval', 'social housing eligibility', 'apartment building management'] },
    { sector: 'Transport', subjects: ['inland waterway wharf licences', 'driving licence exchange', 'road maintenance on local routes', 'vehicle registration inspection'] },
  ],
  BVHTTDL: [
    { sector: 'Culture', subjects: ['licences for art performances', 'relic site classification', 'karaoke business licences', 'festival organisation'] },
    { sector: 'Sports and tourism', subjects: ['sports club recognition', 'tour guide cards', 'tourist accommodation grading'] },
    { sector: 'Press and publication', subjects: ['local bulletin licences', 'publication import registration'] },
  ],
  BKHCN: [
    { sector: 'Science and technology', subjects: ['technology transfer registration', 'science and technology enterprise certificates', 'measurement standard inspection'] },
    { sector: 'Digital transformation and post', subjects: ['commune digital service points', 'postal service licences', 'telecommunications infrastructure sharing'] },
  ],
  BGDDT: [
    { sector: 'Education', subjects: ['establishment of private kindergartens', 'recognition of schools meeting national standards', 'textbook selection', 'continuing-education centres'] },
    { sector: 'Vocational education', subjects: ['vocational training registration', 'vocational teacher certificates'] },
  ],
  BYT: [
    { sector: 'Medical examination and treatment', subjects: ['practice licences for physicians', 'licences for private clinics', 'referral between commune and district facilities'] },
    { sector: 'Pharmacy and food safety', subjects: ['pharmacy practice certificates', 'drugstore licences', 'food safety certificates for small producers'] },
    { sector: 'Preventive medicine and population', subjects: ['vaccination point certification', 'population and family planning services', 'occupational disease screening'] },
  ],
  BDTTG: [
    { sector: 'Ethnic affairs', subjects: ['recognition of prestigious persons in ethnic minority areas', 'support policies for ethnic minority villages', 'classification of ethnic minority communes'] },
    { sector: 'Beliefs and religions', subjects: ['registration of religious activities', 'approval of religious festivals', 'registration of religious training'] },
  ],
  BCA: [
    { sector: 'Residence and identity', subjects: ['permanent residence registration', 'temporary residence registration', 'citizen identity cards'] },
    { sector: 'Public order', subjects: ['security conditions for conditional businesses', 'fire prevention acceptance for small works', 'weapons and support tools permits'] },
  ],
};

const ACTIONS = [
  'Approval of', 'Issuance of', 'Renewal and re-issuance of', 'Inspection of', 'Revocation of', 'Registration and management of',
  'Appraisal of', 'Decision on', 'Supervision of', 'Adjustment of', 'Recognition of', 'Reporting on',
];

const FIRST = ['Nguyen', 'Tran', 'Le', 'Pham', 'Hoang', 'Vu', 'Dang', 'Bui', 'Do', 'Ngo', 'Duong', 'Ly'];
const LAST = ['Van An', 'Thi Binh', 'Minh Chau', 'Quoc Dung', 'Thu Ha', 'Duc Hai', 'Thanh Huong', 'Van Khoa', 'Ngoc Lan', 'Hong Minh', 'Anh Tuan', 'Thi Yen'];

// The published bottleneck examples, as real rows (reference.json, knownBottleneckExamples).
const KNOWN_STATUS: Record<string, 'REQUIRES_GUIDANCE' | 'AUTHORITY_ADJUSTMENT'> = {
  BYT: 'REQUIRES_GUIDANCE',
  BTC: 'AUTHORITY_ADJUSTMENT',
  BNV: 'AUTHORITY_ADJUSTMENT',
  BGDDT: 'REQUIRES_GUIDANCE',
  BDTTG: 'REQUIRES_GUIDANCE',
  BCA: 'REQUIRES_GUIDANCE',
  BTP: 'REQUIRES_GUIDANCE',
};
const KNOWN_SECTOR: Record<string, string> = {
  BYT: 'Medical examination and treatment',
  BTC: 'Investment',
  BNV: 'Local government organisation',
  BGDDT: 'Education',
  BDTTG: 'Beliefs and religions',
  BCA: 'Residence and identity',
  BTP: 'Judicial records and notarisation',
};

// A small deterministic PRNG (mulberry32), so the catalog is the same on every machine.
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function csv(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function main(): void {
  const rand = rng(20251206);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const ministries = reference.ministries.filter((m) => m.delegates).map((m) => m.code);
  const { FEASIBLE, REQUIRES_GUIDANCE, AUTHORITY_ADJUSTMENT } = reference.assessment.byStatus;
  const total = reference.assessment.delegatedTasks;

  // Weights: how many tasks each ministry delegated (illustrative; land, construction and health lead).
  const weights: Record<string, number> = { BNNMT: 150, BXD: 120, BYT: 95, BTC: 95, BCT: 80, BTP: 75, BVHTTDL: 70, BGDDT: 65, BNV: 60, BCA: 55, BKHCN: 45, BDTTG: 39 };
  const weightSum = Object.values(weights).reduce((a, b) => a + b, 0);
  if (weightSum !== total) throw new Error(`weights add up to ${weightSum}, not ${total}`);

  type Row = { code: string; title: string; sector: string; legalBasis: string; level: string; lead: string; coordinating: string[]; status: string; due: string; fpName: string; fpEmail: string; since: string };
  const rows: Row[] = [];
  for (const m of ministries) {
    const areas = AREAS[m];
    if (!areas) throw new Error(`no areas for ${m}`);
    const count = weights[m] ?? 0;
    const used = new Set<string>();
    const known = reference.knownBottleneckExamples.filter((k) => k.ministry === m);
    for (let i = 0; i < count; i++) {
      let title: string;
      let sector: string;
      const k = known[i];
      if (k) {
        title = k.title;
        sector = KNOWN_SECTOR[m] ?? (areas[0] as { sector: string }).sector;
      } else {
        let attempt = 0;
        do {
          const area = pick(areas);
          sector = area.sector;
          const subject = pick(area.subjects);
          const base = `${pick(ACTIONS)} ${subject}`;
          title = attempt < 20 ? base : `${base} (${++attempt - 20})`;
          attempt++;
        } while (used.has(title));
      }
      used.add(title);
      const n = String(i + 1).padStart(3, '0');
      const others = ministries.filter((x) => x !== m);
      const coordinating = rand() < 0.35 ? [pick(others)] : [];
      const person = `${pick(FIRST)} ${pick(LAST)}`;
      rows.push({
        code: `${m}-${n}`,
        title,
        sector,
        legalBasis: `Decree ${10 + Math.floor(rand() * 170)}/2025/ND-CP, Art. ${1 + Math.floor(rand() * 40)}`,
        level: rand() < 0.45 ? 'commune' : 'province',
        lead: m,
        coordinating,
        status: k ? (KNOWN_STATUS[m] ?? 'REQUIRES_GUIDANCE') : '',
        due: '',
        fpName: person,
        fpEmail: `focal.${m.toLowerCase()}@ministries.example`,
        since: '',
      });
    }
  }

  // Statuses: the known examples keep theirs; the rest are assigned to hit 584 / 355 / 10 exactly.
  const need = { AUTHORITY_ADJUSTMENT: AUTHORITY_ADJUSTMENT.count, REQUIRES_GUIDANCE: REQUIRES_GUIDANCE.count, FEASIBLE: FEASIBLE.count };
  for (const r of rows) if (r.status) need[r.status as keyof typeof need]--;
  const open = rows.filter((r) => !r.status);
  for (let i = open.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [open[i], open[j]] = [open[j] as Row, open[i] as Row];
  }
  let idx = 0;
  for (const [status, n] of Object.entries(need)) for (let i = 0; i < n; i++) (open[idx++] as Row).status = status;

  // Due dates for work still owed: guidance within 2026-2027, authority adjustment later (law changes take longer).
  for (const r of rows) {
    if (r.status === 'FEASIBLE') continue;
    const start = Date.parse(r.status === 'REQUIRES_GUIDANCE' ? '2026-03-31' : '2026-09-30');
    const spanDays = 455;
    r.due = new Date(start + Math.floor(rand() * spanDays) * 86400000).toISOString().slice(0, 10);
  }

  // Status since: when each task entered the status it had in the report, between the start of the
  // two-tier model (1 July 2025) and the report (6 December 2025). Illustrative like the rest; drawn
  // from a generator of its own so the other columns stay as they were.
  const sinceRand = rng(20250701);
  const first = Date.parse('2025-07-01');
  const reportDays = Math.round((Date.parse('2025-12-06') - first) / 86400000) + 1;
  for (const r of rows) r.since = new Date(first + Math.floor(sinceRand() * reportDays) * 86400000).toISOString().slice(0, 10);

  const header = [
    '# Delegated-tasks catalog: ILLUSTRATIVE ROWS.',
    '# The published list of the 949 delegated tasks is not available to this project. These rows are generated',
    '# (scripts/generate-catalog.ts) to match every published aggregate of the Ministry of Home Affairs report of',
    '# 6 December 2025: 949 tasks, 584 FEASIBLE, 355 REQUIRES_GUIDANCE, 10 AUTHORITY_ADJUSTMENT, 12 ministries;',
    '# the seven known bottleneck examples are real rows. Titles, codes, dates and focal points are made up.',
    '# To load the official list, write it in this format and run: npm run import -- <file> (see README).',
    '# Columns: code,title,sector,legal_basis,level(province|commune),lead_ministry,coordinating_ministries(;-separated),',
    '#          initial_status,initial_due_date(YYYY-MM-DD, empty for FEASIBLE),focal_point_name,focal_point_email,',
    '#          status_since(YYYY-MM-DD: in its status since then, as assessed on or before 6 December 2025;',
    '#          ILLUSTRATIVE dates here; optional in an imported file, the import date when absent)',
  ];
  const lines = [
    ...header,
    'code,title,sector,legal_basis,level,lead_ministry,coordinating_ministries,initial_status,initial_due_date,focal_point_name,focal_point_email,status_since',
    ...rows.map((r) => [r.code, r.title, r.sector, r.legalBasis, r.level, r.lead, r.coordinating.join(';'), r.status, r.due, r.fpName, r.fpEmail, r.since].map(csv).join(',')),
  ];
  fs.writeFileSync(OUT, `${lines.join('\n')}\n`);
  console.log(`wrote ${rows.length} tasks to ${path.relative(process.cwd(), OUT)}`);
}

main();

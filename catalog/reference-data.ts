import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/client';
import { EMAIL_RE } from '../domain/task-changes';
import { parseCsv } from './csv';
import { upsertReferenceData } from '../db/reference-data';
import { recordClosedRound } from '../db/reporting-rounds';
import reference from './reference.json';

export { reference };

/**
 * Localities that had sent their assessment by the report of 6 December 2025: 30 of 34.
 * Assumption: which four had not is not published; the last four in reference.json are marked
 * as not yet reported.
 */
export function reportedLocalities(): Set<string> {
  const n = reference.assessment.localitiesReporting;
  return new Set(reference.localities.slice(0, n).map((l) => l.code));
}

/** The catalog of the localities' focal-point e-mails (illustrative: see the file's header). */
export const LOCALITY_FOCAL_POINTS_FILE = path.join(__dirname, 'locality-focal-points.csv');

/**
 * Each locality's focal-point e-mail from `locality-focal-points.csv`: where its reminders and
 * notices go and the address its one-time sign-in link is sent to. Every locality of reference.json
 * must have exactly one well-formed address, and no address may serve two localities.
 */
export function localityFocalPointEmails(
  text = fs.readFileSync(LOCALITY_FOCAL_POINTS_FILE, 'utf8'),
): Map<string, string> {
  const known = new Set(reference.localities.map((l) => l.code));
  const emails = new Map<string, string>();
  const problems: string[] = [];
  for (const { line, fields } of parseCsv(text)) {
    const [code = '', email = ''] = fields.map((f) => f.trim());
    if (code === 'locality' && email === 'email') continue;
    if (!known.has(code)) problems.push(`line ${line}: unknown locality ${code}`);
    else if (emails.has(code)) problems.push(`line ${line}: ${code} is listed twice`);
    else if (!EMAIL_RE.test(email) || email.length > 254) problems.push(`line ${line}: ${code} has no valid e-mail`);
    else if ([...emails.values()].includes(email.toLowerCase()))
      problems.push(`line ${line}: ${email} already serves another locality`);
    else emails.set(code, email.toLowerCase());
  }
  for (const code of known) if (!emails.has(code)) problems.push(`${code} has no focal-point e-mail`);
  if (problems.length > 0) throw new Error(`${LOCALITY_FOCAL_POINTS_FILE}: ${problems.join('; ')}`);
  return emails;
}

/** Loads ministries and localities from reference.json (idempotent; keeps reports filed since). */
export async function loadReferenceData(db: Db): Promise<void> {
  const reported = reportedLocalities();
  const reportedAt = new Date(`${reference.assessment.reportedAt}T00:00:00Z`);
  const emails = localityFocalPointEmails();
  await upsertReferenceData(db, {
    ministries: reference.ministries.map((m) => ({
      code: m.code,
      name: m.name,
      nameVi: m.nameVi,
      delegates: m.delegates,
      role: 'role' in m ? (m.role ?? null) : null,
    })),
    localities: reference.localities.map((l) => ({
      code: l.code,
      name: l.name,
      nameVi: l.nameVi,
      kind: l.kind,
      reportedAt: reported.has(l.code) ? reportedAt : null,
      contactEmail: emails.get(l.code) ?? '',
    })),
  });
  await seedReportingRound(db);
}

/** The round behind the report of 6 December 2025. */
export const SEED_ROUND_ID = 'seed-2025-12-06';
const REPORTED_AT = `${reference.assessment.reportedAt}T00:00:00.000Z`;

/**
 * The round of the Home Affairs report of 6 December 2025, closed with 30 of 34 localities
 * reported (published). Which four did not is an assumption (catalog/reference.json,
 * localitiesNotReportedNote): the last four listed. The round's dates are the report's date;
 * when Home Affairs actually asked is not published.
 */
export async function seedReportingRound(db: Db): Promise<void> {
  const reported = [...reportedLocalities()];
  await recordClosedRound(db, {
    id: SEED_ROUND_ID,
    openedOn: reference.assessment.reportedAt,
    dueDate: reference.assessment.reportedAt,
    closedAt: REPORTED_AT,
    reported,
    reportedAt: REPORTED_AT,
    note: `Seed: the round behind the Home Affairs report of ${reference.assessment.reportedAt} (30 of 34 reported, published). Assumption: the four that did not report are ${reference.localities
      .slice(reference.assessment.localitiesReporting)
      .map((l) => l.code)
      .join(', ')}; the report does not name them.`,
  });
}

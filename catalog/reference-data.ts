import type { Db } from '../db/client';
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

/**
 * Where a locality's reminders and notices go. Assumption: the addresses of the 34 provincial
 * offices are not published with the report; these placeholders are replaced per deployment
 * (a real address, once set, is kept by later loads).
 */
export function defaultContactEmail(code: string): string {
  return `office.${code.toLowerCase()}@localities.example`;
}

/** Loads ministries and localities from reference.json (idempotent; keeps reports filed since). */
export async function loadReferenceData(db: Db): Promise<void> {
  const reported = reportedLocalities();
  const reportedAt = new Date(`${reference.assessment.reportedAt}T00:00:00Z`);
  await upsertReferenceData(db, {
    ministries: reference.ministries.map((m) => ({ code: m.code, name: m.name, delegates: m.delegates, role: 'role' in m ? (m.role ?? null) : null })),
    localities: reference.localities.map((l) => ({ code: l.code, name: l.name, kind: l.kind, reportedAt: reported.has(l.code) ? reportedAt : null, contactEmail: defaultContactEmail(l.code) })),
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


import type { Db } from '../db/client';
import { upsertReferenceData } from '../db/reference-data';
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
}

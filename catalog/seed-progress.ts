import fs from 'node:fs';
import path from 'node:path';

/**
 * `npm start` seeds the bundled catalog in the background once the tracker is up
 * (stack/supervised-stack.ts). While it runs, a marker in the data folder says so and how many
 * tasks the catalog holds; the pages and the API read it (the number done is the count of task
 * rows, the one record of what is in). The marker is written before the first workflow is started
 * and removed once the last task and the seed round's cells are in, so a start that finds it
 * resumes the seed (starting a task's workflow twice is refused by Temporal: none is doubled).
 */
export const SEED_MARKER = 'seed-pending.json';

export interface SeedPending {
  /** Tasks in the catalog being seeded. */
  total: number;
  /** When this seed was first begun (ISO 8601). */
  since: string;
}

export function seedMarkerFile(dataDir: string): string {
  return path.join(dataDir, SEED_MARKER);
}

/** The seed under way in `dataDir`, or null when none is (never begun, or finished). */
export function seedPending(dataDir: string | undefined): SeedPending | null {
  if (!dataDir) return null;
  let text: string;
  try {
    text = fs.readFileSync(seedMarkerFile(dataDir), 'utf8');
  } catch {
    return null;
  }
  try {
    const v = JSON.parse(text) as Partial<SeedPending>;
    if (typeof v.total === 'number' && Number.isInteger(v.total) && v.total > 0)
      return { total: v.total, since: typeof v.since === 'string' ? v.since : '' };
  } catch {
    // A marker cut short by a crash while it was written: a seed is still under way.
  }
  return { total: 0, since: '' };
}

/** Written (atomically) before the first start; an existing marker's start time is kept. */
export function markSeedPending(dataDir: string, total: number): void {
  const since = seedPending(dataDir)?.since || new Date().toISOString();
  const file = seedMarkerFile(dataDir);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify({ total, since } satisfies SeedPending)}\n`);
  fs.renameSync(`${file}.tmp`, file);
}

export function clearSeedPending(dataDir: string): void {
  fs.rmSync(seedMarkerFile(dataDir), { force: true });
}

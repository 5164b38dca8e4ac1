import { seedPending } from '../catalog/seed-progress';
import type { Db } from '../db/client';
import { taskCount } from '../db/tasks';
import { unavailable, type Refusal } from '../domain/refusal';

export interface SeedingProgress {
  /** Tasks in the read model (the one record of what is in). */
  done: number;
  /** Tasks in the catalog being seeded. */
  total: number;
}

/**
 * How far `npm start`'s background seed of the catalog is, or null when none is under way (the
 * marker in the data folder, catalog/seed-progress.ts). Costs a file read when none is.
 */
export async function seedingProgress(db: Db, dataDir: string | undefined): Promise<SeedingProgress | null> {
  const pending = seedPending(dataDir);
  if (!pending) return null;
  const done = await taskCount(db);
  return { done: Math.min(done, pending.total || done), total: pending.total || done };
}

/**
 * A task that is not (yet) in while the catalog is being seeded: a 503 (the API adds Retry-After)
 * saying so, rather than a 404 that would be wrong a few seconds later. Null when no seed is under way.
 */
export async function notSeededYet(db: Db, dataDir: string | undefined, code: string): Promise<Refusal | null> {
  const p = await seedingProgress(db, dataDir);
  if (!p) return null;
  return unavailable(
    `Task ${code} is not in yet: the catalog is still being seeded (${p.done} of ${p.total} tasks in). Retry in a few seconds.`,
    { code: 'SEEDING', seeded: p.done, total: p.total },
  );
}

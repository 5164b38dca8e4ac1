import fs from 'node:fs';
import { parseCommunes, type Commune } from '../catalog/communes';
import type { Db } from '../db/client';
import { provincesWithCommunes, seedProvinceCells, upsertCommunes, type ProvinceSeed } from '../db/communes';
import { MissingCommuneDataError, resolveCommuneDataFile } from './commune-reference';

/**
 * Seeds the commune level: the official list of units (3,321 rows) and then, province by province, the
 * task × commune cells (about 1.44 M). Each province is one INSERT ... SELECT in PostgreSQL, in its own
 * transaction, so the stack answers while it runs; a province already seeded for the same communes and
 * tasks is skipped. `localities` limits it (the tests seed one or two provinces).
 */
export async function seedCommunes(
  db: Db,
  opts: {
    communes?: ReadonlyArray<Commune>;
    localities?: ReadonlyArray<string>;
    log?: (line: string) => void;
    /** Asked between provinces: true stops the seed there (a restart goes on from there). */
    shouldStop?: () => boolean;
  } = {},
): Promise<{ communes: number; provinces: ProvinceSeed[]; seconds: number } | null> {
  const log = opts.log ?? (() => undefined);
  const t0 = performance.now();
  let communes = opts.communes;
  if (!communes) {
    let file: string;
    try {
      file = resolveCommuneDataFile(process.env, { install: false });
    } catch (err) {
      if (err instanceof MissingCommuneDataError) {
        log(`communes: skipped, ${err.message}`);
        return null;
      }
      throw err;
    }
    communes = parseCommunes(fs.readFileSync(file, 'utf8'));
  }
  const wanted = opts.localities ? new Set(opts.localities) : null;
  const chosen = wanted ? communes.filter((c) => wanted.has(c.locality)) : communes;
  await upsertCommunes(db, chosen);
  const provinces: ProvinceSeed[] = [];
  const targets = (await provincesWithCommunes(db)).filter((l) => !wanted || wanted.has(l));
  for (const locality of targets) {
    if (opts.shouldStop?.()) break;
    provinces.push(await seedProvinceCells(db, locality));
  }
  const seconds = (performance.now() - t0) / 1000;
  const inserted = provinces.reduce((n, p) => n + p.inserted, 0);
  log(
    inserted > 0
      ? `communes: ${chosen.length} units, ${inserted} task × commune cells seeded in ${seconds.toFixed(1)} s (${targets.length} provinces)`
      : `communes: ${chosen.length} units, cells already seeded (${targets.length} provinces)`,
  );
  return { communes: chosen.length, provinces, seconds };
}

/**
 * `npm start`'s commune seed: runs after the stack is up, in the background (pages say "being prepared"
 * until it is done), and stops between two provinces when the stack stops. Returns that stop.
 */
export function seedCommunesInBackground(db: Db, log: (line: string) => void): () => Promise<void> {
  let stopping = false;
  const running = seedCommunes(db, { log, shouldStop: () => stopping }).catch((err: unknown) => {
    if (!stopping) log(`communes: seeding failed: ${String(err)}`);
  });
  return async () => {
    stopping = true;
    await running;
  };
}

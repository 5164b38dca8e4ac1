import fs from 'node:fs';
import type { Config } from '../config/env';
import path from 'node:path';

/** Where a running embedded stack says how to reach it (read by `npm run import`, `npm run tokens`). */
export function runtimeFile(cfg: Config): string {
  return path.join(cfg.dataDir, 'runtime.json');
}

/**
 * Where command-line tools find PostgreSQL and Temporal: DATABASE_URL / TEMPORAL_ADDRESS when set,
 * otherwise the running embedded stack's `<DATA_DIR>/runtime.json` (written by `npm start`).
 */
export function runtimeTarget(
  cfg: Config,
  need: { temporal: boolean; owner?: boolean },
): { databaseUrl: string; temporalAddress: string } {
  let fromFile: { databaseUrl?: string; ownerDatabaseUrl?: string; temporalAddress?: string } = {};
  const file = runtimeFile(cfg);
  if (fs.existsSync(file)) fromFile = JSON.parse(fs.readFileSync(file, 'utf8'));
  // Schema changes need the owner role; everything else runs as the application role.
  const databaseUrl = cfg.DATABASE_URL ?? (need.owner ? fromFile.ownerDatabaseUrl : undefined) ?? fromFile.databaseUrl;
  const temporalAddress = cfg.TEMPORAL_ADDRESS ?? fromFile.temporalAddress ?? '';
  if (!databaseUrl || (need.temporal && !temporalAddress)) {
    throw new Error(
      `Set DATABASE_URL${need.temporal ? ' and TEMPORAL_ADDRESS' : ''}, or start the embedded stack first (npm start), which writes ${file}.`,
    );
  }
  return { databaseUrl, temporalAddress };
}

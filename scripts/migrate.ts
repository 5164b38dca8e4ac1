/** `npm run db:migrate`: applies the committed SQL migrations to DATABASE_URL (or the running embedded stack's database). */
import { config } from '../config/env';
import { applyMigrations } from '../db/migrations';
import { runtimeTarget } from '../embedded/runtime-target';

async function main(): Promise<void> {
  const { databaseUrl } = runtimeTarget(config(), { temporal: false, owner: true });
  const r = await applyMigrations(databaseUrl);
  console.log(`applied: ${r.applied.join(', ') || '(none)'}; already applied: ${r.alreadyApplied.length}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

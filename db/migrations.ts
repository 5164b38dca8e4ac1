import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'prisma', 'migrations');

/**
 * Migrations renumbered so that each number is used once (0003 and 0005 were each used twice), by
 * their new name: a database that recorded one under its old name has it applied (the row keeps
 * the old name; the restricted application role may not rewrite it). The order is unchanged.
 */
export const RENAMED_MIGRATIONS: Record<string, string> = {
  '0004_tasks_changed_notify': '0003_tasks_changed_notify',
  '0005_locality_matrix_rounds': '0004_locality_matrix_rounds',
  '0006_legal_documents': '0005_legal_documents',
  '0007_tasks_extension_and_hold_up': '0005_tasks_extension_and_hold_up',
  '0008_digests': '0006_digests',
  '0009_web_sessions': '0008_web_sessions',
};

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies the committed SQL migrations (prisma/migrations/<name>/migration.sql) in name order,
 * each exactly once, each in its own transaction together with its row in `_tracker_migrations`.
 * An advisory lock serialises concurrent runners (API, worker and start script racing at boot).
 * A migration whose file changed after it was applied is an error, not a silent skip.
 */
export async function applyMigrations(databaseUrl: string, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const result: MigrationResult = { applied: [], alreadyApplied: [] };
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext('tracker-migrations'))`);
    // A database that is up to date needs no DDL, so a role without CREATE (the restricted
    // application role) can start against it.
    const exists =
      (await client.query(`SELECT to_regclass('_tracker_migrations') IS NOT NULL AS ok`)).rows[0]?.ok === true;
    if (!exists) {
      await client.query(`CREATE TABLE _tracker_migrations (
        name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    }
    const done = new Map(
      (
        await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM _tracker_migrations')
      ).rows.map((r) => [r.name, r.checksum]),
    );
    for (const name of names) {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      const checksum = crypto.createHash('sha256').update(sql).digest('hex');
      const previous = done.get(name) ?? done.get(RENAMED_MIGRATIONS[name] ?? '');
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new Error(`Migration ${name} was changed after it was applied; add a new migration instead.`);
        }
        result.alreadyApplied.push(name);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO _tracker_migrations (name, checksum) VALUES ($1, $2)', [name, checksum]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${name} failed: ${(err as Error).message}`);
      }
      result.applied.push(name);
    }
  } finally {
    await client.query(`SELECT pg_advisory_unlock(hashtext('tracker-migrations'))`).catch(() => undefined);
    await client.end();
  }
  return result;
}

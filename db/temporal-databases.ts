import pg from 'pg';
import { databaseUrlFor } from './admin';

/** The databases a Temporal cluster on PostgreSQL keeps: the default store and the visibility store. */
export const TEMPORAL_DATABASES = ['temporal', 'temporal_visibility'] as const;

/**
 * On the server of `adminUrl` (a superuser's URL): the role `role` (LOGIN, this password) and the
 * databases `temporal` and `temporal_visibility` it owns, as deploy/postgres-init.sql makes them.
 * Idempotent; the password is set again each time, so the role always matches the kept secret.
 */
export async function ensureTemporalDatabases(adminUrl: string, role: string, password: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`invalid role name ${role}`);
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const literal = c.escapeLiteral(password);
    await c.query(
      exists.rowCount === 0
        ? `CREATE ROLE ${role} LOGIN PASSWORD ${literal}`
        : `ALTER ROLE ${role} LOGIN PASSWORD ${literal}`,
    );
    for (const name of TEMPORAL_DATABASES) {
      const db = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (db.rowCount === 0) await c.query(`CREATE DATABASE ${name} OWNER ${role}`);
    }
  } finally {
    await c.end();
  }
}

/** Whether temporal-sql-tool's setup-schema has run on database `name` (its version table exists). */
export async function hasSchemaVersionTable(adminUrl: string, name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: databaseUrlFor(adminUrl, name) });
  await c.connect();
  try {
    const r = await c.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'");
    return (r.rowCount ?? 0) > 0;
  } finally {
    await c.end();
  }
}

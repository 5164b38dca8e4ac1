import pg from 'pg';

export const APP_ROLE = 'tracker_app';

/**
 * The role the API and the worker connect as: it reads and writes the tables but may only INSERT
 * and SELECT audit events (no UPDATE, DELETE or TRUNCATE), and cannot change the schema. Created
 * (or its grants refreshed) by the schema owner after migrations. Returns its connection URL.
 */
export async function ensureAppRole(ownerUrl: string, password: string, role = APP_ROLE): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`invalid role name ${role}`);
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const db = (await client.query<{ db: string }>('SELECT current_database() AS db')).rows[0]?.db as string;
    const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
    await client.query(
      `${exists ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${client.escapeLiteral(password)}`,
    );
    await client.query(`GRANT CONNECT ON DATABASE ${client.escapeIdentifier(db)} TO ${role}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ${role}`);
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON document_events FROM ${role}`);
    await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON cell_events FROM ${role}`);
    await client.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON _tracker_migrations FROM ${role}`);
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}

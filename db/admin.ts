import pg from 'pg';

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  // PostgreSQL going away between statements fails the next one, not the process (db/client.ts).
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates database `name` on the server of `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid database name ${name}`);
  await withClient(adminUrl, async (c) => {
    const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await c.query(`CREATE DATABASE ${name}`);
  });
}

/**
 * Creates database `name` as a copy of database `template` (PostgreSQL's CREATE DATABASE ... TEMPLATE:
 * its tables, rows and migrations' record, block by block). No session may be connected to the
 * template while it is copied.
 */
export async function createDatabaseFrom(adminUrl: string, name: string, template: string): Promise<void> {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid database name ${name}`);
  if (!IDENTIFIER.test(template)) throw new Error(`invalid database name ${template}`);
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
}

/** Drops database `name` (closing its connections) on the server of `adminUrl`. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid database name ${name}`);
  await withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** The URL of database `name` on the same server and as the same user as `url`. */
export function databaseUrlFor(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * What the operator commands that talk to task workflows share (`tasks:repair`, `calendar:apply`,
 * `import`): the configuration, PostgreSQL and a Temporal client of the configured (or running
 * embedded) stack, closed when the command is done; an error is printed and exits 1. With
 * `migrate`, the schema is brought up to date first (the importer may be the first to run).
 */
import { Client, Connection } from '@temporalio/client';
import { config, type Config } from '../config/env';
import { connectDb, type Db } from '../db/client';
import { applyMigrations } from '../db/migrations';
import { runtimeTarget } from '../embedded/runtime-target';

export function runOperatorCommand(
  command: (session: { cfg: Config; db: Db; client: Client }) => Promise<void>,
  opts: { migrate?: boolean } = {},
): void {
  const run = async () => {
    const cfg = config();
    const target = runtimeTarget(cfg, { temporal: true });
    if (opts.migrate) await applyMigrations(target.databaseUrl);
    const db = connectDb(target.databaseUrl, { max: 2 });
    const connection = await Connection.connect({ address: target.temporalAddress });
    try {
      await command({ cfg, db, client: new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }) });
    } finally {
      await connection.close();
      await db.close();
    }
  };
  run().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

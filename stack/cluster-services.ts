import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/env';
import { ensureAppRole } from '../db/app-role';
import { applyMigrations } from '../db/migrations';
import { ensureTemporalDatabases, hasSchemaVersionTable } from '../db/temporal-databases';
import { claimDataDir } from '../embedded/data-dir-claim';
import { readOrCreateSecret, startEmbeddedPostgres } from '../embedded/embedded-postgres';
import { ensureEmbeddedPortsFree } from '../embedded/ports';
import { resolveTemporalCli } from '../embedded/temporal-binaries';
import {
  clusterPorts,
  migrateTemporalSchemas,
  startTemporalCluster,
  type RunningTemporalCluster,
} from '../embedded/temporal-cluster';
import { findTemporalServer } from '../embedded/temporal-server-binaries';
import type { Services } from './stack';

/** The role the Temporal services connect as (its own, owner of `temporal` and `temporal_visibility`). */
export const TEMPORAL_DB_ROLE = 'temporal';

export interface ClusterOptions {
  /** The frontend's gRPC port; the services use the 8 ports above it (all ≤ 32767). */
  basePort: number;
  historyShards?: number;
}

/**
 * `npm run start:cluster`'s PostgreSQL and Temporal: the embedded PostgreSQL (the tracker's database,
 * migrated, with its restricted role; and `temporal`/`temporal_visibility` owned by their own role),
 * temporal-sql-tool's schema setup and update as a step of its own, then the four Temporal services
 * as separate processes (deploy/temporal-server.yaml), the namespace and the search attributes.
 * Pushes a stop for each piece onto `stops`; `onCluster` receives the running services (tests crash them).
 */
export async function startClusterServices(
  cfg: Config,
  cluster: ClusterOptions,
  log: (line: string) => void,
  stops: (() => Promise<void>)[],
  onCluster?: (c: RunningTemporalCluster) => void,
): Promise<Services> {
  // Checked before anything starts: a missing server is a message and an exit code, not a half-started stack.
  const bins = findTemporalServer();
  const cli = resolveTemporalCli();
  const ports = clusterPorts(cluster.basePort);
  await ensureEmbeddedPortsFree([
    { port: cfg.EMBEDDED_PG_PORT, host: '127.0.0.1', setting: 'EMBEDDED_PG_PORT' },
    ...Object.values(ports).map((port) => ({ port, host: '127.0.0.1', setting: 'TEMPORAL_CLUSTER_PORT' })),
    ...(cfg.PORT === 0 ? [] : [{ port: cfg.PORT, host: cfg.HOST, setting: 'PORT' }]),
  ]);
  fs.mkdirSync(cfg.dataDir, { recursive: true });
  const release = claimDataDir(cfg.dataDir);
  stops.push(async () => release());

  const pg = await startEmbeddedPostgres({ dataDir: cfg.dataDir, port: cfg.EMBEDDED_PG_PORT });
  stops.push(() => pg.stop());
  log(
    `postgres: embedded PostgreSQL on 127.0.0.1:${cfg.EMBEDDED_PG_PORT} (data in ${path.join(cfg.dataDir, 'postgres')})`,
  );
  const ownerUrl = pg.url;
  const migrations = await applyMigrations(ownerUrl);
  if (migrations.applied.length > 0) log(`postgres: applied migrations ${migrations.applied.join(', ')}`);
  const databaseUrl = await ensureAppRole(ownerUrl, readOrCreateSecret(cfg.dataDir, 'postgres-app-password'));

  const password = readOrCreateSecret(cfg.dataDir, 'temporal-db-password');
  await ensureTemporalDatabases(ownerUrl, TEMPORAL_DB_ROLE, password);
  const db = { host: '127.0.0.1', port: cfg.EMBEDDED_PG_PORT, user: TEMPORAL_DB_ROLE, password };
  const t0 = Date.now();
  const steps = await migrateTemporalSchemas(bins, db, async (name) => !(await hasSchemaVersionTable(ownerUrl, name)));
  log(`temporal: schemas current (${steps.join(', ')}; ${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  const running = await startTemporalCluster({
    bins,
    cli,
    db,
    basePort: cluster.basePort,
    namespace: cfg.TEMPORAL_NAMESPACE,
    dir: path.join(cfg.dataDir, 'temporal-cluster'),
    historyShards: cluster.historyShards,
    log,
  });
  stops.push(() => running.stop());
  onCluster?.(running);
  log(
    `temporal: cluster on ${running.address} (frontend, history, matching, worker: pids ${Object.values(
      running.services,
    )
      .map((s) => s.pid)
      .join(', ')}; logs in ${path.join(cfg.dataDir, 'temporal-cluster')})`,
  );
  return {
    ownerUrl,
    databaseUrl,
    temporalAddress: running.address,
    temporalUiUrl: null,
    holdRestarts: () => running.hold(),
  };
}

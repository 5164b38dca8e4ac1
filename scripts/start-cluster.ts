/**
 * `npm run start:cluster`: the production topology on this machine. The embedded PostgreSQL, the
 * Temporal server's schema step (temporal-sql-tool), the four Temporal services as separate processes
 * on PostgreSQL (deploy/temporal-server.yaml), the namespace and search attributes, then
 * CLUSTER_APIS API processes (default 2) behind one round-robin address (PORT) and CLUSTER_WORKERS
 * workers (default 2); seeds the catalog on first run. Needs `npm run tools:temporal-server` once.
 *
 * Its own data folder and ports by default (DATA_DIR=.data-cluster, EMBEDDED_PG_PORT=54339,
 * TEMPORAL_CLUSTER_PORT=17233 and the 8 ports above it, PORT=3100), so it can run beside `npm start`.
 * Ctrl-C, SIGINT and SIGTERM shut it down in order (APIs, workers, Temporal, PostgreSQL), as `npm start`.
 */
import { z } from 'zod';

process.env.DATA_DIR ??= '.data-cluster';
process.env.EMBEDDED_PG_PORT ??= '54339';
process.env.PORT ??= '3100';

const clusterEnv = z
  .object({
    CLUSTER_APIS: z.coerce.number().int().min(1).max(16).default(2),
    CLUSTER_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
    TEMPORAL_CLUSTER_PORT: z.coerce.number().int().min(1024).max(32759).default(17233),
    TEMPORAL_HISTORY_SHARDS: z.coerce.number().int().min(1).max(16384).default(4),
  })
  .safeParse(process.env);
if (!clusterEnv.success) {
  console.error(
    `npm run start:cluster: ${clusterEnv.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const { config } = await import('../config/env');
  const { runSupervisor } = await import('../stack/run-supervisor');
  const { startSupervisedStack } = await import('../stack/supervised-stack');
  const { startClusterServices } = await import('../stack/cluster-services');
  const opts = clusterEnv.data as NonNullable<typeof clusterEnv.data>;
  const cfg = config();
  const t0 = Date.now();
  const log = (l: string) => console.log(l);
  const starting = startSupervisedStack(cfg, {
    log,
    apis: opts.CLUSTER_APIS,
    workers: opts.CLUSTER_WORKERS,
    services: (stops) =>
      startClusterServices(
        cfg,
        { basePort: opts.TEMPORAL_CLUSTER_PORT, historyShards: opts.TEMPORAL_HISTORY_SHARDS },
        log,
        stops,
      ),
  });
  runSupervisor(starting, {
    command: 'npm run start:cluster',
    stops: 'APIs, workers, Temporal services, PostgreSQL',
    upLines: (stack) => [
      '',
      `Delegated-tasks tracker is up on a Temporal cluster (${((Date.now() - t0) / 1000).toFixed(1)} s).`,
      `  Pages:           ${stack.apiUrl}/   (round-robin over ${opts.CLUSTER_APIS} API processes)`,
      `  API:             ${stack.apiUrl}/api/tasks   (docs ${stack.apiUrl}/docs)`,
      `  Temporal:        gRPC ${stack.temporalAddress} (frontend; history, matching and worker services beside it)`,
      `  Dev tokens:      ${stack.tokensFile ?? '(not created)'}`,
      `  Outbox (e-mail): ${cfg.SMTP_URL ? 'SMTP_URL' : `${cfg.dataDir}/outbox`}`,
      `  Processes:       supervisor ${process.pid}, api ${stack.pids.apis.join(' ')}, worker ${stack.pids.workers.join(' ')}`,
      ...(stack.seeding
        ? ['  Seeding:         the catalog goes on in the background (the pages show how far); "seed: done" when in']
        : []),
      'Press Ctrl-C to stop.',
    ],
  });
}

void main();

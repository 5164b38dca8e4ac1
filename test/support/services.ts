import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadReferenceData } from '../../catalog/reference-data';
import { databaseUrlFor, ensureDatabase } from '../../db/admin';
import { connectDb } from '../../db/client';
import { applyMigrations } from '../../db/migrations';
import { startEmbeddedPostgres } from '../../embedded/embedded-postgres';
import { freePort } from '../../embedded/ports';
import { resolveTemporalCli, resolveTemporalTestServer } from '../../embedded/temporal-binaries';
import { startTemporalDevServer } from '../../embedded/temporal-dev-server';
import { OWNER_PID_FILE, RUN_DIR_PREFIX, TEMPORAL_PID_FILE, stopAbortedRuns } from './aborted-runs';

/**
 * Run as its own process by global-setup.mjs (`tsx test/support/services.ts`): prints one JSON line
 * with the services' addresses, then stops them on SIGTERM or when its parent goes away.
 */
if (require.main === module) {
  startTestServices().then(
    (services) => {
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        void services.stop().finally(() => process.exit(0));
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
      process.stdin.on('end', stop);
      process.stdin.resume();
      process.stdout.write(`${JSON.stringify(services.env)}\n`);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/** The database every test file's own is copied from (createTestDatabase in harness.ts). */
const TEMPLATE_DATABASE = 't_template';

/** Migrates database `name` and loads the reference data, as the application's start does. */
async function prepareTemplate(adminUrl: string, name: string): Promise<void> {
  await ensureDatabase(adminUrl, name);
  const url = databaseUrlFor(adminUrl, name);
  await applyMigrations(url);
  const db = connectDb(url, { max: 1 });
  try {
    await loadReferenceData(db);
  } finally {
    // A template must have no session left when it is copied.
    await db.close();
  }
}

/**
 * Starts what every test file shares: one real PostgreSQL server (each file makes its own database
 * on it, a copy of the template database made here), one Temporal dev server in memory, and the
 * workflow bundle. Exported to the test files through environment variables.
 */
export async function startTestServices(): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  const aborted = await stopAbortedRuns();
  if (aborted.length > 0)
    console.error(`stopped the servers of ${aborted.length} aborted test run(s): ${aborted.join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), RUN_DIR_PREFIX));
  if (os.userInfo().uid === 0) fs.chmodSync(dir, 0o755);
  // Lets the next run stop these servers if this process is killed before its teardown.
  fs.writeFileSync(path.join(dir, OWNER_PID_FILE), String(process.pid));
  const t0 = Date.now();
  const [pgPort, temporalPort] = [await freePort(), await freePort()];
  const cli = resolveTemporalCli();
  const testServer = resolveTemporalTestServer();
  const bundlePath = path.join(dir, 'workflow-bundle.js');
  const root = path.resolve(__dirname, '..', '..');
  const results = await Promise.allSettled([
    startEmbeddedPostgres({ dataDir: dir, port: pgPort }).then(async (pg) => {
      try {
        await prepareTemplate(pg.url, TEMPLATE_DATABASE);
      } catch (err) {
        await pg.stop();
        throw err;
      }
      return pg;
    }),
    startTemporalDevServer({
      cli,
      port: temporalPort,
      headless: true,
      namespace: 'default',
      logFile: path.join(dir, 'temporal.log'),
      pidFile: path.join(dir, TEMPORAL_PID_FILE),
    }),
    promisify(execFile)(
      process.execPath,
      [
        path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        path.join(root, 'scripts', 'bundle-workflows.ts'),
        bundlePath,
      ],
      { cwd: root },
    ),
  ]);
  const [pgResult, temporalResult, bundleResult] = results;
  if (pgResult.status === 'rejected' || temporalResult.status === 'rejected' || bundleResult.status === 'rejected') {
    // Stop whatever did start, so a failed setup leaves no server behind.
    if (pgResult.status === 'fulfilled') await pgResult.value.stop();
    if (temporalResult.status === 'fulfilled') await temporalResult.value.stop();
    throw results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
  }
  const pg = pgResult.value;
  const temporal = temporalResult.value;
  console.error(`test services ready in ${Date.now() - t0} ms (PostgreSQL on ${pgPort}, Temporal ${temporal.address})`);
  return {
    env: {
      TEST_PG_ADMIN_URL: pg.url,
      TEST_PG_TEMPLATE: TEMPLATE_DATABASE,
      TEST_TEMPORAL_ADDRESS: temporal.address,
      TEST_WORKFLOW_BUNDLE: bundlePath,
      TEMPORAL_TEST_SERVER: testServer,
      TEST_TEMPORAL_CLI: cli,
      TEST_DATA_DIR: dir,
    },
    async stop() {
      await temporal.stop();
      await pg.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

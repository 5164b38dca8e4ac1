import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { connectDb } from '../../db/client';
import { freePort } from '../../embedded/ports';
import { parseCsv } from '../../catalog/csv';
import { SEED_MARKER } from '../../catalog/seed-progress';

// `npm start` on a fresh data folder is up before the catalog is in: the seed goes on behind it. A
// Ctrl-C part-way through and a second start must finish the seed with every task once: one workflow,
// one read-model row, one CREATED event each.
const ROOT = path.resolve(__dirname, '..', '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracker-background-seed-'));
if (os.userInfo().uid === 0) fs.chmodSync(dataDir, 0o755);
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

// The catalog's tasks (a quoted field may span lines).
const CATALOG_ROWS = parseCsv(fs.readFileSync(path.join(ROOT, 'catalog', 'tasks.csv'), 'utf8')).length - 1;

interface Running {
  proc: ChildProcess;
  output: () => string;
  waitFor(text: string, ms: number): Promise<void>;
  closed: Promise<number | null>;
}

function start(ports: Record<string, number>): Running {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    // Its own process group, as a terminal gives it: Ctrl-C is SIGINT to the whole group.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(ports.api),
      EMBEDDED_PG_PORT: String(ports.postgres),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      SEED_CATALOG: 'true',
      LOG_REQUESTS: 'false',
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
    },
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    closed,
    async waitFor(text, ms) {
      const deadline = Date.now() + ms;
      while (!out.includes(text)) {
        if (proc.exitCode !== null) throw new Error(`npm start exited (${proc.exitCode}) before "${text}":\n${out}`);
        if (Date.now() > deadline) throw new Error(`no "${text}" after ${ms} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}

async function ctrlC(r: Running): Promise<void> {
  process.kill(-(r.proc.pid as number), 'SIGINT');
  const code = await Promise.race([
    r.closed,
    new Promise<string>((res) => setTimeout(() => res('timeout'), 120_000).unref()),
  ]);
  // What it printed is the only clue to a shutdown that did not end with 0: show it with the failure.
  if (code !== 0) throw new Error(`Ctrl-C: npm start ended with ${code}, not 0:\n${r.output().slice(-6_000)}`);
  expect(r.output()).toContain('stopped.');
}

describe('npm start seeding the catalog in the background', () => {
  it('when Ctrl-C comes part-way through the seed and npm start runs again, then the seed finishes with every task exactly once', async () => {
    const ports = {
      api: await freePort(),
      postgres: await freePort(),
      temporal: await freePort(),
      ui: await freePort(),
    };
    const marker = path.join(dataDir, SEED_MARKER);

    const first = start(ports);
    await first.waitFor('Delegated-tasks tracker is up', 240_000);
    // Up before the seed is done: the marker says a seed is under way, and the start says it goes on.
    expect(first.output()).toContain('the catalog goes on in the background');
    expect(fs.existsSync(marker)).toBe(true);
    // Part-way: some workflows started, not all.
    await first.waitFor('seed: importing', 10_000);
    await new Promise((r) => setTimeout(r, 2_000));
    await ctrlC(first);
    expect(first.output()).toContain('seed: stopped part-way');
    expect(first.output()).not.toContain('seed: done,');
    expect(fs.existsSync(marker)).toBe(true);

    const second = start(ports);
    try {
      await second.waitFor('Delegated-tasks tracker is up', 240_000);
      expect(second.output()).toContain(`seed: resuming the import of ${CATALOG_ROWS} tasks`);
      await second.waitFor('seed: done, all', 600_000);
      expect(fs.existsSync(marker)).toBe(false);

      const runtime = JSON.parse(fs.readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as {
        ownerDatabaseUrl: string;
        temporalAddress: string;
      };
      const db = connectDb(runtime.ownerDatabaseUrl, { max: 1 });
      const connection = await Connection.connect({ address: runtime.temporalAddress });
      try {
        expect(await db.prisma.task.count()).toBe(CATALOG_ROWS);
        const created = await db.prisma.auditEvent.groupBy({
          by: ['taskCode'],
          where: { kind: 'CREATED' },
          _count: { _all: true },
        });
        expect(created.length).toBe(CATALOG_ROWS);
        expect(created.filter((c) => c._count._all !== 1)).toEqual([]);
        const client = new Client({ connection });
        const workflows = await client.workflow.count('WorkflowType = "taskWorkflow"');
        expect(workflows.count).toBe(CATALOG_ROWS);
        // The seed round's cells went in once the tasks were in.
        expect(await db.prisma.localityCell.count()).toBeGreaterThan(0);
      } finally {
        await connection.close();
        await db.close();
      }
    } finally {
      await ctrlC(second);
    }
  }, 1_200_000);
});

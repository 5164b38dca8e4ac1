/**
 * `npm run bench:transition-parts -- [--n 200]`: where the time of one transition goes.
 *
 * On one fresh embedded stack seeded with the catalog (the worker in this process, the API in its
 * own, as `npm run bench` step 2 runs them), interleaved so the machine's noise falls on every
 * part alike, n rounds (after 20 uncounted) of:
 * - `http transition`: POST /api/tasks/{code}/transitions through `npm run api` (what step 2 measures);
 * - `client transition`: the same Workflow Update sent with the client (no HTTP, no reads, no auth);
 * - `no-op update`: the anchor of step 2, a Workflow Update whose handler returns its argument;
 * - `no-op update + local activity`: the same with one local activity that does nothing, and one
 *   that commits one tiny row (what a local activity with a durable write costs, short of our statement);
 * - `http read`: GET /api/tasks/{code} through the API (HTTP hop, rate limits, auth, one read, JSON);
 * - `task read`: the read a transition does twice (before, to authorize; after, for the answer);
 * - `persist`: the audit + read-model statement the local activity runs, on a scratch task;
 * - `commit flush`: one tiny committed upsert (what a durable commit alone costs on this disk).
 * Then, from the histories, the server's own times of each transition's workflow task: scheduled
 * to started (the task reaching the worker) and started to completed (the worker's part: the
 * handler, the local activity with its statement, the completion).
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal as proto } from '@temporalio/proto';
import path from 'node:path';
import { persistEvent } from '../db/audit-events';
import { countHits } from '../db/rate-limits';
import { getTask } from '../db/tasks';
import type { TaskState } from '../domain/task';
import { freePort } from '../embedded/ports';
import { runTs } from '../embedded/run-ts';
import { stateQuery, taskWorkflowId, transitionUpdate } from '../workflows/messages';
import { startFreshStack } from './fresh-stack';
import { summary, timed } from './stats';
import { noopActivities, noopLocalActivityUpdate, noopUpdate } from './workflows/noop';

const nArg = process.argv.indexOf('--n');
const n = nArg > 0 ? Number(process.argv[nArg + 1]) : 200;
const warmUp = 20;

async function main(): Promise<void> {
  const fresh = await startFreshStack('transition-parts-', {}, { seed: true });
  const { cfg, stack } = fresh;
  const token = fresh.tokenOf('home-affairs');
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const noopQueue = 'bench-noop';
  const nativeConnection = await NativeConnection.connect({ address: stack.temporalAddress });
  const noopWorker = await Worker.create({
    connection: nativeConnection,
    taskQueue: noopQueue,
    workflowsPath: path.join(__dirname, 'workflows', 'noop.ts'),
    // Argument 1: the local activity commits one tiny row, as the persist statement commits its event.
    activities: {
      noopActivity: async (k: number) =>
        k === 1
          ? (await countHits(stack.db, [{ key: 'bench:la-commit', n: 1 }], 60_000), k)
          : noopActivities.noopActivity(k),
    },
  });
  const noopRunning = noopWorker.run();
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
  const api = await runTs(
    'stack/api-main.ts',
    [],
    { ...fresh.apiEnv(), PORT: String(await freePort()) },
    /listening on http/,
  );
  const base = (/https?:\/\/[^/\s"]+/.exec(api.readyLine) as RegExpExecArray)[0];
  try {
    const { rows } = await stack.db.pool.query<{ code: string }>(
      `SELECT code FROM tasks WHERE status = 'REQUIRES_GUIDANCE' ORDER BY code LIMIT 40`,
    );
    const codes = rows.map((r) => r.code);
    const httpCodes = codes.slice(0, 20);
    const clientCodes = codes.slice(20);
    const status = new Map(codes.map((c) => [c, 'REQUIRES_GUIDANCE']));
    const transitionArg = (code: string, i: number) => {
      const from = status.get(code) as string;
      return from === 'REQUIRES_GUIDANCE'
        ? { to: 'AUTHORITY_ADJUSTMENT' as const, from: 'REQUIRES_GUIDANCE' as const, reason: 'benchmark' }
        : {
            to: 'REQUIRES_GUIDANCE' as const,
            from: 'AUTHORITY_ADJUSTMENT' as const,
            document: { number: `${i}/2026/ND-CP`, issuedOn: '2026-11-20' },
          };
    };
    await client.workflow.start('noopWorkflow', { taskQueue: noopQueue, workflowId: 'noop-parts' });
    const noop = client.workflow.getHandle('noop-parts');
    // Its own workflow, so the two anchors' workflow tasks are told apart in the histories.
    await client.workflow.start('noopWorkflow', { taskQueue: noopQueue, workflowId: 'noop-la-parts' });
    const noopLa = client.workflow.getHandle('noop-la-parts');
    await client.workflow.start('noopWorkflow', { taskQueue: noopQueue, workflowId: 'noop-la-commit-parts' });
    const noopLaCommit = client.workflow.getHandle('noop-la-commit-parts');
    // A scratch task for the statement alone: a real task's state under another code.
    const scratch = {
      ...(await client.workflow.getHandle(taskWorkflowId(codes[0] as string)).query(stateQuery)),
      code: 'BENCH-PERSIST-1',
    } as TaskState;
    let scratchSeq = 0;
    let round = 0;

    const parts: Record<string, () => Promise<unknown>> = {
      'http transition': async () => {
        const code = httpCodes[round % httpCodes.length] as string;
        const body = transitionArg(code, Date.now());
        const res = await fetch(`${base}/api/tasks/${code}/transitions`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        });
        if (res.status !== 200) throw new Error(`transition answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
        status.set(code, body.to);
      },
      'client transition': async () => {
        const code = clientCodes[round % clientCodes.length] as string;
        const body = transitionArg(code, Date.now());
        await client.workflow
          .getHandle(taskWorkflowId(code))
          .executeUpdate(transitionUpdate, { args: [{ actor: { kind: 'home-affairs' }, ...body }] });
        status.set(code, body.to);
      },
      'no-op update': () => noop.executeUpdate(noopUpdate, { args: [1] }),
      'no-op update + local activity': () => noopLa.executeUpdate(noopLocalActivityUpdate, { args: [0] }),
      'no-op update + local activity committing a row': () =>
        noopLaCommit.executeUpdate(noopLocalActivityUpdate, { args: [1] }),
      'http read': async () => {
        const res = await fetch(`${base}/api/tasks/${httpCodes[0]}`, { headers });
        if (res.status !== 200) throw new Error(`read answered ${res.status}`);
        await res.arrayBuffer();
      },
      'task read': () => getTask(stack.db, httpCodes[1] as string),
      persist: async () => {
        scratchSeq++;
        const event = {
          taskCode: scratch.code,
          seq: scratchSeq,
          at: new Date().toISOString(),
          actor: 'home-affairs',
          kind: 'TRANSITION' as const,
          details: { from: 'A', to: 'B' },
        };
        const outcome = await persistEvent(stack.db, event, { ...scratch, seq: scratchSeq });
        if (outcome !== 'inserted') throw new Error(`scratch event ${scratchSeq}: ${outcome}`);
      },
      // One row upserted and committed (a rate-limit counter of its own key): a durable commit alone.
      'commit flush': () => countHits(stack.db, [{ key: 'bench:commit-flush', n: 1 }], 60_000),
    };
    const names = Object.keys(parts);
    const times: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
    for (let i = 0; i < n + warmUp; i++) {
      round = i;
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length] as string;
        const [, ms] = await timed(parts[name] as () => Promise<unknown>);
        if (i >= warmUp) times[name]?.push(ms);
      }
    }
    const table: Record<string, ReturnType<typeof summary>> = {};
    for (const name of names) table[name] = summary(times[name] as number[]);

    // The server's times of each update's workflow task, from the histories.
    const wft = async (workflowId: string) => {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      const T = proto.api.enums.v1.EventType;
      const evs = history.events ?? [];
      const out: { toStart: number[]; worker: number[] } = { toStart: [], worker: [] };
      for (let k = 0; k < evs.length; k++) {
        const e = evs[k] as proto.api.history.v1.IHistoryEvent;
        if (e.eventType !== T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) continue;
        const started = evs[k - 1];
        const scheduled = evs[k - 2];
        const next = evs[k + 1];
        if (!started || !scheduled || next?.eventType !== T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) continue;
        const ms = (x: proto.api.history.v1.IHistoryEvent) => tsToMs(x.eventTime);
        out.toStart.push(ms(started) - ms(scheduled));
        out.worker.push(ms(e) - ms(started));
      }
      return out;
    };
    const serverTimes = async (ids: string[]) => {
      const all = { toStart: [] as number[], worker: [] as number[] };
      for (const id of ids) {
        const w = await wft(id);
        all.toStart.push(...w.toStart);
        all.worker.push(...w.worker);
      }
      return { scheduledToStarted: summary(all.toStart), startedToCompleted: summary(all.worker) };
    };
    const transitionWft = await serverTimes(codes.map(taskWorkflowId));
    const noopWft = await serverTimes(['noop-parts']);
    const noopLaWft = await serverTimes(['noop-la-parts']);
    const noopLaCommitWft = await serverTimes(['noop-la-commit-parts']);
    console.log(
      JSON.stringify(
        {
          n,
          table,
          workflowTask: {
            transition: transitionWft,
            noop: noopWft,
            noopLocalActivity: noopLaWft,
            noopLocalActivityCommit: noopLaCommitWft,
          },
        },
        null,
        2,
      ),
    );
    console.log('\npart | p50 ms | p95 ms');
    for (const name of names) console.log(`${name} | ${table[name]?.p50} | ${table[name]?.p95}`);
    console.log(
      `transition workflow task, scheduled to started | ${transitionWft.scheduledToStarted.p50} | ${transitionWft.scheduledToStarted.p95}`,
    );
    console.log(
      `transition workflow task, started to completed | ${transitionWft.startedToCompleted.p50} | ${transitionWft.startedToCompleted.p95}`,
    );
    console.log(
      `no-op workflow task, scheduled to started | ${noopWft.scheduledToStarted.p50} | ${noopWft.scheduledToStarted.p95}`,
    );
    console.log(
      `no-op workflow task, started to completed | ${noopWft.startedToCompleted.p50} | ${noopWft.startedToCompleted.p95}`,
    );
    console.log(
      `no-op + local activity workflow task, started to completed | ${noopLaWft.startedToCompleted.p50} | ${noopLaWft.startedToCompleted.p95}`,
    );
    console.log(
      `no-op + local activity committing a row, workflow task started to completed | ${noopLaCommitWft.startedToCompleted.p50} | ${noopLaCommitWft.startedToCompleted.p95}`,
    );
  } finally {
    await api.stop();
    noopWorker.shutdown();
    await noopRunning;
    await connection.close();
    await nativeConnection.close();
    await fresh.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

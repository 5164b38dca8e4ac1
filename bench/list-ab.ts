/**
 * `npm run bench:list-ab -- --base <checkout> [--rounds 3] [--duration 10] [--cpu-prof <dir>]`:
 * the list as deployed (benchmark 3 of `npm run bench`) for this checkout against another one (the
 * baseline, e.g. a worktree of main), with the Express hello-world as the anchor of each round.
 *
 * One fresh embedded stack seeded with the catalog; each round runs the three servers one after the
 * other, each in its own process, in an order that rotates from round to round, so a noisy
 * neighbour falls on all three alike. Each server gets a warm-up round of autocannon, then the
 * measured one (50 connections). Reports each round's figures and the medians of the ratios to
 * hello-world, and the CPU time each server process spent per request served (from /proc): on a
 * shared machine the throughput moves with the neighbours' load, the CPU a request costs much less. Without --base it measures this checkout against hello-world alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../embedded/ports';
import { runTs } from '../embedded/run-ts';
import { ROOT } from '../embedded/ts-process';
import { startFreshStack } from './fresh-stack';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const base = arg('--base');
const rounds = Number(arg('--rounds') ?? 3);
const duration = Number(arg('--duration') ?? 10);
const profDir = arg('--cpu-prof');
const listPath = '/api/tasks?status=REQUIRES_GUIDANCE&limit=50';

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
function cpuMsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of the line, in clock ticks (100 a second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const round2 = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const fresh = await startFreshStack('list-ab-', {}, { seed: true });
  const token = fresh.tokenOf('home-affairs');
  // As in `npm run bench`, step 3.
  const apiEnv = fresh.apiEnv();
  type Variant = {
    name: string;
    script: string;
    root: string;
    env: NodeJS.ProcessEnv;
    ready: RegExp;
    path: string;
    headers: Record<string, string>;
  };
  const auth = { Authorization: `Bearer ${token}` };
  // The API's entry point moved from api/ to stack/; an older base checkout has it in api/.
  const API_ENTRY = ['stack/api-main.ts', 'api/main.ts'];
  const variants: Variant[] = [
    {
      name: 'hello',
      script: 'bench/hello-server.ts',
      root: ROOT,
      env: {},
      ready: /hello: listening/,
      path: '/',
      headers: {},
    },
    {
      name: 'branch',
      script: 'stack/api-main.ts',
      root: ROOT,
      env: apiEnv,
      ready: /listening on http/,
      path: listPath,
      headers: auth,
    },
    ...(base
      ? [
          {
            name: 'base',
            script: API_ENTRY.find((e) => fs.existsSync(path.join(path.resolve(base), e))) ?? 'api/main.ts',
            root: path.resolve(base),
            env: apiEnv,
            ready: /listening on http/,
            path: listPath,
            headers: auth,
          },
        ]
      : []),
  ];
  const figures: Record<string, { reqPerSec: number; p99: number; cpuUsPerRequest: number }[]> = Object.fromEntries(
    variants.map((v) => [v.name, []]),
  );
  try {
    for (let r = 0; r < rounds; r++) {
      const order = variants.map((_, i) => variants[(i + r) % variants.length] as Variant);
      for (const v of order) {
        const nodeArgs =
          profDir && v.name !== 'hello' ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profDir, v.name)}`] : [];
        const proc = await runTs(
          v.script,
          [],
          { ...v.env, PORT: String(await freePort()) },
          v.ready,
          60_000,
          v.root,
          nodeArgs,
        );
        try {
          const url = `${(/https?:\/\/[^/\s"]+/.exec(proc.readyLine) as RegExpExecArray)[0]}${v.path}`;
          await autocannon({ url, connections: 50, duration: Math.min(5, duration), headers: v.headers });
          const cpuBefore = cpuMsOf(proc.child.pid as number);
          const run = await autocannon({ url, connections: 50, duration, headers: v.headers });
          const cpuUsPerRequest = round2(((cpuMsOf(proc.child.pid as number) - cpuBefore) * 1000) / run.requests.total);
          if (run.non2xx > 0) throw new Error(`${v.name} answered ${run.non2xx} non-2xx`);
          figures[v.name]?.push({ reqPerSec: round2(run.requests.average), p99: run.latency.p99, cpuUsPerRequest });
          console.log(
            `round ${r + 1} ${v.name}: ${round2(run.requests.average)} req/s, p99 ${run.latency.p99} ms, ${cpuUsPerRequest} µs of CPU a request`,
          );
        } finally {
          await proc.stop();
        }
      }
    }
  } finally {
    await fresh.stop();
  }
  const hello = figures.hello ?? [];
  for (const v of variants) {
    if (v.name === 'hello') continue;
    const runs = figures[v.name] ?? [];
    const ratios = runs.map((f, i) => round2(f.reqPerSec / (hello[i] as { reqPerSec: number }).reqPerSec));
    console.log(
      `${v.name}: ratio to hello-world median ${round2(median(ratios))} (${ratios.join(', ')}); req/s median ${round2(median(runs.map((f) => f.reqPerSec)))}; p99 median ${median(runs.map((f) => f.p99))} ms; CPU a request median ${round2(median(runs.map((f) => f.cpuUsPerRequest)))} µs (${runs.map((f) => f.cpuUsPerRequest).join(', ')})`,
    );
  }
  console.log(
    `hello: req/s median ${round2(median(hello.map((f) => f.reqPerSec)))} (${hello.map((f) => f.reqPerSec).join(', ')}); CPU a request median ${round2(median(hello.map((f) => f.cpuUsPerRequest)))} µs`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

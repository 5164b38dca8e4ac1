// Preloaded into the benchmark's API process (node --import): measures the event loop's delay with
// perf_hooks.monitorEventLoopDelay and prints it as one line on SIGUSR2 ("loop-delay {json}", in ms),
// so bench/mixed-load.ts can tell whether the API's p99 waits on its own event loop.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
process.on('SIGUSR2', () => {
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  process.stdout.write(
    `loop-delay ${JSON.stringify({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), n: h.count })}\n`,
  );
  h.reset();
});

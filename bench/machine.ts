import os from 'node:os';

/** Share of both cores busy over `ms` (0..1), from the kernel's counters: how noisy the machine is. */
export async function busyShare(ms = 1000): Promise<number> {
  const sample = () =>
    os.cpus().reduce(
      (acc, c) => ({
        idle: acc.idle + c.times.idle,
        total: acc.total + Object.values(c.times).reduce((a, b) => a + b, 0),
      }),
      { idle: 0, total: 0 },
    );
  const a = sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = sample();
  return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
}

/**
 * Waits until the machine is quiet (under 25% busy over a second, at most 60 s), so work one
 * benchmark left behind (the worker catching up with a start loop, say) does not land in the next.
 * Returns the last busy share seen (how loaded the machine still was when the wait ended).
 */
export async function settle(): Promise<number> {
  const until = Date.now() + 60_000;
  let busy = 1;
  while (Date.now() < until) {
    busy = await busyShare();
    if (busy < 0.25) break;
  }
  return busy;
}

/**
 * `npm start` spawns the API and the worker while PostgreSQL and Temporal start, and sends them the rest
 * of their environment once those are up (embedded/startup-gate.ts): a gated child waits for it, a
 * restarted one has it from the start, and one whose environment never comes ends without serving.
 */
import { SupervisedChild } from '../../embedded/supervised-child';

const SCRIPT = 'test/fixtures/processes/gated-child.ts';

function child(env: NodeJS.ProcessEnv, lines: string[]): SupervisedChild {
  return new SupervisedChild({
    name: 'gated',
    script: SCRIPT,
    env: { ...process.env, ...env },
    ready: /^ready with/,
    log: (line) => lines.push(line),
    readyTimeoutMs: 30_000,
  });
}

describe('a child spawned before its environment is known', () => {
  it('when the rest of its environment comes later, then it is ready only after that, with it; restarted, it has it at once', async () => {
    const lines: string[] = [];
    const c = child({ EXIT_AFTER_MS: '300' }, lines);
    let sentAt = 0;
    const late = new Promise<NodeJS.ProcessEnv>((resolve) =>
      setTimeout(() => {
        sentAt = Date.now();
        resolve({ GATED_VALUE: 'from-the-services' });
      }, 1_500),
    );
    try {
      const ready = await c.start(late);
      expect(ready).toMatch(/^ready with from-the-services at \d+$/);
      expect(Number(/at (\d+)$/.exec(ready)?.[1])).toBeGreaterThanOrEqual(sentAt);
      // It exits on its own after 300 ms; the restart (1 s later) is not gated and has the value.
      const deadline = Date.now() + 20_000;
      while (lines.filter((l) => l.includes('ready with from-the-services')).length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(lines.filter((l) => /exited \(0\); restarting/.test(l)).length).toBeGreaterThanOrEqual(1);
      expect(lines.filter((l) => l.includes('ready with from-the-services')).length).toBeGreaterThanOrEqual(2);
      expect(lines.some((l) => l.includes('ready with (none)'))).toBe(false);
    } finally {
      await c.stop();
    }
  }, 40_000);

  it('when its environment never comes (the start failed), then it ends at the end of its input, never ready, and is not started again', async () => {
    const lines: string[] = [];
    const c = child({}, lines);
    const late = new Promise<NodeJS.ProcessEnv>((_, reject) => setTimeout(() => reject(new Error('no services')), 500));
    try {
      await expect(c.start(late)).rejects.toThrow(/exited \(0\) before it was ready/);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(lines.some((l) => l.includes('ready with') || l.includes('restarting'))).toBe(false);
      expect(c.pid).toBeUndefined();
    } finally {
      await c.stop();
    }
  }, 40_000);
});

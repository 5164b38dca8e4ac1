/**
 * What the Temporal SDK gives up on after its own retries (about 20 s) when a service of the cluster
 * is down (history or matching killed, the frontend restarting): gRPC UNAVAILABLE, DEADLINE_EXCEEDED,
 * RESOURCE_EXHAUSTED or ABORTED, on the error or on its cause. Worth trying again later with the same
 * idempotency key (workflow id, update id); anything else is an answer.
 */
const TRANSIENT_GRPC_CODES = new Set([4, 8, 10, 14]);

export function isTransientTemporalError(err: unknown): boolean {
  let e = err as { code?: unknown; message?: unknown; cause?: unknown; name?: unknown } | undefined;
  for (let depth = 0; e && depth < 6; depth++) {
    if (typeof e.code === 'number' && TRANSIENT_GRPC_CODES.has(e.code)) return true;
    if (e.name === 'WorkflowUpdateRPCTimeoutOrCancelledError') return true;
    if (/\b(UNAVAILABLE|DEADLINE_EXCEEDED|RESOURCE_EXHAUSTED)\b/.test(String(e.message ?? ''))) return true;
    e = e.cause as typeof e;
  }
  return false;
}

/**
 * Runs `attempt` again while it fails with a transient Temporal error and `deadline` (epoch ms) is
 * not reached, pausing 0.5 s doubling to 5 s between tries; then throws the last error. `attempt`
 * gets its try number (1, 2, ...) and must be idempotent: the same workflow id, the same update id.
 * Once `signal` aborts (a stop), it is not tried again: the last error is thrown at once.
 */
export async function retryTransient<T>(
  attempt: (n: number) => Promise<T>,
  deadline: number,
  onRetry?: (err: unknown, n: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  let pause = 500;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!isTransientTemporalError(err) || Date.now() + pause >= deadline || signal?.aborted) throw err;
      onRetry?.(err, n);
      await pauseUnlessAborted(pause, signal);
      if (signal?.aborted) throw err;
      pause = Math.min(pause * 2, 5_000);
    }
  }
}

function pauseUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

import { clusterPorts, MAX_CLUSTER_PORT } from '../../embedded/temporal-cluster';
import { isTransientTemporalError, retryTransient } from '../../temporal/transient-retry';

describe('what the importer and the API send again when the SDK gives up', () => {
  it('when gRPC says UNAVAILABLE or DEADLINE_EXCEEDED (on the error or its cause), then it is transient; a refusal is not', () => {
    expect(isTransientTemporalError({ code: 14, message: 'no connection' })).toBe(true);
    expect(isTransientTemporalError(new Error('outer', { cause: { code: 4, message: 'deadline' } }))).toBe(true);
    expect(isTransientTemporalError(new Error('14 UNAVAILABLE: Connection refused'))).toBe(true);
    expect(isTransientTemporalError({ code: 6, message: 'ALREADY_EXISTS' })).toBe(false);
    expect(isTransientTemporalError(new Error('Workflow execution already started'))).toBe(false);
    expect(isTransientTemporalError(undefined)).toBe(false);
  });

  it('when an attempt fails transiently and then succeeds, then its answer comes back after as many tries', async () => {
    let tries = 0;
    const retried: number[] = [];
    const answer = await retryTransient(
      async (n) => {
        tries = n;
        if (n < 3) throw Object.assign(new Error('UNAVAILABLE'), { code: 14 });
        return 'done';
      },
      Date.now() + 10_000,
      (_err, n) => retried.push(n),
    );
    expect(answer).toBe('done');
    expect(tries).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it('when an attempt fails with an answer, or the deadline is near, then the error is thrown at once', async () => {
    let tries = 0;
    const refusal = new Error('refused');
    await expect(
      retryTransient(async () => {
        tries++;
        throw refusal;
      }, Date.now() + 10_000),
    ).rejects.toBe(refusal);
    expect(tries).toBe(1);
    const down = Object.assign(new Error('UNAVAILABLE'), { code: 14 });
    await expect(retryTransient(async () => Promise.reject(down), Date.now() + 100)).rejects.toBe(down);
  });

  it('when the signal aborts while it waits to try again, then the last error is thrown at once and nothing more is tried', async () => {
    const down = Object.assign(new Error('UNAVAILABLE'), { code: 14 });
    const stop = new AbortController();
    let tries = 0;
    const t0 = Date.now();
    const retrying = retryTransient(
      async () => {
        tries++;
        if (tries === 3) stop.abort();
        throw down;
      },
      Date.now() + 60_000,
      undefined,
      stop.signal,
    );
    await expect(retrying).rejects.toBe(down);
    // Tries 1 and 2 waited 0.5 s and 1 s; the third aborted, and no fourth came after it.
    expect(tries).toBe(3);
    expect(Date.now() - t0).toBeLessThan(3_000);
    const aborted = AbortSignal.abort();
    await expect(
      retryTransient(async () => Promise.reject(down), Date.now() + 60_000, undefined, aborted),
    ).rejects.toBe(down);
  });

  it('when the cluster base port leaves a service port above 32767, then it is refused with the reason', () => {
    expect(Math.max(...Object.values(clusterPorts(17233)))).toBe(17241);
    expect(() => clusterPorts(MAX_CLUSTER_PORT - 3)).toThrow(/SMALLINT/);
  });
});

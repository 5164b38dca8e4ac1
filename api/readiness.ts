import { ping, type Db } from '../db/client';
import type { Client } from '@temporalio/client';

export interface DependencyStatus {
  ok: boolean;
  postgres: 'up' | 'down';
  temporal: 'up' | 'down';
  errors: Record<string, string>;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Asks PostgreSQL and Temporal, in parallel, whether they answer. */
export async function checkDependencies(
  db: Db,
  temporal: Client,
  namespace: string,
  timeoutMs = 2000,
): Promise<DependencyStatus> {
  const errors: Record<string, string> = {};
  const [pg, tp] = await Promise.allSettled([
    withTimeout(ping(db), timeoutMs, 'PostgreSQL'),
    withTimeout(temporal.workflowService.describeNamespace({ namespace }), timeoutMs, 'Temporal'),
  ]);
  if (pg.status === 'rejected') errors.postgres = String((pg.reason as Error).message ?? pg.reason);
  if (tp.status === 'rejected') errors.temporal = String((tp.reason as Error).message ?? tp.reason);
  return {
    ok: pg.status === 'fulfilled' && tp.status === 'fulfilled',
    postgres: pg.status === 'fulfilled' ? 'up' : 'down',
    temporal: tp.status === 'fulfilled' ? 'up' : 'down',
    errors,
  };
}

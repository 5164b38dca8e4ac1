import { condition, defineUpdate, proxyLocalActivities, setHandler } from '@temporalio/workflow';

/** The anchor for the task workflow: same server, no state, no persistence. */
export const noopUpdate = defineUpdate<number, [number]>('noop');
/** The anchor plus one local activity that does nothing (bench/transition-parts.ts): what the local activity's machinery costs. */
export const noopLocalActivityUpdate = defineUpdate<number, [number]>('noopLocalActivity');

export interface NoopActivities {
  noopActivity(n: number): Promise<number>;
}
/** The activity behind `noopLocalActivityUpdate`, for the worker that serves it. */
export const noopActivities: NoopActivities = { noopActivity: async (n) => n };

const { noopActivity } = proxyLocalActivities<NoopActivities>({ startToCloseTimeout: '10 seconds' });

export async function noopWorkflow(): Promise<void> {
  setHandler(noopUpdate, (n) => n);
  setHandler(noopLocalActivityUpdate, (n) => noopActivity(n));
  await condition(() => false);
}

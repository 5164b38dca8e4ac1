import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/** The anchor for the task workflow: same server, no state, no persistence. */
export const noopUpdate = defineUpdate<number, [number]>('noop');

export async function noopWorkflow(): Promise<void> {
  setHandler(noopUpdate, (n) => n);
  await condition(() => false);
}

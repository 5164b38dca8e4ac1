import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { SettlementInput, SettlementResult } from '../domain/settlement';

type Activities = ReturnType<typeof createActivities>;

// Each task's update is idempotent (the task workflow ignores a document it already holds, and the
// update id is fixed per document), so retrying without limit never settles a task twice. A task
// whose workflow refuses comes back as a REFUSED result, not a failure.
const { settleTask, releaseTask } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Tasks settled at once; the rest wait their turn so one batch does not flood the task queue. */
const PARALLEL = 10;

/**
 * One document settling many tasks. The API has already checked every task (all-or-nothing);
 * this workflow then moves each task's workflow, durably: if the worker dies part-way through,
 * the workflow resumes where it was and the tasks already moved are not moved again.
 */
export async function settlementWorkflow(input: SettlementInput): Promise<SettlementResult[]> {
  const results: SettlementResult[] = [];
  for (let i = 0; i < input.tasks.length; i += PARALLEL) {
    const chunk = input.tasks.slice(i, i + PARALLEL);
    results.push(
      ...(await Promise.all(chunk.map((task) => settleTask({ task, document: input.document, actor: input.actor })))),
    );
  }
  return results;
}

/**
 * A registered document releases the tasks held up waiting for it, and their lead ministries are
 * told. Started by the registration (workflow id per document), so the releases survive a crash
 * of the API right after the document is stored.
 */
export async function releaseHoldUpsWorkflow(input: {
  documentNumber: string;
  tasks: string[];
}): Promise<{ task: string; released: boolean }[]> {
  const results: { task: string; released: boolean }[] = [];
  for (let i = 0; i < input.tasks.length; i += PARALLEL) {
    const chunk = input.tasks.slice(i, i + PARALLEL);
    results.push(
      ...(await Promise.all(chunk.map((task) => releaseTask({ task, documentNumber: input.documentNumber })))),
    );
  }
  return results;
}

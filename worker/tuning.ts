import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config/env';

export type WorkerTuning = Pick<
  WorkerOptions,
  | 'maxCachedWorkflows'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentLocalActivityExecutions'
  | 'workflowTaskPollerBehavior'
  | 'activityTaskPollerBehavior'
  | 'reuseV8Context'
>;

/**
 * The worker's slots, cache and pollers from the environment (WORKER_*). The defaults were chosen
 * with `npm run bench:tuning` on a 2-core machine; BENCHMARKS.md has the figure behind each.
 */
export function workerTuning(cfg: Config): WorkerTuning {
  return {
    maxCachedWorkflows: cfg.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: cfg.WORKER_WORKFLOW_TASK_SLOTS,
    maxConcurrentActivityTaskExecutions: cfg.WORKER_ACTIVITY_TASK_SLOTS,
    maxConcurrentLocalActivityExecutions: cfg.WORKER_LOCAL_ACTIVITY_SLOTS,
    workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: cfg.WORKER_WORKFLOW_POLLERS },
    activityTaskPollerBehavior: { type: 'simple-maximum', maximum: cfg.WORKER_ACTIVITY_POLLERS },
    reuseV8Context: cfg.WORKER_REUSE_V8_CONTEXT,
  };
}

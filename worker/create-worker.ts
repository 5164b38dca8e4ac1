import path from 'node:path';
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { taskMessenger } from '../temporal/task-updates';
import type { WorkerTuning } from './tuning';

/** The activities' Updates and Queries to task workflows, sent with the worker's own client. */
export const workerTaskMessenger = () => taskMessenger(() => Context.current().client);

export const WORKFLOWS_PATH = path.resolve(__dirname, '..', 'workflows', 'index.ts');

/**
 * Modules the workflow sandbox evaluates once and shares between workflows (the SDK's reusable V8
 * context otherwise evaluates every module of the bundle again for each new workflow). Only modules
 * without per-workflow state belong here: pure functions, constants, and caches of pure functions
 * (domain/dates.ts, domain/working-days.ts). Their exports are frozen.
 */
export const SHARED_WORKFLOW_MODULES = [
  'codes',
  'dates',
  'working-days',
  'deadline-policy',
  'escalation-ladder',
  'legal-documents',
  'round-days',
  'reporting-round',
  'storable-text',
  'task',
  'task-changes',
  'transition-rules',
].map((m) => path.resolve(__dirname, '..', 'domain', `${m}.ts`));

/** How the workflow code is bundled, wherever it is (the worker at start, the prebuilt bundle). */
export const WORKFLOW_BUNDLE_OPTIONS = { workflowsPath: WORKFLOWS_PATH, preloadModules: SHARED_WORKFLOW_MODULES };

/**
 * A worker hosting the task workflow and its activities. With `workflowBundle` (a prebuilt
 * bundle, as in production and tests) it skips bundling the workflow code at start.
 */
export async function createTaskWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Slots, cache and pollers (workerTuning(config) in the entry points); unset: the SDK's defaults. */
  tuning?: Partial<WorkerTuning>;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: SHARED_WORKFLOW_MODULES } }),
    activities: createActivities({ tasks: workerTaskMessenger(), ...opts.deps }),
    ...opts.tuning,
  });
}

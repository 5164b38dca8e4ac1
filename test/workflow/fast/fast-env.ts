import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { startTimeSkippingWorker, type TimeSkippingWorker } from '../../support/time-skipping-worker';
import type { TaskDefinition, TaskWorkflowInput } from '../../../domain/task';
import type { DeadlinePolicy } from '../../../domain/task';
import { taskWorkflowId } from '../../../workflows/messages';
import type { taskWorkflow } from '../../../workflows/task-workflow';
import { FakeActivities } from './fake-activities';

export const POLICY: DeadlinePolicy = {
  reminderOffsetsDays: [14, 7, 1],
  overdueIntervalDays: 7,
  defaultDueDays: { REQUIRES_GUIDANCE: 90, AUTHORITY_ADJUSTMENT: 180 },
  homeAffairsEmail: 'moha@tracker.test',
  publicBaseUrl: 'http://tracker.test',
  perTaskReminders: true,
};

export function definition(overrides: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    code: `F-${randomUUID().slice(0, 8)}`,
    title: 'Recruitment authority for education-sector employees at commune-level public service units',
    sector: 'Education',
    legalBasis: 'Decree 1/2025/ND-CP',
    level: 'commune',
    status: 'REQUIRES_GUIDANCE',
    leadMinistry: 'BGDDT',
    coordinatingMinistries: ['BNV'],
    focalPoint: { name: 'Nguyen Van An', email: 'focal@bgddt.test' },
    dueDate: null,
    ...overrides,
  };
}

export interface FastEnv {
  testEnv: TestWorkflowEnvironment;
  fakes: FakeActivities;
  /** Starts a task workflow (Update-free start, as the importer does) and waits for its CREATED event. */
  start(def: TaskDefinition, extra?: Partial<TaskWorkflowInput>): Promise<WorkflowHandle<typeof taskWorkflow>>;
  /** Lets the test server's clock run to `instant` (epoch ms). */
  sleepUntil(instant: number): Promise<void>;
  /** Waits (on the wall clock, a few seconds at most) until `check` holds. */
  until(check: () => boolean, what: string): Promise<void>;
}

/**
 * A test file's fast stack: the time-skipping test server and a worker running the real workflow
 * bundle with in-memory activities (fake-activities.ts), no database, no SMTP.
 */
export function useFastEnv(): FastEnv {
  const s = { fakes: new FakeActivities() } as FastEnv;
  const taskQueue = `fast-${randomUUID()}`;
  let server: TimeSkippingWorker | undefined;
  beforeAll(async () => {
    server = await startTimeSkippingWorker({
      serverPath: need('TEMPORAL_TEST_SERVER'),
      bundlePath: need('TEST_WORKFLOW_BUNDLE'),
      taskQueue,
      logLevel: 'ERROR',
      activities: s.fakes.activities(),
    });
    s.testEnv = server.testEnv;
  });
  afterAll(async () => {
    await server?.stop();
  });
  s.start = async (def, extra = {}) => {
    const handle = await s.testEnv.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
      taskQueue,
      workflowId: taskWorkflowId(def.code),
      args: [{ definition: def, policy: POLICY, createdBy: { kind: 'home-affairs' }, ...extra }],
    });
    await s.until(() => s.fakes.eventsOf(def.code).length > 0, `${def.code} CREATED`);
    return handle;
  };
  s.sleepUntil = (instant) => (server as TimeSkippingWorker).sleepUntil(instant);
  s.until = async (check, what) => {
    const deadline = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return s;
}

function need(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the fast tier with npm run test:fast (or the full suite)`);
  return value;
}

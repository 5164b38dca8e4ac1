import fs from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFAULT_LADDER } from '../../domain/escalation-ladder';
import { startTaskWorkflow } from '../../temporal/task-client';
import {
  assignmentUpdate,
  calendarUpdate,
  deadlineUpdate,
  extensionDecisionUpdate,
  extensionRequestUpdate,
  holdUpUpdate,
  localityReportUpdate,
  milestoneUpdate,
  repairUpdate,
  settleUpdate,
  taskWorkflowId,
  transitionUpdate,
} from '../../workflows/messages';
import { addDays, vietnamDate } from '../../domain/dates';
import {
  FAR_DUE_DATE,
  TEST_POLICY,
  definition,
  env,
  eventually,
  quietTemporalLogs,
  startWorkflowStack,
  type TestDatabase,
  type WorkflowStack,
} from '../support/harness';

// Recorded histories must keep replaying against the current workflow code: a change that breaks
// determinism needs patched() (see README). Set RECORD_HISTORIES=<name> to add today's full life as
// the fixture full-life-<name>.json.
const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'histories');

let stack: WorkflowStack;
let db: TestDatabase;
let dev: WorkflowStack['dev'];
let taskQueue: string;

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startWorkflowStack('replay-');
  ({ db, dev, taskQueue } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

async function fullLife() {
  const def = definition({ dueDate: FAR_DUE_DATE });
  // The default notices of new workflows: the escalation ladder, no per-task reminders.
  const policy = { ...TEST_POLICY, perTaskReminders: undefined, escalationLadder: DEFAULT_LADDER };
  await startTaskWorkflow(dev.client, { taskQueue, definition: def, policy, createdBy: { kind: 'home-affairs' } });
  await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }));
  const h = dev.client.workflow.getHandle(taskWorkflowId(def.code));
  const lead = { kind: 'ministry' as const, code: 'BGDDT' };
  await h.executeUpdate(milestoneUpdate, { args: [{ actor: lead, name: 'DRAFTING' }] });
  await h.executeUpdate(localityReportUpdate, {
    args: [{ actor: { kind: 'locality', code: 'HNI' }, locality: 'HNI', kind: 'OBSTACLE', description: 'no form' }],
  });
  await h.executeUpdate(transitionUpdate, {
    args: [{ actor: lead, to: 'AUTHORITY_ADJUSTMENT', reason: 'needs a decree change' }],
  });
  // Within the date window every deadline has (ten years from today, domain/legal-documents.ts).
  await h.executeUpdate(deadlineUpdate, {
    args: [
      {
        actor: { kind: 'home-affairs' },
        dueDate: addDays(vietnamDate(Date.now()), 3000),
        reason: 'law-making calendar',
      },
    ],
  });
  await h.executeUpdate(assignmentUpdate, {
    args: [{ actor: { kind: 'home-affairs' }, coordinatingMinistries: ['BNV', 'BTP'] }],
  });
  await h.executeUpdate(transitionUpdate, {
    args: [{ actor: lead, to: 'REQUIRES_GUIDANCE', document: { number: '12/2026/ND-CP', issuedOn: '2026-01-10' } }],
  });
  await h.executeUpdate(transitionUpdate, {
    args: [{ actor: lead, to: 'FEASIBLE', document: { number: '3/2026/TT-BGDDT', issuedOn: '2026-02-01' } }],
  });
  return { history: await h.fetchHistory(), workflowId: h.workflowId };
}

/**
 * The paths of issue 14: idempotent milestone, extension asked and approved, an updated calendar that
 * makes the new due date a day off (sent twice), hold-up and release, a settlement and a transition
 * waiting for their effective dates.
 */
async function documentsLife() {
  const today = vietnamDate(Date.now());
  const year = today.slice(0, 4);
  const lead = { kind: 'ministry' as const, code: 'BGDDT' };
  const ha = { kind: 'home-affairs' as const };
  const first = definition({ dueDate: addDays(today, 60) });
  await startTaskWorkflow(dev.client, { taskQueue, definition: first, policy: TEST_POLICY, createdBy: ha });
  await eventually(() => db.prisma.task.findUnique({ where: { code: first.code } }));
  const h = dev.client.workflow.getHandle(taskWorkflowId(first.code));
  await h.executeUpdate(milestoneUpdate, { args: [{ actor: lead, name: 'DRAFTING' }] });
  await h.executeUpdate(milestoneUpdate, { args: [{ actor: lead, name: 'DRAFTING' }] });
  await h.executeUpdate(extensionRequestUpdate, {
    args: [{ actor: lead, dueDate: addDays(today, 90), reason: 'consultation' }],
  });
  await h.executeUpdate(extensionDecisionUpdate, { args: [{ actor: ha, approve: true }] });
  const calendar = {
    firstYear: Number(year),
    lastYear: Number(year) + 1,
    daysOff: [addDays(today, 90)],
    workingWeekendDays: [],
    version: 'replay-1',
  };
  await h.executeUpdate(calendarUpdate, { args: [calendar] });
  await h.executeUpdate(calendarUpdate, { args: [calendar] });
  await h.executeUpdate(holdUpUpdate, {
    args: [{ actor: lead, ministry: 'BTP', description: 'the decree amending X' }],
  });
  await h.executeUpdate(holdUpUpdate, {
    args: [{ actor: { kind: 'system' }, ministry: null, releasedBy: `9/${year}/NĐ-CP` }],
  });
  await h.executeUpdate(settleUpdate, {
    args: [
      {
        actor: ha,
        document: {
          number: `5/${year}/TT-BGDDT`,
          kind: 'CIRCULAR',
          issuer: 'BGDDT',
          title: 't',
          issuedOn: today,
          effectiveOn: addDays(today, 30),
        },
      },
    ],
  });
  const second = definition({ dueDate: addDays(today, 60) });
  await startTaskWorkflow(dev.client, { taskQueue, definition: second, policy: TEST_POLICY, createdBy: ha });
  await eventually(() => db.prisma.task.findUnique({ where: { code: second.code } }));
  const h2 = dev.client.workflow.getHandle(taskWorkflowId(second.code));
  await h2.executeUpdate(transitionUpdate, {
    args: [
      {
        actor: lead,
        to: 'FEASIBLE',
        document: { number: `6/${year}/TT-BGDDT`, issuedOn: today, effectiveOn: addDays(today, 10) },
      },
    ],
  });
  return [
    { history: await h.fetchHistory(), workflowId: h.workflowId },
    { history: await h2.fetchHistory(), workflowId: h2.workflowId },
  ];
}

/**
 * Issue 23's paths: a task registered overdue gets the step due now at once (patch `escalation-catch-up`),
 * its ministry's bounce keeps the due date (patch `deadline-kept-across-bounce`), a due date set into the
 * past escalates again, the same date set again sends nothing more, then the task becomes FEASIBLE.
 */
async function overdueLife() {
  const today = vietnamDate(Date.now());
  const year = today.slice(0, 4);
  const def = definition({ dueDate: addDays(today, -60) });
  const policy = { ...TEST_POLICY, perTaskReminders: undefined, escalationLadder: DEFAULT_LADDER };
  await startTaskWorkflow(dev.client, { taskQueue, definition: def, policy, createdBy: { kind: 'home-affairs' } });
  const steps = (n: number) =>
    eventually(
      async () => (await db.prisma.auditEvent.count({ where: { taskCode: def.code, kind: 'ESCALATION_STEP' } })) === n,
      20_000,
      `${n} escalation steps`,
    );
  await steps(1);
  const h = dev.client.workflow.getHandle(taskWorkflowId(def.code));
  const lead = { kind: 'ministry' as const, code: 'BGDDT' };
  const ha = { kind: 'home-affairs' as const };
  await h.executeUpdate(transitionUpdate, {
    args: [{ actor: lead, to: 'AUTHORITY_ADJUSTMENT', reason: 'needs a decree change' }],
  });
  await h.executeUpdate(transitionUpdate, {
    args: [{ actor: lead, to: 'REQUIRES_GUIDANCE', document: { number: `12/${year}/TT-BGDDT`, issuedOn: today } }],
  });
  const past = addDays(today, -20);
  await h.executeUpdate(deadlineUpdate, { args: [{ actor: ha, dueDate: past, reason: 'the statutory date' }] });
  await steps(2);
  await h.executeUpdate(deadlineUpdate, { args: [{ actor: ha, dueDate: past, reason: 'confirmed' }] });
  await h.executeUpdate(transitionUpdate, {
    args: [{ actor: lead, to: 'FEASIBLE', document: { number: `13/${year}/TT-BGDDT`, issuedOn: today } }],
  });
  expect(await db.prisma.auditEvent.count({ where: { taskCode: def.code, kind: 'ESCALATION_STEP' } })).toBe(2);
  return { history: await h.fetchHistory(), workflowId: h.workflowId };
}

/**
 * A change PostgreSQL refuses for good: the update is answered TASK_STUCK while its event is held, a
 * later change waits behind it, and the repair stores both in order.
 */
async function stuckLife() {
  const def = definition({ dueDate: FAR_DUE_DATE });
  await startTaskWorkflow(dev.client, {
    taskQueue,
    definition: def,
    policy: TEST_POLICY,
    createdBy: { kind: 'home-affairs' },
  });
  await eventually(() => db.prisma.task.findUnique({ where: { code: def.code } }));
  const h = dev.client.workflow.getHandle(taskWorkflowId(def.code));
  const lead = { kind: 'ministry' as const, code: 'BGDDT' };
  // A rule no validator knows about: PostgreSQL refuses the event with 23514.
  await db.sql.query(
    `ALTER TABLE audit_events ADD CONSTRAINT replay_refuse_marked CHECK (details::text NOT LIKE '%refuse-me%')`,
  );
  let answer: unknown;
  try {
    answer = await h
      .executeUpdate(milestoneUpdate, { args: [{ actor: lead, name: 'DRAFTING', note: 'refuse-me' }] })
      .catch((err: unknown) => err);
  } finally {
    await db.sql.query(`ALTER TABLE audit_events DROP CONSTRAINT replay_refuse_marked`);
  }
  expect(answer).toBeInstanceOf(WorkflowUpdateFailedError);
  expect(((answer as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('TASK_STUCK');
  expect(await h.executeUpdate(repairUpdate)).toEqual({ wasStuck: true, repaired: true, seq: 2 });
  await h.executeUpdate(milestoneUpdate, { args: [{ actor: lead, name: 'CONSULTATION' }] });
  expect((await db.prisma.task.findUniqueOrThrow({ where: { code: def.code } })).lastSeq).toBe(3);
  return { history: await h.fetchHistory(), workflowId: h.workflowId };
}

describe('replay', () => {
  it('when a stuck task (an update refused by PostgreSQL, answered TASK_STUCK, then repaired) is replayed, then it is deterministic', async () => {
    const { history, workflowId } = await stuckLife();
    await Worker.runReplayHistory({ workflowBundle: { codePath: env('TEST_WORKFLOW_BUNDLE') } }, history);
    const name = process.env.RECORD_STUCK_HISTORIES;
    if (name) {
      const { stdout } = await promisify(execFile)(
        env('TEST_TEMPORAL_CLI'),
        ['workflow', 'show', '--address', env('TEST_TEMPORAL_ADDRESS'), '-w', workflowId, '--output', 'json'],
        { maxBuffer: 64 << 20 },
      );
      fs.writeFileSync(path.join(FIXTURES, `stuck-life-${name}.json`), stdout);
    }
  });

  it('when the documents life (settlement, effective dates, extension, hold-up, repeated milestone) is replayed, then it is deterministic', async () => {
    const lives = await documentsLife();
    for (const [i, { history, workflowId }] of lives.entries()) {
      await Worker.runReplayHistory({ workflowBundle: { codePath: env('TEST_WORKFLOW_BUNDLE') } }, history);
      const name = process.env.RECORD_DOCUMENT_HISTORIES;
      if (name) {
        const { stdout } = await promisify(execFile)(
          env('TEST_TEMPORAL_CLI'),
          ['workflow', 'show', '--address', env('TEST_TEMPORAL_ADDRESS'), '-w', workflowId, '--output', 'json'],
          { maxBuffer: 64 << 20 },
        );
        fs.writeFileSync(path.join(FIXTURES, `documents-life-${i + 1}-${name}.json`), stdout);
      }
    }
  });

  it('when an overdue life (escalation caught up at start, a bounce that keeps the due date, a due date set into the past) is replayed, then it is deterministic', async () => {
    const { history, workflowId } = await overdueLife();
    await Worker.runReplayHistory({ workflowBundle: { codePath: env('TEST_WORKFLOW_BUNDLE') } }, history);
    const name = process.env.RECORD_OVERDUE_HISTORIES;
    if (name) {
      const { stdout } = await promisify(execFile)(
        env('TEST_TEMPORAL_CLI'),
        ['workflow', 'show', '--address', env('TEST_TEMPORAL_ADDRESS'), '-w', workflowId, '--output', 'json'],
        { maxBuffer: 64 << 20 },
      );
      fs.writeFileSync(path.join(FIXTURES, `overdue-life-${name}.json`), stdout);
    }
  });

  it('when a full life is replayed against the current code, then it is deterministic', async () => {
    const { history, workflowId } = await fullLife();
    console.log(
      `history of one task after a full life (created, milestone, report, escalated, deadline, reassigned, adjusted, feasible): ${history.events?.length} events`,
    );
    await Worker.runReplayHistory({ workflowBundle: { codePath: env('TEST_WORKFLOW_BUNDLE') } }, history);
    const name = process.env.RECORD_HISTORIES;
    if (name) {
      // The CLI writes the standard JSON history format that historyFromJSON reads.
      const { stdout } = await promisify(execFile)(
        env('TEST_TEMPORAL_CLI'),
        ['workflow', 'show', '--address', env('TEST_TEMPORAL_ADDRESS'), '-w', workflowId, '--output', 'json'],
        { maxBuffer: 64 << 20 },
      );
      fs.mkdirSync(FIXTURES, { recursive: true });
      fs.writeFileSync(path.join(FIXTURES, `full-life-${name}.json`), stdout);
    }
  });

  it('when the recorded histories are replayed (npm run replay), then the current code accepts every one', async () => {
    const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(fixtures.length).toBeGreaterThan(0);
    // Through the same command operators run before deploying a workflow change.
    const root = path.resolve(__dirname, '..', '..');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        path.join(root, 'scripts', 'replay-histories.ts'),
        '--bundle',
        env('TEST_WORKFLOW_BUNDLE'),
        FIXTURES,
      ],
      { cwd: root },
    );
    for (const f of fixtures) expect(stdout).toContain(`${f}: deterministic`);
  });
});

import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { addDays, vietnamDate } from '../../../domain/dates';
import type { Actor } from '../../../domain/task';
import {
  assignmentUpdate,
  calendarUpdate,
  createdUpdate,
  deadlineUpdate,
  definitionUpdate,
  extensionDecisionUpdate,
  extensionRequestUpdate,
  holdUpUpdate,
  localityReportUpdate,
  milestoneUpdate,
  settleUpdate,
  stateQuery,
  transitionUpdate,
} from '../../../workflows/messages';
import { definition, useFastEnv } from './fast-env';

// The fast tier: the real workflow code on the time-skipping test server, activities in memory
// (fake-activities.ts). Each update is refused by its check (nothing recorded) and accepted by its
// apply (the event the workflow would store, and the state it answers).
const fast = useFastEnv();
const HA: Actor = { kind: 'home-affairs' };
const LEAD: Actor = { kind: 'ministry', code: 'BGDDT' };
const OTHER: Actor = { kind: 'ministry', code: 'BXD' };

/** The refusal's code, or a failure of the test when the update was accepted. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
      return err.cause.type as string;
    throw err;
  }
  throw new Error('the update was accepted');
}

async function today(): Promise<string> {
  return vietnamDate(await fast.testEnv.currentTimeMs());
}

describe('task workflow updates with in-memory activities', () => {
  it('when a task starts, then its CREATED event carries the definition and the default due date, and created answers', async () => {
    const def = definition();
    const h = await fast.start(def);
    const created = await h.executeUpdate(createdUpdate, { args: [] });
    expect(created.seq).toBe(1);
    expect(created.dueDate).not.toBeNull();
    const [event] = fast.fakes.eventsOf(def.code);
    expect(event).toMatchObject({ seq: 1, kind: 'CREATED', actor: 'home-affairs' });
    expect(event?.details).toMatchObject({ title: def.title, dueDate: created.dueDate });
    expect(fast.fakes.rows.get(def.code)?.seq).toBe(1);
  });

  it('when a transition names a stale status or comes from another ministry, then it is refused and nothing is recorded; a right one moves the task', async () => {
    const def = definition();
    const h = await fast.start(def);
    expect(
      await refusal(
        h.executeUpdate(transitionUpdate, {
          args: [{ actor: HA, to: 'REQUIRES_GUIDANCE', from: 'AUTHORITY_ADJUSTMENT' }],
        }),
      ),
    ).toBe('STALE_STATUS');
    expect(
      await refusal(
        h.executeUpdate(transitionUpdate, { args: [{ actor: OTHER, to: 'AUTHORITY_ADJUSTMENT', reason: 'x' }] }),
      ),
    ).toBe('FORBIDDEN');
    expect(fast.fakes.kindsOf(def.code)).toEqual(['CREATED']);
    const after = await h.executeUpdate(transitionUpdate, {
      args: [{ actor: HA, from: 'REQUIRES_GUIDANCE', to: 'AUTHORITY_ADJUSTMENT', reason: 'needs a law change' }],
    });
    expect(after).toMatchObject({ status: 'AUTHORITY_ADJUSTMENT', seq: 2 });
    expect(fast.fakes.eventsOf(def.code)[1]).toMatchObject({ kind: 'TRANSITION', seq: 2 });
    expect(fast.fakes.rows.get(def.code)?.status).toBe('AUTHORITY_ADJUSTMENT');
    expect((await h.query(stateQuery)).status).toBe('AUTHORITY_ADJUSTMENT');
  });

  it('when an extension is asked by another ministry or decided with none waiting, then both are refused; the lead asks and Home Affairs approves, then the due date moves', async () => {
    const def = definition();
    const h = await fast.start(def);
    const due = (await h.query(stateQuery)).dueDate as string;
    const later = addDays(due, 30);
    expect(
      await refusal(
        h.executeUpdate(extensionRequestUpdate, { args: [{ actor: OTHER, dueDate: later, reason: 'more time' }] }),
      ),
    ).toBe('FORBIDDEN');
    expect(await refusal(h.executeUpdate(extensionDecisionUpdate, { args: [{ actor: HA, approve: true }] }))).toBe(
      'ILLEGAL_TRANSITION',
    );
    expect(fast.fakes.kindsOf(def.code)).toEqual(['CREATED']);
    const asked = await h.executeUpdate(extensionRequestUpdate, {
      args: [{ actor: LEAD, dueDate: later, reason: 'more time' }],
    });
    expect(asked.extensionRequest?.dueDate).toBe(later);
    const decided = await h.executeUpdate(extensionDecisionUpdate, { args: [{ actor: HA, approve: true }] });
    expect(decided.dueDate).toBe(later);
    expect(decided.deadlineExtensions).toBe(1);
    expect(fast.fakes.kindsOf(def.code)).toEqual(['CREATED', 'EXTENSION_REQUESTED', 'EXTENSION_APPROVED']);
  });

  it('when a task not held up is released, then it is refused; a hold-up is recorded and a system release of a released task records nothing', async () => {
    const def = definition();
    const h = await fast.start(def);
    expect(await refusal(h.executeUpdate(holdUpUpdate, { args: [{ actor: HA, ministry: null }] }))).toBe(
      'ILLEGAL_TRANSITION',
    );
    const held = await h.executeUpdate(holdUpUpdate, {
      args: [{ actor: HA, ministry: 'BTP', description: 'the decree amending the civil service law' }],
    });
    expect(held.heldUp?.ministry).toBe('BTP');
    const released = await h.executeUpdate(holdUpUpdate, {
      args: [{ actor: { kind: 'system' }, ministry: null, releasedBy: '1/2026/ND-CP' }],
    });
    expect(released.heldUp ?? null).toBeNull();
    const again = await h.executeUpdate(holdUpUpdate, { args: [{ actor: { kind: 'system' }, ministry: null }] });
    expect(again.seq).toBe(released.seq);
    expect(fast.fakes.kindsOf(def.code)).toEqual(['CREATED', 'HELD_UP', 'HOLD_UP_RELEASED']);
  });

  it('when a settlement comes from another ministry, then it is refused; a settlement makes the task FEASIBLE, closes the loop, and the same document again changes nothing', async () => {
    const def = definition();
    const h = await fast.start(def);
    const issuedOn = await today();
    const document = {
      number: `${Math.floor(Math.random() * 1e6)}/2026/ND-CP`,
      kind: 'DECREE',
      issuer: 'CP',
      title: 'Decree on recruitment',
      issuedOn,
      effectiveOn: issuedOn,
    };
    expect(await refusal(h.executeUpdate(settleUpdate, { args: [{ actor: OTHER, document }] }))).toBe('FORBIDDEN');
    const settled = await h.executeUpdate(settleUpdate, { args: [{ actor: HA, document }] });
    expect(settled.status).toBe('FEASIBLE');
    expect(settled.dueDate).toBeNull();
    const again = await h.executeUpdate(settleUpdate, { args: [{ actor: HA, document }] });
    expect(again.seq).toBe(settled.seq);
    await fast.until(() => fast.fakes.loopsClosed.some((l) => l.taskCode === def.code), 'the loop closed');
    expect(fast.fakes.loopsClosed.find((l) => l.taskCode === def.code)?.document.number).toBe(document.number);
    expect(fast.fakes.eventsOf(def.code)).toHaveLength(settled.seq);
    expect(fast.fakes.rows.get(def.code)?.status).toBe('FEASIBLE');
  });

  it('when a milestone of the other track is recorded, then it is refused; one of the task’s track is recorded once, however often it is sent', async () => {
    const def = definition();
    const h = await fast.start(def);
    expect(await refusal(h.executeUpdate(milestoneUpdate, { args: [{ actor: HA, name: 'APPROVED' }] }))).toBe(
      'STATE_CONFLICT',
    );
    const first = await h.executeUpdate(milestoneUpdate, { args: [{ actor: LEAD, name: 'DRAFTING' }] });
    const second = await h.executeUpdate(milestoneUpdate, { args: [{ actor: LEAD, name: 'DRAFTING' }] });
    expect(second.seq).toBe(first.seq);
    expect(first.milestones.map((m) => m.name)).toEqual(['DRAFTING']);
    expect(fast.fakes.kindsOf(def.code)).toEqual(['CREATED', 'MILESTONE']);
  });

  it('when an assignment names nothing, a deadline comes from a ministry or a report from another locality, then each is refused; the right ones are recorded', async () => {
    const def = definition();
    const h = await fast.start(def);
    expect(await refusal(h.executeUpdate(assignmentUpdate, { args: [{ actor: HA }] }))).toBe('INVALID_INPUT');
    const due = addDays(await today(), 60);
    expect(
      await refusal(h.executeUpdate(deadlineUpdate, { args: [{ actor: LEAD, dueDate: due, reason: 'sooner' }] })),
    ).toBe('FORBIDDEN');
    expect(
      await refusal(
        h.executeUpdate(localityReportUpdate, {
          args: [{ actor: { kind: 'locality', code: 'HNI' }, locality: 'HCM', kind: 'WORKABLE', description: '' }],
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(fast.fakes.kindsOf(def.code)).toEqual(['CREATED']);
    const assigned = await h.executeUpdate(assignmentUpdate, {
      args: [{ actor: LEAD, focalPoint: { name: 'Tran Thi Binh', email: 'binh@bgddt.test' } }],
    });
    expect(assigned.focalPoint.email).toBe('binh@bgddt.test');
    const dated = await h.executeUpdate(deadlineUpdate, { args: [{ actor: HA, dueDate: due, reason: 'sooner' }] });
    expect(dated.dueDate).toBe(due);
    await h.executeUpdate(localityReportUpdate, {
      args: [{ actor: { kind: 'locality', code: 'HNI' }, locality: 'HNI', kind: 'OBSTACLE', description: 'no staff' }],
    });
    expect(fast.fakes.rows.get(def.code)?.reports.HNI?.kind).toBe('OBSTACLE');
    expect(fast.fakes.kindsOf(def.code)).toEqual(['CREATED', 'ASSIGNMENT', 'DEADLINE', 'LOCALITY_REPORT']);
    expect(fast.fakes.rows.get(def.code)?.dueDate).toBe(due);
  });

  it('when a definition change comes from a ministry or a calendar has no version, then both are refused; Home Affairs renames the task, a new calendar re-plans without an event, one that makes the due date a day off moves it', async () => {
    const def = definition({ dueDate: '2094-06-30' }); // a Wednesday
    const h = await fast.start(def);
    expect(await refusal(h.executeUpdate(definitionUpdate, { args: [{ actor: LEAD, title: 'Another title' }] }))).toBe(
      'FORBIDDEN',
    );
    const calendar = { version: '', firstYear: 2094, lastYear: 2094, daysOff: [], workingWeekendDays: [] };
    expect(await refusal(h.executeUpdate(calendarUpdate, { args: [calendar] }))).toBe('INVALID_INPUT');
    const renamed = await h.executeUpdate(definitionUpdate, { args: [{ actor: HA, title: 'Another title' }] });
    expect(renamed.title).toBe('Another title');
    const applied = await h.executeUpdate(calendarUpdate, { args: [{ ...calendar, version: 'fast-1' }] });
    expect(applied).toEqual({ applied: true, dueDate: null });
    const repeat = await h.executeUpdate(calendarUpdate, { args: [{ ...calendar, version: 'fast-1' }] });
    expect(repeat.applied).toBe(false);
    expect((await h.query(stateQuery)).policy.calendar?.version).toBe('fast-1');
    expect(fast.fakes.kindsOf(def.code)).toEqual(['CREATED', 'DEFINITION_UPDATED']);
    const moved = await h.executeUpdate(calendarUpdate, {
      args: [{ ...calendar, version: 'fast-2', daysOff: ['2094-06-30'] }],
    });
    expect(moved).toEqual({ applied: true, dueDate: { from: '2094-06-30', to: '2094-07-01' } });
    expect(fast.fakes.kindsOf(def.code)).toEqual(['CREATED', 'DEFINITION_UPDATED', 'DEADLINE']);
    expect(fast.fakes.rows.get(def.code)?.dueDate).toBe('2094-07-01');
  });
});

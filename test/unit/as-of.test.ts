import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {
  bottlenecksAsOf,
  effectiveAt,
  listAsOf,
  replayAsOf,
  summaryAsOf,
  taskView,
  type RecordedEvent,
} from '../../domain/as-of';
import { weeklyTrend } from '../../domain/trend';
import { taskResponse } from '../../db/tasks';
import { DAY_MS } from '../../domain/dates';
import { reportCounts, type DeadlinePolicy, type TaskDefinition, type TaskState } from '../../domain/task';
import {
  applyAssignment,
  applyDeadline,
  applyDefinitionUpdate,
  applyLocalityReport,
  applyMilestone,
  applyTransition,
  checkMilestone,
  checkTransition,
  type Change,
} from '../../domain/task-changes';
import { DEFAULT_DUE_DAYS } from '../../domain/statuses';

/** What the read model shows for a workflow state (the API's task shape), at `nowMs`. */
function expectedView(s: TaskState, nowMs: number) {
  const view = taskView(
    {
      ...s,
      lastSeq: s.seq,
      reports: Object.fromEntries(Object.entries(s.reports).map(([k, r]) => [k, { kind: r.kind, at: r.at }])),
      createdAt: '',
      lastEventAt: '',
      noticesSinceAction: 0,
      documents: s.documents ?? [],
      feasibleFrom: s.feasibleFrom ?? null,
      extensionRequest: s.extensionRequest ?? null,
      heldUp: s.heldUp ?? null,
      appliesTo: s.appliesTo,
    },
    nowMs,
  );
  // The workflow's own count, so the replay's counting is checked too.
  return { ...view, reports: reportCounts(s) };
}

interface PersistInput {
  event: RecordedEvent;
  snapshot: TaskState;
}

/** The (event, snapshot) pairs the workflow handed to persistEvent in a recorded Temporal history. */
function recordedPersists(file: string): PersistInput[] {
  const history = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    events: {
      activityTaskScheduledEventAttributes?: {
        activityType: { name: string };
        input: { payloads: { data: string }[] };
      };
    }[];
  };
  const out: PersistInput[] = [];
  for (const e of history.events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (a?.activityType.name === 'persistEvent' && a.input.payloads[0]) {
      out.push(JSON.parse(Buffer.from(a.input.payloads[0].data, 'base64').toString('utf8')) as PersistInput);
    }
  }
  return out;
}

describe('state as of an instant, from the audit log', () => {
  const recorded = recordedPersists(
    path.resolve(__dirname, '..', 'fixtures', 'histories', 'full-life-v1-remote-persist.json'),
  );

  it('when a recorded workflow history is replayed event by event, then the task as of each event is the state the workflow persisted with it', () => {
    expect(recorded.length).toBeGreaterThanOrEqual(8);
    const events = recorded.map((r) => r.event);
    for (const { event, snapshot } of recorded) {
      const at = Date.parse(event.at);
      const t = replayAsOf(events, at).tasks.get(event.taskCode);
      expect(t).toBeDefined();
      expect(taskView(t!, at)).toEqual(expectedView(snapshot, at));
    }
  });

  it('when asked for an instant before the task was created, then the task does not exist yet', () => {
    const events = recorded.map((r) => r.event);
    const first = Date.parse(events[0]!.at);
    expect(replayAsOf(events, first - 1).tasks.size).toBe(0);
  });

  it('when the events arrive out of order, then the replay is the same', () => {
    const events = recorded.map((r) => r.event);
    const last = Date.parse(events[events.length - 1]!.at);
    expect(replayAsOf([...events].reverse(), last)).toEqual(replayAsOf(events, last));
  });

  // Any sequence of accepted commands, as the workflow applies them, replays to the same state.
  const policy: DeadlinePolicy = {
    reminderOffsetsDays: [14, 7, 1],
    overdueIntervalDays: 7,
    defaultDueDays: DEFAULT_DUE_DAYS,
    homeAffairsEmail: 'moha@test',
    publicBaseUrl: 'http://x',
  };
  const definition: TaskDefinition = {
    code: 'T-1',
    title: 'Task',
    sector: 'Health',
    legalBasis: '',
    level: 'province',
    status: 'REQUIRES_GUIDANCE',
    leadMinistry: 'BYT',
    coordinatingMinistries: ['BNV'],
    focalPoint: { name: 'A', email: 'a@byt.test' },
    dueDate: '2026-03-01',
  };
  const HA = { kind: 'home-affairs' } as const;
  const command = fc.oneof(
    fc.record({
      c: fc.constant('transition' as const),
      to: fc.constantFrom('REQUIRES_GUIDANCE', 'AUTHORITY_ADJUSTMENT', 'FEASIBLE' as const),
    }),
    fc.record({
      c: fc.constant('milestone' as const),
      name: fc.constantFrom('DRAFTING', 'CONSULTATION', 'PROPOSAL_DRAFTED' as const),
    }),
    fc.record({ c: fc.constant('deadline' as const), days: fc.integer({ min: -30, max: 400 }) }),
    fc.record({
      c: fc.constant('report' as const),
      locality: fc.constantFrom('HNI', 'HCM', 'DNG'),
      obstacle: fc.boolean(),
    }),
    fc.record({ c: fc.constant('assign' as const), lead: fc.constantFrom('BYT', 'BTC', 'BXD') }),
    fc.record({ c: fc.constant('title' as const), title: fc.string({ minLength: 1, maxLength: 20 }) }),
    fc.record({ c: fc.constant('notice' as const) }),
  );

  it('when any sequence of accepted commands is recorded, then the replay as of each event equals the state the commands produced', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 25 }), fc.integer({ min: 1, max: 5 }), (commands, stepHours) => {
        let now = Date.parse('2026-01-01T03:00:00Z');
        let state: TaskState = {
          ...definition,
          statusSince: new Date(now).toISOString(),
          deadlineExtensions: 0,
          milestones: [],
          reports: {},
          lastDocument: null,
          seq: 1,
          reminderCursor: now,
          policy,
        };
        const events: RecordedEvent[] = [
          {
            taskCode: 'T-1',
            seq: 1,
            at: new Date(now).toISOString(),
            actor: 'home-affairs',
            kind: 'CREATED',
            details: { ...definition },
          },
        ];
        const states: { at: number; state: TaskState }[] = [{ at: now, state }];
        for (const cmd of commands) {
          now += stepHours * 3600_000;
          let change: Change | null = null;
          if (cmd.c === 'transition') {
            const input = {
              actor: HA,
              to: cmd.to,
              reason: 'r',
              document: { number: '1/2026/TT', issuedOn: '2026-01-01' },
            };
            if (!checkTransition(state, input)) change = applyTransition(state, input, now);
          } else if (cmd.c === 'milestone') {
            if (!checkMilestone(state, { actor: HA, name: cmd.name }))
              change = applyMilestone(state, { actor: HA, name: cmd.name }, now);
          } else if (cmd.c === 'deadline') {
            if (state.status !== 'FEASIBLE')
              change = applyDeadline(state, {
                actor: HA,
                dueDate: new Date(now + cmd.days * DAY_MS).toISOString().slice(0, 10),
                reason: 'r',
              });
          } else if (cmd.c === 'report') {
            change = applyLocalityReport(
              state,
              { actor: HA, locality: cmd.locality, kind: cmd.obstacle ? 'OBSTACLE' : 'WORKABLE', description: 'd' },
              now,
            );
          } else if (cmd.c === 'assign') {
            if (cmd.lead !== state.leadMinistry)
              change = applyAssignment(state, { actor: HA, leadMinistry: cmd.lead, coordinatingMinistries: [] });
          } else if (cmd.c === 'title') {
            change = applyDefinitionUpdate(state, { actor: HA, title: cmd.title });
          } else {
            change = {
              state,
              kind: 'REMINDER_SENT',
              details: { dueDate: state.dueDate, offsetDays: 7 },
              reschedule: false,
              resetCursor: false,
            };
          }
          if (!change) continue;
          state = { ...change.state, seq: state.seq + 1 };
          events.push({
            taskCode: 'T-1',
            seq: state.seq,
            at: new Date(now).toISOString(),
            actor: 'home-affairs',
            kind: change.kind,
            details: JSON.parse(JSON.stringify(change.details)) as Record<string, unknown>,
          });
          states.push({ at: now, state });
        }
        for (const { at, state: s } of states) {
          const t = replayAsOf(events, at).tasks.get('T-1');
          expect(taskView(t!, at)).toEqual(expectedView(s, at));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('summary, bottlenecks and list as of an instant', () => {
  const ev = (
    taskCode: string,
    seq: number,
    at: string,
    kind: string,
    details: Record<string, unknown>,
  ): RecordedEvent => ({ taskCode, seq, at, actor: 'home-affairs', kind, details });
  const created = (code: string, lead: string, status: string, dueDate: string | null, at = '2025-07-01T02:00:00Z') =>
    ev(code, 1, at, 'CREATED', {
      title: `Task ${code}`,
      sector: 'S',
      legalBasis: '',
      level: 'province',
      status,
      leadMinistry: lead,
      coordinatingMinistries: [],
      focalPoint: { name: 'F', email: `f@${lead.toLowerCase()}.test` },
      dueDate,
    });
  const events: RecordedEvent[] = [
    created('A-1', 'BYT', 'REQUIRES_GUIDANCE', '2025-10-01'),
    created('A-2', 'BYT', 'REQUIRES_GUIDANCE', '2025-12-31'),
    created('B-1', 'BTC', 'AUTHORITY_ADJUSTMENT', '2025-11-15'),
    created('C-1', 'BXD', 'FEASIBLE', null),
    // A-1 gets its guidance on 5 Dec 2025; B-1's deadline is extended on 10 Nov; C-1 is reopened on 1 Dec.
    ev('A-1', 2, '2025-12-05T03:00:00Z', 'TRANSITION', {
      from: 'REQUIRES_GUIDANCE',
      to: 'FEASIBLE',
      reason: null,
      document: { number: '1/2025/TT-BYT', issuedOn: '2025-12-05' },
      dueDate: null,
    }),
    ev('B-1', 2, '2025-11-10T03:00:00Z', 'DEADLINE', {
      from: '2025-11-15',
      to: '2026-01-31',
      reason: 'law calendar',
      extension: true,
      extensions: 1,
    }),
    ev('C-1', 2, '2025-12-01T03:00:00Z', 'TRANSITION', {
      from: 'FEASIBLE',
      to: 'REQUIRES_GUIDANCE',
      reason: 'obstacles',
      document: null,
      dueDate: '2026-03-01',
    }),
    ev('C-1', 3, '2025-12-02T03:00:00Z', 'LOCALITY_REPORT', {
      locality: 'HNI',
      kind: 'OBSTACLE',
      description: 'no form',
    }),
    ev('C-1', 4, '2025-12-03T03:00:00Z', 'LOCALITY_REPORT', {
      locality: 'HCM',
      kind: 'OBSTACLE',
      description: 'no staff',
    }),
  ];
  const ministries = [
    { code: 'BYT', name: 'Health', delegates: true },
    { code: 'BTC', name: 'Finance', delegates: true },
    { code: 'BXD', name: 'Construction', delegates: true },
    { code: 'BNG', name: 'Foreign Affairs', delegates: false },
  ];
  const localities = [
    { code: 'HNI', reportedAt: null },
    { code: 'HCM', reportedAt: null },
    { code: 'DNG', reportedAt: '2025-11-20' },
  ];
  // Noon of 6 December 2025 in Viet Nam.
  const dec6 = Date.parse('2025-12-06T05:00:00Z');
  const nov1 = Date.parse('2025-11-01T05:00:00Z');

  it('when the summary is asked as of 6 December 2025, then it counts each task in the status it had that day', () => {
    const s = summaryAsOf(replayAsOf(events, dec6).tasks.values(), ministries, localities, dec6);
    expect(s.total).toBe(4);
    expect(s.byStatus).toEqual({
      REQUIRES_GUIDANCE: { count: 2, percent: 50 },
      AUTHORITY_ADJUSTMENT: { count: 1, percent: 25 },
      FEASIBLE: { count: 1, percent: 25 },
    });
    expect(s.byMinistry).toEqual([
      { ministry: 'BTC', name: 'Finance', total: 1, open: 1, overdue: 0 },
      { ministry: 'BXD', name: 'Construction', total: 1, open: 1, overdue: 0 },
      { ministry: 'BYT', name: 'Health', total: 2, open: 1, overdue: 0 },
    ]);
    // Who reported is the reporting round's rows alone (as the live summary reads them), not a task's LOCALITY_REPORT events.
    expect(s.localities).toEqual({ reported: 1, total: 3 });
  });

  it('when the summary is asked as of 1 November 2025, then A-1 is overdue, C-1 still feasible and only the locality that had reported counts', () => {
    const s = summaryAsOf(replayAsOf(events, nov1).tasks.values(), ministries, localities, nov1);
    expect(s.byStatus.FEASIBLE.count).toBe(1);
    expect(s.byStatus.REQUIRES_GUIDANCE.count).toBe(2);
    expect(s.byMinistry[0]).toEqual({ ministry: 'BYT', name: 'Health', total: 2, open: 2, overdue: 1 });
    expect(s.localities).toEqual({ reported: 0, total: 3 });
  });

  it('when the bottlenecks are asked as of 1 November 2025, then BYT is late by the days since 1 October and B-1 is due soon', () => {
    const b = bottlenecksAsOf(replayAsOf(events, nov1).tasks.values(), nov1);
    expect(b.overdueByMinistry).toEqual([{ ministry: 'BYT', overdue: 1, maxDaysOverdue: 31 }]);
    expect(b.dueSoon.map((t) => t.code)).toEqual(['B-1']);
    expect(b.oldestOpen.map((t) => t.code)).toEqual(['A-1', 'A-2', 'B-1']);
    expect(b.mostObstacles).toEqual([]);
  });

  it('when the bottlenecks are asked as of 6 December 2025, then C-1 leads the obstacles and nothing is overdue', () => {
    const b = bottlenecksAsOf(replayAsOf(events, dec6).tasks.values(), dec6);
    expect(b.overdueByMinistry).toEqual([]);
    expect(b.mostObstacles.map((t) => [t.code, t.reports.obstacle])).toEqual([['C-1', 2]]);
    expect(b.dueSoon).toEqual([]);
  });

  it('when an older history recorded the ISSUED milestone, then the task it gives still fits the documented response', () => {
    const older = [
      ...events,
      ev('A-2', 2, '2025-11-20T03:00:00Z', 'MILESTONE', { track: 'GUIDANCE', name: 'ISSUED', note: null }),
    ];
    const view = taskView(replayAsOf(older, dec6).tasks.get('A-2')!, dec6);
    expect(view.milestones.map((m) => m.name)).toEqual(['ISSUED']);
    const parsed = taskResponse.safeParse(view);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('when the list is filtered and sorted as of an instant, then it pages the tasks as they stood', () => {
    const tasks = replayAsOf(events, nov1).tasks;
    const overdue = listAsOf(tasks.values(), { overdue: true, sort: 'code', page: 1, limit: 50 }, nov1);
    expect(overdue.items.map((t) => [t.code, t.daysOverdue])).toEqual([['A-1', 31]]);
    const byDue = listAsOf(tasks.values(), { sort: '-dueDate', page: 1, limit: 2 }, nov1);
    expect(byDue.total).toBe(4);
    expect(byDue.items.map((t) => t.code)).toEqual(['A-2', 'B-1']);
    const lastPage = listAsOf(tasks.values(), { sort: 'dueDate', page: 2, limit: 3 }, nov1);
    expect(lastPage.items.map((t) => t.code)).toEqual(['C-1']);
    expect(
      listAsOf(tasks.values(), { ministry: 'BYT', q: 'task a-2', sort: 'code', page: 1, limit: 50 }, nov1).items.map(
        (t) => t.code,
      ),
    ).toEqual(['A-2']);
  });

  it('when the list as of an instant is filtered by level, sector and where tasks apply, then it keeps the level and sector the history had then', () => {
    const more: RecordedEvent[] = [
      ...events,
      // B-1 moves to both levels and another sector on 1 Dec: on 1 Nov it was still province-level in sector S.
      ev('B-1', 3, '2025-12-01T04:00:00Z', 'DEFINITION_UPDATED', {
        changes: { level: { from: 'province', to: 'both' }, sector: { from: 'S', to: 'Finance' } },
      }),
      {
        ...created('D-1', 'BYT', 'REQUIRES_GUIDANCE', null),
        details: { ...created('D-1', 'BYT', 'REQUIRES_GUIDANCE', null).details, level: 'commune', sector: 'Health' },
      },
    ];
    const codes = (asOf: number, f: object) =>
      listAsOf(replayAsOf(more, asOf).tasks.values(), { sort: 'code', page: 1, limit: 50, ...f }, asOf).items.map(
        (t) => t.code,
      );
    expect(codes(nov1, { level: 'commune' })).toEqual(['D-1']);
    expect(codes(dec6, { level: 'commune' })).toEqual(['B-1', 'D-1']);
    expect(codes(nov1, { level: 'both' })).toEqual([]);
    expect(codes(dec6, { level: 'province' })).toEqual(['A-1', 'A-2', 'B-1', 'C-1']);
    expect(codes(nov1, { sector: 'finance' })).toEqual([]);
    expect(codes(dec6, { sector: 'FINANCE' })).toEqual(['B-1']);
    expect(codes(dec6, { applies: (code: string) => code !== 'A-2' })).toEqual(['A-1', 'B-1', 'C-1', 'D-1']);
  });
});

describe('the effective time of an event (the baseline as assessed)', () => {
  const created = (details: Record<string, unknown>): RecordedEvent => ({
    taskCode: 'E-1',
    seq: 1,
    at: '2026-12-07T01:00:00.000Z',
    actor: 'system',
    kind: 'CREATED',
    details: { status: 'REQUIRES_GUIDANCE', leadMinistry: 'BYT', dueDate: '2025-11-30', ...details },
  });
  const transition: RecordedEvent = {
    taskCode: 'E-1',
    seq: 2,
    at: '2026-12-08T01:00:00.000Z',
    actor: 'ministry:BYT',
    kind: 'TRANSITION',
    details: { from: 'REQUIRES_GUIDANCE', to: 'FEASIBLE' },
  };

  it('when the first event carries effectiveAt, then as-of places it there, and later events at their recording', () => {
    const e = created({ statusSince: '2025-07-26', effectiveAt: '2025-07-25T17:00:00.000Z' });
    expect(effectiveAt(e)).toBe('2025-07-25T17:00:00.000Z');
    expect(effectiveAt(transition)).toBe(transition.at);
    expect(replayAsOf([e, transition], Date.parse('2025-12-06T12:00:00Z')).tasks.get('E-1')).toMatchObject({
      status: 'REQUIRES_GUIDANCE',
      statusSince: '2025-07-25T17:00:00.000Z',
    });
    expect(replayAsOf([e, transition], Date.parse('2025-07-25T16:59:59Z')).tasks.size).toBe(0);
    expect(replayAsOf([e, transition], Date.parse('2026-12-09T00:00:00Z')).tasks.get('E-1')?.status).toBe('FEASIBLE');
  });

  it('when a CREATED event was recorded before effectiveAt existed, then its statusSince (start of that day in Viet Nam) is its effective time; without one, its recording', () => {
    expect(effectiveAt(created({ statusSince: '2025-07-26' }))).toBe('2025-07-25T17:00:00.000Z');
    expect(effectiveAt(created({}))).toBe('2026-12-07T01:00:00.000Z');
    // Never later than recorded.
    expect(effectiveAt(created({ effectiveAt: '2027-01-01T00:00:00.000Z' }))).toBe('2026-12-07T01:00:00.000Z');
  });

  it('when the week trend is built, then it starts at the week of the first effective time', () => {
    const trend = weeklyTrend([created({ statusSince: '2025-07-26' }), transition], Date.parse('2026-12-09T00:00:00Z'));
    expect(trend.overall[0]?.weekStart).toBe('2025-07-21');
    expect(trend.overall[0]).toMatchObject({ total: 1, open: 1 });
  });

  it('when the task is overdue and days are counted in working days, then as-of counts them as the live JSON does', () => {
    const t = replayAsOf([created({ statusSince: '2025-07-26' })], Date.parse('2025-12-08T05:00:00Z')).tasks.get('E-1');
    if (!t) throw new Error('no task');
    // Due Sunday 30/11: Monday 1/12 to Monday 8/12 are six working days (no holiday), eight calendar days.
    expect(taskView(t, Date.parse('2025-12-08T05:00:00Z')).daysOverdue).toBe(8);
    const calendar = { firstYear: 2025, lastYear: 2026, daysOff: [], workingWeekendDays: [] };
    expect(taskView(t, Date.parse('2025-12-08T05:00:00Z'), { calendar, dueDaysUnit: 'working' }).daysOverdue).toBe(6);
  });
});

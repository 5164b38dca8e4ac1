import { DAY_MS } from '../../domain/dates';
import { dueDateAfterEdge } from '../../domain/deadline-policy';
import { applyTransition, checkTransition } from '../../domain/task-changes';
import { EDGES } from '../../domain/transition-rules';
import type { Actor, DeadlinePolicy, TaskState, TaskStatus, TransitionInput } from '../../domain/task';
import { DEFAULT_DUE_DAYS } from '../../domain/statuses';

// Deadlines belong to Home Affairs (issue 23 point 5): whatever edges a ministry takes, its due date never moves later.

const policy: DeadlinePolicy = {
  reminderOffsetsDays: [14, 7, 1],
  overdueIntervalDays: 7,
  defaultDueDays: DEFAULT_DUE_DAYS,
  homeAffairsEmail: 'moha@test',
  publicBaseUrl: 'http://x',
};
const NOW = Date.parse('2026-05-04T03:00:00Z');
const lead: Actor = { kind: 'ministry', code: 'BYT' };

function task(status: TaskStatus, dueDate: string | null): TaskState {
  return {
    code: 'BYT-006',
    title: 't',
    sector: 's',
    legalBasis: 'l',
    level: 'province',
    status,
    leadMinistry: 'BYT',
    coordinatingMinistries: [],
    focalPoint: { name: 'n', email: 'f@byt.test' },
    dueDate,
    statusSince: new Date(NOW - 200 * DAY_MS).toISOString(),
    deadlineExtensions: 0,
    milestones: [],
    reports: {},
    lastDocument: null,
    seq: 1,
    reminderCursor: 0,
    policy,
  };
}

/** What a ministry may send on the edge to `to` (a reason or its own document). */
function input(from: TaskStatus, to: TaskStatus, actor: Actor): TransitionInput {
  const edge = EDGES.find((e) => e.from === from && e.to === to);
  return edge?.requires === 'document'
    ? { actor, to, document: { number: '12/2026/TT-BYT', issuedOn: '2026-05-01' } }
    : { actor, to, reason: 'because' };
}

describe('deadlines belong to Home Affairs', () => {
  it('when a lead ministry takes any sequence of edges (up to 6) from an overdue open task, then its due date never moves later', () => {
    const start = task('REQUIRES_GUIDANCE', '2025-12-15');
    let paths = [start];
    let checked = 0;
    for (let depth = 0; depth < 6; depth++) {
      const next: TaskState[] = [];
      for (const s of paths) {
        for (const edge of EDGES.filter((e) => e.from === s.status)) {
          const i = input(s.status, edge.to, lead);
          if (checkTransition(s, i, '2026-05-04')) continue; // not the ministry's edge
          const after = applyTransition(s, i, NOW + depth * DAY_MS).state;
          checked++;
          if (after.status === 'FEASIBLE') expect(after.dueDate).toBeNull();
          else {
            expect(after.dueDate).toBe('2025-12-15');
            next.push(after);
          }
        }
      }
      paths = next;
    }
    // From each open status a ministry has two edges (to FEASIBLE, to the other open status): 2 × 6.
    expect(checked).toBe(12);
  });

  it("when Home Affairs names a date or reopens a FEASIBLE task, then the task gets that date or the status's default span", () => {
    const ha: Actor = { kind: 'home-affairs' };
    expect(
      applyTransition(
        task('REQUIRES_GUIDANCE', '2025-12-15'),
        { ...input('REQUIRES_GUIDANCE', 'AUTHORITY_ADJUSTMENT', ha), dueDate: '2026-09-30' },
        NOW,
      ).state.dueDate,
    ).toBe('2026-09-30');
    expect(
      applyTransition(
        task('REQUIRES_GUIDANCE', '2025-12-15'),
        input('REQUIRES_GUIDANCE', 'AUTHORITY_ADJUSTMENT', ha),
        NOW,
      ).state.dueDate,
    ).toBe('2025-12-15');
    expect(applyTransition(task('FEASIBLE', null), input('FEASIBLE', 'REQUIRES_GUIDANCE', ha), NOW).state.dueDate).toBe(
      '2026-08-02',
    );
    // A task that had no due date gets the default span on a bounce too.
    expect(dueDateAfterEdge(policy, { rule: 'kept', to: 'AUTHORITY_ADJUSTMENT', current: null }, NOW)).toBe(
      '2026-10-31',
    );
  });

  it('when a history recorded under the earlier rule replays (keepClock false), then a bounce takes a fresh default as it did', () => {
    expect(
      applyTransition(
        task('REQUIRES_GUIDANCE', '2025-12-15'),
        input('REQUIRES_GUIDANCE', 'AUTHORITY_ADJUSTMENT', lead),
        NOW,
        false,
      ).state.dueDate,
    ).toBe('2026-10-31');
  });
});

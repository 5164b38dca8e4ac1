import { EDGES, checkTransition } from '../../domain/transition-rules';
import { TASK_STATUSES, type Actor, type TaskStatus, type TransitionInput } from '../../domain/task';

const LEAD = 'BYT';
const actors: Record<string, Actor> = {
  'home-affairs': { kind: 'home-affairs' },
  lead: { kind: 'ministry', code: LEAD },
  'other ministry': { kind: 'ministry', code: 'BTC' },
  locality: { kind: 'locality', code: 'HNI' },
  system: { kind: 'system' },
};
const doc = { number: '15/2026/TT-BYT', issuedOn: '2026-11-20' };

function complete(from: TaskStatus, to: TaskStatus): Omit<TransitionInput, 'actor'> {
  const edge = EDGES.find((e) => e.from === from && e.to === to);
  return edge?.requires === 'document' ? { to, document: doc } : { to, reason: 'because' };
}

describe('transition table', () => {
  const pairs = TASK_STATUSES.flatMap((from) => TASK_STATUSES.map((to) => [from, to] as const));

  it.each(pairs)(
    'when a task in %s is asked to move to %s, then only a legal edge with an allowed role passes',
    (from, to) => {
      const edge = EDGES.find((e) => e.from === from && e.to === to);
      for (const [name, actor] of Object.entries(actors)) {
        const r = checkTransition({ status: from, leadMinistry: LEAD }, { actor, ...complete(from, to) });
        if (!edge) {
          expect(r?.code).toBe('ILLEGAL_TRANSITION');
          expect(r?.allowed?.every((a) => a.from === from)).toBe(true);
          continue;
        }
        const allowed = name === 'home-affairs' || (name === 'lead' && edge.roles.includes('lead'));
        if (allowed) expect(r).toBeNull();
        else expect(r?.code).toBe('FORBIDDEN');
      }
    },
  );

  it('when the edges are listed, then they are exactly the six of the design', () => {
    expect(EDGES.map((e) => `${e.from}>${e.to}:${e.requires}:${e.roles.join('+')}`).sort()).toEqual(
      [
        'AUTHORITY_ADJUSTMENT>FEASIBLE:document:home-affairs+lead',
        'AUTHORITY_ADJUSTMENT>REQUIRES_GUIDANCE:document:home-affairs+lead',
        'FEASIBLE>AUTHORITY_ADJUSTMENT:reason:home-affairs',
        'FEASIBLE>REQUIRES_GUIDANCE:reason:home-affairs',
        'REQUIRES_GUIDANCE>AUTHORITY_ADJUSTMENT:reason:home-affairs+lead',
        'REQUIRES_GUIDANCE>FEASIBLE:document:home-affairs+lead',
      ].sort(),
    );
  });

  it.each(EDGES.map((e) => [e.from, e.to, e.requires] as const))(
    'when %s -> %s lacks its %s, then it is refused naming the field',
    (from, to, requires) => {
      const actor = actors['home-affairs'] as Actor;
      const r = checkTransition({ status: from, leadMinistry: LEAD }, { actor, to });
      // Into REQUIRES_GUIDANCE the need depends on where the task is (a document from AUTHORITY_ADJUSTMENT,
      // a reason from FEASIBLE): a conflict with its current status; elsewhere an incomplete request.
      expect(r?.code).toBe(to === 'REQUIRES_GUIDANCE' ? 'STATE_CONFLICT' : 'INVALID_INPUT');
      expect(r?.field).toBe(requires);
    },
  );

  it.each([
    [{ number: '', issuedOn: '2026-11-20' }, 'document.number'],
    [{ number: '1/2026', issuedOn: '2026-02-30' }, 'document.issuedOn'],
    [{ number: '1/2026', issuedOn: '2026-11-20', effectiveOn: 'soon' }, 'document.effectiveOn'],
  ])('when the document is %j, then %s is named', (document, field) => {
    const r = checkTransition(
      { status: 'REQUIRES_GUIDANCE', leadMinistry: LEAD },
      { actor: { kind: 'home-affairs' }, to: 'FEASIBLE', document },
    );
    expect(r).toMatchObject({ code: 'INVALID_INPUT', field });
  });

  it('when the caller saw another status (from), then it is a stale conflict listing the allowed edges', () => {
    const r = checkTransition(
      { status: 'FEASIBLE', leadMinistry: LEAD },
      { actor: { kind: 'home-affairs' }, to: 'FEASIBLE', from: 'REQUIRES_GUIDANCE', document: doc },
    );
    expect(r?.code).toBe('STALE_STATUS');
    expect(r?.allowed?.map((a) => a.to).sort()).toEqual(['AUTHORITY_ADJUSTMENT', 'REQUIRES_GUIDANCE']);
  });

  it('when a due date is named for FEASIBLE, then it is refused', () => {
    const r = checkTransition(
      { status: 'REQUIRES_GUIDANCE', leadMinistry: LEAD },
      { actor: { kind: 'home-affairs' }, to: 'FEASIBLE', document: doc, dueDate: '2027-01-01' },
    );
    expect(r).toMatchObject({ code: 'INVALID_INPUT', field: 'dueDate' });
  });
});

describe('who sets deadlines', () => {
  it('when the lead ministry names its own dueDate in a transition, then it is refused naming dueDate; Home Affairs may', () => {
    const input = { to: 'AUTHORITY_ADJUSTMENT' as const, reason: 'law change', dueDate: '2200-12-31' };
    expect(
      checkTransition({ status: 'REQUIRES_GUIDANCE', leadMinistry: LEAD }, { actor: actors.lead as Actor, ...input }),
    ).toMatchObject({ code: 'FORBIDDEN', field: 'dueDate' });
    expect(
      checkTransition(
        { status: 'REQUIRES_GUIDANCE', leadMinistry: LEAD },
        { actor: actors['home-affairs'] as Actor, ...input },
      ),
    ).toBeNull();
    // Without a dueDate the lead ministry's edge stands; the policy's default applies.
    const { dueDate: _omitted, ...withoutDue } = input;
    expect(
      checkTransition(
        { status: 'REQUIRES_GUIDANCE', leadMinistry: LEAD },
        { actor: actors.lead as Actor, ...withoutDue },
      ),
    ).toBeNull();
  });
});

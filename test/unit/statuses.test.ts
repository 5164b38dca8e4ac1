import fs from 'node:fs';
import path from 'node:path';
import reference from '../../catalog/reference.json';
import { transitionBody, createTaskBody } from '../../app/schemas';
import {
  CLOSED_STATUSES,
  OPEN_STATUSES,
  SETTLED_STATUS,
  STATUS_RULES,
  TASK_STATUSES,
  hasDueDate,
} from '../../domain/statuses';
import { closedStatusSql, openStatusSql } from '../../db/status-sql';
import { EDGES, INTO_RULES, ruleInto } from '../../domain/transition-rules';
import { loadConfig } from '../../config/env';

describe('the status table', () => {
  it('when the reference data names the statuses in Vietnamese, then it says what the table says', () => {
    expect(reference.statusNamesVi).toEqual(Object.fromEntries(TASK_STATUSES.map((s) => [s, STATUS_RULES[s].vi])));
  });

  it('when an edge leads into a status without a due date, then the edge gives none, and only then', () => {
    for (const e of EDGES) expect(e.deadline === 'none').toBe(!hasDueDate(e.to));
  });

  it('when a status has a milestone track or something to ask, then it is an open status, and only then', () => {
    for (const s of TASK_STATUSES) {
      const r = STATUS_RULES[s];
      expect([r.track !== null, r.asks !== null]).toEqual([hasDueDate(s), hasDueDate(s)]);
    }
  });

  it('when the table says which status a document settles a task into, then it is one status, with no due date, that edges with a document lead into', () => {
    expect(TASK_STATUSES.filter((s) => STATUS_RULES[s].settled)).toEqual([SETTLED_STATUS]);
    expect(hasDueDate(SETTLED_STATUS)).toBe(false);
    const into = EDGES.filter((e) => e.to === SETTLED_STATUS);
    expect(into.length).toBeGreaterThan(0);
    expect(into.every((e) => e.requires === 'document')).toBe(true);
  });

  it('when SQL asks for open or closed tasks, then it is built from the statuses with and without a due date', () => {
    expect(CLOSED_STATUSES).toEqual(TASK_STATUSES.filter((s) => !hasDueDate(s)));
    expect(openStatusSql('t.status')).toBe(`t.status NOT IN (${CLOSED_STATUSES.map((s) => `'${s}'`).join(', ')})`);
    expect(closedStatusSql('status')).toBe(`status IN (${CLOSED_STATUSES.map((s) => `'${s}'`).join(', ')})`);
  });

  it('when a status is in the table, then an edge of domain/transition-rules.ts leads into it and one out of it', () => {
    for (const s of TASK_STATUSES) {
      expect([s, EDGES.some((e) => e.to === s), EDGES.some((e) => e.from === s)]).toEqual([s, true, true]);
    }
  });

  it('when PostgreSQL stores a status, then the TaskStatus enum of prisma/schema.prisma lists the statuses of the table', () => {
    const schema = fs.readFileSync(path.join(__dirname, '../../prisma/schema.prisma'), 'utf8');
    const body = /^enum TaskStatus \{([^}]*)\}/m.exec(schema)?.[1] ?? '';
    expect(body.split(/\s+/).filter(Boolean).sort()).toEqual([...TASK_STATUSES].sort());
  });

  it('when a page tags a status, then the style sheet has its .tag-<status> rule', () => {
    const css = fs.readFileSync(path.join(__dirname, '../../web/assets/site.css'), 'utf8');
    const missing = TASK_STATUSES.filter((s) => !css.includes(`.tag-${s.toLowerCase().replace(/_/g, '-')} {`));
    expect(missing).toEqual([]);
  });

  it('when the environment names no default spans, then the config takes each open status default from the table', () => {
    const cfg = loadConfig({});
    expect(cfg.defaultDueDays).toEqual(Object.fromEntries(OPEN_STATUSES.map((s) => [s, STATUS_RULES[s].due.days])));
    const other = loadConfig({ DEFAULT_DUE_DAYS_REQUIRES_GUIDANCE: '30' });
    expect(other.defaultDueDays.REQUIRES_GUIDANCE).toBe(30);
  });
});

describe('the rules into each status, from the edge table', () => {
  it('when the edges into a status need one thing or another, then the rule into it lists them', () => {
    expect(Object.fromEntries(INTO_RULES.map((r) => [r.to, [r.requires, r.dueDate]]))).toEqual({
      REQUIRES_GUIDANCE: [['document', 'reason'], true],
      AUTHORITY_ADJUSTMENT: [['reason'], true],
      FEASIBLE: [['document'], false],
    });
  });

  const doc = { number: '15/2026/TT-BYT', issuedOn: '2026-11-20' };
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['FEASIBLE without a document', { to: 'FEASIBLE', reason: 'x' }, ['document']],
    ['FEASIBLE with a due date', { to: 'FEASIBLE', document: doc, dueDate: '2027-01-01' }, ['dueDate']],
    ['FEASIBLE with a document', { to: 'FEASIBLE', document: doc }, []],
    ['AUTHORITY_ADJUSTMENT with a blank reason', { to: 'AUTHORITY_ADJUSTMENT', reason: '  ' }, ['reason']],
    [
      'AUTHORITY_ADJUSTMENT with a reason and a due date',
      { to: 'AUTHORITY_ADJUSTMENT', reason: 'x', dueDate: '2027-01-01' },
      [],
    ],
    ['REQUIRES_GUIDANCE with neither', { to: 'REQUIRES_GUIDANCE' }, ['reason']],
    ['REQUIRES_GUIDANCE with a document', { to: 'REQUIRES_GUIDANCE', document: doc }, []],
    ['REQUIRES_GUIDANCE with a reason', { to: 'REQUIRES_GUIDANCE', reason: 'x' }, []],
  ];
  it.each(cases)('when a transition body asks for %s, then the schema names %j', (_name, body, fields) => {
    const r = transitionBody.safeParse(body);
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(fields);
  });

  it('when a task is registered FEASIBLE with a due date, then the schema names dueDate', () => {
    const r = createTaskBody.safeParse({
      code: 'BYT-999',
      title: 't',
      sector: 's',
      status: 'FEASIBLE',
      leadMinistry: 'BYT',
      dueDate: '2027-01-01',
    });
    expect(r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['dueDate', 'a FEASIBLE task has no due date'],
    ]);
  });

  it('when the OpenAPI hints are read, then each status has one, built from its rule', () => {
    const meta = transitionBody.meta() as { allOf: { if: { properties: { to: { const: string } } } }[] };
    expect(meta.allOf.map((a) => a.if.properties.to.const)).toEqual([...TASK_STATUSES]);
    expect(ruleInto('FEASIBLE').requires).toEqual(['document']);
  });
});

/**
 * A simulated audit log, deterministic for a seed: what the tracker would have recorded if every
 * ministry worked at its own pace. Used by the forecast's backtest (clearly labelled simulated:
 * no real history of the 949 tasks exists yet) and by the benchmarks for volume.
 *
 * Each task enters REQUIRES_GUIDANCE (or, 1 in 20, AUTHORITY_ADJUSTMENT) on a day of the first
 * quarter, due 90 (180) days later. Its ministry has a median pace; a task's real duration is that
 * pace times a random spread, longer when localities report obstacles; milestones come from the
 * diligent; reminders fall 14, 7 and 1 days before the due date and every 7 days after it, as long
 * as the task is open.
 */
import type { RecordedEvent } from '../domain/as-of';
import { DAY_MS, addDays, deadlineInstant, vietnamDate } from '../domain/dates';

export interface SimulationOptions {
  seed: number;
  tasks: number;
  ministries: string[];
  /** ISO instant of the first event. */
  start: string;
  /** Days simulated. */
  days: number;
}

/** Mulberry32: small, fast, good enough for a simulation, same numbers for the same seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function simulateHistory(o: SimulationOptions): RecordedEvent[] {
  const random = rng(o.seed);
  const startMs = Date.parse(o.start);
  const endMs = startMs + o.days * DAY_MS;
  const pace = new Map(o.ministries.map((m) => [m, 45 + random() * 110]));
  const diligence = new Map(o.ministries.map((m) => [m, random()]));
  const events: RecordedEvent[] = [];
  for (let i = 0; i < o.tasks; i++) {
    const ministry = o.ministries[i % o.ministries.length] ?? 'BNV';
    const code = `SIM-${String(i + 1).padStart(6, '0')}`;
    const adjustment = random() < 0.05;
    const status = adjustment ? 'AUTHORITY_ADJUSTMENT' : 'REQUIRES_GUIDANCE';
    const createdMs = startMs + Math.floor(random() * 90) * DAY_MS + 2 * 3600_000;
    const dueDate = addDays(vietnamDate(createdMs), adjustment ? 180 : 90);
    const obstacles = random() < 0.3 ? 1 + Math.floor(random() * 4) : 0;
    const spread = Math.exp((random() - 0.5) * 1.2);
    const durationDays = (pace.get(ministry) ?? 90) * (adjustment ? 2 : 1) * spread * (1 + 0.15 * obstacles);
    const resolvedMs = createdMs + durationDays * DAY_MS;
    let seq = 0;
    const add = (atMs: number, kind: string, details: Record<string, unknown>, actor = 'system') => {
      if (atMs <= endMs)
        events.push({ taskCode: code, seq: ++seq, at: new Date(atMs).toISOString(), actor, kind, details });
    };
    add(createdMs, 'CREATED', {
      title: `Simulated task ${i + 1}`,
      sector: 'simulated',
      legalBasis: '',
      level: 'province',
      status,
      leadMinistry: ministry,
      coordinatingMinistries: [],
      focalPoint: { name: `Focal ${ministry}`, email: `focal.${ministry.toLowerCase()}@example.org` },
      dueDate,
    });
    const timeline: { at: number; kind: string; details: Record<string, unknown>; actor?: string }[] = [];
    for (let k = 0; k < obstacles; k++) {
      const at = createdMs + random() * Math.min(durationDays, 120) * DAY_MS;
      timeline.push({
        at,
        kind: 'LOCALITY_REPORT',
        details: { locality: `L${k}`, kind: 'OBSTACLE', description: 'simulated obstacle' },
        actor: `locality:L${k}`,
      });
    }
    if (random() < (diligence.get(ministry) ?? 0.5)) {
      timeline.push({
        at: createdMs + durationDays * 0.4 * DAY_MS,
        kind: 'MILESTONE',
        details: { track: 'GUIDANCE', name: 'DRAFTING', note: null },
        actor: `ministry:${ministry}`,
      });
    }
    const due = deadlineInstant(dueDate);
    for (const days of [14, 7, 1])
      timeline.push({ at: due - days * DAY_MS, kind: 'REMINDER_SENT', details: { dueDate, offsetDays: days } });
    timeline.push({ at: due, kind: 'ESCALATED', details: { dueDate, offsetDays: 0 } });
    for (let k = 1; due + k * 7 * DAY_MS <= endMs; k++)
      timeline.push({ at: due + k * 7 * DAY_MS, kind: 'OVERDUE_REMINDER', details: { dueDate, offsetDays: -7 * k } });
    timeline.sort((a, b) => a.at - b.at);
    for (const e of timeline) {
      if (e.at >= resolvedMs) break;
      add(e.at, e.kind, e.details, e.actor);
    }
    add(
      resolvedMs,
      'TRANSITION',
      {
        from: status,
        to: 'FEASIBLE',
        reason: null,
        document: { number: `${i + 1}/SIM`, issuedOn: vietnamDate(resolvedMs) },
        dueDate: null,
      },
      `ministry:${ministry}`,
    );
  }
  return events;
}

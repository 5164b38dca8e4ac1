import { z } from 'zod';
import { CELL_STATES, CELL_TEXT_MAX, OBSTACLE_CATEGORIES } from '../domain/locality-cells';
import { ROUND_KINDS, ROUND_LEVELS, ROUND_STATUSES } from '../domain/reporting-round';
import { DELEGATION_LEVELS, TASK_STATUSES } from '../domain/task';
import { calendarDate, code, localityCode, ministryCode, requiredText, taskCode, text } from './schemas';

/** Request and response shapes of the localities × tasks matrix and the reporting rounds. */

export const roundId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'must be a round id of a-z, 0-9 and "-" (at most 60)')
  .meta({ example: 'monthly-2026-01' });
export const cellState = z.enum(CELL_STATES);
export const obstacleCategory = z.enum(OBSTACLE_CATEGORIES);

export const localityCodeParams = z.strictObject({ code });
export const cellParams = z.strictObject({ code, task: taskCode });
export const roundParams = z.strictObject({ id: roundId });

/** An OBSTACLE names its category and what blocks it; the other states carry neither category nor required text. */
export const cellEntry = z.discriminatedUnion('state', [
  z.strictObject({
    task: taskCode,
    state: z.literal('OBSTACLE'),
    category: obstacleCategory,
    text: requiredText(CELL_TEXT_MAX).meta({ description: 'what blocks it' }),
  }),
  z.strictObject({
    task: taskCode,
    state: cellState.exclude(['OBSTACLE']),
    text: text(CELL_TEXT_MAX).optional(),
  }),
]);

export const localityReportBody = z.strictObject({
  round: roundId.optional().meta({ description: 'the round this report answers; absent: every open round' }),
  cells: z.array(cellEntry).min(1).max(2000),
});

export const reportResponse = z.object({
  locality: z.string(),
  rounds: z.array(z.string()),
  changed: z.number().int(),
  unchanged: z.number().int(),
  at: z.string(),
});

const document = z.object({ number: z.string(), issuedOn: z.string(), effectiveOn: z.string().optional() });

export const cellResponse = z.object({
  task: z.string(),
  locality: z.string(),
  state: cellState,
  category: obstacleCategory.nullable(),
  text: z.string(),
  changedAt: z.string().nullable(),
  changedBy: z.string().nullable(),
  resolvedBy: document.nullable().meta({ description: 'the document that made the task FEASIBLE after this obstacle' }),
});

export const matrixQuery = z.strictObject({
  locality: localityCode.optional(),
  ministry: ministryCode.optional().meta({ description: 'lead ministry of the task' }),
  task: taskCode.optional(),
  state: cellState.optional(),
  category: obstacleCategory.optional(),
  level: z.enum(DELEGATION_LEVELS).optional(),
  sector: text(200).optional(),
  format: z.enum(['json', 'csv']).optional(),
});
export type MatrixQuery = z.infer<typeof matrixQuery>;

export const matrixResponse = z.object({ items: z.array(cellResponse), total: z.number().int() });

export const bottleneckQuery = z.strictObject({
  locality: localityCode.optional(),
  ministry: ministryCode.optional(),
  level: z.enum(DELEGATION_LEVELS).optional(),
  sector: text(200).optional(),
});

export const matrixBottlenecksResponse = z.object({
  cells: z.number().int(),
  byState: z.object({
    NOT_STARTED: z.number().int(),
    IMPLEMENTING: z.number().int(),
    WORKABLE: z.number().int(),
    OBSTACLE: z.number().int(),
  }),
  byCategory: z.array(
    z.object({
      category: obstacleCategory,
      label: z.object({ en: z.string(), vi: z.string() }),
      obstacles: z.number().int(),
      tasks: z.number().int(),
      localities: z.number().int(),
    }),
  ),
  byLocality: z.array(
    z.object({ locality: z.string(), obstacles: z.number().int(), byCategory: z.record(z.string(), z.number().int()) }),
  ),
  byMinistry: z.array(
    z.object({
      ministry: z.string(),
      obstacles: z.number().int(),
      tasks: z.number().int(),
      localities: z.number().int(),
    }),
  ),
});

export const localityStatusResponse = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.string(),
  reportedAt: z
    .string()
    .nullable()
    .meta({ description: 'when it reported in the current round (null: not in it); the dashboard counts the same' }),
  lastReportedAt: z.string().nullable(),
  currentRound: z.string().nullable(),
});

export const localityDetailResponse = z.object({
  locality: localityStatusResponse,
  cellsVisible: z.enum(['all', 'own-tasks', 'none']).meta({
    description:
      'which cells this caller may read: all, those of tasks its ministry leads or coordinates, or none (aggregates only)',
  }),
  counts: z.object({ tasks: z.number().int(), byState: matrixBottlenecksResponse.shape.byState }),
  tasks: z.array(
    z.object({
      code: z.string(),
      title: z.string().meta({ description: 'in Vietnamese' }),
      titles: z
        .object({ vi: z.string(), en: z.string().nullable() })
        .meta({ description: 'the title in Vietnamese and in English (null: none given)' }),
      sector: z.string().meta({ description: 'in Vietnamese' }),
      sectors: z
        .object({ vi: z.string(), en: z.string().nullable() })
        .meta({ description: 'the sector in Vietnamese and in English (null: none given)' }),
      level: z.enum(DELEGATION_LEVELS),
      status: z.enum(TASK_STATUSES),
      leadMinistry: z.string(),
      coordinatingMinistries: z.array(z.string()),
      dueDate: z.string().nullable(),
      cell: cellResponse.omit({ task: true, locality: true }).nullable(),
      communes: z
        .object({ communes: z.number().int(), byState: matrixBottlenecksResponse.shape.byState })
        .nullable()
        .optional()
        .meta({
          description:
            "for a commune-level task, the roll-up of the province's communes' cells (its cell at province level); null: a province-level task or communes not seeded",
        }),
    }),
  ),
  rounds: z.array(
    z.object({
      id: z.string(),
      status: z.enum(ROUND_STATUSES),
      dueDate: z.string(),
      reportedAt: z.string().nullable(),
    }),
  ),
});

export const cellHistoryResponse = z.object({
  items: z.array(
    z.object({
      seq: z.number().int(),
      at: z.string(),
      actor: z.string(),
      kind: z.string(),
      details: z.unknown(),
      prevHash: z.string(),
      hash: z.string(),
    }),
  ),
  verification: z.object({
    valid: z.boolean(),
    checked: z.number().int(),
    brokenAtSeq: z.number().int().optional(),
    reason: z.string().optional(),
  }),
});

export const roundResponse = z.object({
  id: z.string(),
  kind: z.enum(ROUND_KINDS),
  level: z.enum(ROUND_LEVELS).meta({
    description: 'who reports: the 34 provinces, or the commune-level units (reported and total count communes)',
  }),
  openedOn: z.string(),
  dueDate: z.string(),
  closesOn: z.string(),
  status: z.enum(ROUND_STATUSES),
  extensions: z.number().int(),
  closedAt: z.string().nullable(),
  closedEarly: z.boolean(),
  closeReason: z.string().nullable(),
  reported: z
    .number()
    .int()
    .meta({ description: 'localities (in a commune round: communes) that reported (frozen at close)' }),
  total: z.number().int(),
  note: z.string(),
});

export const roundDetailResponse = roundResponse.extend({
  localities: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      reportedAt: z.string().nullable(),
      lastReportAt: z.string().nullable(),
      cellsReported: z.number().int(),
    }),
  ),
  provinces: z
    .array(z.object({ locality: z.string(), reported: z.number().int(), total: z.number().int() }))
    .optional()
    .meta({ description: 'a commune round: each province, how many of its communes reported of how many asked' }),
});

export const roundListQuery = z.strictObject({ status: z.enum(ROUND_STATUSES).optional() });
export const roundListResponse = z.object({ items: z.array(roundResponse) });

export const openRoundBody = z.strictObject({
  dueDate: calendarDate,
  id: roundId.optional().meta({ description: 'default: extra-<today>-<n>' }),
  level: z
    .enum(ROUND_LEVELS)
    .optional()
    .meta({ description: 'who reports: province (default, the 34) or commune (the 3,321 commune-level units)' }),
});
export const extendRoundBody = z.strictObject({ dueDate: calendarDate, reason: requiredText(2000) });
export const closeRoundBody = z.strictObject({ reason: requiredText(2000) });
export const chaseResponse = z.object({
  round: z.string(),
  day: z.string(),
  reminded: z.array(z.string()),
  alreadyRemindedToday: z.array(z.string()),
  withoutAddress: z.array(z.string()),
});

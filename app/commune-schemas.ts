import { z } from 'zod';
import { CELL_STATES, OBSTACLE_CATEGORIES } from '../domain/locality-cells';
import { cellEntry, roundId } from './locality-schemas';
import { code, text } from './schemas';

/** Request and response shapes of the commune level (issue 26). */

export const communeCode = z
  .string()
  .regex(/^[0-9]{5}$/, 'must be an official five-digit commune code such as 00070')
  .meta({ example: '00070' });

export const communeParams = z.strictObject({ code: communeCode });
export const provinceCommunesQuery = z.strictObject({
  q: text(100)
    .optional()
    .meta({ description: 'part of the name, with or without diacritics ("hoan kiem" finds "Phường Hoàn Kiếm")' }),
});
export const provinceCodeParams = z.strictObject({ code });

/** A commune's report: all its cells at once (about 434), all or nothing. */
export const communeReportBody = z.strictObject({
  round: roundId.optional().meta({ description: 'the round this report answers (it must be open)' }),
  cells: z.array(cellEntry).min(1).max(2000),
});

const byState = z.object({
  NOT_STARTED: z.number().int(),
  IMPLEMENTING: z.number().int(),
  WORKABLE: z.number().int(),
  OBSTACLE: z.number().int(),
});

export const communeSummary = z.object({
  code: z.string(),
  locality: z.string(),
  provinceCode: z.string().meta({ description: 'official (GSO) code of the province' }),
  name: z.string().meta({ description: 'in Vietnamese, with its kind: "Phường Hoàn Kiếm"' }),
  kind: z.enum(['xa', 'phuong', 'dac-khu']),
  cells: z.number().int().meta({ description: 'its cells: the commune-level tasks of its province' }),
  byState,
  reportedAt: z.string().nullable(),
});

export const provinceCommunesResponse = z.object({
  locality: z.string(),
  seeded: z.boolean().meta({ description: 'false while the commune level is still being prepared (first start)' }),
  total: z.number().int().meta({ description: "the province's communes (before the search)" }),
  items: z.array(communeSummary),
  round: z
    .object({
      round: z.string(),
      dueDate: z.string(),
      status: z.enum(['OPEN', 'CLOSED']),
      reported: z.number().int(),
      total: z.number().int(),
      notReported: z.array(z.string()).meta({ description: 'codes of its communes that have not reported in it' }),
    })
    .nullable()
    .meta({
      description:
        "the province's communes in the latest commune-level round (open, else the latest closed): n of N reported, who has not; null: no commune round asked them",
    }),
});

export const communeReportResponse = z.object({
  commune: z.string(),
  channel: z.enum(['COMMUNE', 'ON_BEHALF', 'UPLOAD']),
  changed: z.number().int(),
  unchanged: z.number().int(),
  at: z.string(),
});

export const communeUploadResponse = z.object({
  locality: z.string(),
  communes: z.number().int(),
  rows: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  at: z.string(),
});

export const communeCellResponse = z.object({
  task: z.string(),
  title: z.string().meta({ description: 'in Vietnamese' }),
  titleEn: z.string(),
  state: z.enum(CELL_STATES),
  category: z.enum(OBSTACLE_CATEGORIES).nullable(),
  text: z.string(),
  changedAt: z.string().nullable(),
  changedBy: z.string().nullable(),
});

export const communeDetailResponse = z.object({
  commune: communeSummary,
  cellsVisible: z
    .enum(['all', 'own-tasks', 'none'])
    .meta({ description: 'which cells this caller reads: all, those of its ministry, or none (aggregates only)' }),
  cells: z.array(communeCellResponse),
  reports: z.array(
    z.object({
      seq: z.number().int(),
      at: z.string(),
      actor: z.string().meta({ description: 'who wrote (null for the public)' }).nullable(),
      channel: z.enum(['COMMUNE', 'ON_BEHALF', 'UPLOAD']),
      round: z.string().nullable(),
      changed: z.number().int(),
      hash: z.string(),
    }),
  ),
});

export const nationalRollupResponse = z.object({
  seeded: z.boolean(),
  totals: z.object({
    communes: z.number().int(),
    communesReported: z.number().int(),
    cells: z.number().int(),
    byState,
  }),
  items: z.array(
    z.object({
      locality: z.string(),
      name: z.string(),
      communes: z.number().int(),
      communesReported: z.number().int(),
      tasks: z.number().int(),
      cells: z.number().int(),
      byState,
      obstaclesByCategory: z.record(z.string(), z.number().int()),
    }),
  ),
});

export const communeCellsCsvQuery = z.strictObject({
  locality: code.optional().meta({ description: 'one province only' }),
});

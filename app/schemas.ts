import { z } from 'zod';
import { taskResponse } from '../db/tasks';
import { AGENCY_CODE, TASK_CODE } from '../domain/codes';
import { deadlineInstant, isCalendarDate, vietnamDate } from '../domain/dates';
import {
  isBlankText,
  STORABLE_TEXT_PATTERN,
  textLength,
  unstorableReason,
  VISIBLE_TEXT_PATTERN,
} from '../domain/storable-text';
import reference from '../catalog/reference.json';
import { CENTRAL_ISSUERS, DOCUMENT_KINDS, DOCUMENT_NUMBER_RE } from '../domain/legal-documents';
import { SETTLEMENT_OUTCOMES } from '../domain/settlement';
import { DELEGATION_LEVELS, MILESTONE_NAMES, REPORT_KINDS, TASK_SORTS, TASK_STATUSES } from '../domain/task';
import { STATUS_RULES, TRACK_MILESTONES, hasDueDate } from '../domain/statuses';
import { INTO_RULES, missingForInto, noDueDate, ruleInto, type IntoRule } from '../domain/transition-rules';
import { OBSTACLE_CATEGORIES } from '../domain/locality-cells';

/**
 * Request and response shapes. The routes validate with these and /openapi.json is generated
 * from the same objects, so the document cannot drift from the code.
 */

/**
 * Text PostgreSQL can store (domain/storable-text.ts): well-formed Unicode, no control characters
 * except tab and line breaks, at most `max` characters (code points, as JSON Schema counts).
 */
export const text = (max: number) =>
  z
    .string()
    .superRefine((s, ctx) => {
      const reason = unstorableReason(s);
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
      else if (textLength(s) > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` });
    })
    .meta({ maxLength: max, pattern: STORABLE_TEXT_PATTERN });
/** Text that shows something: whitespace and zero-width characters alone do not count. */
export const requiredText = (max: number) =>
  text(max)
    .refine((s) => !isBlankText(s), 'must not be empty')
    .meta({ minLength: 1, maxLength: max, pattern: VISIBLE_TEXT_PATTERN });

export const calendarDate = z
  .string()
  .refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD between 1900 and 2200')
  .meta({
    format: 'date',
    pattern: '^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
    example: '2026-12-31',
  });
export const code = z.string().regex(AGENCY_CODE, 'must be an upper-case code such as BYT').meta({ example: 'BYT' });
/** The ministries of the reference data (catalog/reference.json). */
export const ministryCode = z
  .enum(reference.ministries.map((m) => m.code) as [string, ...string[]], { error: 'must be a known ministry code' })
  .meta({ example: 'BYT' });
/** The 34 provinces and cities of the reference data. */
export const localityCode = z
  .enum(reference.localities.map((l) => l.code) as [string, ...string[]], { error: 'must be a known locality code' })
  .meta({ example: 'HNI' });
export const taskCode = z
  .string()
  .regex(TASK_CODE, 'must be a task code of A-Z, 0-9, ".", "_", "-" (at most 40)')
  .meta({ example: 'BYT-001' });
export const status = z.enum(TASK_STATUSES);
export const email = z.email().max(254);

export const focalPoint = z.strictObject({ name: requiredText(200), email });
/**
 * A document a transition cites: a registered one (its dates as registered), or one registered in the
 * same step (issuer and kind read from the symbol; the title defaults to the kind and number).
 */
export const documentRef = z.strictObject({
  number: requiredText(100).meta({ example: '15/2026/TT-BYT' }),
  issuedOn: calendarDate,
  effectiveOn: calendarDate.optional(),
  title: requiredText(1000).optional().meta({
    description: 'for a document registered by this step; defaults to its kind and number (Thông tư 15/2026/TT-BYT)',
  }),
});

export const taskCodeParams = z.strictObject({ code: taskCode });

/** JSON Schema: the lead ministry is one of them, and not among the coordinating ministries. */
const leadNotCoordinating = {
  anyOf: reference.ministries.map((m) => ({
    properties: { leadMinistry: { const: m.code }, coordinatingMinistries: { items: { not: { const: m.code } } } },
  })),
};

type Issue = { path: string; message: string };
/** Cross-field rules of a body, checked by zod (400 naming the field) and stated in the document. */
const crossField =
  <T>(rules: ((body: T) => Issue | null)[]) =>
  (body: T, ctx: z.RefinementCtx) => {
    for (const rule of rules) {
      const issue = rule(body);
      if (issue) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
    }
  };

export const createTaskBody = z
  .strictObject({
    code: taskCode,
    title: requiredText(500).meta({ description: 'in Vietnamese' }),
    sector: requiredText(200).meta({ description: 'in Vietnamese' }),
    legalBasis: text(1000)
      .default('')
      .meta({ description: 'in the Vietnamese citation form, e.g. "Điều 20 Nghị định 58/2025/NĐ-CP"' }),
    // The English renderings (optional): the task's `titles.en`, `sectors.en`, `legalBases.en`.
    titleEn: text(500).optional(),
    sectorEn: text(200).optional(),
    legalBasisEn: text(1000).optional(),
    level: z.enum(DELEGATION_LEVELS).default('province'),
    status,
    leadMinistry: ministryCode,
    // A ministry named twice coordinates once.
    coordinatingMinistries: z
      .array(ministryCode)
      .max(20)
      .default([])
      .transform((codes) => [...new Set(codes)]),
    focalPoint: focalPoint.optional(),
    dueDate: calendarDate.optional(),
  })
  .superRefine(
    crossField([
      (b) =>
        b.coordinatingMinistries.includes(b.leadMinistry)
          ? { path: 'coordinatingMinistries', message: 'must not contain the lead ministry' }
          : null,
      (b) =>
        !hasDueDate(b.status) && b.dueDate !== undefined ? { path: 'dueDate', message: noDueDate(b.status) } : null,
    ]),
  )
  .meta({
    allOf: [
      leadNotCoordinating,
      ...TASK_STATUSES.filter((s) => !hasDueDate(s)).map((s) => ({
        if: { properties: { status: { const: s } } },
        then: { not: { required: ['dueDate'] } },
      })),
    ],
  });

const visibleReason = { required: ['reason'], properties: { reason: { pattern: VISIBLE_TEXT_PATTERN } } };

/** The OpenAPI hint of one status's rule (domain/transition-rules.ts INTO_RULES), as JSON Schema. */
function intoRuleSchema(rule: IntoRule): Record<string, unknown> {
  const needs = rule.requires.map((r) => (r === 'document' ? { required: ['document'] } : visibleReason));
  const then: Record<string, unknown> = needs.length === 1 ? { ...needs[0] } : needs.length > 1 ? { anyOf: needs } : {};
  if (!rule.dueDate) then.not = { required: ['dueDate'] };
  return { if: { properties: { to: { const: rule.to } } }, then };
}

/**
 * What each target status needs whatever the current status: the edge table's rule into it
 * (domain/transition-rules.ts INTO_RULES: FEASIBLE a document and no due date, AUTHORITY_ADJUSTMENT
 * a reason, REQUIRES_GUIDANCE one of the two: which one depends on where the task is, the other
 * answers 409). The refinement and the OpenAPI hints are both built from it.
 */
export const transitionBody = z
  .strictObject({
    to: status,
    from: status.optional(),
    reason: text(2000).optional(),
    document: documentRef.optional(),
    dueDate: calendarDate.optional().meta({
      description:
        'Home Affairs only (anyone else: 403). Without it, a move between REQUIRES_GUIDANCE and AUTHORITY_ADJUSTMENT keeps the due date (the clock keeps running); a reopen of a FEASIBLE task takes the default span.',
    }),
  })
  .superRefine((b, ctx) => {
    for (const issue of missingForInto(ruleInto(b.to), b))
      ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  })
  .meta({ allOf: INTO_RULES.map(intoRuleSchema) });

export const milestoneBody = z
  .strictObject({
    name: z.enum(MILESTONE_NAMES),
    note: text(2000).optional(),
  })
  .meta({
    description: `Milestones follow the task's status: ${TASK_STATUSES.map((s) => {
      const track = STATUS_RULES[s].track;
      return track ? `in ${s} ${TRACK_MILESTONES[track].join(', ')}` : `a ${s} task has none`;
    }).join('; ')}. Another name than the status allows answers 409.`,
    'x-milestones-by-status': Object.fromEntries(
      TASK_STATUSES.map((s) => {
        const track = STATUS_RULES[s].track;
        return [s, track ? TRACK_MILESTONES[track] : []];
      }),
    ),
  });

export const assignmentBody = z
  .strictObject({
    leadMinistry: ministryCode.optional(),
    coordinatingMinistries: z.array(ministryCode).max(20).optional(),
    focalPoint: focalPoint.optional(),
    reason: text(2000).optional(),
  })
  .superRefine(
    crossField([
      (b) =>
        b.leadMinistry === undefined && b.coordinatingMinistries === undefined && b.focalPoint === undefined
          ? { path: 'leadMinistry', message: 'name at least one of leadMinistry, coordinatingMinistries, focalPoint' }
          : null,
    ]),
  )
  .meta({
    anyOf: [{ required: ['leadMinistry'] }, { required: ['coordinatingMinistries'] }, { required: ['focalPoint'] }],
    description:
      'The lead ministry cannot also coordinate: naming it among coordinatingMinistries (in this request or as the task stands) answers 409.',
  });

export const deadlineBody = z
  .strictObject({ dueDate: calendarDate, reason: requiredText(2000) })
  .meta({ description: 'A FEASIBLE task has no due date: setting one answers 409.' });

export const reportBody = z
  .strictObject({
    locality: localityCode,
    kind: z.enum(REPORT_KINDS),
    description: text(4000).default(''),
    category: z.enum(OBSTACLE_CATEGORIES).optional().meta({
      description: "an OBSTACLE's category in the locality's matrix cell (default OTHER); ignored for WORKABLE",
    }),
  })
  .superRefine(
    crossField([
      (b) =>
        b.kind === 'OBSTACLE' && isBlankText(b.description)
          ? { path: 'description', message: 'an obstacle report needs a description' }
          : null,
    ]),
  )
  .meta({
    allOf: [
      {
        if: { properties: { kind: { const: 'OBSTACLE' } } },
        then: { required: ['description'], properties: { description: { pattern: VISIBLE_TEXT_PATTERN } } },
      },
    ],
  });

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The document's spelling of asOf: a date of 2001-2099 (29 February left out), or that date with a time and its offset. */
const ASOF_DATE =
  '20(0[1-9]|[1-9][0-9])-((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))';
const ASOF_TIME = '([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,3})?)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])';

/** `asOf` as epoch ms: a date is the end of that day in Viet Nam (today: now); null when not acceptable. */
export function asOfInstant(s: string, nowMs = Date.now()): number | null {
  // A moment after now is answered as now: the figures cannot be newer than the present (and the
  // OpenAPI document cannot say "not in the future", so it is not refused).
  if (isCalendarDate(s)) {
    if (s < '2000-01-01') return null;
    return s > vietnamDate(nowMs) ? nowMs : Math.min(deadlineInstant(s) - 1, nowMs);
  }
  if (!INSTANT_RE.test(s)) return null;
  const ms = Date.parse(s);
  return Number.isNaN(ms) || ms < Date.parse('2000-01-01T00:00:00Z') ? null : Math.min(ms, nowMs);
}

/** ?asOf=: the figures as they stood at that instant, rebuilt from the audit log. */
export const asOfQuery = z
  .string()
  .max(40)
  .refine(
    (s) => asOfInstant(s) !== null,
    'must be a date YYYY-MM-DD (end of that day, Viet Nam time) or an instant with its offset, such as 2025-12-06T17:00:00Z, from 2000 (a later moment than now means now)',
  )
  .transform((s) => asOfInstant(s) as number)
  .meta({ example: '2025-12-06', pattern: `^${ASOF_DATE}(T${ASOF_TIME})?$` });

/**
 * A whole number in a query string, written in plain decimal digits (no "0x10", "1e3", " 5");
 * documented as an integer with its bounds.
 */
const queryInt = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^[0-9]{1,9}$/, 'must be a whole number in decimal digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((n) => n ?? fallback)
    .meta({ type: 'integer', minimum: min, maximum: max, default: fallback });

const booleanQuery = z.enum(['true', 'false']).transform((s) => s === 'true');

export const taskListQuery = z.strictObject({
  status: status.optional(),
  ministry: ministryCode.optional(),
  overdue: booleanQuery.optional(),
  dueBefore: calendarDate.optional(),
  locality: localityCode.optional().meta({
    description:
      'tasks that apply to this locality (with asOf too, where they apply now: applicability has no history)',
  }),
  level: z.enum(DELEGATION_LEVELS).optional().meta({
    description: 'province: tasks at province level or both; commune likewise; both: only tasks at both levels',
  }),
  sector: text(200).optional().meta({ description: 'exact sector name, case-insensitive' }),
  sort: z.enum(TASK_SORTS).default('code'),
  page: queryInt(1, 100000, 1),
  limit: queryInt(1, 500, 50),
  format: z.enum(['json', 'csv', 'xlsx']).optional(),
  bom: z
    .enum(['0', '1'])
    .optional()
    .meta({ description: 'CSV only: 1 starts the file with a UTF-8 byte-order mark, so Excel reads Vietnamese right' }),
  q: text(200).optional().meta({
    description:
      'words found (each) in the code, titles, sectors or legal bases, either language, ignoring case and Vietnamese diacritics; code matches first',
  }),
  asOf: asOfQuery.optional(),
});
export type TaskListQuery = z.infer<typeof taskListQuery>;

export const pageQuery = z.strictObject({
  page: queryInt(1, 100000, 1),
  limit: queryInt(1, 500, 100),
});

export const emptyQuery = z.strictObject({});
/** A body that holds nothing (`{}`): the same schema. */
export const emptyBody = emptyQuery;

// ---- Responses (documented; the task itself is defined beside the SQL that renders it, db/tasks.ts) ----

export { taskResponse };

export const taskListResponse = z.object({
  items: z.array(taskResponse),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});

export const historyItem = z.object({
  seq: z.number().int(),
  at: z.string().meta({ description: 'when the event was recorded (ISO instant)' }),
  effectiveAt: z.string().meta({
    description:
      'when what it says became true (ISO instant): for the first event, the baseline as assessed, the day the catalog says the task has been in its status since; for every other event the same as `at`. As-of, the trend and the forecast read this time',
  }),
  actor: z.string().optional().meta({ description: 'absent for the public token' }),
  kind: z.string(),
  details: z.record(z.string(), z.unknown()).meta({
    description:
      'for the public token, only what carries no personal data (no reasons, notes, descriptions, focal points or recipients)',
  }),
  hash: z.string(),
  prevHash: z.string(),
});
export const historyResponse = z.object({
  items: z.array(historyItem),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});
export const verifyResponse = z.object({
  valid: z.boolean(),
  checked: z.number().int(),
  brokenAtSeq: z.number().int().optional(),
  reason: z.string().optional(),
  workflowSeq: z.number().int().optional().meta({
    description:
      "the last event the task's workflow has recorded (absent when it could not be asked); a log that ends before it is not valid",
  }),
});

export const summaryResponse = z.object({
  total: z.number().int(),
  byStatus: z.record(status, z.object({ count: z.number().int(), percent: z.number() })),
  byMinistry: z.array(
    z.object({
      ministry: z.string(),
      name: z.string(),
      total: z.number().int(),
      open: z.number().int(),
      overdue: z.number().int(),
    }),
  ),
  localities: z.object({
    reported: z.number().int().meta({
      description:
        'localities that reported in the current reporting round (the latest opened); GET /api/localities lists them',
    }),
    total: z.number().int(),
  }),
  stuckTasks: z.number().int().optional().meta({
    description:
      'tasks whose latest change could not be stored and wait for an operator (README, "Stuck tasks"); now only, absent with asOf',
  }),
});

export const bottlenecksResponse = z.object({
  overdueByMinistry: z.array(
    z.object({ ministry: z.string(), overdue: z.number().int(), maxDaysOverdue: z.number().int() }),
  ),
  oldestOpen: z.array(taskResponse),
  mostObstacles: z.array(taskResponse),
  dueSoon: z.array(taskResponse),
});

export const ministryResponse = z.object({
  code: z.string(),
  name: z.string(),
  nameVi: z.string().meta({ description: 'the name in Vietnamese, as e-mails and the Vietnamese pages give it' }),
  delegates: z.boolean(),
  role: z.string().nullable(),
});
export const localityResponse = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.string(),
  reportedAt: z.string().nullable(),
});

export const problemResponse = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  errors: z
    .array(
      z.object({
        field: z.string(),
        message: z.string(),
        cell: z.object({ task: z.string(), locality: z.string() }).optional(),
        /** A document or date rule (the same rule answers the same way on every endpoint and page): EFFECTIVE_BEFORE_ISSUED, NOT_OWN_DOCUMENT, ... */
        rule: z
          .string()
          .regex(/^[A-Z][A-Z_]*$/)
          .optional(),
        /** The values the rule's message names (the registered date, the issuer, ...). */
        params: z.record(z.string(), z.string()).optional(),
      }),
    )
    .optional(),
  allowed: z.array(z.object({ from: status, to: status, requires: z.string(), label: z.string() })).optional(),
  /** The request's id (X-Request-Id), to find its log lines. */
  requestId: z.string().optional(),
  /** Why, for programs: ILLEGAL_TRANSITION, STALE_STATUS, STATE_CONFLICT, FORBIDDEN, INVALID_INPUT, TASK_STUCK, IDEMPOTENCY_KEY_IN_USE, ... */
  code: z
    .string()
    .regex(/^[A-Z][A-Z_]*$/)
    .optional(),
  /** Which dependency was unreachable (503). */
  dependency: z.string().optional(),
});

export const asOfOnlyQuery = z.strictObject({ asOf: asOfQuery.optional() });

const trendPoint = z.object({
  weekStart: z.string(),
  asOf: z.string(),
  total: z.number().int(),
  byStatus: z.record(status, z.number().int()),
  open: z.number().int(),
  overdue: z.number().int(),
});
export const trendQuery = z.strictObject({ ministry: code.optional(), format: z.enum(['json', 'csv']).optional() });
export const trendResponse = z.object({
  overall: z.array(trendPoint),
  byMinistry: z.record(z.string(), z.array(trendPoint)),
});

export const atRiskQuery = z.strictObject({
  asOf: asOfQuery.optional(),
  ministry: code.optional(),
  risk: z.enum(['high', 'medium', 'low']).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
});
export const forecastResponse = z.object({
  code: z.string(),
  title: z.string().meta({ description: 'in Vietnamese' }),
  titles: z
    .object({ vi: z.string(), en: z.string().nullable() })
    .optional()
    .meta({ description: 'the title in Vietnamese and in English (null: none given)' }),
  leadMinistry: z.string(),
  status,
  dueDate: z.string().nullable(),
  probabilityLate: z.number().min(0).max(1),
  risk: z.enum(['high', 'medium', 'low']),
  expectedResolution: z.string(),
  daysInStatus: z.number(),
  typicalDays: z.number(),
  typicalBasis: z.enum(['ministry', 'all ministries', 'default deadline']),
  reasons: z.array(
    z.object({
      code: z.enum(['ALREADY_OVERDUE', 'EXPECTED_LATENESS', 'TIME_IN_STATUS', 'NOTICES_IGNORED', 'LOCALITY_OBSTACLES']),
      weight: z.number().nullable(),
      en: z.string(),
      vi: z.string(),
    }),
  ),
});
export const atRiskResponse = z.object({ asOf: z.string(), total: z.number().int(), items: z.array(forecastResponse) });
export const overdueQuery = z.strictObject({
  asOf: asOfQuery.optional(),
  ministry: code.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
});
export const overdueResponse = z.object({
  asOf: z.string(),
  total: z.number().int(),
  items: z.array(
    z.object({
      code: z.string(),
      title: z.string().meta({ description: 'in Vietnamese' }),
      titles: z
        .object({ vi: z.string(), en: z.string().nullable() })
        .optional()
        .meta({ description: 'the title in Vietnamese and in English (null: none given)' }),
      leadMinistry: z.string(),
      status,
      dueDate: z.string(),
      daysOverdue: z.number().int(),
    }),
  ),
});
// ---- Legal documents ----

export const documentNumber = z
  .string()
  .max(100)
  .transform((s) => s.normalize('NFC'))
  .refine((s) => DOCUMENT_NUMBER_RE.test(s), 'must be in the Vietnamese form number/year/SYMBOL, e.g. 15/2026/TT-BYT')
  .meta({ example: '15/2026/TT-BYT', pattern: DOCUMENT_NUMBER_RE.source });
export const documentIssuer = z
  .union([z.enum(CENTRAL_ISSUERS), ministryCode])
  .meta({ description: 'a ministry code (BYT), or QH, UBTVQH, CP, TTg', example: 'BYT' });
const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .meta({ example: 'https://vanban.example/15-2026-TT-BYT' });

export const registerDocumentBody = z.strictObject({
  number: documentNumber,
  kind: z.enum(DOCUMENT_KINDS),
  issuer: documentIssuer,
  title: requiredText(1000),
  issuedOn: calendarDate,
  /** Defaults to the issue date. */
  effectiveOn: calendarDate.optional(),
  url: httpUrl.optional(),
  /** Tasks held up by this issuer that this document releases (besides those that named its number). */
  releases: z.array(taskCode).max(500).optional(),
});

export const documentResponse = z.object({
  number: z.string(),
  kind: z.enum(DOCUMENT_KINDS),
  issuer: z.string(),
  title: z.string(),
  issuedOn: z.string(),
  effectiveOn: z.string(),
  url: z.string().nullable(),
  registeredBy: z.string(),
  registeredAt: z.string(),
  /** At registration: the held-up tasks it releases (their lead ministries are told). */
  releasedTasks: z.array(z.string()).optional(),
});

export const documentListQuery = z.strictObject({
  q: text(200).optional().meta({ description: 'words in the number or the title' }),
  issuer: documentIssuer.optional(),
  kind: z.enum(DOCUMENT_KINDS).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const documentListResponse = z.object({
  items: z.array(documentResponse),
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
});

export const documentNumberParams = z.strictObject({ number: documentNumber });

export const settlementBody = z.strictObject({
  tasks: z
    .array(taskCode)
    .min(1)
    .max(500)
    .refine((codes) => new Set(codes).size === codes.length, 'must not name a task twice')
    .meta({ uniqueItems: true }),
});

export const settlementResponse = z.object({
  document: z.string(),
  settlement: z.string().meta({ description: 'the id of the settlement workflow' }),
  results: z.array(
    z.object({
      task: z.string(),
      outcome: z.enum(SETTLEMENT_OUTCOMES),
      status: status.nullable(),
      feasibleFrom: z.string().nullable(),
      message: z.string().nullable().meta({ description: 'why the task refused (it changed after the check)' }),
    }),
  ),
});

export const extensionRequestBody = z.strictObject({
  dueDate: calendarDate,
  reason: requiredText(2000),
});

export const extensionDecisionBody = z
  .strictObject({
    approve: z.boolean(),
    /** Required to refuse. */
    reason: text(2000).optional(),
  })
  .superRefine(
    crossField([
      (b) =>
        !b.approve && (b.reason === undefined || isBlankText(b.reason))
          ? { path: 'reason', message: 'a refusal needs a reason' }
          : null,
    ]),
  )
  .meta({
    allOf: [
      {
        if: { properties: { approve: { const: false } } },
        then: { required: ['reason'], properties: { reason: { pattern: VISIBLE_TEXT_PATTERN } } },
      },
    ],
  });

export const holdUpBody = z.strictObject({
  ministry: ministryCode.meta({ description: 'the ministry that owns the awaited document (not the lead: 409)' }),
  description: requiredText(500).meta({ example: 'the decree amending Decree 115/2020/NĐ-CP' }),
  documentNumber: documentNumber.optional(),
});

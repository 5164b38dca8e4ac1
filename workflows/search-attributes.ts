import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes kept current by every task workflow, so operators can filter in the
 * Temporal UI/CLI too, e.g. `temporal workflow list --query "TaskStatus='REQUIRES_GUIDANCE'"`.
 * The dev server registers them at start (embedded/temporal-dev-server.ts); on a cluster, register
 * them once with `temporal operator search-attribute create`.
 */
export const TaskStatusKey = defineSearchAttributeKey('TaskStatus', SearchAttributeType.KEYWORD);
export const LeadMinistryKey = defineSearchAttributeKey('LeadMinistry', SearchAttributeType.KEYWORD);
export const DueDateKey = defineSearchAttributeKey('DueDate', SearchAttributeType.DATETIME);

/** Names and CLI type names, for registering them. */
export const SEARCH_ATTRIBUTE_TYPES = {
  TaskStatus: 'Keyword',
  LeadMinistry: 'Keyword',
  DueDate: 'Datetime',
} as const;
